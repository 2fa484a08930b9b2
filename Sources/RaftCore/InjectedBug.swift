/// Known bugs the simulator injects to prove its checkers can fail. Each names the checker that
/// must catch it in `RaftSim`. Only a `BugInjection` passed to `RawNode.init` switches one on.
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
    /// Campaign under a membership with committed configuration changes not yet applied, and on
    /// restart trust only the hard state's commit index (`ConfigChange`, rule 3, switched off).
    case staleConfigCampaign = "stale-config-campaign"
    /// Serve ReadIndex before this leader has committed an entry of its term (it may not know
    /// the commit index yet).
    case readIndexWithoutTermGuard = "read-index-without-term-guard"
    /// Serve lease reads for as long as this node believes it leads, with no expiry.
    case leaseWithoutExpiry = "lease-without-expiry"
    /// Append a configuration change before the previous one is applied.
    case skipPendingConfigGate = "skip-pending-config-gate"
}

/// How the core asks whether a known bug is switched on. Production passes `NoInjectedBugs`
/// (`RawNode.init`'s default), whose answer is always `false`; only the simulator supplies a
/// conformance that says yes. The hooks are fixed when the node is made, so nothing switches a
/// bug on in a running node, and one release build serves both `roostd` and `roost-sim`.
public protocol BugInjection: Sendable {
    func isInjected(_ bug: InjectedBug) -> Bool
}

/// The production hooks: no bug is ever injected.
public struct NoInjectedBugs: BugInjection {
    public init() {}
    @inline(__always) public func isInjected(_ bug: InjectedBug) -> Bool { false }
}
