import ClusterDB
import Logging
import RoostAPI
import Synchronization

/// A Raft group of one: proposals are appended to the durable log, fsynced, applied to the state
/// machine and only then answered. Concurrent proposals share one fsync (group commit): while a
/// batch is being synced, new proposals queue, and the next flush takes them all.
///
/// Ordering contract per batch: append → `sync()` (durable) → `apply` (SQLite transaction with
/// the applied index) → commit observer → resume proposers. Restart replays the log tail above
/// the database's applied index, so nothing acknowledged is lost and nothing is applied twice.
public actor SingleMemberNode: StatePath {
    public struct Options: Sendable {
        /// Most proposals written and synced together.
        public var batchMax = 512
        /// Most proposals in flight, counted from the call of `propose` to its return (so those
        /// still waiting to enter the actor count too); beyond it `propose` fails fast with 503.
        public var pendingMax = 8192
        /// Applied entries between attempts to checkpoint SQLite and compact the log.
        public var compactEvery: UInt64 = 4096
        /// Entries read back per step while replaying the log at start-up.
        public var replayBatchMax = 1024
        /// After a checkpoint was blocked by a reader, how long the node must be idle (no
        /// proposals) before it tries a truncating checkpoint; doubles while readers still block
        /// it, up to 64 x.
        public var idleCheckpointDelay: Duration = .seconds(1)
        public var log = DurableLog.Options()
        /// Called with the durable index after a successful SQLite checkpoint and before the log
        /// is compacted through it (metrics; tests snapshot the database file here to model a
        /// power loss that drops SQLite's un-checkpointed transactions).
        public var onCheckpoint: (@Sendable (UInt64) -> Void)?

        public init() {}

        public func validate() throws(RoostError) {
            // compactEvery is bounded so the back-off's doubling (up to 8x) cannot overflow.
            guard batchMax > 0, pendingMax >= batchMax, compactEvery > 0, compactEvery <= 1 << 40, replayBatchMax > 0
            else {
                throw RoostError.badRequest(
                    "Invalid node options: batchMax, pendingMax and compactEvery must be positive (compactEvery at most 2^40)"
                )
            }
            try log.validate()
        }
    }

    /// The only term a single member ever uses; Raft takes over terms with clustering.
    static let term: UInt64 = 1

    private let log: DurableLog
    private let state: StateMachine
    /// The actor runs on its own thread: flushes block in fsync without starving the
    /// cooperative pool.
    private nonisolated let executor: DedicatedThreadExecutor

    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
    private let options: Options
    private let logger: Logger
    private var pending: [Pending] = []
    private var flushScheduled = false
    private var failure: RoostError? {
        get { failureState.withLock { $0 } }
        set { failureState.withLock { $0 = newValue } }
    }
    /// Readable without entering the actor, so reads never queue behind a flush's fsync.
    private nonisolated let failureState = Mutex<RoostError?>(nil)
    private var observer: (@Sendable (CommittedEntry) -> Void)?
    /// Proposals between the call of `propose` and its return, counted outside the actor: a
    /// burst waiting on the actor's executor is bounded too, not only what is inside.
    private nonisolated let inFlight = Atomic<Int>(0)
    public nonisolated let halts: AsyncStream<RoostError>
    private nonisolated let haltContinuation: AsyncStream<RoostError>.Continuation
    private var appliedSinceCompaction: UInt64 = 0
    /// Applied entries after which the next compaction is attempted. After an attempt a reader
    /// blocked, the gap to the next one doubles (up to 8 x `compactEvery`), so a long read does
    /// not turn every batch into a checkpoint attempt.
    private var compactionDue: UInt64 = 0
    private var compactionGap: UInt64 = 0
    /// Checkpoint attempts, and those a reader blocked (for the metrics endpoint and tests).
    public private(set) var compactionAttempts = 0
    public private(set) var compactionsBlocked = 0
    /// Compactions completed by a truncating checkpoint while idle.
    public private(set) var idleCheckpoints = 0
    /// Whether the last checkpoint attempt was blocked by a reader (an idle one is then due).
    private var checkpointBlocked = false
    private var idleCheckpointScheduled = false
    private var idleDelayFactor = 1
    /// Counts flushes, so an idle attempt can tell whether anything happened since it was planned.
    private var flushGeneration: UInt64 = 0

    private struct Pending {
        var command: Command
        var payload: [UInt8]
        var continuation: CheckedContinuation<Result<CommandResult, RoostError>, Never>
    }

    /// Opens the log and the state machine and replays the log tail not yet in the database.
    public init(
        logDirectory: String, state: StateMachine, files: any FileLayer, options: Options = Options(),
        logger: Logger = Logger(label: "roost.node")
    ) throws(RoostError) {
        try options.validate()
        executor = DedicatedThreadExecutor(name: "roost.node")
        self.options = options
        self.logger = logger
        self.state = state
        (halts, haltContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
        do {
            log = try DurableLog(directory: logDirectory, files: files, options: options.log)
            try Self.replay(log: log, state: state, batchMax: options.replayBatchMax, logger: logger)
        } catch {
            executor.shutdown()
            throw error
        }
    }

    deinit { executor.shutdown() }

    /// Closes the log and the database. Later proposals fail with `unavailable`.
    public func close() {
        if failure == nil { failure = RoostError(.unavailable, "The node is closed") }
        haltContinuation.finish()
        log.close()
        state.close()
    }

    /// Admits the proposal (bounded, without entering the actor) and encodes it off the node's
    /// thread, then queues it for the next flush.
    public nonisolated func propose(_ command: Command) async throws(RoostError) -> CommandResult {
        if let failure = failureState.withLock({ $0 }) {
            throw RoostError(.unavailable, "The database is unavailable", cause: failure.description)
        }
        let admitted = inFlight.wrappingAdd(1, ordering: .relaxed).newValue
        defer { inFlight.wrappingSubtract(1, ordering: .relaxed) }
        guard admitted <= options.pendingMax else {
            throw RoostError(.unavailable, "Too many changes in flight, try again")
        }
        let payload = try command.encoded()
        guard payload.count <= options.log.entryMaxBytes else {
            throw RoostError(.payloadTooLarge, "Change too large (\(payload.count) bytes)")
        }
        // Replay applies what decodes from the log, the live path applies `command`: they must
        // be the same value, or an acknowledged change would apply differently (or not at all)
        // after a restart. Checked before the entry exists, so a mismatch refuses the request.
        guard (try? Command.decode(payload)) == command else {
            throw RoostError.internalError("The change does not survive encoding; refusing to log it")
        }
        return try await enqueue(command, payload: payload)
    }

    /// Why the node halted, if it did (not when it was merely closed). The owner checks it after
    /// shutting down too: a halt during a graceful shutdown must still end in a failure status.
    public nonisolated var haltReason: RoostError? { haltState.withLock { $0 } }
    private nonisolated let haltState = Mutex<RoostError?>(nil)

    /// Proposals admitted and not yet answered (tests, metrics).
    public nonisolated var proposalsInFlight: Int { inFlight.load(ordering: .relaxed) }

    private func enqueue(_ command: Command, payload: [UInt8]) async throws(RoostError) -> CommandResult {
        if let failure { throw RoostError(.unavailable, "The database is unavailable", cause: failure.description) }
        let outcome = await withCheckedContinuation { continuation in
            pending.append(Pending(command: command, payload: payload, continuation: continuation))
            scheduleFlush()
        }
        return try outcome.get()
    }

    /// With one member every committed change is already applied locally (apply happens before
    /// `propose` returns), so the barrier only checks the node is healthy — without entering the
    /// actor, so reads never wait behind a flush's fsync.
    public nonisolated func readBarrier() async throws(RoostError) {
        if let failure = failureState.withLock({ $0 }) {
            throw RoostError(.unavailable, "The database is unavailable", cause: failure.description)
        }
    }

    public func setCommitObserver(_ observer: @escaping @Sendable (CommittedEntry) -> Void) {
        self.observer = observer
    }

    public var appliedIndex: UInt64 { state.appliedIndex }
    public var logFirstIndex: UInt64 { log.firstIndex }
    public var logLastIndex: UInt64 { log.lastIndex }

    private func scheduleFlush() {
        guard !flushScheduled else { return }
        flushScheduled = true
        Task { self.flush() }
    }

    /// Writes, syncs and applies everything pending, one bounded batch at a time. Runs without
    /// suspending, so proposals arriving meanwhile wait at the actor and form the next batch.
    private func flush() {
        flushScheduled = false
        flushGeneration &+= 1
        defer { if checkpointBlocked, failure == nil { scheduleIdleCheckpoint() } }
        while !pending.isEmpty, failure == nil {
            let batch = Array(pending.prefix(options.batchMax))
            pending.removeFirst(batch.count)
            let first = log.lastIndex + 1
            let entries = batch.enumerated().map { offset, item in
                LogEntry(index: first + UInt64(offset), term: Self.term, payload: item.payload)
            }
            do {
                try log.append(entries)
                try log.sync()
            } catch {
                do {
                    try log.discardUnsynced()
                } catch {
                    logger.critical("Could not cut the log back to its last fsync: \(error)")
                }
                fail(error, batch: batch, message: "Writing the log failed; the change may or may not be saved")
                return
            }
            let results: [ApplyOutcome]
            do {
                results = try state.apply(zip(entries, batch).map { ($0.index, $1.command) })
            } catch {
                fail(error, batch: batch, message: "Applying a saved change failed")
                return
            }
            for (offset, item) in batch.enumerated() {
                let outcome = results[offset]
                observer?(
                    CommittedEntry(
                        index: entries[offset].index, command: item.command, result: outcome.result,
                        isDuplicate: outcome.isDuplicate))
                item.continuation.resume(returning: .success(outcome.result))
            }
            appliedSinceCompaction += UInt64(batch.count)
            compactIfDue()
        }
    }

    /// After a failed fsync or apply nothing more can be trusted in this process: every waiting
    /// proposer learns its outcome is unknown, later proposals are refused, and `halts` tells
    /// the owner, which exits (crash-only: a supervisor restarts the daemon and replay settles
    /// what was in flight).
    private func fail(_ error: RoostError, batch: [Pending], message: String) {
        var detail = "\(message): \(error)"
        if let index = state.failedIndex {
            detail +=
                error.code == .unavailable
                ? " (entry \(index); environmental: it is retried when the daemon restarts)"
                : " (entry \(index) fails deterministically: see `roostd --skip-entry`)"
        }
        logger.critical("\(detail)")
        failure = RoostError(error.code, error.message, cause: detail)
        let reason = RoostError(.unavailable, "The database path halted", cause: detail)
        haltState.withLock { $0 = reason }
        haltContinuation.yield(reason)
        haltContinuation.finish()
        let unknown = RoostError(.outcomeUnknown, message, cause: error.description)
        for item in batch + pending { item.continuation.resume(returning: .failure(unknown)) }
        pending.removeAll()
    }

    private func compactIfDue() {
        if compactionDue == 0 { (compactionDue, compactionGap) = (options.compactEvery, options.compactEvery) }
        guard appliedSinceCompaction >= compactionDue else { return }
        compactionAttempts += 1
        do {
            guard let durable = try state.checkpoint() else {
                compactionsBlocked += 1
                checkpointBlocked = true
                compactionGap = min(compactionGap * 2, options.compactEvery * 8)
                compactionDue = appliedSinceCompaction + compactionGap
                logger.notice("Checkpoint blocked by a reader; next attempt in \(compactionGap) applied changes")
                return
            }
            try finishCompaction(through: durable)
        } catch {
            // The log is kept whole, so nothing is lost: replay covers what SQLite did not keep.
            logger.error("Log compaction failed: \(error)")
            compactionDue = appliedSinceCompaction + compactionGap
        }
    }

    private func finishCompaction(through durable: UInt64) throws(RoostError) {
        options.onCheckpoint?(durable)
        try log.compact(through: durable)
        appliedSinceCompaction = 0
        (compactionDue, compactionGap) = (options.compactEvery, options.compactEvery)
        checkpointBlocked = false
        idleDelayFactor = 1
    }

    /// Plans a truncating checkpoint for when the node has been idle for a while: under a
    /// steady stream of reads PASSIVE checkpoints may never finish, and the log would then
    /// grow without bound.
    private func scheduleIdleCheckpoint() {
        guard !idleCheckpointScheduled else { return }
        idleCheckpointScheduled = true
        let generation = flushGeneration
        let delay = options.idleCheckpointDelay * idleDelayFactor
        Task {
            try? await Task.sleep(for: delay)
            await self.idleCheckpoint(plannedAt: generation)
        }
    }

    private func idleCheckpoint(plannedAt generation: UInt64) {
        idleCheckpointScheduled = false
        guard checkpointBlocked, failure == nil else { return }
        guard generation == flushGeneration else {
            scheduleIdleCheckpoint()  // Not idle: wait for a quiet moment.
            return
        }
        compactionAttempts += 1
        do {
            guard let durable = try state.checkpoint(truncate: true) else {
                compactionsBlocked += 1
                idleDelayFactor = min(idleDelayFactor * 2, 64)
                scheduleIdleCheckpoint()
                return
            }
            try finishCompaction(through: durable)
            idleCheckpoints += 1
        } catch {
            logger.error("Idle checkpoint failed: \(error)")
            idleDelayFactor = min(idleDelayFactor * 2, 64)
            scheduleIdleCheckpoint()
        }
    }
}
