import ClusterDB
import Logging
import RoostAPI

/// Start-up replay, and the operator's way past a poison entry.
///
/// An entry that fails to apply deterministically (it does not decode, or apply throws anything
/// but an environmental `.unavailable`) fails the same way on every member and after every
/// restart: the node halts on it. The operator inspects it and appends a `skipEntry` command
/// for it (`roostd --skip-entry INDEX`); a later replay that stops at the entry finds that
/// command in the rest of the log and records the entry as applied without applying it. In a
/// cluster the skip is proposed like any command, so every member skips the same entry.
extension SingleMemberNode {
    /// Bytes of log read per replay step, on top of the entry-count bound.
    static let replayReadMaxBytes = 8 << 20

    static func replay(log: DurableLog, state: StateMachine, batchMax: Int, logger: Logger?) throws(RoostError) {
        guard log.lastIndex >= state.appliedIndex else {
            throw RoostError.internalError(
                "The log ends at \(log.lastIndex) but the database has applied \(state.appliedIndex); refusing to start"
            )
        }
        guard state.appliedIndex + 1 >= log.firstIndex || log.lastIndex == 0 else {
            throw RoostError.internalError(
                "The log starts at \(log.firstIndex) but the database has applied only \(state.appliedIndex); refusing to start"
            )
        }
        // Each batch reads only the entries it applies: the log is read once, however long it is.
        while state.appliedIndex < log.lastIndex {
            let through = min(log.lastIndex, state.appliedIndex + UInt64(batchMax))
            let entries = try log.entries(
                from: state.appliedIndex + 1, through: through, maxBytes: replayReadMaxBytes)
            var commands: [(index: UInt64, command: Command)] = []
            var failure: (index: UInt64, error: RoostError)?
            for entry in entries {
                do throws(RoostError) {
                    commands.append((entry.index, try Command.decode(entry.payload)))
                } catch {
                    failure = (entry.index, error)
                    break
                }
            }
            do {
                _ = try state.apply(commands)
            } catch {
                guard error.code != .unavailable, let failed = state.failedIndex else { throw error }
                // The batch was rolled back whole: apply what came before the failed entry.
                _ = try state.apply(commands.filter { $0.index < failed })
                failure = (failed, error)
            }
            if let failure {
                try skipOrHalt(at: failure.index, error: failure.error, log: log, state: state, logger: logger)
            }
        }
    }

    /// Skips the entry at `index` when a `skipEntry` command for it (and for its exact bytes)
    /// follows it in the log; otherwise refuses to start, saying how to skip it.
    private static func skipOrHalt(
        at index: UInt64, error: RoostError, log: DurableLog, state: StateMachine, logger: Logger?
    ) throws(RoostError) {
        let payload = try log.entries(from: index, through: index, maxBytes: 0)[0].payload
        let digest = SHA256.hex(payload)
        var next = index + 1
        while next <= log.lastIndex {
            let chunk = try log.entries(
                from: next, through: min(log.lastIndex, next + 1023), maxBytes: replayReadMaxBytes)
            for entry in chunk {
                guard let command = try? Command.decode(entry.payload),
                    case .skipEntry(index: index, payloadDigest: digest) = command.action
                else { continue }
                logger?.warning(
                    "Skipping log entry \(index) as the operator decided (entry \(entry.index)); it failed with: \(error)"
                )
                try state.skip(index: index)
                return
            }
            next += UInt64(chunk.count)
        }
        let preview = String(decoding: payload.prefix(300), as: UTF8.self)
        throw RoostError.internalError(
            "Log entry \(index) cannot be applied, and it will fail the same way after every restart: \(error). "
                + "The entry starts with: \(preview). After inspecting it, skip it with "
                + "`roostd --skip-entry \(index)` (same --state-dir), then start roostd again")
    }

    /// Appends the operator's `skipEntry` command for the entry at `index` to the log and syncs
    /// it; the next start skips the entry if (and only if) it still fails. Runs with the daemon
    /// stopped (the caller holds the state directory's lock). Returns the skip's own index.
    public static func appendSkip(
        index: UInt64, logDirectory: String, state: StateMachine, files: any FileLayer, origin: String,
        timestamp: Timestamp, options: DurableLog.Options = .init()
    ) throws(RoostError) -> UInt64 {
        let log = try DurableLog(directory: logDirectory, files: files, options: options)
        defer { log.close() }
        guard index > state.appliedIndex, index <= log.lastIndex else {
            throw RoostError.badRequest(
                "Entry \(index) is not waiting to be applied (applied through \(state.appliedIndex), log ends at \(log.lastIndex))"
            )
        }
        let payload = try log.entries(from: index, through: index, maxBytes: 0)[0].payload
        let command = Command(
            timestamp: timestamp, origin: origin,
            action: .skipEntry(index: index, payloadDigest: SHA256.hex(payload)))
        let entry = LogEntry(index: log.lastIndex + 1, term: term, payload: try command.encoded())
        try log.append([entry])
        try log.sync()
        return entry.index
    }
}
