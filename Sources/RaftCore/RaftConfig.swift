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
    /// Serve ReadIndex from the leader lease instead of a heartbeat round while the lease holds
    /// (dissertation §6.4.1); only with checkQuorum. The lease rests on the nodes' tick rates
    /// agreeing within `leaseDriftTicks` per election timeout, and on each driver delivering
    /// every tick that elapsed on its monotonic clock before it steps any input (a process
    /// paused for a while must catch up on ticks before it serves a read).
    public var leaseReads = false
    /// Tick drift the lease tolerates per election timeout. A follower ignores votes for
    /// `electionTicks` of its ticks after it receives a heartbeat, which may arrive just before
    /// its next tick: so that window is only `electionTicks - 1` whole tick intervals, and the
    /// lease lasts `leaseTicks = electionTicks - 1 - leaseDriftTicks` leader ticks from the
    /// round's send. Every member must run with the same `electionTicks`, `checkQuorum`, `preVote` and
    /// `leaseReads` (followers keep the promise the leader's lease rests on).
    public var leaseDriftTicks = 1

    /// How long a lease lasts, in the leader's ticks, from the send of the round it rests on.
    public var leaseTicks: Int { electionTicks - 1 - leaseDriftTicks }
    /// Forward proposals made on a follower to the leader; when false they are dropped with an
    /// error naming the leader, and the caller decides.
    public var forwardProposals = false
    /// Append messages in flight to one follower in replicate state.
    public var inflightMessagesMax = 256
    /// Bytes of entries in flight to one follower in replicate state (beside the message cap:
    /// 256 appends of 1 MiB each would be 256 MiB queued for one slow follower).
    public var inflightBytesMax = 32 << 20
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
    /// Seed of the election-timeout generator (mixed with `id`). Tests and the simulator fix it
    /// to replay a run; a production driver must pass fresh entropy at every start: with a fixed
    /// seed a restarted node draws the same timeouts again, and nodes restarted together (a
    /// power loss) can split the vote election after election.
    public var seed: UInt64 = 0

    public init(id: NodeID) { self.id = id }

    public func validate() throws(RaftError) {
        guard id != noNode else { throw .invalidConfig("id must not be 0") }
        guard heartbeatTicks > 0 else { throw .invalidConfig("heartbeatTicks must be positive") }
        guard electionTicks > heartbeatTicks else {
            throw .invalidConfig("electionTicks must be greater than heartbeatTicks")
        }
        guard !leaseReads || checkQuorum else { throw .invalidConfig("leaseReads requires checkQuorum") }
        guard !leaseReads || preVote else {
            throw .invalidConfig(
                "leaseReads requires preVote (a follower that learns a new term from a stray message forgets its leader)"
            )
        }
        guard !leaseReads || (leaseDriftTicks >= 0 && leaseTicks > 0) else {
            throw .invalidConfig("leaseDriftTicks must be in 0..<(electionTicks - 1)")
        }
        for (name, value) in [
            ("inflightMessagesMax", inflightMessagesMax), ("inflightBytesMax", inflightBytesMax),
            ("appendBytesMax", appendBytesMax),
            ("uncommittedBytesMax", uncommittedBytesMax), ("committedBytesPerReadyMax", committedBytesPerReadyMax),
            ("snapshotChunkBytesMax", snapshotChunkBytesMax), ("proposalBatchMax", proposalBatchMax),
            ("pendingReadsMax", pendingReadsMax),
        ] where value <= 0 {
            throw .invalidConfig("\(name) must be positive")
        }
    }
}
