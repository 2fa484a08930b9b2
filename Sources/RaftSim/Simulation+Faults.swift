import RaftCore

/// Fault injection (partitions, crashes, membership changes, leadership transfers), the end of
/// faults, and the final liveness and linearizability checks.
extension Simulation {
    func handleOther(_ event: SimEvent) {
        switch event {
        case .clientIssue(let client): issue(client)
        case .clientRequest(let id, let key, let readIndex):
            if deferIfPaused(id, event) {
                giveUpSoon(key)
            } else {
                receiveRequest(key, at: id, useReadIndex: readIndex)
            }
        case .clientReply(let key, let reply): receiveReply(key, reply)
        case .clientTimeout(let key): timeout(key)
        case .crash: crashSomeNode()
        case .crashNode(let id, let incarnation):
            if let node = node(id), node.incarnation == incarnation, node.isUp, faultsActive, canCrashAnother {
                crash(node)
            }
        case .powerLoss: powerLoss()
        case .isolate(let id, let incarnation):
            if let node = node(id), node.incarnation == incarnation, node.isUp, faultsActive { isolate(id) }
        case .endIsolation(let generation): endIsolation(generation)
        case .pause: pauseSomeNode()
        case .thaw(let id, let incarnation):
            if let node = node(id), node.incarnation == incarnation { thaw(node) }
        case .restart(let id): restart(id)
        case .partition: partition()
        case .heal: heal()
        case .membership: changeMembership()
        case .transfer: transferLeadership()
        case .retire(let id): retire(id)
        case .faultsEnd: endFaults()
        case .endSplit(let generation): endSplit(generation)
        default: break
        }
    }

    /// The leader an operator or client reaches: up, not paused, highest term.
    var leaderNode: SimNode? {
        nodes.filter { $0.isRunning && $0.raw!.role == .leader }.max { $0.raw!.term < $1.raw!.term }
    }

    /// A stop-the-world pause longer than an election timeout, usually of the leader: the node
    /// processes nothing (its messages, fsyncs and clients wait; its ticks are missed) and then
    /// resumes with its old view. Its driver then delivers the ticks it missed before anything
    /// else (`RaftConfig.leaseReads` relies on that), as a driver ticking from a monotonic clock
    /// does.
    func pauseSomeNode() {
        guard faultsActive else { return }
        defer { queue.schedule(at: now + gap(mean: rates.pauseGap), .pause) }
        let running = nodes.filter(\.isRunning)
        guard !running.isEmpty else { return }
        if rates.pauseAfterQuorumCheck > 0 && chance(rates.pauseAfterQuorumCheck) {
            // Aimed: the leader's next ticks fire it (`maybePauseAfterQuorumCheck`).
            trace.add(22)
            pauseArmed = true
            return
        }
        let victim =
            if let leader = leaderNode, chance(0.7) { leader } else {
                running[Int(random.uniform(UInt64(running.count)))]
            }
        pause(victim)
    }

    /// Stops the world on `victim` for `pauseLength` (maybe cutting it off from its peers too).
    func pause(_ victim: SimNode, length: UInt64? = nil) {
        trace.add(18)
        trace.add(victim.id)
        pauses += 1
        victim.pausedUntil = now + (length ?? uniform(rates.pauseLength))
        queue.schedule(at: victim.pausedUntil, .thaw(victim.id, victim.incarnation))
        // In a fixed order (a Set's order varies by process): the timeouts share one instant.
        for key in victim.waiting.sorted() {
            giveUpSoon(key)
        }
        if options.networkFaults && chance(rates.pauseIsolation) {
            // Its own cut, apart from the targeted isolations (neither ends the other).
            pauseCuts += 1
            cutUntil[victim.id] = victim.pausedUntil + uniform(1...max(1, rates.pauseReconnectMax))
        }
    }

    func thaw(_ node: SimNode) {
        guard node.isUp, node.pausedUntil > 0 else { return }
        trace.add(19)
        trace.add(node.id)
        node.pausedUntil = 0
        let missed = node.missedTicks
        node.missedTicks = 0
        for _ in 0..<missed { node.raw!.tick() }
        // Then what arrived while it was frozen, in arrival order (all at this instant).
        for event in deferred.removeValue(forKey: node.id) ?? [] { queue.schedule(at: now, event) }
        drive(node)
    }

    /// Holds an event for a paused node until it resumes: even one due at the very instant of
    /// its thaw but ordered before it, which must not reach the node before its missed ticks.
    func deferIfPaused(_ id: NodeID, _ event: SimEvent) -> Bool {
        guard let node = node(id), node.isUp, node.pausedUntil != 0 else { return false }
        deferred[id, default: []].append(event)
        return true
    }

    /// At most a minority is down at once (two of three in a three-node cluster).
    var canCrashAnother: Bool {
        nodes.filter { !$0.isUp }.count < (nodes.count - 1) / 2 + (nodes.count == 3 ? 1 : 0)
    }

    func crashSomeNode() {
        guard faultsActive else { return }
        defer { queue.schedule(at: now + gap(mean: rates.crashGap), .crash) }
        guard canCrashAnother else { return }
        let candidates = nodes.filter(\.isUp)
        guard !candidates.isEmpty else { return }
        crash(candidates[Int(random.uniform(UInt64(candidates.count)))])
    }

    /// Power loss on one node: it keeps what it synced (a torn write keeps a random prefix of
    /// the rest too) and restarts within `restartWithin`, or after a quick or a slow delay.
    func crash(_ victim: SimNode, restartWithin: ClosedRange<UInt64>? = nil) {
        let kept = chance(rates.tornWrite) ? Int(random.uniform(UInt64(victim.disk.pendingCount + 1))) : 0
        trace.add(7)
        trace.add(victim.id)
        trace.add(UInt64(kept))
        victim.crash(keepingPrefixOf: kept)
        cutUntil[victim.id] = nil  // A pause's cut ends with the process.
        deferred[victim.id] = nil  // So does what waited for it to resume.
        let delay =
            if let restartWithin { uniform(restartWithin) } else {
                chance(rates.quickRestart) ? uniform(1...20) : uniform(100...rates.restartDelayMax)
            }
        queue.schedule(at: now + delay, .restart(victim.id))
    }

    /// The whole cluster loses power at once (every node keeps only what it synced, maybe a
    /// torn prefix more) and comes back within `powerLossRestartMax`.
    func powerLoss() {
        guard faultsActive else { return }
        queue.schedule(at: now + gap(mean: rates.powerLossGap), .powerLoss)
        trace.add(14)
        for victim in nodes where victim.isUp { crash(victim, restartWithin: 1...rates.powerLossRestartMax) }
    }

    /// Cuts a node off from everyone (a leader at a chosen moment), on top of any partition.
    /// It replaces an earlier isolation: the node cut off before is back (the Figure 8
    /// sequence needs exactly that: the previous leader returns as the next one is cut off).
    func isolate(_ id: NodeID) {
        trace.add(15)
        trace.add(id)
        isolations += 1
        isolation = (id, isolations)
        queue.schedule(at: now + gap(mean: rates.partitionLength), .endIsolation(isolations))
    }

    /// With the given probability (network faults on, faults still active), cuts `node` off
    /// within `delay`: the targeted isolations at a leader's election, first proposal and first
    /// commit.
    func maybeIsolate(_ node: SimNode, chance probability: Double, within delay: ClosedRange<UInt64>) {
        guard options.networkFaults && faultsActive && chance(probability) else { return }
        queue.schedule(at: now + uniform(delay), .isolate(node.id, node.incarnation))
    }

    /// Ends an isolation unless a newer one replaced it.
    func endIsolation(_ generation: UInt64) {
        guard isolation?.generation == generation else { return }
        trace.add(16)
        isolation = nil
    }

    /// Whether the network carries nothing from `sender` to `receiver` now.
    func isCut(_ sender: NodeID, _ receiver: NodeID) -> Bool {
        if let isolated = isolation?.node, isolated == sender || isolated == receiver { return true }
        if (cutUntil[sender] ?? 0) > now || (cutUntil[receiver] ?? 0) > now { return true }
        let link = Link(from: sender, to: receiver)
        return partitionCut.contains(link) || splitCut.contains(link)
    }

    func restart(_ id: NodeID) {
        guard let node = node(id), !node.isUp else { return }
        trace.add(8)
        trace.add(id)
        do {
            try node.restart()
        } catch {
            failure = "node \(id) failed to restart: \(error)"
            return
        }
        scheduleFirstTick(node)
        maybeSplitAlongStaleMembership(node)
        noteReapplyBacklog(node)
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
        partitionCut = cut
        queue.schedule(at: now + gap(mean: rates.partitionLength), .heal)
    }

    static func both(_ a: NodeID, _ b: NodeID) -> Set<Link> { [Link(from: a, to: b), Link(from: b, to: a)] }

    func heal() {
        trace.add(10)
        partitionCut = []
        if faultsActive { queue.schedule(at: now + gap(mean: rates.partitionGap), .partition) }
    }

    func transferLeadership() {
        guard faultsActive else { return }
        defer { queue.schedule(at: now + gap(mean: rates.transferGap), .transfer) }
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
        partitionCut = []
        splitCut = []
        isolation = nil
        cutUntil = [:]
        trace.add(13)
        // Thawed at once, with what they missed (a thaw event already queued finds them running).
        for node in nodes where node.pausedUntil != 0 { thaw(node) }
        for node in nodes where node.isUp { noteReapplyBacklog(node) }
        for node in nodes where !node.isUp { queue.schedule(at: now + uniform(1...100), .restart(node.id)) }
    }

    /// Allows, in the liveness bound, for a node's re-apply of its committed log (after a
    /// restart, from its snapshot): it may not campaign before it applied every committed
    /// configuration change (`ConfigChange`, rule 3), so a group that lost a majority waits that
    /// long for a leader. Measured per node when the faults stop and at each restart after, at
    /// the worst cost per entry (an fsync, the Ready's own cost, the apply).
    func noteReapplyBacklog(_ node: SimNode) {
        guard !faultsActive, let raw = node.raw else { return }
        // Everything any node holds may still have to reach and be applied here (a follower
        // back from a minority side, a learner joining): an upper bound on this node's work.
        let newest = nodes.compactMap { $0.raw?.lastIndex }.max() ?? 0
        let backlog = newest > raw.appliedIndex ? newest - raw.appliedIndex : 0
        let perEntry = max(rates.fsyncFast.upperBound, rates.readyCost.upperBound) + rates.applyCostPerEntry.upperBound
        reapplyAllowance = max(reapplyAllowance, backlog * perEntry)
    }

    /// After faults stop, a leader must emerge and every client must finish an operation it
    /// started after the faults ended, within `settleTime`. (Operations issued more than
    /// `recoveryBound` after the faults must each finish within `clientTimeout`: checked as
    /// they time out.)
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
        case .unknown(let reason):
            // Undecided is not a pass: the history may hide a violation. Raise the checker's
            // budget or make it smarter, but do not let such a seed through.
            linearizabilityUnknown = true
            failure = "linearizability undecided within the checker's step budget: \(reason)"
        case .notLinearizable(let key, let explanation):
            failure = "linearizability: key \(key): \(explanation)"
        }
    }
}
