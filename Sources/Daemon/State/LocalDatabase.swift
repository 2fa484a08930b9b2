import ClusterDB
import Foundation
import RoostAPI
import Synchronization

/// The member-local database: this member's identity, its member-local server config, the
/// instance directories it holds, and intents of multi-step local work. Never replicated.
///
/// One connection behind a lock, with `synchronous=FULL`: the reconciler (on its own thread)
/// holds the lock across fsyncs. API handlers therefore never take the lock on the cooperative
/// pool: they use the `…Async` calls, which wait for it on a dedicated thread.
public final class LocalDatabase: Sendable {
    private let connection: Mutex<SQLiteConnection>
    private let worker = BlockingWorkers(name: "roost.local-db", threads: 1, queueMax: 1024)

    public init(path: String) throws(RoostError) {
        let db = try SQLiteConnection(path: path)
        try db.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;")
        try SchemaMigrator.migrate(db, updates: LocalSchema.updates, name: "local")
        connection = Mutex(db)
    }

    deinit { worker.shutdown() }

    /// The member-local config as last read or written: `GET /1.0` reads it on every call, and
    /// only `replaceLocalConfig` changes it, so it is served from memory after the first read.
    private let cachedLocalConfig = Mutex<[String: String]?>(nil)

    /// `localConfig()`, from memory once read, else on the database's own thread.
    public func localConfigAsync() async throws(RoostError) -> [String: String] {
        if let cached = cachedLocalConfig.withLock({ $0 }) { return cached }
        return try await worker.run { () throws(RoostError) -> [String: String] in try self.localConfig() }
    }

    /// `replaceLocalConfig(_:)` on the database's own thread.
    public func replaceLocalConfigAsync(_ config: [String: String]) async throws(RoostError) {
        try await worker.run { () throws(RoostError) in try self.replaceLocalConfig(config) }
    }

    func with<T>(_ body: (SQLiteConnection) throws(RoostError) -> T) throws(RoostError) -> T {
        try connection.withLock { db throws(RoostError) -> T in try body(db) }
    }

    /// The member name recorded at first start; later starts must agree with the config (a
    /// member's name is its identity in the cluster and in instance locations).
    public func claimMemberName(_ name: String, explicit: Bool) throws(RoostError) -> String {
        try with { db throws(RoostError) -> String in
            let statement = try db.prepare("SELECT name FROM member WHERE id = 0")
            if try statement.step() {
                let stored = statement.text(0)
                statement.reset()
                guard !explicit || stored == name else {
                    throw RoostError.badRequest(
                        "This state directory belongs to member \"\(stored)\"; it cannot start as \"\(name)\"")
                }
                return stored
            }
            statement.reset()
            try db.prepare("INSERT INTO member (id, name) VALUES (0, ?)").bind(.text(name)).run()
            return name
        }
    }

    public func localConfig() throws(RoostError) -> [String: String] {
        try with { db throws(RoostError) -> [String: String] in
            let statement = try db.prepare("SELECT key, value FROM local_config")
            defer { statement.reset() }
            var config: [String: String] = [:]
            while try statement.step() { config[statement.text(0)] = statement.text(1) }
            cachedLocalConfig.withLock { $0 = config }
            return config
        }
    }

    public func replaceLocalConfig(_ config: [String: String]) throws(RoostError) {
        try with { db throws(RoostError) in
            try db.transaction { () throws(RoostError) in
                try db.execute("DELETE FROM local_config")
                for (key, value) in config where !value.isEmpty {
                    try db.prepare("INSERT INTO local_config (key, value) VALUES (?, ?)").bind(.text(key), .text(value))
                        .run()
                }
            }
            // Under the connection's lock, after the commit: readers never see a value the
            // database does not hold.
            cachedLocalConfig.withLock { $0 = config.filter { !$0.value.isEmpty } }
        }
    }
}
