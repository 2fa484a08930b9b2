/// One entry of the replicated log: its position, the Raft term that created it, and an opaque
/// payload (an encoded, versioned `Command` once the daemon proposes one).
public struct LogEntry: Sendable, Hashable {
    /// Position in the log, starting at 1; consecutive entries have consecutive indexes.
    public var index: UInt64
    /// Raft term of the leader that appended the entry (a single-member log uses one term).
    public var term: UInt64
    /// The bytes to replicate; the log never looks inside them.
    public var payload: [UInt8]

    public init(index: UInt64, term: UInt64, payload: [UInt8]) {
        self.index = index
        self.term = term
        self.payload = payload
    }
}
