/// The leader: proposals, replication with flow control, commitment, heartbeats, transfers.
extension Raft {
    mutating func stepLeader(_ message: Message) {
        switch message.kind {
        case .beat:
            broadcastHeartbeat(context: [])
        case .propose:
            handleProposal(message)
        case .readIndex:
            handleReadIndex(message)
        case .transferLeader:
            handleTransferLeader(to: message.from)
        default:
            guard progress[message.from] != nil else { return }
            stepLeaderResponse(message)
        }
    }

    mutating func stepLeaderResponse(_ message: Message) {
        let from = message.from
        switch message.kind {
        case .appendResponse, .heartbeatResponse, .snapshotResponse:
            // Only a response to our own replication traffic proves the peer is alive and
            // follows us. A local `unreachable` report (or a stale vote response) proves
            // nothing: counting it would keep a partitioned leader in office forever.
            progress[from]?.recentActive = true
        default:
            break
        }
        switch message.kind {
        case .appendResponse:
            handleAppendResponse(message)
        case .heartbeatResponse:
            progress[from]?.probeSent = false
            if let entry = progress[from], entry.state == .replicate,
                entry.isPaused(inflightMax: config.inflightMessagesMax, inflightBytesMax: config.inflightBytesMax)
            {
                progress[from]?.freeFirstInflight()
            }
            // A follower in snapshot state gets its chunks from the transfer itself.
            if let entry = progress[from], entry.state != .snapshot, entry.match < log.lastIndex {
                sendAppend(to: from)
            }
            if membership.isVoter(from), heartbeatAcks[from].map({ $0 < message.round }) ?? true {
                heartbeatAcks[from] = message.round
            }
            acknowledgeRead(from: from, context: message.context, round: message.round)
        case .snapshotResponse:
            handleSnapshotResponse(message)
        case .unreachable:
            if progress[from]?.state == .replicate { progress[from]?.becomeProbe() }
        default:
            break
        }
    }

    mutating func handleProposal(_ message: Message) {
        guard !message.entries.isEmpty else { return }
        guard membership.contains(id) else { return dropProposal(message, reason: "leader removed from the group") }
        guard leadTransferee == noNode else { return dropProposal(message, reason: "leadership transfer in progress") }
        guard message.entries.count <= config.proposalBatchMax else {
            return dropProposal(message, reason: "batch too large")
        }
        let bytes = message.entries.reduce(0) { $0 + $1.data.count }
        guard uncommittedBytes == 0 || uncommittedBytes + bytes <= config.uncommittedBytesMax else {
            return dropProposal(message, reason: "too many uncommitted bytes")
        }
        var entries = message.entries
        var successor = noNode
        for position in entries.indices where entries[position].kind == .configChange {
            let gated = pendingConfigIndex > log.applied && !bugs.isInjected(.skipPendingConfigGate)
            let refusal =
                gated
                ? "a configuration change is pending" : configChangeRefusal(entries[position], successor: &successor)
            if let refusal {
                // Refused: keep the slot as an empty normal entry so indexes stay as proposed,
                // and tell the proposer.
                let hint = successor != noNode ? successor : id
                droppedProposals.append(DroppedProposal(entries: [entries[position]], reason: refusal, leader: hint))
                entries[position] = Entry(term: 0, index: 0)
            } else {
                pendingConfigIndex = log.lastIndex + UInt64(position) + 1
            }
        }
        appendEntries(entries)
        broadcastAppend()
        // After the append, so the successor is caught up with the refused slot too before it
        // is told to campaign.
        if successor != noNode { handleTransferLeader(to: successor) }
    }

    /// Appends entries with this leader's term and the next indexes, counts their payload bytes
    /// as uncommitted, and counts self's match.
    mutating func appendEntries(_ entries: [Entry]) {
        var last = log.lastIndex
        let stamped = entries.map { entry -> Entry in
            last += 1
            return Entry(term: term, index: last, kind: entry.kind, data: entry.data)
        }
        uncommittedBytes += stamped.reduce(0) { $0 + $1.data.count }
        log.append(stamped)
        _ = progress[id]?.maybeUpdate(log.lastIndex)
        maybeCommit()
    }

    /// Advances the commit index to the highest index a quorum of voters has, if that entry is
    /// of the current term (Raft §5.4.2; counting replicas of older entries is Figure 8's bug).
    @discardableResult
    mutating func maybeCommit() -> Bool {
        let matches = membership.voters.map { progress[$0]?.match ?? 0 }.sorted(by: >)
        guard matches.count >= membership.quorum else { return false }
        let candidate = matches[membership.quorum - 1]
        if bugs.isInjected(.commitPreviousTermByCounting), candidate > log.committed {
            log.commitTo(candidate)
            return true
        }
        let before = log.committed
        guard log.maybeCommit(index: candidate, term: term) else { return false }
        releaseUncommitted(from: before + 1, through: log.committed)
        return true
    }

    /// Releases the payload bytes of newly committed entries that this leader counted: those of
    /// its own term (every entry it appended, and nothing an earlier leader appended; `reset`
    /// zeroes the count at each term change). Payload only, as etcd: the leader's empty entry
    /// and refused slots count nothing, so the first proposal of a term is never refused.
    mutating func releaseUncommitted(from low: UInt64, through high: UInt64) {
        guard low <= high, let entries = try? log.entries(low, high + 1, maxBytes: .max) else { return }
        let released = entries.reduce(0) { $0 + ($1.term == term ? $1.data.count : 0) }
        precondition(released <= uncommittedBytes, "released \(released) of \(uncommittedBytes) uncommitted bytes")
        uncommittedBytes -= released
    }

    mutating func handleAppendResponse(_ message: Message) {
        let from = message.from
        if message.reject {
            guard var entry = progress[from] else { return }
            if entry.maybeDecrease(rejected: message.index, hint: message.rejectHint) {
                if entry.state == .replicate { entry.becomeProbe() }
                progress[from] = entry
                sendAppend(to: from)
            }
            return
        }
        guard var entry = progress[from] else { return }
        // A probe answered at the match we already know also locates the follower: move it back
        // to replicate (etcd does the same), or it would wait for the next heartbeat.
        let updated = entry.maybeUpdate(message.index) || (entry.state == .probe && entry.match == message.index)
        if updated {
            switch entry.state {
            case .probe: entry.becomeReplicate()
            case .snapshot where entry.match >= entry.pendingSnapshot: entry.becomeProbe()
            case .replicate: entry.freeInflights(through: message.index)
            default: break
            }
        }
        if !updated, entry.state == .snapshot, entry.match >= entry.pendingSnapshot {
            // The follower already has everything the snapshot holds (it answered a chunk with
            // its commit index): the transfer is moot.
            entry.becomeProbe()
            progress[from] = entry
            sendAppend(to: from)
            return
        }
        progress[from] = entry
        guard updated else { return }
        if maybeCommit() {
            releaseReadsAwaitingCommit()
            broadcastAppend()
        } else if from != id {
            // More to send (flow control may have paused us), or at least the commit index.
            var sent = false
            while sendAppend(to: from, sendIfEmpty: false) { sent = true }
            if !sent, let entry = progress[from], entry.sentCommit < log.committed, entry.match >= log.committed {
                sendAppend(to: from)
            }
        }
        if from == leadTransferee, progress[from]?.match == log.lastIndex {
            sendTimeoutNow(to: from)
        }
    }

    mutating func broadcastAppend() {
        for member in membership.all where member != id { sendAppend(to: member) }
    }

    /// Sends the next append (or starts a snapshot) to `to`. Returns whether a message went out.
    @discardableResult
    mutating func sendAppend(to member: NodeID, sendIfEmpty: Bool = true) -> Bool {
        guard var entry = progress[member],
            !entry.isPaused(inflightMax: config.inflightMessagesMax, inflightBytesMax: config.inflightBytesMax)
        else {
            return false
        }
        let previous = entry.next - 1
        guard let previousTerm = try? log.term(previous),
            let entries = try? log.entries(entry.next, log.lastIndex + 1, maxBytes: config.appendBytesMax)
        else {
            return startSnapshot(to: member)
        }
        if entries.isEmpty && !sendIfEmpty { return false }
        var message = Message(kind: .append, to: member, logTerm: previousTerm, index: previous, entries: entries)
        message.commit = log.committed
        entry.sentCommit = max(entry.sentCommit, min(log.committed, entries.last?.index ?? previous))
        entry.sentEntries(
            lastIndex: entries.last?.index ?? previous, count: entries.count, bytes: entries.reduce(0) { $0 + $1.size })
        progress[member] = entry
        send(message)
        return true
    }

    mutating func broadcastHeartbeat(context: [UInt8]) {
        let round = nextRound()
        for member in membership.all where member != id {
            // Never tell a follower to commit beyond what it is known to have.
            let commit = min(progress[member]?.match ?? 0, log.committed)
            if let sent = progress[member]?.sentCommit, commit > sent { progress[member]?.sentCommit = commit }
            var heartbeat = Message(kind: .heartbeat, to: member, commit: commit, context: context)
            heartbeat.round = round
            send(heartbeat)
        }
    }

    mutating func handleTransferLeader(to target: NodeID) {
        guard target != id, membership.isVoter(target), leadTransferee != target else { return }
        leadTransferee = target
        transferElapsed = 0
        if progress[target]?.match == log.lastIndex {
            sendTimeoutNow(to: target)
        } else {
            sendAppend(to: target)
        }
    }

    /// Tells the transfer target to campaign now. Its campaign breaks the followers' lease, so
    /// this leader serves no more lease reads in its term.
    mutating func sendTimeoutNow(to target: NodeID) {
        leaseRevoked = true
        send(Message(kind: .timeoutNow, to: target))
    }

    mutating func dropProposal(_ message: Message, reason: String) {
        droppedProposals.append(DroppedProposal(entries: message.entries, reason: reason, leader: leader))
    }

    /// Why a configuration change is refused now, or nil if it is allowed. A learner is promoted
    /// only once it has caught up with the leader's commit index. A leader does not remove or
    /// demote itself: it names in `successor` the most caught-up voter, to hand leadership to
    /// first (so the group is not left leaderless for an election timeout), and the change is
    /// proposed again to the new leader.
    func configChangeRefusal(_ entry: Entry, successor: inout NodeID) -> String? {
        guard let change = ConfigChange(encoded: entry.data) else { return "malformed configuration change" }
        do {
            _ = try membership.applying(change)
        } catch {
            return "\(error)"
        }
        switch change {
        case .promote(let node) where (progress[node]?.match ?? 0) < log.committed:
            return "learner \(node) has not caught up"
        case .remove(id), .demote(id):
            for voter in membership.voters where voter != id {
                if successor == noNode || (progress[voter]?.match ?? 0) > (progress[successor]?.match ?? 0) {
                    successor = voter
                }
            }
            return "the leader transfers leadership before it removes itself"
        default:
            return nil
        }
    }
}

/// A proposal the core refused, reported through `Ready` so the proposer learns of it.
public struct DroppedProposal: Sendable, Hashable {
    public var entries: [Entry]
    public var reason: String
    public var leader: NodeID
}
