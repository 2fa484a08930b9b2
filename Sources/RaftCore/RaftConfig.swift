/// Settings of one Raft node, validated at construction. Every limit is named `…Max`.
public struct RaftConfig: Sendable, Hashable {
    public var id: NodeID
    /// Ticks without hearing from a leader before campaigning; the actual timeout is drawn
    /// uniformly from `[electionTicks, 2 * electionTicks)` by the seeded generator.
    public var electionTicks = 10
    /// Ticks between leader heartbeats; must be less than `electionTicks`.
    public var heartbeatTicks = 1
    /// Run a pre-vote round before a real election, so a partitioned node rejoining does not
    /// bump everyone's term (Raft dissertation §9.6).
    public var preVote = true
    /// A leader that has not heard from a quorum within an election timeout steps down; also
    /// lets followers ignore vote requests while they have a live leader.
    public var checkQuorum = true
    /// Serve ReadIndex from the leader lease instead of a heartbeat round; only with checkQuorum.
    public var leaseReads = false
    /// Forward proposals made on a follower to the leader; when false they are dropped with an
    /// error naming the leader, and the caller decides.
    public var forwardProposals = false
    /// Append messages in flight to one follower in replicate state.
    public var inflightMessagesMax = 256
    /// Bytes of entries in one append message (at least one entry is always sent).
    public var appendBytesMax = 1 << 20
    /// Bytes of proposals appended but not yet committed; beyond it proposals are dropped.
    public var uncommittedBytesMax = 64 << 20
    /// Bytes of committed entries handed to the application in one Ready.
    public var committedBytesPerReadyMax = 8 << 20
    /// Bytes of snapshot data in one InstallSnapshot chunk.
    public var snapshotChunkBytesMax = 1 << 20
    /// Entries one proposal may carry (proposal batching).
    public var proposalBatchMax = 1024
    /// Pending read-index requests at the leader.
    public var pendingReadsMax = 4096
    /// Seed of the election-timeout generator.
    public var seed: UInt64 = 0

    public init(id: NodeID) { self.id = id }

    public func validate() throws(RaftError) {
        guard id != noNode else { throw .invalidConfig("id must not be 0") }
        guard heartbeatTicks > 0 else { throw .invalidConfig("heartbeatTicks must be positive") }
        guard electionTicks > heartbeatTicks else {
            throw .invalidConfig("electionTicks must be greater than heartbeatTicks")
        }
        guard !leaseReads || checkQuorum else { throw .invalidConfig("leaseReads requires checkQuorum") }
        for (name, value) in [
            ("inflightMessagesMax", inflightMessagesMax), ("appendBytesMax", appendBytesMax),
            ("uncommittedBytesMax", uncommittedBytesMax), ("committedBytesPerReadyMax", committedBytesPerReadyMax),
            ("snapshotChunkBytesMax", snapshotChunkBytesMax), ("proposalBatchMax", proposalBatchMax),
            ("pendingReadsMax", pendingReadsMax),
        ] where value <= 0 {
            throw .invalidConfig("\(name) must be positive")
        }
    }
}
