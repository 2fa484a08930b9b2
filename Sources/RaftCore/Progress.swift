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
    /// Last index of each unacknowledged append in replicate state, oldest first.
    var inflights: [UInt64] = []
    /// Snapshot being sent (index) and the next chunk offset.
    var pendingSnapshot: UInt64 = 0
    var snapshotOffset: UInt64 = 0
    /// Highest commit index sent to this follower (capped by what the message let it have).
    var sentCommit: UInt64 = 0

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
        pendingSnapshot = 0
        snapshotOffset = 0
    }

    mutating func becomeReplicate() {
        state = .replicate
        next = match + 1
        probeSent = false
        inflights = []
    }

    mutating func becomeSnapshot(_ index: UInt64) {
        state = .snapshot
        pendingSnapshot = index
        snapshotOffset = 0
        inflights = []
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
        next = max(min(rejected, hint + 1), 1)
        probeSent = false
        return true
    }

    /// Whether another append may be sent now.
    func isPaused(inflightMax: Int) -> Bool {
        switch state {
        case .probe: probeSent
        case .replicate: inflights.count >= inflightMax
        case .snapshot: true
        }
    }

    mutating func sentEntries(lastIndex: UInt64, count: Int) {
        switch state {
        case .replicate:
            if count > 0 {
                next = lastIndex + 1
                inflights.append(lastIndex)
            }
        case .probe:
            probeSent = true
        case .snapshot:
            break
        }
    }

    /// Frees in-flight slots for appends acknowledged up to `index`.
    mutating func freeInflights(through index: UInt64) {
        inflights.removeAll { $0 <= index }
    }
}
