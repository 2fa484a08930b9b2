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
            readStates.append(ReadState(index: message.index, context: message.context))
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
        if bugs.contains(.skipLogMatchingCheck) {
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
        send(Message(kind: .heartbeatResponse, to: message.from, context: message.context))
    }

    /// InstallSnapshot in chunks: chunks are accepted in order (a stale or out-of-order chunk is
    /// answered with the offset we want next); the last chunk restores the snapshot.
    mutating func handleSnapshot(_ message: Message) {
        guard let chunk = message.snapshot else { return }
        if chunk.index <= log.committed {
            incomingSnapshot = nil
            send(Message(kind: .appendResponse, to: message.from, index: log.committed))
            return
        }
        if message.offset == 0 {
            incomingSnapshot = Snapshot(index: chunk.index, term: chunk.term, membership: chunk.membership, data: [])
        }
        guard var partial = incomingSnapshot, partial.index == chunk.index, partial.term == chunk.term,
            UInt64(partial.data.count) == message.offset
        else {
            let wanted = incomingSnapshot?.index == chunk.index ? UInt64(incomingSnapshot?.data.count ?? 0) : 0
            var response = Message(kind: .snapshotResponse, to: message.from, index: wanted)
            response.snapshot = Snapshot(index: chunk.index, term: chunk.term)
            send(response)
            return
        }
        partial.data.append(contentsOf: chunk.data)
        incomingSnapshot = partial
        guard message.done else {
            var response = Message(kind: .snapshotResponse, to: message.from, index: UInt64(partial.data.count))
            response.snapshot = Snapshot(index: chunk.index, term: chunk.term)
            send(response)
            return
        }
        incomingSnapshot = nil
        if restore(partial) {
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
        resetProgress()
        return true
    }
}
