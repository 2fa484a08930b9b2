import RaftCore

/// A node's disk as a write-ahead log of records. Writes are volatile until `sync()`; a crash
/// keeps every synced record and, for a torn write, a random prefix of the unsynced ones (the
/// order a real WAL guarantees on recovery).
struct SimDisk {
    enum Record {
        case entries([Entry])
        case hardState(HardState)
        /// A snapshot received from the leader: replaces the log.
        case installSnapshot(Snapshot)
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
        var records: [Record] = []
        let snapshot = (try? storage.snapshot()) ?? Snapshot()
        if !snapshot.isEmpty { records.append(.installSnapshot(snapshot)) }
        if storage.lastIndex() >= storage.firstIndex(),
            let entries = try? storage.entries(storage.firstIndex(), storage.lastIndex() + 1, maxBytes: .max)
        {
            records.append(.entries(entries))
        }
        records.append(.hardState(storage.hardState))
        durable = records
    }

    static func replay(_ record: Record, into storage: MemoryStorage) {
        switch record {
        case .entries(let entries):
            guard let first = entries.first else { return }
            // Entries below the snapshot were compacted away; keep the rest.
            let usable =
                first.index < storage.firstIndex() ? entries.filter { $0.index >= storage.firstIndex() } : entries
            if !usable.isEmpty, usable[0].index <= storage.lastIndex() + 1 { storage.append(usable) }
        case .hardState(let state):
            storage.setHardState(state)
        case .installSnapshot(let snapshot):
            if snapshot.index > storage.currentSnapshot.index { storage.applySnapshot(snapshot) }
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
