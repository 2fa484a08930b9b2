import ClusterDB
import Logging
import RoostAPI

/// Start-up replay, and the operator's way past a poison entry.
///
/// An entry that fails to apply deterministically (it does not decode, or apply throws anything
/// but an environmental `.unavailable`) fails the same way after every restart: the node halts
/// on it and refuses to start, naming it. The operator inspects it and appends a `skipEntry`
/// command for it (`roostd --skip-entry INDEX`, only for the entry the node is stuck at). Every
/// later replay skips that entry *unconditionally*, whether it would now apply or not: a skip
/// that depended on the entry still failing would let two replays of one log disagree (after an
/// upgrade that fixes the bug, or after a power loss undid the skip's own transaction), and the
/// entries after it would then be answered differently. An entry written by a newer Roost is
/// never skippable: the answer to it is an upgrade.
///
/// In a cluster the skip is proposed through Raft like any command (a member whose apply halted
/// keeps taking part in replication and elections, so the skip can commit); appending it directly
/// to the log, as here, is only valid for a group of one.
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
        let skips = try skipsInTail(log: log, state: state)
        // Each batch reads only the entries it applies: the log is read once, however long it is.
        while state.appliedIndex < log.lastIndex {
            let through = min(log.lastIndex, state.appliedIndex + UInt64(batchMax))
            let entries = try log.entries(
                from: state.appliedIndex + 1, through: through, maxBytes: replayReadMaxBytes)
            var commands: [(index: UInt64, command: Command)] = []
            var stop: (index: UInt64, error: RoostError?)?
            for entry in entries {
                if skips[entry.index] == SHA256.hex(entry.payload) {
                    stop = (entry.index, nil)
                    break
                }
                do throws(RoostError) {
                    commands.append((entry.index, try Command.decode(entry.payload)))
                } catch {
                    stop = (entry.index, error)
                    break
                }
            }
            do {
                _ = try state.apply(commands)
            } catch {
                guard error.code != .unavailable, let failed = state.failedIndex else { throw error }
                // The batch was rolled back whole: apply what came before the failed entry.
                _ = try state.apply(commands.filter { $0.index < failed })
                stop = (failed, error)
            }
            guard let stop else { continue }
            let payload = try log.entries(from: stop.index, through: stop.index, maxBytes: 0)[0].payload
            if let error = stop.error {
                throw poisonError(index: stop.index, payload: payload, error: error)
            }
            logger?.warning("Skipping log entry \(stop.index), as the operator decided")
            try state.skip(index: stop.index, command: try? Command.decode(payload))
        }
    }

    /// Entry index → payload digest of every `skipEntry` command in the unapplied tail. Read
    /// once per start; skips are rare, so the map is tiny.
    private static func skipsInTail(log: DurableLog, state: StateMachine) throws(RoostError) -> [UInt64: String] {
        var skips: [UInt64: String] = [:]
        var next = state.appliedIndex + 1
        while next <= log.lastIndex {
            let chunk = try log.entries(
                from: next, through: min(log.lastIndex, next + 1023), maxBytes: replayReadMaxBytes)
            for entry in chunk {
                // A cheap filter before decoding: only a skip command mentions this case name.
                guard entry.payload.count < 4096, String(decoding: entry.payload, as: UTF8.self).contains("skipEntry"),
                    let command = try? Command.decode(entry.payload),
                    case .skipEntry(let index, let digest) = command.action, index < entry.index
                else { continue }
                skips[index] = digest
            }
            next += UInt64(chunk.count)
        }
        return skips
    }

    private static func poisonError(index: UInt64, payload: [UInt8], error: RoostError) -> RoostError {
        if Command.isTooNew(error) {
            return RoostError.internalError(
                "Log entry \(index) was written by a newer Roost: \(error.message). Start the newer roostd")
        }
        let preview = String(decoding: payload.prefix(300), as: UTF8.self)
        return RoostError.internalError(
            "Log entry \(index) cannot be applied, and it will fail the same way after every restart: \(error). "
                + "The entry starts with: \(preview). After inspecting it, skip it with "
                + "`roostd --skip-entry \(index)` (same --state-dir), then start roostd again")
    }

    /// Appends the operator's `skipEntry` command for the entry at `index`, which must be the
    /// next one to apply (the entry start-up stopped at), and syncs it. Runs with the daemon
    /// stopped (the caller holds the state directory's lock). Returns the skip's own index.
    public static func appendSkip(
        index: UInt64, logDirectory: String, state: StateMachine, files: any FileLayer, origin: String,
        timestamp: Timestamp, options: DurableLog.Options = .init()
    ) throws(RoostError) -> UInt64 {
        let log = try DurableLog(directory: logDirectory, files: files, options: options)
        defer { log.close() }
        guard index == state.appliedIndex + 1, index <= log.lastIndex else {
            throw RoostError.badRequest(
                "Only the next entry to apply can be skipped: entry \(state.appliedIndex + 1) "
                    + "(applied through \(state.appliedIndex), log ends at \(log.lastIndex))")
        }
        let payload = try log.entries(from: index, through: index, maxBytes: 0)[0].payload
        do throws(RoostError) {
            _ = try Command.decode(payload)
        } catch  where Command.isTooNew(error) {
            throw RoostError.badRequest("Entry \(index) was written by a newer Roost; upgrade instead of skipping it")
        } catch {}
        let command = Command(
            timestamp: timestamp, origin: origin,
            action: .skipEntry(index: index, payloadDigest: SHA256.hex(payload)))
        let entry = LogEntry(index: log.lastIndex + 1, term: term, payload: try command.encoded())
        try log.append([entry])
        try log.sync()
        return entry.index
    }
}
