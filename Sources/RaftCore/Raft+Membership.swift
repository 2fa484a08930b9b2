/// Applying committed membership changes. A change takes effect when the application has
/// applied its entry (`RawNode.advance`); a leader that removed itself steps down then.
extension Raft {
    mutating func applyConfigChange(_ entry: Entry) {
        guard let change = ConfigChange(encoded: entry.data), let updated = try? membership.applying(change) else {
            return  // A refused change was turned into an empty entry, or is invalid: no effect.
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

/// Known bugs the simulator injects to prove its checkers can fail. Never enabled outside tests.
public enum InjectedBug: String, Sendable, Hashable, CaseIterable {
    /// Commit an entry of a previous term by counting replicas (Figure 8).
    case commitPreviousTermByCounting = "commit-previous-term"
    /// Grant more than one vote in a term.
    case grantTwoVotesPerTerm = "double-vote"
    /// Accept appends without checking the previous entry (log matching).
    case skipLogMatchingCheck = "skip-log-matching"
    /// Send messages before persisting the vote (enforced by the driver, not the core).
    case acknowledgeBeforePersist = "ack-before-persist"
    /// Apply entries that are not committed (enforced by the driver, not the core).
    case applyUncommitted = "apply-uncommitted"
}
