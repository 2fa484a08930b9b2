/// Elections: pre-vote, vote, tallying (Raft §5.2, dissertation §9.6).
extension Raft {
    enum CampaignKind { case preElection, election, transfer }

    /// Starts a pre-election (when pre-vote is on), a real election (after winning the
    /// pre-vote), or a transfer campaign ordered by the old leader (`timeoutNow`), which skips
    /// pre-vote and may break other nodes' leader lease.
    mutating func campaign(_ kind: CampaignKind) {
        guard isPromotable else { return }
        guard role != .leader else { return }
        // Do not campaign with committed configuration changes not yet applied: the
        // membership we would campaign under may be stale.
        if hasUnappliedConfigChange() && !bugs.isInjected(.staleConfigCampaign) { return }
        let preVoting = kind == .preElection
        let transfer = kind == .transfer
        let voteTerm: UInt64
        let requestKind: Message.Kind
        if preVoting {
            becomePreCandidate()
            voteTerm = term + 1
            requestKind = .preVote
        } else {
            becomeCandidate()
            voteTerm = term
            requestKind = .vote
        }
        let selfKind: Message.Kind = preVoting ? .preVoteResponse : .voteResponse
        if poll(id, kind: selfKind, granted: true) == .won {
            // A single voter wins at once.
            if preVoting { campaign(.election) } else { becomeLeader() }
            return
        }
        for member in membership.voters where member != id {
            var request = Message(
                kind: requestKind, to: member, term: voteTerm, logTerm: log.lastTerm, index: log.lastIndex)
            if transfer { request.context = campaignTransferContext }
            send(request)
        }
    }

    /// Whether a committed configuration change is not applied yet (read in bounded batches;
    /// an unreadable range counts as holding one: campaigning waits rather than risk it).
    func hasUnappliedConfigChange() -> Bool {
        var low = log.applied + 1
        while low <= log.committed {
            guard let batch = try? log.entries(low, log.committed + 1, maxBytes: 1 << 20), let end = batch.last else {
                return true
            }
            if batch.contains(where: { $0.kind == .configChange }) { return true }
            low = end.index + 1
        }
        return false
    }

    enum VoteResult { case won, lost, pending }

    /// Records a (pre-)vote and tallies: won with a quorum of grants, lost with a quorum of
    /// rejections.
    mutating func poll(_ from: NodeID, kind: Message.Kind, granted: Bool) -> VoteResult {
        if votes[from] == nil { votes[from] = granted }
        var grants = 0
        var rejects = 0
        for member in membership.voters {
            switch votes[member] {
            case true?: grants += 1
            case false?: rejects += 1
            case nil: break
            }
        }
        if grants >= membership.quorum { return .won }
        if rejects >= membership.quorum { return .lost }
        return .pending
    }

    /// Answers a vote or pre-vote request (Raft §5.4.1: only for a log at least as up to date).
    mutating func handleVoteRequest(_ message: Message) {
        let canVote =
            vote == message.from
            || (vote == noNode && leader == noNode)
            || (message.kind == .preVote && message.term > term)
            || bugs.isInjected(.grantTwoVotesPerTerm)
        let responseKind: Message.Kind = message.kind == .vote ? .voteResponse : .preVoteResponse
        if canVote && log.isUpToDate(index: message.index, term: message.logTerm) {
            // A granted pre-vote answers in the requested term; a real vote in ours (equal).
            send(Message(kind: responseKind, to: message.from, term: message.term))
            if message.kind == .vote {
                electionElapsed = 0
                vote = message.from
            }
        } else {
            send(Message(kind: responseKind, to: message.from, term: term, reject: true))
        }
    }

    mutating func stepCandidate(_ message: Message) {
        let expected: Message.Kind = role == .preCandidate ? .preVoteResponse : .voteResponse
        switch message.kind {
        case .propose:
            dropProposal(message, reason: "no leader")
        case .append:
            becomeFollower(term: message.term, leader: message.from)
            handleAppend(message)
        case .heartbeat:
            becomeFollower(term: message.term, leader: message.from)
            handleHeartbeat(message)
        case .snapshot:
            becomeFollower(term: message.term, leader: message.from)
            handleSnapshot(message)
        case expected:
            switch poll(message.from, kind: message.kind, granted: !message.reject) {
            case .won:
                if role == .preCandidate {
                    campaign(.election)
                } else {
                    becomeLeader()
                    broadcastAppend()
                }
            case .lost:
                becomeFollower(term: term, leader: noNode)
            case .pending:
                break
            }
        case .readIndex:
            dropRead(message)
        case .readIndexResponse:
            // A pre-candidate keeps its term: the answer to a read it forwarded as a follower of
            // this term's leader may arrive now.
            handleReadIndexResponse(message)
        default:
            break
        }
    }
}
