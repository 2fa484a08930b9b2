import RaftCore

/// Fault injection (partitions, crashes, membership changes, leadership transfers), the end of
/// faults, and the final liveness and linearizability checks.
extension Simulation {
    func handleOther(_ event: SimEvent) {
        switch event {
        case .clientIssue(let client): issue(client)
        case .clientRequest(let id, let key, let readIndex): receiveRequest(key, at: id, useReadIndex: readIndex)
        case .clientReply(let key, let reply): receiveReply(key, reply)
        case .clientTimeout(let key): timeout(key)
        case .crash: crashSomeNode()
        case .crashNode(let id, let incarnation):
            if node(id).incarnation == incarnation, node(id).isUp, faultsActive, canCrashAnother { crash(node(id)) }
        case .restart(let id): restart(id)
        case .partition: partition()
        case .heal: heal()
        case .membership: changeMembership()
        case .transfer: transferLeadership()
        case .faultsEnd: endFaults()
        default: break
        }
    }

    var leaderNode: SimNode? {
        nodes.filter { $0.isUp && $0.raw!.role == .leader }.max { $0.raw!.term < $1.raw!.term }
    }

    /// At most a minority is down at once (two of three in a three-node cluster).
    var canCrashAnother: Bool {
        nodes.filter { !$0.isUp }.count < (nodes.count - 1) / 2 + (nodes.count == 3 ? 1 : 0)
    }

    func crashSomeNode() {
        guard faultsActive else { return }
        defer { queue.schedule(at: now + gap(mean: options.rates.crashGap), .crash) }
        guard canCrashAnother else { return }
        let candidates = nodes.filter(\.isUp)
        guard !candidates.isEmpty else { return }
        crash(candidates[Int(random.uniform(UInt64(candidates.count)))])
    }

    func crash(_ victim: SimNode) {
        let kept = chance(options.rates.tornWrite) ? Int(random.uniform(UInt64(victim.disk.pendingCount + 1))) : 0
        trace.add(7)
        trace.add(victim.id)
        trace.add(UInt64(kept))
        victim.crash(keepingPrefixOf: kept)
        let delay = chance(options.rates.quickRestart) ? uniform(1...20) : uniform(100...options.rates.restartDelayMax)
        queue.schedule(at: now + delay, .restart(victim.id))
    }

    func restart(_ id: NodeID) {
        let node = node(id)
        guard !node.isUp else { return }
        trace.add(8)
        trace.add(id)
        do {
            try node.restart()
            var raw = node.raw
            raw?.injectBugs(
                options.bugs.intersection([.commitPreviousTermByCounting, .grantTwoVotesPerTerm, .skipLogMatchingCheck])
            )
            node.raw = raw
        } catch {
            failure = "node \(id) failed to restart: \(error)"
            return
        }
        queue.schedule(at: now + uniform(1...options.rates.tickInterval), .tick(id, node.incarnation))
    }

    /// Random halves, an isolated leader, a one-way link, or a bridge node that sees both halves.
    func partition() {
        guard faultsActive else { return }
        let ids = nodes.map(\.id)
        var cut: Set<Link> = []
        switch random.uniform(4) {
        case 0:
            let side = Set(ids.filter { _ in chance(0.5) })
            for a in ids where side.contains(a) {
                for b in ids where !side.contains(b) { cut.formUnion(Self.both(a, b)) }
            }
        case 1:
            let leader = leaderNode?.id ?? ids[Int(random.uniform(UInt64(ids.count)))]
            for other in ids where other != leader { cut.formUnion(Self.both(leader, other)) }
        case 2:
            let a = ids[Int(random.uniform(UInt64(ids.count)))]
            let b = ids[Int(random.uniform(UInt64(ids.count)))]
            if a != b { cut.insert(Link(from: a, to: b)) }
        default:
            let bridge = ids[Int(random.uniform(UInt64(ids.count)))]
            let rest = ids.filter { $0 != bridge }
            let half = Set(rest.prefix(rest.count / 2))
            for a in rest where half.contains(a) {
                for b in rest where !half.contains(b) { cut.formUnion(Self.both(a, b)) }
            }
        }
        trace.add(9)
        trace.add(UInt64(cut.count))
        blocked = cut
        queue.schedule(at: now + gap(mean: options.rates.partitionLength), .heal)
    }

    static func both(_ a: NodeID, _ b: NodeID) -> Set<Link> { [Link(from: a, to: b), Link(from: b, to: a)] }

    func heal() {
        trace.add(10)
        blocked = []
        if faultsActive { queue.schedule(at: now + gap(mean: options.rates.partitionGap), .partition) }
    }

    /// Demote a follower, or promote a learner back, through the leader (one change at a time).
    func changeMembership() {
        guard faultsActive else { return }
        defer { queue.schedule(at: now + gap(mean: options.rates.membershipGap), .membership) }
        guard let leader = leaderNode else { return }
        let membership = leader.raw!.membership
        let change: ConfigChange
        if let learner = membership.learners.first {
            change = .promote(learner)
        } else {
            let followers = membership.voters.filter { $0 != leader.id }
            guard membership.voters.count > 3 || (nodes.count == 3 && chance(0.5)), !followers.isEmpty else { return }
            change = .demote(followers[Int(random.uniform(UInt64(followers.count)))])
        }
        trace.add(11)
        trace.add(change.encoded.reduce(0) { $0 &* 31 &+ UInt64($1) })
        leader.raw!.proposeConfigChange(change)
        drive(leader)
    }

    func transferLeadership() {
        guard faultsActive else { return }
        defer { queue.schedule(at: now + gap(mean: options.rates.transferGap), .transfer) }
        guard let leader = leaderNode else { return }
        let others = leader.raw!.membership.voters.filter { $0 != leader.id }
        guard !others.isEmpty else { return }
        let target = others[Int(random.uniform(UInt64(others.count)))]
        trace.add(12)
        trace.add(target)
        leader.raw!.transferLeadership(to: target)
        drive(leader)
    }

    /// Faults stop: the network heals, crashed nodes come back, learners are promoted again.
    func endFaults() {
        faultsActive = false
        blocked = []
        trace.add(13)
        for node in nodes where !node.isUp { queue.schedule(at: now + uniform(1...100), .restart(node.id)) }
    }

    /// After faults stop, a leader must emerge and every client must finish an operation it
    /// started after the faults ended, within `settleTime`.
    func checkLiveness() {
        guard leaderNode != nil else {
            failure = "liveness: no leader \(options.settleTime) ms after the faults stopped"
            return
        }
        for (index, client) in clients.enumerated() where client.completedAfterFaults == 0 {
            failure = "liveness: client \(index) completed no operation after the faults stopped"
            return
        }
    }

    func checkLinearizability() {
        switch LinearizabilityChecker().check(history) {
        case .linearizable: break
        case .unknown: linearizabilityUnknown = true
        case .notLinearizable(let key, let explanation):
            failure = "linearizability: key \(key): \(explanation)"
        }
    }
}
