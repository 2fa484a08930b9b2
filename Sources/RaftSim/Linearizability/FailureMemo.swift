// FailureMemo: configurations of the search proven to have no linearizable continuation.

/// The memo of failed configurations, with subsumption on pending operations.
///
/// A configuration is the set of completed operations linearized, the model state, how many members
/// of each pending class (``PendingClasses``) are linearized, and whether the last move was a
/// pending operation (which forbids a pending `put` next, see ``KeySearch``). Configurations with the
/// same completed set and state differ only in what they may still do: one whose remaining pending
/// operations are a subset of another's, and which is no less restricted, can do nothing the other
/// cannot. So a recorded failure that took no more than `taken` from every class, and was restricted
/// only if the query is, proves the query a failure too. With no pending operations this is Lowe's
/// exact memo.
///
/// Each key keeps at most ``entriesPerKeyMax`` failures, the oldest dropped first: forgetting a failure
/// only costs the search time (it may explore that configuration again), never a wrong verdict.
///
/// Only lookups touch the dictionary; its iteration order is never used.
struct FailureMemo {
    static let entriesPerKeyMax = 64

    struct Key: Hashable {
        var linearized: Bitset
        var state: Int32
    }

    private struct Entry {
        var taken: [Int32]
        var restricted: Bool

        /// True if this failure proves `other` a failure.
        func subsumes(_ other: Entry) -> Bool {
            (!restricted || other.restricted) && zip(taken, other.taken).allSatisfy { $0 <= $1 }
        }
    }

    /// Per key, failures none of which subsumes another.
    private var failed: [Key: [Entry]] = [:]
    /// Approximate size in 64-bit words, for the memory bound.
    private(set) var words = 0
    private(set) var count = 0

    /// True if a recorded failure proves `(key, taken, restricted)` a failure.
    func subsumes(_ key: Key, taken: [Int32], restricted: Bool) -> Bool {
        guard let entries = failed[key] else { return false }
        let query = Entry(taken: taken, restricted: restricted)
        return entries.contains { $0.subsumes(query) }
    }

    /// Records that `(key, taken, restricted)` has no linearizable continuation.
    mutating func recordFailure(_ key: Key, taken: [Int32], restricted: Bool) {
        let entry = Entry(taken: taken, restricted: restricted)
        var entries = failed[key] ?? []
        if entries.isEmpty { words += key.linearized.words.count + 1 }
        let before = entries.count
        entries.removeAll { entry.subsumes($0) }
        if entries.count == Self.entriesPerKeyMax { entries.removeFirst() }
        entries.append(entry)
        failed[key] = entries
        count += entries.count - before
        words += (entries.count - before) * (taken.count / 2 + 1)
    }
}
