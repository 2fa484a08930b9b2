import Foundation
import RoostAPI

/// The replicated state machine: the SQLite database that `Command`s are applied to.
///
/// Ordering contract: the owner (the node actor) hands `apply` only entries that are durable in the
/// log and committed, in index order, each index exactly once. Apply stores the entry's index in
/// the same transaction as its effects, so after a crash `appliedIndex` says exactly which entries
/// to replay, and none is applied twice. Apply performs no side effects outside this database.
public final class StateMachine {
    public let path: String
    let db: SQLiteConnection
    public private(set) var appliedIndex: UInt64
    /// How many request ids to remember for deduplication, counted in log entries.
    public let requestsRetainedMax: UInt64

    /// Opens the replicated database at `path` (WAL, `synchronous=NORMAL`: the log, not SQLite,
    /// provides durability, and the log is compacted only after `checkpoint()`).
    public init(path: String, requestsRetainedMax: UInt64 = 10_000) throws(RoostError) {
        precondition(requestsRetainedMax > 0, "requestsRetainedMax must be positive")
        self.path = path
        self.requestsRetainedMax = requestsRetainedMax
        db = try SQLiteConnection(path: path)
        try db.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;")
        try SchemaMigrator.migrate(db, updates: ClusterSchema.updates, name: "cluster")
        let statement = try db.prepare("SELECT log_index FROM applied WHERE id = 0")
        guard try statement.step() else { throw RoostError.internalError("Missing applied index row") }
        appliedIndex = UInt64(statement.int(0))
        statement.reset()
    }

    /// Outcomes apply may remember as a request's result: decisions about the request that
    /// depend only on the replicated state, so every member and every replay makes the same
    /// one. Any other error (an environmental `.unavailable`, an `.internalError`) is thrown and
    /// halts the node; remembering it would turn a full disk into a permanent "no" for that
    /// request on this member only.
    public static let rememberedCodes: Set<RoostError.Code> = [.badRequest, .notFound, .conflict, .preconditionFailed]

    /// The index of the entry whose apply last threw (its batch was rolled back whole), so the
    /// owner can tell which entry failed.
    public private(set) var failedIndex: UInt64?

    /// Applies committed entries in order inside one transaction, one savepoint per command, so a
    /// rejected command leaves no trace but its remembered result. `appliedIndex` moves only
    /// once the transaction has committed.
    public func apply(_ entries: [(index: UInt64, command: Command)]) throws(RoostError) -> [ApplyOutcome] {
        failedIndex = nil
        guard !entries.isEmpty else { return [] }
        let start = appliedIndex
        let outcomes = try db.transaction { () throws(RoostError) -> [ApplyOutcome] in
            var outcomes: [ApplyOutcome] = []
            outcomes.reserveCapacity(entries.count)
            var index = start
            for entry in entries {
                precondition(entry.index == index + 1, "apply out of order: \(entry.index) after \(index)")
                do throws(RoostError) {
                    outcomes.append(try applyOne(entry.command, index: entry.index))
                } catch {
                    failedIndex = entry.index
                    throw error
                }
                index = entry.index
            }
            try db.prepare("UPDATE applied SET log_index = ? WHERE id = 0").bind(.integer(Int64(index))).run()
            let horizon = index > requestsRetainedMax ? index - requestsRetainedMax : 0
            try db.prepare("DELETE FROM requests WHERE log_index <= ?").bind(.integer(Int64(horizon))).run()
            return outcomes
        }
        appliedIndex = entries[entries.count - 1].index
        failedIndex = nil
        return outcomes
    }

    /// Records entry `index` as applied without applying it: the operator skipped it
    /// (`Command.Action.skipEntry`). Only the next entry can be skipped. When the entry decodes
    /// (`command`), its request id is remembered with a rejection, so a client retrying the
    /// request (its first attempt got "outcome unknown") is told it was skipped instead of
    /// bringing the poison entry back.
    public func skip(index: UInt64, command: Command?) throws(RoostError) {
        precondition(index == appliedIndex + 1, "skip out of order: \(index) after \(appliedIndex)")
        try db.transaction { () throws(RoostError) in
            try db.prepare("UPDATE applied SET log_index = ? WHERE id = 0").bind(.integer(Int64(index))).run()
            guard let command, let hash = try? command.requestHash() else { return }
            let rejection = CommandResult.rejected(
                RoostError.badRequest(
                    "This request failed to apply and was skipped by the operator (log entry \(index))"))
            try remember(command.requestID, index: index, result: rejection, hash: hash)
        }
        appliedIndex = index
        failedIndex = nil
    }

    /// Makes everything applied so far durable in the database file, so the log below
    /// `appliedIndex` may be dropped. Returns the index that is now durable, or nil when SQLite
    /// could not copy the whole WAL into the database (a reader still needs old pages); then the
    /// log must be kept and the caller tries again later. PASSIVE never waits for readers; with
    /// `synchronous=NORMAL` SQLite syncs the WAL before and the database file after copying.
    ///
    /// `truncate` (for an idle node, after PASSIVE attempts were blocked): TRUNCATE also resets
    /// the WAL file to zero bytes. It is run without a busy wait, so a reader still holding an
    /// old snapshot makes it give up at once rather than stall the node.
    public func checkpoint(truncate: Bool = false) throws(RoostError) -> UInt64? {
        if truncate { db.setBusyTimeout(milliseconds: 0) }
        defer { if truncate { db.setBusyTimeout(milliseconds: SQLiteConnection.busyTimeoutMilliseconds) } }
        let statement = try db.prepare(truncate ? "PRAGMA wal_checkpoint(TRUNCATE)" : "PRAGMA wal_checkpoint(PASSIVE)")
        defer { statement.reset() }
        let stepped: Bool
        do {
            stepped = try statement.step()
        } catch  where error.code == .unavailable && truncate {
            return nil  // SQLITE_BUSY: a reader or writer is in the way; try again later.
        }
        guard stepped else { return nil }
        let (busy, walFrames, checkpointed) = (statement.int(0), statement.int(1), statement.int(2))
        return busy == 0 && walFrames >= 0 && walFrames == checkpointed ? appliedIndex : nil
    }

    /// Read access to the writer connection, for the owner only (bootstrap, tests).
    public func read<T>(_ body: (SQLiteConnection) throws(RoostError) -> T) throws(RoostError) -> T {
        try body(db)
    }

    private func applyOne(_ command: Command, index: UInt64) throws(RoostError) -> ApplyOutcome {
        let requestHash = try command.requestHash()
        let remembered = try db.prepare("SELECT result, action_hash FROM requests WHERE request_id = ?")
        try remembered.bind(.text(command.requestID.uuidString))
        if try remembered.step() {
            let bytes = remembered.blob(0)
            let storedHash = remembered.text(1)
            remembered.reset()
            guard storedHash == requestHash else {
                // Same id, different request: a client bug. Refuse it without remembering it.
                let error = RoostError.badRequest(
                    "Request ID \(command.requestID.uuidString.lowercased()) was already used for a different request")
                return ApplyOutcome(result: .rejected(error), isDuplicate: true)
            }
            return ApplyOutcome(result: try Self.decodeResult(bytes), isDuplicate: true)
        }
        remembered.reset()
        try db.execute("SAVEPOINT command")
        let result: CommandResult
        do {
            let change = try CommandApplier(db: db, command: command).run()
            try db.execute("RELEASE command")
            result = .applied(change)
        } catch {
            // Anything else is thrown before touching the savepoint: SQLite rolls the whole
            // transaction back by itself after some errors (SQLITE_FULL, IOERR, NOMEM), and a
            // ROLLBACK TO would then fail with "no such savepoint", hiding the real cause.
            guard Self.rememberedCodes.contains(error.code) else { throw error }
            try db.execute("ROLLBACK TO command; RELEASE command")
            result = .rejected(error)
        }
        try remember(command.requestID, index: index, result: result, hash: requestHash)
        return ApplyOutcome(result: result, isDuplicate: false)
    }

    /// Stores a request's result for its retries (replacing one stored before: a skip overrides
    /// nothing else, since a request id is remembered once).
    private func remember(_ id: UUID, index: UInt64, result: CommandResult, hash: String) throws(RoostError) {
        try db.prepare(
            "INSERT OR REPLACE INTO requests (request_id, log_index, result, action_hash) VALUES (?, ?, ?, ?)"
        )
        .bind(.text(id.uuidString), .integer(Int64(index)), .blob(try Self.encodeResult(result)), .text(hash))
        .run()
    }

    /// Closes the database connection (tests that simulate a power loss close it first).
    public func close() { db.close() }

    /// The stored result is part of the replicated database: its bytes must be the same on
    /// every member, so keys are sorted (a dictionary's order varies between processes).
    public static func encodeResult(_ result: CommandResult) throws(RoostError) -> [UInt8] {
        do {
            return Array(try resultEncoder.encode(result))
        } catch {
            throw RoostError.internalError("Failed to encode result", cause: "\(error)")
        }
    }

    private static let resultEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func decodeResult(_ bytes: [UInt8]) throws(RoostError) -> CommandResult {
        do {
            return try JSONDecoder().decode(CommandResult.self, from: Data(bytes))
        } catch {
            throw RoostError.internalError("Failed to decode remembered result", cause: "\(error)")
        }
    }
}
