/// The log as the core sees it: stable entries in storage, plus unstable entries (and perhaps
/// an unstable snapshot) not yet persisted.
///
/// Invariants: `applied <= committed <= lastIndex`; unstable entries start right after the
/// last stable entry or after the unstable snapshot.
struct RaftLog {
    let storage: any RaftStorage
    var unstableEntries: [Entry] = []
    /// Index of the first unstable entry.
    var unstableOffset: UInt64
    var unstableSnapshot: Snapshot?
    var committed: UInt64
    var applied: UInt64
    /// Highest index handed to the application in a Ready but not yet acknowledged by advance.
    var applying: UInt64

    init(storage: any RaftStorage) {
        self.storage = storage
        let first = storage.firstIndex()
        unstableOffset = storage.lastIndex() + 1
        committed = first - 1
        applied = first - 1
        applying = first - 1
    }

    var firstIndex: UInt64 {
        if let unstableSnapshot { return unstableSnapshot.index + 1 }
        return storage.firstIndex()
    }

    var lastIndex: UInt64 {
        if let last = unstableEntries.last { return last.index }
        if let unstableSnapshot { return unstableSnapshot.index }
        return storage.lastIndex()
    }

    var lastTerm: UInt64 { (try? term(lastIndex)) ?? 0 }

    /// The term of the entry at `index`. The valid range is `firstIndex - 1 ... lastIndex` (the
    /// entry just before the first is compacted, but its term is kept for matching). Above
    /// `lastIndex` is unavailable even when storage still holds an older entry there: after an
    /// unstable snapshot or a truncation not yet persisted, storage's suffix is stale.
    func term(_ index: UInt64) throws(RaftError) -> UInt64 {
        if let snapshot = unstableSnapshot, index == snapshot.index { return snapshot.term }
        if index >= unstableOffset, let first = unstableEntries.first, index >= first.index {
            let position = Int(index - first.index)
            guard position < unstableEntries.count else { throw .unavailable }
            return unstableEntries[position].term
        }
        guard index + 1 >= firstIndex else { throw .compacted }
        guard index <= lastIndex else { throw .unavailable }
        return try storage.term(index)
    }

    func matchTerm(_ index: UInt64, _ term: UInt64) -> Bool { (try? self.term(index)) == term }

    /// Entries in `low..<high` within `maxBytes` (at least one).
    func entries(_ low: UInt64, _ high: UInt64, maxBytes: Int) throws(RaftError) -> [Entry] {
        guard low < high else { return [] }
        guard low >= firstIndex else { throw .compacted }
        precondition(high <= lastIndex + 1, "entries beyond the last index")
        var result: [Entry] = []
        if low < unstableOffset {
            result = try storage.entries(low, min(high, unstableOffset), maxBytes: maxBytes)
            if UInt64(result.count) < min(high, unstableOffset) - low { return result }
        }
        if high > unstableOffset, let first = unstableEntries.first {
            var bytes = result.reduce(0) { $0 + $1.size }
            for index in max(low, unstableOffset)..<high {
                let entry = unstableEntries[Int(index - first.index)]
                if !result.isEmpty && bytes + entry.size > maxBytes { break }
                bytes += entry.size
                result.append(entry)
            }
        }
        return result
    }

    /// Whether a candidate's log (last entry `index` with `term`) is at least as up to date.
    func isUpToDate(index: UInt64, term: UInt64) -> Bool {
        term > lastTerm || (term == lastTerm && index >= lastIndex)
    }

    /// The first index where `entries` conflict with the log (or the first new one), or 0.
    func findConflict(_ entries: [Entry]) -> UInt64 {
        for entry in entries where !matchTerm(entry.index, entry.term) { return entry.index }
        return 0
    }

    /// The largest index `<= index` whose term is `<= term`: where a leader with `term` at
    /// `index` could match this log (fast conflict back-off).
    func findConflictByTerm(index: UInt64, term: UInt64) -> UInt64 {
        var candidate = min(index, lastIndex)
        while candidate > 0 {
            guard let found = try? self.term(candidate) else { break }
            if found <= term { break }
            candidate -= 1
        }
        return candidate
    }

    /// Appends from a leader: checks the previous entry, truncates conflicts, appends the new
    /// suffix, advances the commit index. Returns the last new index, or nil on a mismatch.
    mutating func maybeAppend(index: UInt64, logTerm: UInt64, commit: UInt64, entries: [Entry]) -> UInt64? {
        guard matchTerm(index, logTerm) else { return nil }
        let lastNew = index + UInt64(entries.count)
        let conflict = findConflict(entries)
        if conflict != 0 {
            precondition(conflict > committed, "entry \(conflict) conflicts with committed entry \(committed)")
            append(Array(entries[Int(conflict - index - 1)...]))
        }
        commitTo(min(commit, lastNew))
        return lastNew
    }

    /// Appends entries (replacing an unstable or stable suffix from their first index).
    @discardableResult
    mutating func append(_ entries: [Entry]) -> UInt64 {
        guard let first = entries.first else { return lastIndex }
        precondition(first.index > committed, "append at \(first.index) below commit \(committed)")
        if first.index == unstableOffset + UInt64(unstableEntries.count) {
            unstableEntries.append(contentsOf: entries)
        } else if first.index <= unstableOffset {
            unstableOffset = first.index
            unstableEntries = entries
        } else {
            unstableEntries = Array(unstableEntries[..<Int(first.index - unstableOffset)]) + entries
        }
        return lastIndex
    }

    mutating func commitTo(_ index: UInt64) {
        guard index > committed else { return }
        precondition(index <= lastIndex, "commit \(index) beyond last index \(lastIndex)")
        committed = index
    }

    /// Commits `index` if its term is `term` (the leader counts replicas only for entries of
    /// its own term: Raft §5.4.2, Figure 8).
    mutating func maybeCommit(index: UInt64, term: UInt64) -> Bool {
        guard index > committed, (try? self.term(index)) == term else { return false }
        commitTo(index)
        return true
    }

    /// Committed entries not yet handed to the application, bounded by bytes.
    func nextCommittedEntries(maxBytes: Int) -> [Entry] {
        let low = max(applying + 1, firstIndex)
        guard committed >= low else { return [] }
        return (try? entries(low, committed + 1, maxBytes: maxBytes)) ?? []
    }

    var hasNextCommittedEntries: Bool { committed > applying && committed >= max(applying + 1, firstIndex) }

    mutating func restore(_ snapshot: Snapshot) {
        committed = snapshot.index
        unstableOffset = snapshot.index + 1
        unstableEntries = []
        unstableSnapshot = snapshot
    }

    /// Entries up to `index` with `term` are now persisted.
    mutating func stableTo(index: UInt64, term: UInt64) {
        guard let first = unstableEntries.first, index >= first.index, matchTerm(index, term) else { return }
        let position = Int(index - first.index) + 1
        guard position <= unstableEntries.count else { return }
        unstableEntries.removeFirst(position)
        unstableOffset = index + 1
    }

    mutating func stableSnapshotTo(_ index: UInt64) {
        if unstableSnapshot?.index == index { unstableSnapshot = nil }
    }

    mutating func appliedTo(_ index: UInt64) {
        guard index > 0 else { return }
        precondition(index <= committed, "applied \(index) beyond committed \(committed)")
        applied = max(applied, index)
        applying = max(applying, index)
    }
}
