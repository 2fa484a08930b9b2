import CSQLite
import RoostAPI

/// Sorts SQLite result codes into the two kinds a replicated state machine must tell apart.
///
/// - *Environmental* failures (disk full, I/O error, out of memory, a busy or locked database, a
///   file that cannot be opened, a read-only or corrupt file) say nothing about the command: the
///   same entry may apply fine after the operator frees space or the process restarts. They
///   become `.unavailable`, which apply never remembers as a request's result and which halts the
///   node (crash-only: the daemon exits and a supervisor restarts it).
/// - Everything else (a constraint, a misuse, a schema error) is *deterministic*: the same entry
///   fails the same way on every member and after every restart. It stays `.internalError`, also
///   never remembered; an operator can skip such a poison entry (`roostd --skip-entry`).
enum SQLiteFailure {
    /// Primary result codes (the low byte of an extended code) that depend on the machine, not
    /// on the command.
    /// PERM, ABORT and SCHEMA are here too: a permission, a rollback forced from elsewhere or a
    /// schema change seen by a prepared statement may not recur, and counting them deterministic
    /// would make the operator skip an entry that is fine. CORRUPT and NOTADB do not heal on a
    /// restart either, but they halt just the same and are never remembered as an answer.
    static let environmental: Set<Int32> = [
        SQLITE_PERM, SQLITE_ABORT, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_NOMEM, SQLITE_READONLY, SQLITE_INTERRUPT,
        SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_PROTOCOL, SQLITE_SCHEMA, SQLITE_NOTADB,
        SQLITE_NOLFS,
    ]

    /// The error for result code `rc`, with SQLite's message and the code's name as the cause.
    static func error(_ rc: Int32, message: String) -> RoostError {
        let primary = rc & 0xff
        let cause = "\(message) (\(String(cString: sqlite3_errstr(rc))), code \(rc))"
        if environmental.contains(primary) {
            return RoostError(.unavailable, "The database is unavailable", cause: cause)
        }
        return RoostError.internalError("Database error", cause: cause)
    }
}
