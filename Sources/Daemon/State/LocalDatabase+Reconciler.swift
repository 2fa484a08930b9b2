import ClusterDB
import RoostAPI

/// Held instances and intents: the reconciler's member-local bookkeeping.
extension LocalDatabase {
    func heldInstances() throws(RoostError) -> [Reconciler.Held] {
        try with { db throws(RoostError) -> [Reconciler.Held] in
            let statement = try db.prepare("SELECT uuid, name, etag FROM held_instances ORDER BY name")
            defer { statement.reset() }
            var held: [Reconciler.Held] = []
            while try statement.step() {
                held.append(Reconciler.Held(uuid: statement.text(0), name: statement.text(1), etag: statement.text(2)))
            }
            return held
        }
    }

    /// Names of the instances whose directories this member holds, for tests and diagnostics.
    public func heldInstanceNames() throws(RoostError) -> [String] { try heldInstances().map(\.name).sorted() }

    /// Number of unfinished intents (tests and diagnostics).
    public func pendingIntentCount() throws(RoostError) -> Int { try pendingIntents().count }

    func addIntent(kind: String, uuid: String) throws(RoostError) -> Int64 {
        try with { db throws(RoostError) -> Int64 in
            try db.prepare("INSERT INTO intents (kind, payload, created_at) VALUES (?, ?, ?)")
                .bind(.text(kind), .blob(Array(uuid.utf8)), .integer(Timestamp.now.nanosecondsSinceEpoch)).run()
            let statement = try db.prepare("SELECT last_insert_rowid()")
            defer { statement.reset() }
            _ = try statement.step()
            return statement.int(0)
        }
    }

    /// Intents left by an interrupted pass, oldest first.
    func pendingIntents() throws(RoostError) -> [(id: Int64, kind: String, uuid: String)] {
        try with { db throws(RoostError) -> [(id: Int64, kind: String, uuid: String)] in
            let statement = try db.prepare("SELECT id, kind, payload FROM intents ORDER BY id")
            defer { statement.reset() }
            var intents: [(id: Int64, kind: String, uuid: String)] = []
            while try statement.step() {
                intents.append(
                    (statement.int(0), statement.text(1), String(decoding: statement.blob(2), as: UTF8.self)))
            }
            return intents
        }
    }

    /// Records the finished step and removes its intent in one transaction.
    func recordHeld(uuid: String, name: String, etag: String, completing intent: Int64) throws(RoostError) {
        try with { db throws(RoostError) in
            try db.transaction { () throws(RoostError) in
                try db.prepare("INSERT OR REPLACE INTO held_instances (uuid, name, etag) VALUES (?, ?, ?)")
                    .bind(.text(uuid), .text(name), .text(etag)).run()
                try db.prepare("DELETE FROM intents WHERE id = ?").bind(.integer(intent)).run()
            }
        }
    }

    func forgetHeld(uuid: String, completing intent: Int64) throws(RoostError) {
        try with { db throws(RoostError) in
            try db.transaction { () throws(RoostError) in
                try db.prepare("DELETE FROM held_instances WHERE uuid = ?").bind(.text(uuid)).run()
                try db.prepare("DELETE FROM intents WHERE id = ?").bind(.integer(intent)).run()
            }
        }
    }
}
