import RaftCore

/// A node's disk as a write-ahead log of records. Writes are volatile until `sync()`; a crash
/// keeps every synced record and, for a torn write, a random prefix of the unsynced ones (the
/// order a real WAL guarantees on recovery). One record is atomic: what a `Ready` asks to
/// persist (snapshot, entries, hard state) is one record, as `Ready`'s contract requires, so no
/// crash keeps a Ready's entries without the hard state written with them.
struct SimDisk {
    enum Record {
        /// What one Ready persists, written atomically: a snapshot received from the leader
        /// (replaces the log), then entries, then the hard state.
        case ready(snapshot: Snapshot?, entries: [Entry], hardState: HardState?)
        /// A snapshot this node took of its own applied state: compacts the log below it.
        case compaction(Snapshot)
    }

    private(set) var durable: [Record] = []
    private(set) var pending: [Record] = []
    let membership: Membership

    init(membership: Membership) { self.membership = membership }

    mutating func write(_ record: Record) { pending.append(record) }

    mutating func sync() {
        durable.append(contentsOf: pending)
        pending.removeAll()
    }

    /// Power loss: unsynced records are lost, except a prefix kept by a torn write.
    mutating func crash(keepingPrefixOf kept: Int) {
        durable.append(contentsOf: pending.prefix(kept))
        pending.removeAll()
        // Bound memory: fold the durable records into one storage image occasionally.
        if durable.count > 512 { fold() }
    }

    var pendingCount: Int { pending.count }

    /// Rebuilds the storage a restarted node sees, by replaying durable records in order.
    func recover() -> MemoryStorage {
        let storage = MemoryStorage(membership: membership)
        for record in durable { Self.replay(record, into: storage) }
        return storage
    }

    /// Replaces the durable records by an equivalent minimal set.
    private mutating func fold() {
        let storage = recover()
        let snapshot = (try? storage.snapshot()) ?? Snapshot()
        var entries: [Entry] = []
        if storage.lastIndex() >= storage.firstIndex(),
            let stored = try? storage.entries(storage.firstIndex(), storage.lastIndex() + 1, maxBytes: .max)
        {
            entries = stored
        }
        durable = [.ready(snapshot: snapshot.isEmpty ? nil : snapshot, entries: entries, hardState: storage.hardState)]
    }

    static func replay(_ record: Record, into storage: MemoryStorage) {
        switch record {
        case .ready(let snapshot, let entries, let hardState):
            if let snapshot, snapshot.index > storage.currentSnapshot.index { storage.applySnapshot(snapshot) }
            if let first = entries.first {
                // Entries below the snapshot were compacted away; keep the rest. A gap after the
                // last stored entry would mean a lost record: the WAL keeps records in order, so
                // that is a bug in this model, not a crash to tolerate.
                let usable =
                    first.index < storage.firstIndex() ? entries.filter { $0.index >= storage.firstIndex() } : entries
                if let start = usable.first?.index {
                    precondition(
                        start <= storage.lastIndex() + 1,
                        "recovery would leave a gap: entries from \(start) after last index \(storage.lastIndex())")
                    storage.append(usable)
                }
            }
            if let hardState { storage.setHardState(hardState) }
        case .compaction(let snapshot):
            guard snapshot.index > storage.currentSnapshot.index else { return }
            if storage.lastIndex() >= snapshot.index, (try? storage.term(snapshot.index)) == snapshot.term {
                try? storage.createSnapshot(at: snapshot.index, membership: snapshot.membership, data: snapshot.data)
            } else {
                storage.applySnapshot(snapshot)
            }
        }
    }
}
