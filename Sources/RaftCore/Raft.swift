/// The Raft protocol as a pure, deterministic state machine (in the shape of etcd-io/raft's
/// `raft` struct). No I/O, no clock, no threads: time is `tick()`, input is `step(_:)`,
/// output accumulates in `messages`, `readStates` and the log's unstable part, collected by
/// `RawNode.ready()`. The only randomness is `SplitMix64` seeded from the config.
struct Raft {
    let config: RaftConfig
    var id: NodeID { config.id }

    var term: UInt64 = 0
    var vote: NodeID = noNode
    var log: RaftLog
    var membership: Membership
    /// The log index `membership` reflects (a snapshot's, or the last change applied).
    var membershipIndex: UInt64 = 0
    var progress: [NodeID: Progress] = [:]
    var role: Role = .follower
    var leader: NodeID = noNode
    var votes: [NodeID: Bool] = [:]
    var messages: [Message] = []
    var readStates: [ReadState] = []
    var droppedProposals: [DroppedProposal] = []
    var droppedReads: [[UInt8]] = []

    var electionElapsed = 0
    var heartbeatElapsed = 0
    var randomizedElectionTimeout = 0
    var random: SplitMix64

    /// The index the application must have applied before this leader may append another
    /// configuration change: that of the last change it appended, or its whole log at the time
    /// it was elected (which may hold a change not yet committed). See `ConfigChange`, rule 2.
    var pendingConfigIndex: UInt64 = 0
    /// Bytes of proposals appended by this leader and not yet committed.
    var uncommittedBytes = 0
    var leadTransferee: NodeID = noNode
    /// Ticks since the current transfer started: it is abandoned after an election timeout.
    /// Kept apart from `electionElapsed` so a transfer never postpones the check-quorum.
    var transferElapsed = 0
    /// Ticks since this node became leader: the leader's clock for its lease.
    var leaderTicks: UInt64 = 0
    /// Per voter, the newest heartbeat round it acknowledged.
    var heartbeatAcks: [NodeID: UInt64] = [:]
    /// The last heartbeat round sent in this term (0: none yet).
    var lastRound: UInt64 = 0
    /// Set once this leader has sent `timeoutNow` in its term: the target's campaign ignores the
    /// followers' lease, and the message may arrive arbitrarily late, so no lease read is safe
    /// for the rest of the term (reads fall back to ReadIndex).
    var leaseRevoked = false
    /// Whether a ReadIndex heartbeat round is waiting for its quorum; reads arriving meanwhile
    /// ride the next round (one round in flight at a time, and one per heartbeat at most).
    var readRoundInFlight = false
    /// Set at start-up with lease reads on: until an election timeout has passed, this node
    /// ignores vote requests as if it had a leader. Before a crash it may have acknowledged a
    /// heartbeat on which a leader's lease rests; forgetting that on restart would let it vote
    /// a new leader in while the old one still serves lease reads.
    var startupLease = false
    /// Read-index requests waiting for a heartbeat quorum, in arrival order.
    var pendingReads: [PendingRead] = []
    /// Read-index requests received before this leader committed an entry of its term.
    var readsAwaitingCommit: [Message] = []
    /// The snapshot being received from the leader (follower side): its metadata, the term of
    /// the leader streaming it, and the bytes received so far. The data itself goes to the
    /// application in `snapshotChunks`.
    var incomingSnapshot: (metadata: Snapshot, term: UInt64, received: UInt64)?
    /// Received chunks for the application to stage, collected by the next Ready.
    var snapshotChunks: [SnapshotChunk] = []
    /// Known bugs the simulator switches on (`NoInjectedBugs` in production).
    let bugs: any BugInjection

    struct PendingRead: Hashable {
        var index: UInt64
        var context: [UInt8]
        var from: NodeID
        var acks: Set<NodeID>
        /// The last heartbeat round sent before the read arrived: only acknowledgements of later
        /// rounds confirm it (a delayed acknowledgement of an older round proves nothing about
        /// leadership after the read arrived, even with the same context).
        var after: UInt64
    }

    /// Bits of a heartbeat round below the send tick: rounds within one tick.
    static let roundTickShift: UInt64 = 24

    /// The leader's tick count when `round` was sent.
    static func roundTick(_ round: UInt64) -> UInt64 { round >> roundTickShift }

    /// The next heartbeat round: after every earlier one, stamped with the current tick.
    mutating func nextRound() -> UInt64 {
        lastRound = max(lastRound + 1, leaderTicks << Self.roundTickShift)
        // A round must never claim a later send tick than the real one (that would lengthen
        // the lease); 2^24 broadcasts within one tick cannot happen (one read round in flight).
        precondition(Self.roundTick(lastRound) == leaderTicks, "too many heartbeat rounds in one tick")
        return lastRound
    }

    init(config: RaftConfig, storage: any RaftStorage, bugs: any BugInjection = NoInjectedBugs()) throws(RaftError) {
        try config.validate()
        self.config = config
        self.bugs = bugs
        log = RaftLog(storage: storage)
        let (hardState, storedMembership) = storage.initialState()
        membership = storedMembership
        membershipIndex = storage.firstIndex() - 1
        random = SplitMix64(seed: config.seed ^ (config.id &* 0x9E37_79B9_7F4A_7C15))
        if !hardState.isEmpty {
            // A snapshot holds only committed state, so its index is committed even when the hard
            // state written after it did not survive a crash.
            precondition(
                hardState.commit <= log.lastIndex,
                "hard state commit \(hardState.commit) beyond the last index \(log.lastIndex)")
            term = hardState.term
            vote = hardState.vote
            log.committed = max(hardState.commit, log.committed)
        }
        // Every configuration change but the last one in the log is committed (a leader appends
        // a change only after applying the previous one), whatever the hard state recorded: the
        // node applies them before it may campaign (`ConfigChange`, rule 3).
        if !bugs.isInjected(.staleConfigCampaign) {
            log.committed = max(log.committed, try Self.secondToLastConfigChange(in: log, above: log.committed))
        }
        if log.lastTerm > term {
            // The log outran the hard state: a torn write kept the entries of a Ready but not
            // the hard state written after them (a follower that learned a new term from the
            // append carrying those entries). Our term is at least the last entry's. Voting
            // afresh in it is safe: a vote that left this node was synced, in that Ready or an
            // earlier one, before it was sent, and the durable term never decreases, so a hard
            // state behind the log means no vote in that term ever left. The raised term is
            // not written back; every restart derives it from the log the same way.
            term = log.lastTerm
            vote = noNode
        }
        resetProgress()
        becomeFollower(term: term, leader: noNode)
        // Only a node that persisted something can have acknowledged a heartbeat before.
        startupLease = config.leaseReads && !hardState.isEmpty
    }

    /// The index of the second-to-last configuration change in the log above `commit`, or 0
    /// (changes at or below the commit index are committed already). Reads in bounded batches;
    /// a storage error is an error, not a shorter scan.
    static func secondToLastConfigChange(in log: RaftLog, above commit: UInt64) throws(RaftError) -> UInt64 {
        var last: UInt64 = 0
        var secondToLast: UInt64 = 0
        var low = max(commit + 1, log.firstIndex)
        while low <= log.lastIndex {
            let batch = try log.entries(low, log.lastIndex + 1, maxBytes: 1 << 20)
            guard let end = batch.last else { break }
            for entry in batch where entry.kind == .configChange {
                secondToLast = last
                last = entry.index
            }
            low = end.index + 1
        }
        return secondToLast
    }

    var hardState: HardState { HardState(term: term, vote: vote, commit: log.committed) }
    var softState: SoftState { SoftState(leader: leader, role: role) }

    /// A voter that may campaign (learners and removed nodes may not).
    var isPromotable: Bool { membership.isVoter(id) }

    /// Queues a message. Vote traffic carries an explicit term (pre-votes the future one);
    /// proposals and read-index requests forwarded to the leader carry none (they act as local
    /// input there); everything else carries our current term. `from` is filled in only when
    /// empty: a forwarded transfer request names its target there.
    mutating func send(_ message: Message) {
        var message = message
        if message.from == noNode { message.from = id }
        switch message.kind {
        case .vote, .voteResponse, .preVote, .preVoteResponse:
            precondition(message.term != 0, "vote traffic must carry a term")
        case .propose, .readIndex:
            message.term = 0
        default:
            message.term = term
        }
        messages.append(message)
    }

    // MARK: Role transitions

    mutating func reset(term newTerm: UInt64) {
        // Reads waiting at this node as leader cannot be confirmed any more: refuse them before
        // the term changes, so the refusals carry the term the reads were forwarded in (`send`
        // stamps the current one). Stamped with the new term, a refusal would push a requester
        // still in the old term into the new one without a leader, and a requester leading the
        // new term already (it unseated us) would ignore it as traffic of its own term.
        let abandoned = pendingReads.map { ($0.context, $0.from) } + readsAwaitingCommit.map { ($0.context, $0.from) }
        pendingReads = []
        readsAwaitingCommit = []
        for (context, from) in abandoned { refuseRead(context: context, from: from) }
        if term != newTerm {
            term = newTerm
            vote = noNode
        }
        leader = noNode
        electionElapsed = 0
        heartbeatElapsed = 0
        randomizedElectionTimeout = config.electionTicks + Int(random.uniform(UInt64(config.electionTicks)))
        votes = [:]
        leadTransferee = noNode
        transferElapsed = 0
        leaderTicks = 0
        heartbeatAcks = [:]
        lastRound = 0
        leaseRevoked = false
        readRoundInFlight = false
        uncommittedBytes = 0
        resetProgress()
    }

    mutating func resetProgress() {
        var fresh: [NodeID: Progress] = [:]
        for member in membership.all {
            var entry = Progress(next: log.lastIndex + 1, isLearner: membership.isLearner(member))
            if member == id { entry.match = log.lastIndex }
            fresh[member] = entry
        }
        progress = fresh
    }

    mutating func becomeFollower(term newTerm: UInt64, leader newLeader: NodeID) {
        reset(term: newTerm)
        leader = newLeader
        role = .follower
    }

    mutating func becomePreCandidate() {
        precondition(role != .leader, "leader cannot become pre-candidate")
        // A pre-candidate keeps its term and vote: pre-votes change nothing durable.
        votes = [:]
        leader = noNode
        role = .preCandidate
    }

    mutating func becomeCandidate() {
        precondition(role != .leader, "leader cannot become candidate")
        startupLease = false
        reset(term: term + 1)
        vote = id
        role = .candidate
    }

    mutating func becomeLeader() {
        precondition(role == .candidate, "only a candidate becomes leader")
        reset(term: term)
        leader = id
        role = .leader
        // Followers start in probe at our last index + 1 (set by reset): optimistic, and a
        // rejection walks `next` back.
        progress[id]?.becomeReplicate()
        progress[id]?.recentActive = true
        // A new leader may not propose a configuration change until everything in its log,
        // including the empty entry below, is applied (this closes the single-server
        // membership-change bug found by Ongaro).
        pendingConfigIndex = log.lastIndex
        // The empty entry of the new term lets earlier entries commit (Raft §5.4.2, §8).
        appendEntries([Entry(term: term, index: 0)])
    }

    // MARK: Time

    mutating func tick() {
        switch role {
        case .leader: tickHeartbeat()
        default: tickElection()
        }
    }

    mutating func tickElection() {
        electionElapsed += 1
        if electionElapsed >= config.electionTicks { startupLease = false }
        if isPromotable && electionElapsed >= randomizedElectionTimeout {
            electionElapsed = 0
            step(Message(kind: .hup, from: id))
        }
    }

    mutating func tickHeartbeat() {
        heartbeatElapsed += 1
        electionElapsed += 1
        leaderTicks += 1
        tickSnapshotStalls()
        if electionElapsed >= config.electionTicks {
            electionElapsed = 0
            if config.checkQuorum && !quorumActive() {
                becomeFollower(term: term, leader: noNode)
                return
            }
        }
        if leadTransferee != noNode {
            transferElapsed += 1
            if transferElapsed >= config.electionTicks {
                // The target did not take over within an election timeout: give up, so
                // proposals are accepted again.
                leadTransferee = noNode
                transferElapsed = 0
            }
        }
        if heartbeatElapsed >= config.heartbeatTicks {
            heartbeatElapsed = 0
            // The heartbeat also carries the newest pending read, so a read round whose
            // messages were lost is retried.
            broadcastHeartbeat(context: pendingReads.last?.context ?? [])
            if leadTransferee != noNode, progress[leadTransferee]?.match == log.lastIndex {
                // A lost `timeoutNow` would stall the transfer (and proposals) until it is
                // abandoned: send it again.
                sendTimeoutNow(to: leadTransferee)
            }
        }
    }

    /// Whether this node ignores (pre-)vote requests now: it heard from a leader less than an
    /// election timeout ago, or (with lease reads) it started less than one ago.
    var ignoresVotes: Bool {
        config.checkQuorum && (leader != noNode || startupLease) && electionElapsed < config.electionTicks
    }

    /// Whether a quorum of voters was heard from since the last check; resets the marks.
    mutating func quorumActive() -> Bool {
        var active = 0
        for member in membership.voters {
            if member == id || progress[member]?.recentActive == true { active += 1 }
        }
        for member in membership.all where member != id { progress[member]?.recentActive = false }
        return active >= membership.quorum
    }

    // MARK: Input

    /// Handles one message (or local input). Messages of other terms are normalized first
    /// (Raft §5.1): a higher term makes us follow it, a lower term is answered or ignored.
    mutating func step(_ message: Message) {
        if message.term == 0 {
            // Local input, or a proposal/read forwarded by a follower: no term to check.
        } else if message.term > term {
            if message.kind == .preVote || message.kind == .vote {
                let forced = message.context == campaignTransferContext
                // A node that hears from a live leader ignores vote requests (§4.2.3); leader
                // leases rest on it.
                if !forced && ignoresVotes { return }
            }
            switch message.kind {
            case .preVote:
                break  // A pre-vote request never changes our term.
            case .preVoteResponse where !message.reject:
                break  // Granted pre-votes carry the future term; the election raises it.
            case .append, .heartbeat, .snapshot:
                becomeFollower(term: message.term, leader: message.from)
            default:
                becomeFollower(term: message.term, leader: noNode)
            }
        } else if message.term < term {
            if (config.checkQuorum || config.preVote) && (message.kind == .heartbeat || message.kind == .append) {
                // Tell a stale leader about the newer term so it steps down.
                send(Message(kind: .appendResponse, to: message.from))
            } else if message.kind == .preVote {
                send(Message(kind: .preVoteResponse, to: message.from, term: term, reject: true))
            } else if message.kind == .readIndexResponse && message.reject {
                // A read we forwarded, refused by its leader as it stepped down (in the term the
                // read was forwarded in, which we have left since): the application still waits
                // for it, and reporting a refusal is safe in any term. (A grant of an older term
                // is dropped like any stale message; the requester's own timeout covers it.)
                droppedReads.append(message.context)
            }
            return
        }
        switch message.kind {
        case .hup: campaign(config.preVote ? .preElection : .election)
        case .preVote, .vote: handleVoteRequest(message)
        default:
            switch role {
            case .leader: stepLeader(message)
            case .candidate, .preCandidate: stepCandidate(message)
            case .follower: stepFollower(message)
            }
        }
    }
}
