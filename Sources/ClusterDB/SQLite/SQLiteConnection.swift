import CSQLite
import RoostAPI

/// One SQLite connection (opened `NOMUTEX`). Each connection has exactly one user at a time: the
/// state machine's writer is owned by the node actor, and a reader is lent by `ReaderPool` to one
/// caller until it is given back. That discipline, not a lock, makes the unchecked conformance safe.
public final class SQLiteConnection: @unchecked Sendable {
    let handle: OpaquePointer
    private var statementCache: [String: SQLiteStatement] = [:]
    /// Prepared statements kept per connection; the SQL strings are constants in this module.
    static let statementCacheMax = 128

    public enum Mode: Sendable { case readWrite, readOnly }

    /// How long a statement waits for a lock before SQLITE_BUSY.
    public static let busyTimeoutMilliseconds: Int32 = 5000

    /// Opens (creating if needed) the database at `path`; `":memory:"` opens a private in-memory one.
    public init(path: String, mode: Mode = .readWrite) throws(RoostError) {
        var db: OpaquePointer?
        let flags =
            (mode == .readWrite ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY)
            | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close_v2(db) }
            let error = SQLiteFailure.error(rc, message: message)
            throw RoostError(error.code, "Failed to open database \(path)", cause: error.cause)
        }
        handle = db
        sqlite3_busy_timeout(db, Self.busyTimeoutMilliseconds)
        sqlite3_extended_result_codes(db, 1)
    }

    private var isClosed = false

    deinit { close() }

    /// Finalizes statements and closes the handle; later use is a programming error.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        statementCache.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements without results.
    public func execute(_ sql: String) throws(RoostError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if rc != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? "error \(rc)"
            sqlite3_free(errorMessage)
            throw SQLiteFailure.error(rc, message: message)
        }
    }

    /// A cached prepared statement for `sql`, reset and ready to bind.
    public func prepare(_ sql: String) throws(RoostError) -> SQLiteStatement {
        if let cached = statementCache[sql] {
            cached.reset()
            return cached
        }
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else {
            throw SQLiteFailure.error(rc, message: "\(lastErrorMessage) in \(sql)")
        }
        let wrapped = SQLiteStatement(statement, connection: self)
        if statementCache.count >= Self.statementCacheMax { statementCache.removeAll() }
        statementCache[sql] = wrapped
        return wrapped
    }

    /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT`, rolling back if it throws.
    public func transaction<T>(_ body: () throws(RoostError) -> T) throws(RoostError) -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// How long a statement waits for a lock before answering SQLITE_BUSY
    /// (`busyTimeoutMilliseconds` after open).
    public func setBusyTimeout(milliseconds: Int32) { sqlite3_busy_timeout(handle, milliseconds) }

    public var lastErrorMessage: String { String(cString: sqlite3_errmsg(handle)) }
    public var changes: Int { Int(sqlite3_changes(handle)) }
}
