import RoostAPI
import Synchronization

/// Read-only connections to the replicated database. WAL mode lets them read committed state
/// while the state machine writes.
///
/// API handlers read through `readAsync`, which runs on `connectionsMax` dedicated threads (never
/// on the cooperative pool) with a bounded queue; so at most `connectionsMax` connections serve
/// them. Owners that already run on a thread of their own (the reconciler) use `read` directly,
/// which lends an idle connection or opens one more; at most `connectionsMax` stay open.
public final class ReaderPool: Sendable {
    public let path: String
    public let connectionsMax: Int
    private let idle: Mutex<[SQLiteConnection]>
    private let workers: BlockingWorkers

    public init(path: String, connectionsMax: Int = 8, queueMax: Int = 4096) {
        precondition(connectionsMax > 0, "connectionsMax must be positive")
        self.path = path
        self.connectionsMax = connectionsMax
        idle = Mutex([])
        workers = BlockingWorkers(name: "roost.reader", threads: connectionsMax, queueMax: queueMax)
    }

    deinit { workers.shutdown() }

    /// `read` on one of the pool's threads; 503 when `queueMax` reads are already waiting.
    public func readAsync<T: Sendable>(
        _ body: @escaping @Sendable (SQLiteConnection) throws(RoostError) -> T
    ) async throws(RoostError) -> T {
        try await workers.run { () throws(RoostError) -> T in try self.read(body) }
    }

    /// Runs `body` with a connection that sees the latest committed state, as one snapshot:
    /// every query in `body` reads the same committed state (one read transaction).
    public func read<T>(_ body: (SQLiteConnection) throws(RoostError) -> T) throws(RoostError) -> T {
        let connection = try take()
        defer { give(connection) }
        try connection.execute("BEGIN")
        do {
            let result = try body(connection)
            try connection.execute("COMMIT")
            return result
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
    }

    private func take() throws(RoostError) -> SQLiteConnection {
        if let connection = idle.withLock({ $0.popLast() }) { return connection }
        let connection = try SQLiteConnection(path: path)
        try connection.execute("PRAGMA query_only=1; PRAGMA foreign_keys=ON;")
        return connection
    }

    private func give(_ connection: SQLiteConnection) {
        idle.withLock { connections in
            if connections.count < connectionsMax { connections.append(connection) }
        }
    }
}
