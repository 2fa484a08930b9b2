/// A member's id in the Raft group. 0 means "none".
public typealias NodeID = UInt64

/// The id that means "no node" (no vote cast, no known leader).
public let noNode: NodeID = 0

/// One log entry. `kind` tells the application whether `data` is its own command or a
/// configuration change the core understands.
public struct Entry: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: UInt8, Sendable, Hashable {
        case normal = 0
        case configChange = 1
    }

    public var term: UInt64
    public var index: UInt64
    public var kind: Kind
    public var data: [UInt8]

    public init(term: UInt64, index: UInt64, kind: Kind = .normal, data: [UInt8] = []) {
        self.term = term
        self.index = index
        self.kind = kind
        self.data = data
    }

    /// Bytes counted against size limits (payload plus a fixed overhead).
    public var size: Int { data.count + 16 }

    public var description: String { "\(term)/\(index)\(kind == .configChange ? " conf" : "") \(data.count)B" }
}

/// State that must be on stable storage before any message that depends on it is sent.
public struct HardState: Sendable, Hashable {
    public var term: UInt64
    public var vote: NodeID
    public var commit: UInt64

    public init(term: UInt64 = 0, vote: NodeID = noNode, commit: UInt64 = 0) {
        self.term = term
        self.vote = vote
        self.commit = commit
    }

    public var isEmpty: Bool { self == HardState() }
}

/// The group's membership: voters decide elections and commits; learners (Roost's standby
/// members) receive the log but do not vote. Both lists are kept sorted so iteration order
/// never depends on hashing.
public struct Membership: Sendable, Hashable, CustomStringConvertible {
    public private(set) var voters: [NodeID]
    public private(set) var learners: [NodeID]
    /// Ids removed from the group: never admitted again. A node that came back under a removed
    /// id with a wiped disk could vote a second time in a term it already voted in; a
    /// replacement joins under a new id. Grows by one per removal, so it stays small.
    public private(set) var removed: [NodeID]

    public init(voters: [NodeID] = [], learners: [NodeID] = [], removed: [NodeID] = []) {
        self.voters = Array(Set(voters)).sorted()
        self.learners = Array(Set(learners).subtracting(voters)).sorted()
        self.removed = Array(Set(removed).subtracting(voters).subtracting(learners)).sorted()
    }

    public var all: [NodeID] { (voters + learners).sorted() }
    public func isVoter(_ id: NodeID) -> Bool { voters.contains(id) }
    public func isLearner(_ id: NodeID) -> Bool { learners.contains(id) }
    public func contains(_ id: NodeID) -> Bool { isVoter(id) || isLearner(id) }
    /// Votes needed for a majority of voters.
    public var quorum: Int { voters.count / 2 + 1 }

    /// The membership after `change`; throws when the change is not allowed from this state.
    public func applying(_ change: ConfigChange) throws(RaftError) -> Membership {
        switch change {
        case .addLearner(let id):
            guard id != noNode, !contains(id) else { throw .invalidConfigChange("node \(id) is already a member") }
            guard !removed.contains(id) else {
                throw .invalidConfigChange("node \(id) was removed; a replacement needs a new id")
            }
            return Membership(voters: voters, learners: learners + [id], removed: removed)
        case .promote(let id):
            guard isLearner(id) else { throw .invalidConfigChange("node \(id) is not a learner") }
            return Membership(voters: voters + [id], learners: learners.filter { $0 != id }, removed: removed)
        case .demote(let id):
            guard isVoter(id), voters.count > 1 else { throw .invalidConfigChange("cannot demote node \(id)") }
            return Membership(voters: voters.filter { $0 != id }, learners: learners + [id], removed: removed)
        case .remove(let id):
            guard contains(id) else { throw .invalidConfigChange("node \(id) is not a member") }
            guard !(isVoter(id) && voters.count == 1) else {
                throw .invalidConfigChange("cannot remove the last voter")
            }
            return Membership(
                voters: voters.filter { $0 != id }, learners: learners.filter { $0 != id }, removed: removed + [id])
        }
    }

    public var description: String {
        "voters=(\(voters.map(String.init).joined(separator: " ")))"
            + (learners.isEmpty ? "" : " learners=(\(learners.map(String.init).joined(separator: " ")))")
            + (removed.isEmpty ? "" : " removed=(\(removed.map(String.init).joined(separator: " ")))")
    }
}

/// One-at-a-time membership changes, with etcd-io/raft's *apply-time* semantics (not the
/// dissertation's §4.1 rule, where a server uses the latest configuration in its log as soon as
/// it is appended). A new voter first joins as a learner and catches up, then is promoted.
///
/// The invariant that makes apply-time changes safe: every voter that campaigns or counts a
/// quorum uses a membership at most one change away from every membership under which the
/// group may commit. One-at-a-time changes differ by one voter, so a majority of either always
/// overlaps a majority of the other. Three rules keep it:
/// 1. A change takes effect on a node when the application has applied its entry
///    (`RawNode.advance`), never on append or on commit.
/// 2. A leader appends change k+1 only after it has applied change k (`pendingConfigIndex`; a new
///    leader first applies its whole log, which may hold an uncommitted change). So in any log,
///    every configuration change but the last one is committed.
/// 3. A node does not campaign while committed changes are unapplied, and on restart every entry
///    up to the second-to-last change in its log counts as committed (by rule 2), so it applies
///    them before campaigning. Without this, a node whose disk kept the entries of changes but
///    lost the commit index that covered them would campaign under a membership two or more
///    changes old, and a quorum of it need not overlap the quorum committing under the new one
///    (`testdata/membership_restart_commit.txt`).
///    The cost, as in etcd: a restarted node campaigns only once it has applied through its last
///    committed change, so after a whole-group power loss the group is without a leader for as
///    long as re-applying that log tail takes. A driver whose state machine is durable (Roost's
///    SQLite) must let the core start from the state machine's applied index rather than the
///    snapshot's, so that restart re-applies nothing (the clustering work adds that setting),
///    and then must also give the core the membership as of that index (persisted with the
///    state machine, as etcd keeps its ConfState in its backend): the snapshot's membership alone
///    would skip the changes between the two, which is the stale campaign rule 3 forbids.
public enum ConfigChange: Sendable, Hashable, CustomStringConvertible {
    case addLearner(NodeID)
    case promote(NodeID)
    case demote(NodeID)
    case remove(NodeID)

    public var encoded: [UInt8] {
        let (tag, id): (UInt8, NodeID) =
            switch self {
            case .addLearner(let id): (1, id)
            case .promote(let id): (2, id)
            case .demote(let id): (3, id)
            case .remove(let id): (4, id)
            }
        return [tag] + (0..<8).map { UInt8(truncatingIfNeeded: id >> (8 * UInt64($0))) }
    }

    public init?(encoded bytes: [UInt8]) {
        guard bytes.count == 9 else { return nil }
        let id = (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[1 + $1]) << (8 * UInt64($1)) }
        switch bytes[0] {
        case 1: self = .addLearner(id)
        case 2: self = .promote(id)
        case 3: self = .demote(id)
        case 4: self = .remove(id)
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .addLearner(let id): "add-learner \(id)"
        case .promote(let id): "promote \(id)"
        case .demote(let id): "demote \(id)"
        case .remove(let id): "remove \(id)"
        }
    }
}

/// A point-in-time image of the application state at `index`, with the membership then.
public struct Snapshot: Sendable, Hashable {
    public var index: UInt64
    public var term: UInt64
    public var membership: Membership
    public var data: [UInt8]

    public init(index: UInt64 = 0, term: UInt64 = 0, membership: Membership = Membership(), data: [UInt8] = []) {
        self.index = index
        self.term = term
        self.membership = membership
        self.data = data
    }

    public var isEmpty: Bool { index == 0 }
}

/// What the leader needs to know of a snapshot to stream it: everything but the data.
public struct SnapshotMetadata: Sendable, Hashable {
    public var index: UInt64
    public var term: UInt64
    public var membership: Membership
    /// Bytes of data.
    public var size: UInt64

    public init(index: UInt64, term: UInt64, membership: Membership, size: UInt64) {
        self.index = index
        self.term = term
        self.membership = membership
        self.size = size
    }

    public init(_ snapshot: Snapshot) {
        self.init(
            index: snapshot.index, term: snapshot.term, membership: snapshot.membership,
            size: UInt64(snapshot.data.count))
    }
}

/// A piece of a snapshot a follower receives: `Ready.snapshotChunks` hands it to the application
/// to stage (append to the data of the snapshot with this index and term; offset 0 starts it
/// afresh) until `Ready.snapshot` says to install the staged snapshot.
public struct SnapshotChunk: Sendable, Hashable {
    public var index: UInt64
    public var term: UInt64
    public var offset: UInt64
    public var data: [UInt8]

    public init(index: UInt64, term: UInt64, offset: UInt64, data: [UInt8]) {
        self.index = index
        self.term = term
        self.offset = offset
        self.data = data
    }
}

/// A linearizable read point: reads for `context` may be served once the application has
/// applied `index`.
public struct ReadState: Sendable, Hashable {
    public var index: UInt64
    public var context: [UInt8]

    public init(index: UInt64, context: [UInt8]) {
        self.index = index
        self.context = context
    }
}

public enum Role: String, Sendable, Hashable {
    case follower, preCandidate, candidate, leader
}

/// Volatile state the application may display (not persisted).
public struct SoftState: Sendable, Hashable {
    public var leader: NodeID
    public var role: Role
}

public enum RaftError: Error, Sendable, Hashable {
    /// The proposal was not accepted (no leader, not the leader, transfer in progress, too
    /// many uncommitted bytes); the caller may retry elsewhere or later. `leader` is a hint.
    case proposalDropped(reason: String, leader: NodeID)
    case invalidConfig(String)
    case invalidConfigChange(String)
    /// Storage has compacted the requested entries.
    case compacted
    /// The requested entries are not in storage yet.
    case unavailable
    case snapshotTemporarilyUnavailable
}
