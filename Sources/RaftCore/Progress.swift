/// The leader's view of one follower (etcd's Progress): what it is known to have (`match`), what
/// to send next (`next`), and how to send it.
struct Progress: Sendable, Hashable {
    enum State: String, Sendable, Hashable {
        /// Unknown position: one append at a time until a response locates the match.
        case probe
        /// Position known: stream appends, up to `inflightMessagesMax` unacknowledged.
        case replicate
        /// Too far behind: an InstallSnapshot transfer is in progress.
        case snapshot
    }

    var match: UInt64 = 0
    var next: UInt64
    var state: State = .probe
    /// In probe: an append was sent since the last response (wait for it).
    var probeSent = false
    /// Heard from since the last check-quorum round.
    var recentActive = false
    var isLearner = false
    /// Last index and payload bytes of each unacknowledged append in replicate state, oldest
    /// first.
    var inflights: [Inflight] = []
    /// Sum of `inflights`' bytes.
    var inflightBytes = 0
    /// The snapshot being streamed in snapshot state, pinned for the whole transfer: a newer
    /// compaction on the leader does not restart it (storage keeps it readable while it is in
    /// `RawNode.snapshotsInUse`).
    var snapshot: SnapshotMetadata?
    /// Bytes of it the follower acknowledged, and the end of the newest chunk sent (which starts
    /// at `snapshotAcked`).
    var snapshotAcked: UInt64 = 0
    var snapshotSent: UInt64 = 0
    /// Ticks since the transfer last made progress or sent a chunk: a chunk is resent only after
    /// an election timeout of neither.
    var snapshotStall = 0
    /// Stall timeouts in a row (reset by progress, and by a refusal that moves the transfer).
    var snapshotStalls = 0
    /// Index of the snapshot being streamed, 0 if none.
    var pendingSnapshot: UInt64 { snapshot?.index ?? 0 }
    /// Highest commit index sent to this follower (capped by what the message let it have).
    var sentCommit: UInt64 = 0

    struct Inflight: Sendable, Hashable {
        var index: UInt64
        var bytes: Int
    }

    init(next: UInt64, isLearner: Bool) {
        self.next = next
        self.isLearner = isLearner
    }

    mutating func becomeProbe() {
        if state == .snapshot {
            next = max(match + 1, pendingSnapshot + 1)
        } else {
            next = match + 1
        }
        state = .probe
        probeSent = false
        inflights = []
        inflightBytes = 0
        snapshot = nil
        snapshotAcked = 0
        snapshotSent = 0
        snapshotStall = 0
        snapshotStalls = 0
    }

    mutating func becomeReplicate() {
        state = .replicate
        next = match + 1
        probeSent = false
        inflights = []
        inflightBytes = 0
    }

    mutating func becomeSnapshot(_ metadata: SnapshotMetadata) {
        state = .snapshot
        snapshot = metadata
        snapshotAcked = 0
        snapshotSent = 0
        snapshotStall = 0
        snapshotStalls = 0
        inflights = []
        inflightBytes = 0
        probeSent = false
    }

    /// Records an acknowledgement up to `index`; false if it says nothing new.
    mutating func maybeUpdate(_ index: UInt64) -> Bool {
        var updated = false
        if match < index {
            match = index
            updated = true
            probeSent = false
        }
        next = max(next, index + 1)
        return updated
    }

    /// Handles a rejection of the append at `rejected`, moving `next` back to at most
    /// `hint + 1`. Returns false for a stale rejection.
    mutating func maybeDecrease(rejected: UInt64, hint: UInt64) -> Bool {
        if state == .replicate {
            guard rejected > match else { return false }
            next = match + 1
            return true
        }
        guard next - 1 == rejected else { return false }
        // Never below match + 1: a rejection delayed and reordered in the network must not walk
        // `next` back into what the follower is known to have. (Into a compacted prefix, that
        // started a snapshot the follower could only answer with its current match, which left
        // the leader stuck in snapshot state: `roost-sim --seed 703448`.)
        next = max(min(rejected, hint + 1), match + 1)
        probeSent = false
        return true
    }

    /// Whether another append may be sent now.
    func isPaused(inflightMax: Int, inflightBytesMax: Int) -> Bool {
        switch state {
        case .probe: probeSent
        case .replicate: inflights.count >= inflightMax || inflightBytes >= inflightBytesMax
        case .snapshot: true
        }
    }

    mutating func sentEntries(lastIndex: UInt64, count: Int, bytes: Int) {
        switch state {
        case .replicate:
            if count > 0 {
                next = lastIndex + 1
                inflights.append(Inflight(index: lastIndex, bytes: bytes))
                inflightBytes += bytes
            }
        case .probe:
            probeSent = true
        case .snapshot:
            break
        }
    }

    /// Frees in-flight slots for appends acknowledged up to `index`.
    mutating func freeInflights(through index: UInt64) {
        var freed = 0
        for inflight in inflights {
            guard inflight.index <= index else { break }
            freed += 1
            inflightBytes -= inflight.bytes
        }
        if freed > 0 { inflights.removeFirst(freed) }
    }

    /// Frees the oldest in-flight slot (acknowledged, or given up on after a heartbeat response
    /// showed the follower alive while the window was full).
    mutating func freeFirstInflight() {
        guard !inflights.isEmpty else { return }
        inflightBytes -= inflights.removeFirst().bytes
    }
}
