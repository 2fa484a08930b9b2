import RaftCore

/// One simulated member: the real `RawNode`, its disk, its page-cache view of storage, and its
/// state machine. A class so the simulation mutates the node (and its `RawNode`) in place.
final class SimNode {
    let id: NodeID
    let config: RaftConfig
    /// The bugs injected into this node's core (none unless a run asks for them).
    let bugs: SimulatedBugs
    var raw: RawNode?
    var storage: MemoryStorage
    var disk: SimDisk
    var kv = KVStore()
    var applied: UInt64 = 0
    /// The Ready being persisted: its fsync completes at a scheduled time, and only then are its
    /// messages sent and its committed entries applied.
    var syncing: Ready?
    var syncGeneration: UInt64 = 0
    /// Incremented on every crash: events scheduled before it are stale.
    var incarnation: UInt64 = 0
    /// Client operations this node proposed or asked ReadIndex for, by (client, sequence).
    var waiting: Set<OperationKey> = []
    /// Reads confirmed by ReadIndex, waiting for `applied` to reach their index.
    var pendingReads: [(index: UInt64, key: OperationKey)] = []
    /// The snapshot being received, staged chunk by chunk as `Ready.snapshotChunks` arrive (in
    /// memory: a real member stages to a file it need not sync, since a crash restarts the
    /// transfer). Lost on a crash.
    var staging: Snapshot?
    /// The snapshot the Ready being synced installs, data assembled from `staging`.
    var installing: Snapshot?
    /// Messages already sent for the Ready being synced (the injected ack-before-persist bug).
    var sentEarly = false
    /// While this node leads: its term and the commit index it started with, until its first
    /// commit in that term (a moment some faults aim at).
    var firstCommitWatch: (term: UInt64, commit: UInt64)?
    /// The last term in which this node, as leader, took a client proposal.
    var proposedInTerm: UInt64 = 0
    /// ReadIndex requests this node asked its core for and has no read state for yet, with the
    /// leader the newest attempt went to and its number: asked again, as a new attempt, when the
    /// node learns of another leader (the old one may never answer; etcd's servers likewise
    /// retry a read under a new request id).
    var askedReads: [OperationKey: (leader: NodeID, attempt: UInt64)] = [:]
    /// Read attempts this node has made (numbers each attempt's context).
    var readAttempts: UInt64 = 0
    /// The leader this node knew at its last drive.
    var knownLeader: NodeID = 0

    /// While paused (a stop-the-world pause), the time it resumes; 0 when running.
    var pausedUntil: UInt64 = 0
    /// Ticks that fell due while paused, delivered at once when it resumes.
    var missedTicks = 0
    /// The last term in which this node was seen leading (leader checks run once per term).
    var observedLeaderTerm: UInt64 = 0

    var isUp: Bool { raw != nil }
    var isRunning: Bool { raw != nil && pausedUntil == 0 }

    init(id: NodeID, config: RaftConfig, membership: Membership, bugs: SimulatedBugs) throws(RaftError) {
        self.id = id
        self.config = config
        self.bugs = bugs
        disk = SimDisk(membership: membership)
        storage = disk.recover()
        raw = try RawNode(config: config, storage: storage, bugs: bugs)
    }

    /// Power loss: volatile state is gone; the disk keeps synced records (and maybe a torn prefix).
    func crash(keepingPrefixOf kept: Int) {
        raw = nil
        syncing = nil
        pausedUntil = 0
        missedTicks = 0
        observedLeaderTerm = 0
        staging = nil
        installing = nil
        sentEarly = false
        firstCommitWatch = nil
        waiting = []
        pendingReads = []
        askedReads = [:]
        knownLeader = 0
        incarnation += 1
        disk.crash(keepingPrefixOf: kept)
    }

    /// Stages received chunks and, when the Ready installs a snapshot, assembles it.
    func stage(_ ready: Ready) -> Snapshot? {
        for chunk in ready.snapshotChunks {
            if chunk.offset == 0 {
                staging = Snapshot(index: chunk.index, term: chunk.term)
            }
            precondition(
                staging?.index == chunk.index && staging?.term == chunk.term
                    && UInt64(staging?.data.count ?? -1) == chunk.offset,
                "snapshot chunk out of order")
            staging?.data += chunk.data
        }
        guard let metadata = ready.snapshot else { return nil }
        precondition(staging?.index == metadata.index && staging?.term == metadata.term, "no staged snapshot")
        var snapshot = metadata
        snapshot.data = staging?.data ?? []
        staging = nil
        return snapshot
    }

    func restart() throws(RaftError) {
        storage = disk.recover()
        let snapshot = (try? storage.snapshot()) ?? Snapshot()
        kv = snapshot.isEmpty ? KVStore() : KVStore.decoded(snapshot.data)
        applied = snapshot.index
        raw = try RawNode(config: config, storage: storage, bugs: bugs)
    }
}

struct OperationKey: Hashable, Comparable {
    var client: Int
    var sequence: UInt64

    static func < (a: OperationKey, b: OperationKey) -> Bool {
        (a.client, a.sequence) < (b.client, b.sequence)
    }

    init(client: Int, sequence: UInt64) {
        self.client = client
        self.sequence = sequence
    }
}

/// The context of one ReadIndex request: the client operation, the node asking and that node's
/// attempt number. Contexts must be unique among the reads outstanding at a leader, and a node
/// asks again (a new attempt) when leadership moves: an answer to any attempt serves the read,
/// a refusal counts only for the newest attempt.
struct ReadContext: Hashable {
    var key: OperationKey
    var asker: NodeID
    var attempt: UInt64

    var bytes: [UInt8] {
        var bytes: [UInt8] = []
        for number in [UInt64(key.client), key.sequence, asker, attempt] { KVStore.write(number, into: &bytes) }
        return bytes
    }

    init(key: OperationKey, asker: NodeID, attempt: UInt64) {
        self.key = key
        self.asker = asker
        self.attempt = attempt
    }

    init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        var reader = ByteReader(bytes: bytes)
        guard let client = reader.number(), let sequence = reader.number(), let asker = reader.number(),
            let attempt = reader.number()
        else { return nil }
        self.init(key: OperationKey(client: Int(client), sequence: sequence), asker: asker, attempt: attempt)
    }
}

/// The simulator's bug hooks: the core bugs a run injects (the driver's own are checked there).
struct SimulatedBugs: BugInjection {
    let bugs: Set<InjectedBug>
    func isInjected(_ bug: InjectedBug) -> Bool { bugs.contains(bug) }
}
