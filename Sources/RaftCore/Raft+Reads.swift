/// ReadIndex (Raft dissertation §6.4): a read is linearizable once the application has applied
/// the leader's commit index as of the read's arrival, provided the leader confirms it is still
/// leader (a heartbeat round acknowledged by a quorum, or the check-quorum lease).
extension Raft {
    mutating func handleReadIndex(_ message: Message) {
        if membership.voters == [id] {
            return respondRead(index: log.committed, context: message.context, to: message.from)
        }
        // Until this leader commits an entry of its own term it does not know the commit index.
        guard (try? log.term(log.committed)) == term else {
            guard readsAwaitingCommit.count < config.pendingReadsMax else { return dropRead(message) }
            readsAwaitingCommit.append(message)
            return
        }
        if config.leaseReads {
            return respondRead(index: log.committed, context: message.context, to: message.from)
        }
        guard pendingReads.count < config.pendingReadsMax else { return dropRead(message) }
        pendingReads.append(PendingRead(index: log.committed, context: message.context, from: message.from, acks: [id]))
        broadcastHeartbeat(context: message.context)
    }

    mutating func releaseReadsAwaitingCommit() {
        guard !readsAwaitingCommit.isEmpty, (try? log.term(log.committed)) == term else { return }
        let waiting = readsAwaitingCommit
        readsAwaitingCommit = []
        for message in waiting { handleReadIndex(message) }
    }

    /// A heartbeat response carrying a read's context confirms leadership for it and for every
    /// read queued before it.
    mutating func acknowledgeRead(from member: NodeID, context: [UInt8]) {
        guard !context.isEmpty, let position = pendingReads.firstIndex(where: { $0.context == context }) else { return }
        pendingReads[position].acks.insert(member)
        let voters = pendingReads[position].acks.filter { membership.isVoter($0) }.count
        guard voters >= membership.quorum else { return }
        let confirmed = pendingReads[...position]
        pendingReads.removeSubrange(...position)
        for read in confirmed { respondRead(index: read.index, context: read.context, to: read.from) }
    }

    mutating func respondRead(index: UInt64, context: [UInt8], to requester: NodeID) {
        if requester == id || requester == noNode {
            readStates.append(ReadState(index: index, context: context))
        } else {
            send(Message(kind: .readIndexResponse, to: requester, index: index, context: context))
        }
    }

    mutating func dropRead(_ message: Message) {
        droppedReads.append(message.context)
    }
}
