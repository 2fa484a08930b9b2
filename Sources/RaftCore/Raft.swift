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

    /// Index of the last configuration change appended; no new change is proposed until the
    /// application has applied it.
    var pendingConfigIndex: UInt64 = 0
    /// Bytes of proposals appended by this leader and not yet committed.
    var uncommittedBytes = 0
    var leadTransferee: NodeID = noNode
    /// Read-index requests waiting for a heartbeat quorum, in arrival order.
    var pendingReads: [PendingRead] = []
    /// Read-index requests received before this leader committed an entry of its term.
    var readsAwaitingCommit: [Message] = []
    /// Snapshot chunks received so far from the leader (follower side).
    var incomingSnapshot: Snapshot?
    /// Test hooks: known bugs the simulator must catch (see `InjectedBug`).
    var bugs: Set<InjectedBug> = []

    struct PendingRead: Hashable {
        var index: UInt64
        var context: [UInt8]
        var from: NodeID
        var acks: Set<NodeID>
    }

    init(config: RaftConfig, storage: any RaftStorage) throws(RaftError) {
        try config.validate()
        self.config = config
        log = RaftLog(storage: storage)
        let (hardState, storedMembership) = storage.initialState()
        membership = storedMembership
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
        pendingReads = []
        readsAwaitingCommit = []
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
        appendEntries([Entry(term: term, index: 0)], counted: false)
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
        if isPromotable && electionElapsed >= randomizedElectionTimeout {
            electionElapsed = 0
            step(Message(kind: .hup, from: id))
        }
    }

    mutating func tickHeartbeat() {
        heartbeatElapsed += 1
        electionElapsed += 1
        if electionElapsed >= config.electionTicks {
            electionElapsed = 0
            if config.checkQuorum && !quorumActive() {
                becomeFollower(term: term, leader: noNode)
                return
            }
            if leadTransferee != noNode { leadTransferee = noNode }
        }
        if heartbeatElapsed >= config.heartbeatTicks {
            heartbeatElapsed = 0
            broadcastHeartbeat(context: [])
        }
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
                let inLease = config.checkQuorum && leader != noNode && electionElapsed < config.electionTicks
                // A node that hears from a live leader ignores vote requests (§4.2.3).
                if !forced && inLease { return }
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
