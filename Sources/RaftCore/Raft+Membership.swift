/// Applying committed membership changes. A change takes effect when the application has
/// applied its entry (`RawNode.advance`); a leader that removed itself steps down then.
extension Raft {
    mutating func applyConfigChange(_ entry: Entry) {
        // A snapshot installed after this entry was handed out (between `ready` and `advance`)
        // already holds its effect: applying it again would diverge or fail.
        guard entry.index > membershipIndex else { return }
        membershipIndex = entry.index
        // A refused change was turned into an empty normal entry before it was appended, so a
        // committed change that does not apply means this node's membership diverged from the
        // leader's (storage's `initialState` must give the membership as of `firstIndex - 1`).
        guard let change = ConfigChange(encoded: entry.data) else { preconditionFailure("malformed change \(entry)") }
        let updated: Membership
        do {
            updated = try membership.applying(change)
        } catch {
            // Only the injected skip-pending-config-gate bug appends changes that need not apply.
            precondition(bugs.isInjected(.skipPendingConfigGate), "committed \(change) does not apply to \(membership)")
            return
        }
        membership = updated
        for member in membership.all where progress[member] == nil {
            progress[member] = Progress(next: log.lastIndex + 1, isLearner: membership.isLearner(member))
        }
        for member in progress.keys.sorted() where !membership.contains(member) {
            progress.removeValue(forKey: member)
        }
        for member in membership.all { progress[member]?.isLearner = membership.isLearner(member) }
        guard role == .leader else { return }
        if !membership.isVoter(id) {
            // Removed or demoted: stop leading once the change is committed and applied.
            becomeFollower(term: term, leader: noNode)
            return
        }
        if leadTransferee != noNode && !membership.isVoter(leadTransferee) { leadTransferee = noNode }
        // The quorum may have shrunk (entries may now be committable), and new members need
        // the log: replicate at once rather than at the next heartbeat.
        maybeCommit()
        broadcastAppend()
    }
}
