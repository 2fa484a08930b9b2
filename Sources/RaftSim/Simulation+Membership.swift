import RaftCore

/// Membership changes during faults, one at a time through the leader: demote a voter, promote
/// a learner, remove a member (the leader included), and replace a removed member by a brand-new
/// node with a new id that joins with an empty disk and catches up from a snapshot. Ids are never
/// reused: a removed node that came back under its old id with an empty disk could vote twice in
/// a term it already voted in.
extension Simulation {
    func changeMembership() {
        guard faultsActive else { return }
        defer { queue.schedule(at: now + gap(mean: rates.membershipGap), .membership) }
        guard let leader = leaderNode else { return }
        // Back to back only in the mode of the bug that skips the pending-change gate (the
        // correct core refuses the second change and reports it refused).
        var membership = leader.raw!.membership
        for _ in 0..<(options.modeBugs.contains(.skipPendingConfigGate) ? 2 : 1) {
            guard let change = nextChange(leader, membership) else { break }
            trace.add(11)
            trace.add(change.encoded.reduce(0) { $0 &* 31 &+ UInt64($1) })
            leader.raw!.proposeConfigChange(change)
            membership = (try? membership.applying(change)) ?? membership
        }
        drive(leader)
    }

    /// What the leader proposes next: a waiting joiner is added as a learner (once the leader has
    /// compacted, so it joins from a snapshot as a real new member would), a learner is promoted
    /// or removed, otherwise a voter is demoted or removed while enough voters remain.
    func nextChange(_ leader: SimNode, _ membership: Membership) -> ConfigChange? {
        if let joiner = nodes.first(where: { !membership.contains($0.id) && !retiring.contains($0.id) }) {
            return leader.raw!.firstIndex > 1 ? .addLearner(joiner.id) : nil
        }
        if let learner = membership.learners.first {
            return chance(0.75) ? .promote(learner) : .remove(learner)
        }
        guard membership.voters.count > 3 || (nodes.count == 3 && membership.voters.count == 3 && chance(0.5)) else {
            return nil
        }
        let voter = membership.voters[Int(random.uniform(UInt64(membership.voters.count)))]
        if chance(0.5) { return .remove(voter) }
        return voter == leader.id ? nil : .demote(voter)
    }

    /// The removal of `id` committed: its operator shuts it down later (until then it may
    /// still campaign or answer; the others must not be disturbed by it). Usually within
    /// 1.5 s; sometimes it keeps running for many seconds, across further changes.
    func scheduleRetirement(of id: NodeID) {
        guard node(id) != nil, retiring.insert(id).inserted else { return }
        let delay = chance(rates.lingeringRemoval) ? uniform(1_500...10_000) : uniform(0...1_500)
        queue.schedule(at: now + delay, .retire(id))
    }

    /// Shuts a removed node down for good and puts a brand-new node (new id, empty disk, the
    /// bootstrap membership, as a real joiner's empty log starts with) in its slot, to be added
    /// by a later change.
    func retire(_ id: NodeID) {
        guard let slot = nodes.firstIndex(where: { $0.id == id }) else { return }
        trace.add(17)
        trace.add(id)
        let old = nodes[slot]
        old.crash(keepingPrefixOf: 0)
        byID[id] = nil
        deferred[id] = nil
        cutUntil[id] = nil
        retiring.remove(id)
        retired += 1
        let fresh: SimNode
        do {
            fresh = try makeNode(id: nextID, membership: bootstrap)
        } catch {
            failure = "node \(nextID) failed to start: \(error)"
            return
        }
        nextID += 1
        nodes[slot] = fresh
        scheduleFirstTick(fresh)
    }
}
