/// What the core reads from stable storage. Read-only to the core: the application writes
/// what `Ready` tells it to (entries, hard state, snapshots) and then calls `advance`.
public protocol RaftStorage: AnyObject {
    /// The persisted hard state, and the membership as of `firstIndex() - 1` (the snapshot's, or
    /// the bootstrap membership for an empty log): changes after it are applied again from the
    /// log on restart.
    func initialState() -> (HardState, Membership)
    /// Entries in `low..<high`, at most `maxBytes` (but at least one if any).
    func entries(_ low: UInt64, _ high: UInt64, maxBytes: Int) throws(RaftError) -> [Entry]
    /// Term of the entry at `index`; the snapshot's index is answerable too.
    func term(_ index: UInt64) throws(RaftError) -> UInt64
    /// First index with an entry available (snapshot index + 1).
    func firstIndex() -> UInt64
    func lastIndex() -> UInt64
    func snapshot() throws(RaftError) -> Snapshot
    /// The newest snapshot's metadata and data size, without its data.
    func snapshotMetadata() throws(RaftError) -> SnapshotMetadata
    /// Up to `maxBytes` of the data of the snapshot at `index`, from `offset` (empty at the
    /// end). The leader streams a snapshot to a follower in chunks read through this, so a
    /// snapshot of hundreds of MB is never read whole. Storage keeps every snapshot in
    /// `RawNode.snapshotsInUse` readable, even after a newer one replaced it; for any other it
    /// may throw `.compacted` (the leader then starts over with the newest). The bytes of a
    /// snapshot never change once taken: a follower resumes a transfer from the same leader
    /// term where its staging stopped, joining bytes read at different times.
    func snapshotData(index: UInt64, offset: UInt64, maxBytes: Int) throws(RaftError) -> [UInt8]
}

/// An in-memory `RaftStorage`, for tests and the simulator. `entries[0]` is a dummy holding the
/// snapshot's index and term.
public final class MemoryStorage: RaftStorage {
    public private(set) var hardState = HardState()
    public private(set) var currentSnapshot = Snapshot()
    /// Older snapshots still being streamed to followers, by index (see `releaseSnapshots`).
    private var retained: [UInt64: Snapshot] = [:]
    private var log: [Entry] = [Entry(term: 0, index: 0)]

    public init(membership: Membership = Membership()) {
        currentSnapshot.membership = membership
    }

    public func initialState() -> (HardState, Membership) { (hardState, currentSnapshot.membership) }

    public func setHardState(_ state: HardState) { hardState = state }

    public func firstIndex() -> UInt64 { log[0].index + 1 }
    public func lastIndex() -> UInt64 { log[0].index + UInt64(log.count) - 1 }

    public func term(_ index: UInt64) throws(RaftError) -> UInt64 {
        let offset = log[0].index
        guard index >= offset else { throw .compacted }
        guard index - offset < UInt64(log.count) else { throw .unavailable }
        return log[Int(index - offset)].term
    }

    public func entries(_ low: UInt64, _ high: UInt64, maxBytes: Int) throws(RaftError) -> [Entry] {
        let offset = log[0].index
        guard low > offset else { throw .compacted }
        guard high <= lastIndex() + 1 else { throw .unavailable }
        var result: [Entry] = []
        var bytes = 0
        for index in low..<high {
            let entry = log[Int(index - offset)]
            if !result.isEmpty && bytes + entry.size > maxBytes { break }
            bytes += entry.size
            result.append(entry)
        }
        return result
    }

    public func snapshot() throws(RaftError) -> Snapshot { currentSnapshot }

    public func snapshotMetadata() throws(RaftError) -> SnapshotMetadata { SnapshotMetadata(currentSnapshot) }

    public func snapshotData(index: UInt64, offset: UInt64, maxBytes: Int) throws(RaftError) -> [UInt8] {
        guard let snapshot = index == currentSnapshot.index ? currentSnapshot : retained[index] else {
            throw .compacted
        }
        let start = Int(min(offset, UInt64(snapshot.data.count)))
        return Array(snapshot.data[start..<min(snapshot.data.count, start + maxBytes)])
    }

    /// Drops the older snapshots not in `inUse` (`RawNode.snapshotsInUse`).
    public func releaseSnapshots(keeping inUse: Set<UInt64>) {
        retained = retained.filter { inUse.contains($0.key) }
    }

    /// Makes `snapshot` current, keeping the one it replaces readable until released.
    private func replaceSnapshot(with snapshot: Snapshot) {
        if !currentSnapshot.isEmpty { retained[currentSnapshot.index] = currentSnapshot }
        currentSnapshot = snapshot
    }

    /// Appends entries, replacing any conflicting suffix.
    public func append(_ entries: [Entry]) {
        guard let first = entries.first else { return }
        let offset = log[0].index
        precondition(first.index > offset, "append below the snapshot")
        precondition(first.index <= lastIndex() + 1, "append leaves a gap")
        log.removeSubrange(Int(first.index - offset)...)
        log.append(contentsOf: entries)
    }

    /// Replaces the log with a snapshot (received from a leader).
    public func applySnapshot(_ snapshot: Snapshot) {
        precondition(snapshot.index >= currentSnapshot.index, "snapshot older than the current one")
        replaceSnapshot(with: snapshot)
        log = [Entry(term: snapshot.term, index: snapshot.index)]
    }

    /// Records a snapshot the application took at `index` (must be applied) and drops the log
    /// up to it.
    public func createSnapshot(at index: UInt64, membership: Membership, data: [UInt8]) throws(RaftError) {
        let term = try term(index)
        replaceSnapshot(with: Snapshot(index: index, term: term, membership: membership, data: data))
        compact(to: index)
    }

    /// Drops entries up to and including `index`.
    public func compact(to index: UInt64) {
        let offset = log[0].index
        guard index > offset else { return }
        precondition(index <= lastIndex(), "compact beyond the last index")
        let kept = Array(log[Int(index - offset)...])
        log = [Entry(term: kept[0].term, index: kept[0].index)] + kept.dropFirst()
    }
}
