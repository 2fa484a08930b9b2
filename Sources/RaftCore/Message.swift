/// Every message between Raft nodes, plus the local inputs fed through `step`.
public struct Message: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        // Local (term 0, never sent).
        case hup, beat, propose, unreachable, transferLeader
        // Elections.
        case preVote, preVoteResponse, vote, voteResponse, timeoutNow
        // Replication.
        case append, appendResponse, heartbeat, heartbeatResponse
        case snapshot, snapshotResponse
        // Linearizable reads.
        case readIndex, readIndexResponse

        var isLocal: Bool { [.hup, .beat, .propose, .unreachable, .transferLeader].contains(self) }
    }

    public var kind: Kind
    public var from: NodeID = noNode
    public var to: NodeID = noNode
    public var term: UInt64 = 0
    /// Term of the entry at `index` (append: of the previous entry; vote: of the last entry).
    public var logTerm: UInt64 = 0
    public var index: UInt64 = 0
    public var entries: [Entry] = []
    public var commit: UInt64 = 0
    public var reject = false
    /// On a rejected append: the follower's best guess of where the logs may match.
    public var rejectHint: UInt64 = 0
    /// Opaque context: read-index request ids, `campaignTransfer` on transfer votes.
    public var context: [UInt8] = []
    /// InstallSnapshot chunk: metadata in `snapshot` (data holds only this chunk), `offset` of
    /// the chunk, `done` on the last one. Responses carry the next offset wanted in `index`.
    public var snapshot: Snapshot? = nil
    public var offset: UInt64 = 0
    public var done = false
    /// Heartbeat round, echoed by the response: increases with every heartbeat broadcast in a
    /// term, and its high bits are the leader's tick count at the send (`Raft.roundTick`). A read
    /// counts only acknowledgements of rounds sent after it arrived; a lease counts from the
    /// send time of a round a quorum acknowledged.
    public var round: UInt64 = 0

    public init(
        kind: Kind, from: NodeID = noNode, to: NodeID = noNode, term: UInt64 = 0, logTerm: UInt64 = 0,
        index: UInt64 = 0, entries: [Entry] = [], commit: UInt64 = 0, reject: Bool = false, rejectHint: UInt64 = 0,
        context: [UInt8] = []
    ) {
        self.kind = kind
        self.from = from
        self.to = to
        self.term = term
        self.logTerm = logTerm
        self.index = index
        self.entries = entries
        self.commit = commit
        self.reject = reject
        self.rejectHint = rejectHint
        self.context = context
    }

    /// Bytes counted against `maxAppendBytes`.
    var payloadSize: Int { entries.reduce(0) { $0 + $1.size } + (snapshot?.data.count ?? 0) }

    public var description: String {
        var text = "\(from)->\(to) \(kind) Term:\(term)"
        switch kind {
        case .append, .preVote, .vote:
            text += " Log:\(logTerm)/\(index)"
        case .appendResponse, .readIndexResponse:
            text += reject ? " Rejected (Hint: \(rejectHint))" : ""
            text += " Index:\(index)"
        case .snapshot:
            if let snapshot {
                text += " Snapshot:\(snapshot.term)/\(snapshot.index) offset:\(offset)\(done ? " done" : "")"
            }
        case .snapshotResponse:
            text += (reject ? " Rejected" : "") + " Next:\(index)"
        default:
            if reject { text += " Rejected" }
        }
        if commit > 0 { text += " Commit:\(commit)" }
        if !entries.isEmpty { text += " Entries:[\(entries.map(\.description).joined(separator: ", "))]" }
        return text
    }
}

/// Marks a vote that comes from a leadership transfer: it may disrupt a leader lease.
public let campaignTransferContext: [UInt8] = Array("CampaignTransfer".utf8)
