/// ReadIndex (Raft dissertation §6.4): a read is linearizable once the application has applied
/// the leader's commit index as of the read's arrival, provided the leader confirms it is still
/// leader: a heartbeat round sent after the read arrived and acknowledged by a quorum, or (with
/// `leaseReads`) a lease (§6.4.1).
///
/// A read's `context` names it: contexts must be unique among the reads outstanding at the
/// leader (include the requesting node's id); a duplicate is refused and reported in
/// `Ready.droppedReads`, as is every read the leader can no longer confirm (role change, limit).
/// A leader that steps down refuses its forwarded reads in the term they arrived in, and the
/// requester reports such a refusal whatever its term or role since. Messages can still be lost:
/// the requester needs its own timeout too.
extension Raft {
    mutating func handleReadIndex(_ message: Message) {
        if membership.voters == [id] {
            return respondRead(index: log.committed, context: message.context, to: message.from)
        }
        guard !isOutstandingRead(message.context) else { return dropRead(message) }
        // Until this leader commits an entry of its own term it does not know the commit index.
        guard (try? log.term(log.committed)) == term || bugs.isInjected(.readIndexWithoutTermGuard) else {
            guard readsAwaitingCommit.count < config.pendingReadsMax else { return dropRead(message) }
            readsAwaitingCommit.append(message)
            return
        }
        if leaseValid {
            return respondRead(index: log.committed, context: message.context, to: message.from)
        }
        guard pendingReads.count < config.pendingReadsMax else { return dropRead(message) }
        pendingReads.append(
            PendingRead(
                index: log.committed, context: message.context, from: message.from, acks: [id], after: lastRound))
        if !readRoundInFlight { startReadRound() }
    }

    func isOutstandingRead(_ context: [UInt8]) -> Bool {
        pendingReads.contains { $0.context == context } || readsAwaitingCommit.contains { $0.context == context }
    }

    /// Sends one heartbeat round for every read waiting: it carries the newest read's context,
    /// and its acknowledgement by a quorum confirms that read and all before it.
    mutating func startReadRound() {
        guard let newest = pendingReads.last else { return }
        readRoundInFlight = true
        broadcastHeartbeat(context: newest.context)
    }

    /// Whether the leader lease covers a read now (§6.4.1). The lease starts when the newest
    /// heartbeat round acknowledged by a quorum of voters was *sent* (followers refuse to vote
    /// for an election timeout after they receive it) and lasts an election timeout less the
    /// clock-drift margin. No lease once this leader has sent `timeoutNow` in its term.
    var leaseValid: Bool {
        guard config.leaseReads, !leaseRevoked, leadTransferee == noNode else { return false }
        if bugs.isInjected(.leaseWithoutExpiry) { return true }
        let acked = membership.voters.compactMap { $0 == id ? leaderTicks : heartbeatAcks[$0].map(Self.roundTick) }
            .sorted(by: >)
        guard acked.count >= membership.quorum else { return false }
        let start = acked[membership.quorum - 1]
        return leaderTicks < start + UInt64(config.leaseTicks)
    }

    mutating func releaseReadsAwaitingCommit() {
        guard !readsAwaitingCommit.isEmpty, (try? log.term(log.committed)) == term else { return }
        let waiting = readsAwaitingCommit
        readsAwaitingCommit = []
        for message in waiting { handleReadIndex(message) }
    }

    /// A heartbeat response carrying a read's context confirms leadership for it and for every
    /// read queued before it. Reads queued after it start the next round.
    mutating func acknowledgeRead(from member: NodeID, context: [UInt8], round: UInt64) {
        guard !context.isEmpty, let position = pendingReads.firstIndex(where: { $0.context == context }),
            round > pendingReads[position].after
        else { return }
        pendingReads[position].acks.insert(member)
        let voters = pendingReads[position].acks.filter { membership.isVoter($0) }.count
        guard voters >= membership.quorum else { return }
        let confirmed = pendingReads[...position]
        pendingReads.removeSubrange(...position)
        readRoundInFlight = false
        for read in confirmed { respondRead(index: read.index, context: read.context, to: read.from) }
        if !pendingReads.isEmpty { startReadRound() }
    }

    mutating func respondRead(index: UInt64, context: [UInt8], to requester: NodeID) {
        if requester == id || requester == noNode {
            readStates.append(ReadState(index: index, context: context))
        } else {
            send(Message(kind: .readIndexResponse, to: requester, index: index, context: context))
        }
    }

    /// The leader's answer to a read this node forwarded.
    mutating func handleReadIndexResponse(_ message: Message) {
        if message.reject {
            droppedReads.append(message.context)
        } else {
            readStates.append(ReadState(index: message.index, context: message.context))
        }
    }

    mutating func dropRead(_ message: Message) {
        refuseRead(context: message.context, from: message.from)
    }

    /// Reports a read this node will not serve: to its own application, or to the node that
    /// forwarded it (which reports it to its application).
    mutating func refuseRead(context: [UInt8], from requester: NodeID) {
        if requester == id || requester == noNode {
            droppedReads.append(context)
        } else {
            send(Message(kind: .readIndexResponse, to: requester, reject: true, context: context))
        }
    }
}
