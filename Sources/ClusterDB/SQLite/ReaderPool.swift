import RoostAPI
import Synchronization

/// Read-only connections to the replicated database for API handlers. WAL mode lets them read
/// committed state while the state machine writes. At most `connectionsMax` stay open; a burst
/// beyond that opens short-lived extra connections rather than queueing.
public final class ReaderPool: Sendable {
    public let path: String
    public let connectionsMax: Int
    private let idle: Mutex<[SQLiteConnection]>

    public init(path: String, connectionsMax: Int = 8) {
        precondition(connectionsMax > 0, "connectionsMax must be positive")
        self.path = path
        self.connectionsMax = connectionsMax
        idle = Mutex([])
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
