/// Everything the application must do after a round of input, in order.
///
/// Ordering contract (etcd-io/raft `Ready`):
/// 1. Persist `snapshot` (if any), `entries` and `hardState` (if any) to stable storage as one
///    atomic write, after every earlier Ready's: after a crash the disk holds either all of this
///    Ready's state or none of it (and then none of any later Ready's). A vote or term is durable
///    before any message that depends on it leaves the node. Atomicity keeps the hard state (term,
///    vote, commit) consistent with the log it describes; the restart rule in `Raft.init`
///    additionally recovers commits the hard state never recorded (see `Membership`).
///    `snapshotChunks` are pieces of a snapshot being received: stage each (append its data to
///    the snapshot with its index and term; offset 0 starts that afresh) before sending. A staged
///    snapshot need not survive a crash (the transfer restarts), and `snapshot`, when present,
///    means: install the staged snapshot with its metadata (`snapshot.data` is empty).
/// 2. Only then send `messages`.
/// 3. Apply `committedEntries` to the state machine, in order. They are committed (a quorum has
///    them durably) and were persisted on this node in this or an earlier Ready.
/// 4. Serve reads in `readStates` once the state machine has applied their index.
/// 5. Call `advance(_:)` with this Ready.
/// `droppedProposals` and `droppedReads` report input the core refused.
public struct Ready: Sendable, Hashable {
    public var softState: SoftState?
    public var hardState: HardState?
    public var entries: [Entry] = []
    public var snapshot: Snapshot?
    public var snapshotChunks: [SnapshotChunk] = []
    public var messages: [Message] = []
    public var committedEntries: [Entry] = []
    public var readStates: [ReadState] = []
    public var droppedProposals: [DroppedProposal] = []
    public var droppedReads: [[UInt8]] = []

    public var isEmpty: Bool {
        softState == nil && hardState == nil && entries.isEmpty && snapshot == nil && snapshotChunks.isEmpty
            && messages.isEmpty
            && committedEntries.isEmpty && readStates.isEmpty && droppedProposals.isEmpty && droppedReads.isEmpty
    }
}

/// The application's handle on the Raft core, in the shape of etcd-io/raft's `RawNode`: feed it
/// ticks, messages and proposals; collect work with `ready()`; acknowledge it with `advance(_:)`.
/// Not thread-safe by design: one owner drives it.
public struct RawNode {
    var raft: Raft
    private var previousSoft: SoftState
    private var previousHard: HardState

    /// `bugs` is for the simulator only: production keeps the default, which injects nothing.
    public init(
        config: RaftConfig, storage: any RaftStorage, bugs: any BugInjection = NoInjectedBugs()
    ) throws(RaftError) {
        raft = try Raft(config: config, storage: storage, bugs: bugs)
        previousSoft = raft.softState
        previousHard = raft.hardState
    }

    public var id: NodeID { raft.id }
    public var role: Role { raft.role }
    public var term: UInt64 { raft.term }
    public var leader: NodeID { raft.leader }
    public var membership: Membership { raft.membership }
    public var committedIndex: UInt64 { raft.log.committed }
    public var appliedIndex: UInt64 { raft.log.applied }
    public var lastIndex: UInt64 { raft.log.lastIndex }
    public var hardState: HardState { raft.hardState }
    /// The core's election clock (reset by a leader's message, a granted vote, becoming leader,
    /// and a leader's quorum check): for the simulator's aimed faults, not for drivers.
    package var electionElapsed: Int { raft.electionElapsed }

    /// Progress of every member as the leader sees it (match index, state); empty on followers.
    public var replication: [(id: NodeID, match: UInt64, state: String)] {
        guard raft.role == .leader else { return [] }
        return raft.progress.keys.sorted().map { ($0, raft.progress[$0]!.match, raft.progress[$0]!.state.rawValue) }
    }

    /// Term of the entry at `index` in this node's log (persisted or not), nil if absent or compacted.
    public func term(at index: UInt64) -> UInt64? { try? raft.log.term(index) }

    /// Indexes of the snapshots this leader is streaming to followers: storage must keep them
    /// readable through `RaftStorage.snapshotData` even after newer snapshots replace them.
    public var snapshotsInUse: Set<UInt64> { raft.snapshotsInUse }

    /// First index still in this node's log (entries below are in its snapshot).
    public var firstIndex: UInt64 { raft.log.firstIndex }

    public mutating func tick() { raft.tick() }

    /// Starts an election now (tests and operators; normally elections start from ticks).
    /// Ignored with lease reads on while this node must ignore votes (it heard from a leader, or
    /// restarted, less than an election timeout ago): the leader's lease counts on it. Use
    /// `transferLeadership` to move leadership then.
    public mutating func campaign() {
        if raft.config.leaseReads && raft.ignoresVotes { return }
        raft.step(Message(kind: .hup, from: raft.id))
    }

    /// Feeds a message from another node. Local message kinds are refused.
    public mutating func step(_ message: Message) {
        guard !message.kind.isLocal || message.kind == .propose || message.kind == .transferLeader else { return }
        guard message.to == raft.id || message.to == noNode else { return }
        raft.step(message)
    }

    /// Proposes application commands (a batch appended together). On a follower they are
    /// forwarded or dropped according to `RaftConfig.forwardProposals`; drops are reported in
    /// `Ready.droppedProposals`.
    public mutating func propose(_ batch: [[UInt8]]) {
        guard !batch.isEmpty else { return }
        raft.step(
            Message(kind: .propose, from: raft.id, entries: batch.map { Entry(term: 0, index: 0, data: $0) }))
    }

    public mutating func propose(_ data: [UInt8]) { propose([data]) }

    public mutating func proposeConfigChange(_ change: ConfigChange) {
        raft.step(
            Message(
                kind: .propose, from: raft.id,
                entries: [Entry(term: 0, index: 0, kind: .configChange, data: change.encoded)]))
    }

    /// Asks the leader to hand leadership to `target` (sent as `timeoutNow` once caught up).
    public mutating func transferLeadership(to target: NodeID) {
        // `from` names the target; an empty one would be filled with the forwarder's id.
        guard target != noNode else { return }
        raft.step(Message(kind: .transferLeader, from: target))
    }

    /// Requests a linearizable read point; the answer arrives as a `ReadState` with `context`,
    /// or the request is reported in `Ready.droppedReads`. Messages can be lost, so the caller
    /// needs a timeout, and a retry (say, after a leader change) must use a fresh context: give
    /// each attempt its own (the requesting node's id and an attempt number in it). A refusal
    /// of an earlier attempt may still arrive (a deposed leader refuses in its old term), and
    /// only ends that attempt; ignore contexts you no longer wait for.
    public mutating func readIndex(context: [UInt8]) {
        raft.step(Message(kind: .readIndex, from: raft.id, context: context))
    }

    /// Reports that `peer` could not be reached (the transport gave up on it).
    public mutating func reportUnreachable(_ peer: NodeID) {
        raft.step(Message(kind: .unreachable, from: peer, to: raft.id, term: raft.term))
    }

    public var hasReady: Bool {
        raft.softState != previousSoft || (raft.hardState != previousHard && !raft.hardState.isEmpty)
            || !raft.log.unstableEntries.isEmpty || raft.log.unstableSnapshot != nil || !raft.snapshotChunks.isEmpty
            || !raft.messages.isEmpty
            || raft.log.hasNextCommittedEntries || !raft.readStates.isEmpty || !raft.droppedProposals.isEmpty
            || !raft.droppedReads.isEmpty
    }

    /// Collects pending work. Call `advance` with the result before the next `ready`.
    public mutating func ready() -> Ready {
        var ready = Ready()
        let soft = raft.softState
        if soft != previousSoft { ready.softState = soft }
        let hard = raft.hardState
        if hard != previousHard { ready.hardState = hard }
        ready.entries = raft.log.unstableEntries
        ready.snapshot = raft.log.unstableSnapshot
        ready.snapshotChunks = raft.snapshotChunks
        raft.snapshotChunks = []
        ready.messages = raft.messages
        raft.messages = []
        ready.committedEntries = raft.log.nextCommittedEntries(maxBytes: raft.config.committedBytesPerReadyMax)
        if let last = ready.committedEntries.last { raft.log.applying = last.index }
        ready.readStates = raft.readStates
        raft.readStates = []
        ready.droppedProposals = raft.droppedProposals
        raft.droppedProposals = []
        ready.droppedReads = raft.droppedReads
        raft.droppedReads = []
        return ready
    }

    /// Acknowledges that the application did everything `ready` asked, in order.
    public mutating func advance(_ ready: Ready) {
        if let soft = ready.softState { previousSoft = soft }
        if let hard = ready.hardState { previousHard = hard }
        if let snapshot = ready.snapshot {
            raft.log.stableSnapshotTo(snapshot.index)
            raft.log.appliedTo(snapshot.index)
        }
        if let last = ready.entries.last { raft.log.stableTo(index: last.index, term: last.term) }
        for entry in ready.committedEntries {
            raft.log.appliedTo(entry.index)
            if entry.kind == .configChange { raft.applyConfigChange(entry) }
        }
        if raft.role == .leader { raft.releaseReadsAwaitingCommit() }
    }
}
