import ClusterDB
import RoostAPI

/// The one way state changes: propose a command, get its applied or rejected result.
///
/// Today a single-member durable log stands behind it (`SingleMemberNode`); the clustering work
/// puts Raft behind the same protocol without changing any caller.
///
/// Outcomes of `propose`:
/// - returns `.applied(change)`: the command is committed and applied to the local database;
/// - returns `.rejected(error)`: committed, and apply decided it has no effect (name taken,
///   ETag mismatch) — a retry with the same request id returns the same rejection;
/// - throws `RoostError(.outcomeUnknown)`: the command may or may not be committed (lost
///   leadership, failed fsync); the client gets 503 and may retry with the same request id;
/// - throws `RoostError(.unavailable)`: it was not proposed at all (queue full, node stopped).
public protocol StatePath: Sendable {
    func propose(_ command: Command) async throws(RoostError) -> CommandResult

    /// Returns once the local database reflects every change committed before the call
    /// (a no-op with one member; ReadIndex with Raft). Every API read goes through it.
    func readBarrier() async throws(RoostError)

    /// Registers the observer of committed entries. Contract: called once per applied entry, in
    /// log order, after its transaction has committed and before `propose` returns to the
    /// proposer. Never called for entries replayed at start-up (the reconciler converges from
    /// the database itself then).
    func setCommitObserver(_ observer: @escaping @Sendable (CommittedEntry) -> Void) async

    /// Yields once if the path halts (a failed fsync, an apply that threw), then finishes; it
    /// also finishes, without yielding, when the path is closed. Crash-only contract: the owner
    /// then exits the process with a failure status, and its supervisor restarts it.
    var halts: AsyncStream<RoostError> { get }

    /// Why the path halted, if it did; read after shutting down, so a halt that happened while
    /// in-flight requests drained still ends the process with a failure status.
    var haltReason: RoostError? { get }
}

/// One committed and applied log entry, as observers see it.
public struct CommittedEntry: Sendable {
    public var index: UInt64
    public var command: Command
    public var result: CommandResult
    /// A retried request id: the first result is returned, nothing changed, no events follow.
    public var isDuplicate: Bool

    public init(index: UInt64, command: Command, result: CommandResult, isDuplicate: Bool = false) {
        self.index = index
        self.command = command
        self.result = result
        self.isDuplicate = isDuplicate
    }
}
