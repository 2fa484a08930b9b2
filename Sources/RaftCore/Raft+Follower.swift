/// The follower: accepting the leader's log, commits and snapshots.
extension Raft {
    mutating func stepFollower(_ message: Message) {
        switch message.kind {
        case .propose:
            guard leader != noNode else { return dropProposal(message, reason: "no leader") }
            guard config.forwardProposals else { return dropProposal(message, reason: "not the leader") }
            var forwarded = message
            forwarded.to = leader
            send(forwarded)
        case .append:
            electionElapsed = 0
            leader = message.from
            handleAppend(message)
        case .heartbeat:
            electionElapsed = 0
            leader = message.from
            handleHeartbeat(message)
        case .snapshot:
            electionElapsed = 0
            leader = message.from
            handleSnapshot(message)
        case .transferLeader:
            guard leader != noNode else { return }
            var forwarded = message
            forwarded.to = leader
            send(forwarded)
        case .timeoutNow:
            // The leader chose us: campaign at once, skipping pre-vote and leases.
            campaign(.transfer)
        case .readIndex:
            guard leader != noNode else { return dropRead(message) }
            var forwarded = message
            forwarded.to = leader
            send(forwarded)
        case .readIndexResponse:
            handleReadIndexResponse(message)
        default:
            break
        }
    }

    /// Raft §5.3: accept entries that follow a matching previous entry; otherwise reject with a
    /// hint so the leader skips a whole term of mismatches at once.
    mutating func handleAppend(_ message: Message) {
        if message.index < log.committed {
            send(Message(kind: .appendResponse, to: message.from, index: log.committed))
            return
        }
        if bugs.isInjected(.skipLogMatchingCheck) {
            let lastNew = message.index + UInt64(message.entries.count)
            if !message.entries.isEmpty, message.index <= log.lastIndex {
                let keep = message.entries.filter { $0.index > log.committed }
                if !keep.isEmpty { log.append(keep) }
            }
            if lastNew <= log.lastIndex { log.commitTo(min(message.commit, lastNew)) }
            send(Message(kind: .appendResponse, to: message.from, index: min(lastNew, log.lastIndex)))
            return
        }
        if let lastNew = log.maybeAppend(
            index: message.index, logTerm: message.logTerm, commit: message.commit, entries: message.entries)
        {
            send(Message(kind: .appendResponse, to: message.from, index: lastNew))
        } else {
            let hint = log.findConflictByTerm(index: min(message.index, log.lastIndex), term: message.logTerm)
            send(
                Message(
                    kind: .appendResponse, to: message.from, logTerm: (try? log.term(hint)) ?? 0, index: message.index,
                    reject: true, rejectHint: hint))
        }
    }

    mutating func handleHeartbeat(_ message: Message) {
        log.commitTo(min(message.commit, log.lastIndex))
        var response = Message(kind: .heartbeatResponse, to: message.from, context: message.context)
        response.round = message.round
        send(response)
    }

    /// InstallSnapshot in chunks: chunks are accepted in order and handed to the application to
    /// stage (`Ready.snapshotChunks`), so the core never holds the snapshot's data. A chunk out
    /// of order is refused with the offset we have (0 after a restart); the last chunk
    /// installs the staged snapshot (`Ready.snapshot`, whose data is empty).
    ///
    /// A chunk at offset 0 starts the staging afresh only for another transfer: another snapshot,
    /// or the same one streamed by the leader of another term (whose copy of it need not hold the
    /// same bytes). From the leader that sent the staged part it is a late duplicate, or that
    /// leader starting over after it gave up on the transfer; either way the staged bytes are
    /// good, so it is refused with their count and the leader goes on from there.
    mutating func handleSnapshot(_ message: Message) {
        guard let chunk = message.snapshot else { return }
        if chunk.index <= log.committed {
            // A chunk of a snapshot this node has caught up past: answer with the commit. A
            // newer transfer staged meanwhile (a late chunk of an older one arrived) goes on.
            if let staged = incomingSnapshot, staged.metadata.index <= log.committed { incomingSnapshot = nil }
            send(Message(kind: .appendResponse, to: message.from, index: log.committed))
            return
        }
        let metadata = Snapshot(index: chunk.index, term: chunk.term, membership: chunk.membership)
        // What this transfer (this snapshot, from this term's leader) has staged so far.
        var staged = incomingSnapshot.flatMap { $0.metadata == metadata && $0.term == message.term ? $0 : nil }
        if message.offset == 0 && (staged?.received ?? 0) == 0 { staged = (metadata, message.term, 0) }
        guard let partial = staged, partial.received == message.offset else {
            let had = staged?.received ?? 0
            var response = Message(kind: .snapshotResponse, to: message.from, index: had, reject: true)
            response.snapshot = metadata
            send(response)
            return
        }
        snapshotChunks.append(
            SnapshotChunk(index: chunk.index, term: chunk.term, offset: message.offset, data: chunk.data))
        let received = partial.received + UInt64(chunk.data.count)
        guard message.done else {
            incomingSnapshot = (metadata, message.term, received)
            var response = Message(kind: .snapshotResponse, to: message.from, index: received)
            response.snapshot = metadata
            send(response)
            return
        }
        incomingSnapshot = nil
        if restore(metadata) {
            send(Message(kind: .appendResponse, to: message.from, index: log.lastIndex))
        } else {
            send(Message(kind: .appendResponse, to: message.from, index: log.committed))
        }
    }

    /// Installs a complete snapshot unless the log already contains its last entry.
    mutating func restore(_ snapshot: Snapshot) -> Bool {
        guard snapshot.index > log.committed else { return false }
        if log.matchTerm(snapshot.index, snapshot.term) {
            // We already have the snapshot's last entry: just commit up to it.
            log.commitTo(snapshot.index)
            return false
        }
        log.restore(snapshot)
        membership = snapshot.membership
        membershipIndex = snapshot.index
        resetProgress()
        return true
    }
}
