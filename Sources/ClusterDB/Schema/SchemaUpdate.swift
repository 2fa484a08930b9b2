import RoostAPI

/// One numbered, append-only schema change. Never edit or reorder a released update: add a new one.
public struct SchemaUpdate: Sendable {
    public let version: Int
    public let sql: String

    public init(version: Int, sql: String) {
        self.version = version
        self.sql = sql
    }
}

/// Brings a database up to the newest schema version this binary knows.
public enum SchemaMigrator {
    /// Applies every update newer than the stored version, each in its own transaction together
    /// with the version bump. Refuses a database written by a newer Roost (its version is higher
    /// than any update we know): running old code on a newer schema would corrupt it.
    public static func migrate(_ db: SQLiteConnection, updates: [SchemaUpdate], name: String) throws(RoostError) {
        precondition(
            updates.enumerated().allSatisfy { $0.offset + 1 == $0.element.version },
            "schema updates must be numbered 1...n")
        try db.execute(
            "CREATE TABLE IF NOT EXISTS schema (version INTEGER PRIMARY KEY, updated_at INTEGER NOT NULL DEFAULT 0)")
        let statement = try db.prepare("SELECT COALESCE(MAX(version), 0) FROM schema")
        _ = try statement.step()
        let current = Int(statement.int(0))
        statement.reset()
        guard current <= updates.count else {
            throw RoostError.internalError(
                "The \(name) database schema is version \(current), newer than this Roost supports (\(updates.count))")
        }
        for update in updates where update.version > current {
            try db.transaction { () throws(RoostError) in
                try db.execute(update.sql)
                try db.prepare("INSERT INTO schema (version) VALUES (?)").bind(.integer(Int64(update.version))).run()
            }
        }
    }
}
