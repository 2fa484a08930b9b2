import RaftCore

/// Faults aimed at the narrow windows some bugs need, in the shapes `FaultRates` describes
/// (`aimAtLeaseExpiry`, `aimAtStaleMembership`): random timing alone almost never opens them.
/// The correct core runs under them too (in a share of every sweep's seeds) and must pass.
extension Simulation {
    /// Called after each tick of a running node: fires an armed pause on a leader a few ticks
    /// after its quorum check passed (acknowledgements have arrived since), lasting until just
    /// before its next-but-one check. The lease has long expired at the thaw, the next check
    /// passes on the acknowledgements from before the pause, and the one after it comes last:
    /// the most time for a successor to take writes while the old leader still leads.
    func maybePauseAfterQuorumCheck(_ node: SimNode) {
        guard pauseArmed, faultsActive, node.isRunning, let raw = node.raw, raw.role == .leader else { return }
        let elapsed = UInt64(raw.electionElapsed)
        guard elapsed >= Self.aimedPauseTicks.lowerBound, elapsed <= Self.aimedPauseTicks.upperBound else { return }
        pauseArmed = false
        let ticks = UInt64(baseConfig.electionTicks)
        // Ends a jittered tick plus a margin before the check after next; starts up to two ticks earlier.
        precondition(rates.tickJitter + Self.aimedPauseMargin < rates.tickInterval, "tick jitter too large for the aim")
        let end = (2 * ticks - elapsed) * rates.tickInterval - rates.tickJitter - Self.aimedPauseMargin
        pause(node, length: uniform((end - Self.aimedPauseSpreadTicks * rates.tickInterval)...end))
    }

    /// Ticks after a quorum check at which an armed pause fires (acknowledgements have arrived).
    static let aimedPauseTicks: ClosedRange<UInt64> = 2...4
    /// Milliseconds before the jittered tick of the check after next at which the pause ends.
    static let aimedPauseMargin: UInt64 = 2
    /// How many ticks earlier than that the pause may end.
    static let aimedPauseSpreadTicks: UInt64 = 2

    /// The split that a campaign under a stale membership needs: a node restarts holding
    /// configuration changes in its log that it has not applied yet (it re-applies its log from
    /// its snapshot), and the network splits it, with enough voters of the membership its
    /// snapshot holds, from the leader and a quorum of the current voters. A node that
    /// campaigned before applying the changes could win on that stale quorum while the leader
    /// commits on the current one; the campaign gate and the restart rule (`ConfigChange`,
    /// rule 3) forbid it. The split lasts about `partitionLength`; a restart during it does not
    /// replace it.
    func maybeSplitAlongStaleMembership(_ node: SimNode) {
        guard rates.splitAtStaleRestart > 0, splitCut.isEmpty, options.networkFaults, faultsActive,
            chance(rates.splitAtStaleRestart), let leader = leaderNode, leader.id != node.id
        else { return }
        let stale = node.raw!.membership
        let current = leader.raw!.membership
        guard stale.isVoter(node.id), stale.voters != current.voters else { return }
        let running = Set(nodes.filter(\.isRunning).map(\.id))
        // On the node's side: the stale voters the current membership dropped first.
        let others = stale.voters.filter { $0 != node.id && $0 != leader.id && running.contains($0) }
            .sorted { (current.isVoter($0) ? 1 : 0, $0) < (current.isVoter($1) ? 1 : 0, $1) }
        let side = Set([node.id] + others.prefix(stale.quorum - 1))
        let rest = current.voters.filter { !side.contains($0) && running.contains($0) }
        guard side.count == stale.quorum, rest.count >= current.quorum else { return }
        trace.add(20)
        trace.add(UInt64(side.count))
        splits += 1
        trace.add(UInt64(splits))
        var cut: Set<Link> = []
        for a in nodes.map(\.id) where side.contains(a) {
            for b in nodes.map(\.id) where !side.contains(b) { cut.formUnion(Self.both(a, b)) }
        }
        splitCut = cut
        queue.schedule(at: now + gap(mean: rates.partitionLength), .endSplit(splits))
    }

    /// Ends a split unless a newer one replaced it.
    func endSplit(_ generation: Int) {
        guard generation == splits else { return }
        trace.add(21)
        trace.add(UInt64(generation))
        splitCut = []
    }
}
