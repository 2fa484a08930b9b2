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
        progress[from]?.recentActive = true
        switch message.kind {
        case .appendResponse:
            handleAppendResponse(message)
        case .heartbeatResponse:
            progress[from]?.probeSent = false
            if let entry = progress[from], entry.state == .replicate,
                entry.inflights.count >= config.inflightMessagesMax
            {
                progress[from]?.inflights.removeFirst()
            }
            if let entry = progress[from], entry.state == .snapshot {
                sendSnapshotChunk(to: from)
            } else if let entry = progress[from], entry.match < log.lastIndex {
                sendAppend(to: from)
            }
            acknowledgeRead(from: from, context: message.context)
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
        let bytes = message.entries.reduce(0) { $0 + $1.size }
        guard uncommittedBytes == 0 || uncommittedBytes + bytes <= config.uncommittedBytesMax else {
            return dropProposal(message, reason: "too many uncommitted bytes")
        }
        var entries = message.entries
        for position in entries.indices where entries[position].kind == .configChange {
            if pendingConfigIndex > log.applied || !configChangeAllowed(entries[position]) {
                // Refused: keep the slot as an empty normal entry so indexes stay as proposed.
                entries[position] = Entry(term: 0, index: 0)
            } else {
                pendingConfigIndex = log.lastIndex + UInt64(position) + 1
            }
        }
        appendEntries(entries, counted: true)
        broadcastAppend()
    }

    /// Appends entries with this leader's term and the next indexes, and counts self's match.
    mutating func appendEntries(_ entries: [Entry], counted: Bool) {
        var last = log.lastIndex
        let stamped = entries.map { entry -> Entry in
            last += 1
            return Entry(term: term, index: last, kind: entry.kind, data: entry.data)
        }
        if counted { uncommittedBytes += stamped.reduce(0) { $0 + $1.size } }
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
        if bugs.contains(.commitPreviousTermByCounting), candidate > log.committed {
            log.commitTo(candidate)
            return true
        }
        let before = log.committed
        guard log.maybeCommit(index: candidate, term: term) else { return false }
        releaseUncommitted(from: before + 1, through: log.committed)
        return true
    }

    mutating func releaseUncommitted(from low: UInt64, through high: UInt64) {
        guard low <= high, let entries = try? log.entries(low, high + 1, maxBytes: .max) else { return }
        uncommittedBytes = max(0, uncommittedBytes - entries.reduce(0) { $0 + $1.size })
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
        let updated = entry.maybeUpdate(message.index)
        if updated {
            switch entry.state {
            case .probe: entry.becomeReplicate()
            case .snapshot where entry.match >= entry.pendingSnapshot: entry.becomeProbe()
            case .replicate: entry.freeInflights(through: message.index)
            default: break
            }
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
            send(Message(kind: .timeoutNow, to: from))
        }
    }

    mutating func broadcastAppend() {
        for member in membership.all where member != id { sendAppend(to: member) }
    }

    /// Sends the next append (or starts a snapshot) to `to`. Returns whether a message went out.
    @discardableResult
    mutating func sendAppend(to member: NodeID, sendIfEmpty: Bool = true) -> Bool {
        guard var entry = progress[member], !entry.isPaused(inflightMax: config.inflightMessagesMax) else {
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
        entry.sentEntries(lastIndex: entries.last?.index ?? previous, count: entries.count)
        progress[member] = entry
        send(message)
        return true
    }

    mutating func broadcastHeartbeat(context: [UInt8]) {
        for member in membership.all where member != id {
            // Never tell a follower to commit beyond what it is known to have.
            let commit = min(progress[member]?.match ?? 0, log.committed)
            if let sent = progress[member]?.sentCommit, commit > sent { progress[member]?.sentCommit = commit }
            send(Message(kind: .heartbeat, to: member, commit: commit, context: context))
        }
    }

    mutating func handleTransferLeader(to target: NodeID) {
        guard target != id, membership.isVoter(target), leadTransferee != target else { return }
        leadTransferee = target
        electionElapsed = 0
        if progress[target]?.match == log.lastIndex {
            send(Message(kind: .timeoutNow, to: target))
        } else {
            sendAppend(to: target)
        }
    }

    mutating func dropProposal(_ message: Message, reason: String) {
        droppedProposals.append(DroppedProposal(entries: message.entries, reason: reason, leader: leader))
    }

    /// Whether a configuration change is allowed now: a learner is promoted only once it has
    /// caught up with the leader's commit index.
    func configChangeAllowed(_ entry: Entry) -> Bool {
        guard let change = ConfigChange(encoded: entry.data), (try? membership.applying(change)) != nil else {
            return false
        }
        if case .promote(let node) = change { return (progress[node]?.match ?? 0) >= log.committed }
        return true
    }
}

/// A proposal the core refused, reported through `Ready` so the proposer learns of it.
public struct DroppedProposal: Sendable, Hashable {
    public var entries: [Entry]
    public var reason: String
    public var leader: NodeID
}
