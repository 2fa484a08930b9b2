import ClusterDB
import ClusterNode
import Foundation
import Logging
import RoostAPI
import Yams

/// Converges this member's side effects with committed state. Apply and replay never touch files;
/// this actor compares the instances placed on this member with what it holds and creates,
/// rewrites or removes `<state-dir>/instances/<uuid>/` until they match.
///
/// Identity: an instance's directory is named by its permanent uuid (fixed at create, stored in
/// its own column), never by its name or user-editable config, so renames, swaps and reused names
/// need no directory moves and cannot mix up two instances' files. `instance.yaml` inside holds
/// the current record, name included.
///
/// Crash safety: every step is idempotent; multi-step work is bracketed by an intent record
/// (written before the first step, removed with the last in the same local transaction); the
/// parent directory is fsynced before a step is recorded; and each pass also checks the disk, so a
/// directory lost after being recorded (power loss) is re-created. A pass runs at start-up, after
/// each commit that touches an instance, and on a back-off timer after a failure.
public actor Reconciler {
    /// Test hook: throw at a named step to simulate a crash there.
    public typealias FaultPoint = @Sendable (String) throws -> Void

    struct Desired: Hashable {
        var uuid: String
        var name: String
        var etag: String
        var record: InstancePut
    }

    struct Held: Hashable {
        var uuid: String
        var name: String
        var etag: String
    }

    private let directory: StateDirectory
    private let local: LocalDatabase
    private let pool: ReaderPool
    private let memberName: String
    private let logger: Logger
    private let fault: FaultPoint
    private var passRequested = false
    private var running = false
    /// Set by `stop()`: no pass starts afterwards.
    private var stopped = false
    /// `stop()` callers waiting for the running pass to finish.
    private var stopWaiters: [CheckedContinuation<Void, Never>] = []
    private var retryDelay: Duration = .zero
    /// Longest wait between retries of a failing pass.
    static let retryDelayMax: Duration = .seconds(60)
    /// File work blocks: it runs on its own thread, not on the cooperative pool.
    private nonisolated let executor = DedicatedThreadExecutor(name: "roost.reconciler")

    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    public init(
        directory: StateDirectory, local: LocalDatabase, pool: ReaderPool, memberName: String,
        logger: Logger = Logger(label: "roost.reconciler"), fault: @escaping FaultPoint = { _ in }
    ) {
        self.directory = directory
        self.local = local
        self.pool = pool
        self.memberName = memberName
        self.logger = logger
        self.fault = fault
    }

    deinit { executor.shutdown() }

    /// Asks for a pass; passes requested while one runs coalesce into one more.
    public func kick() {
        guard !stopped else { return }
        passRequested = true
        guard !running else { return }
        running = true
        Task { await self.drain() }
    }

    private func drain() async {
        while passRequested && !stopped {
            passRequested = false
            do {
                try converge()
                retryDelay = .zero
            } catch {
                retryDelay = min(max(retryDelay * 2, .seconds(1)), Self.retryDelayMax)
                logger.error("Reconcile pass failed, retrying in \(retryDelay): \(error)")
                let delay = retryDelay
                Task {
                    try? await Task.sleep(for: delay)
                    await self.kick()
                }
            }
        }
        running = false
        for waiter in stopWaiters { waiter.resume() }
        stopWaiters.removeAll()
    }

    /// Stops reconciling at shutdown: when this returns no pass is running and none will start
    /// (later kicks and retry timers do nothing), so nothing writes into the state directory
    /// after the daemon has stopped.
    public func stop() async {
        stopped = true
        passRequested = false
        guard running else { return }
        await withCheckedContinuation { stopWaiters.append($0) }
    }

    /// One full pass. Throws when a step fails; the next pass picks up from what exists.
    public func converge() throws(RoostError) {
        let desired = try desiredInstances()
        let desiredByUUID = Dictionary(desired.map { ($0.uuid, $0) }) { first, _ in first }
        for intent in try local.pendingIntents() {
            logger.info("Resuming interrupted \(intent.kind) of instance \(intent.uuid)")
            if let item = desiredByUUID[intent.uuid] {
                try write(item, resuming: intent.id)
            } else {
                try remove(uuid: intent.uuid, resuming: intent.id)
            }
        }
        var held = Dictionary(try local.heldInstances().map { ($0.uuid, $0) }) { first, _ in first }
        for uuid in held.keys.sorted() where !FileManager.default.fileExists(atPath: path(uuid) + "/instance.yaml") {
            logger.warning("Instance \(uuid) directory is missing; recreating it")
            held[uuid]?.etag = ""
        }
        for uuid in held.keys.sorted() where desiredByUUID[uuid] == nil { try remove(uuid: uuid, resuming: nil) }
        for item in desired where held[item.uuid].map({ $0.etag != item.etag || $0.name != item.name }) ?? true {
            try write(item, resuming: nil)
        }
        try removeStrays(keeping: Set(desired.map(\.uuid)))
    }

    private func desiredInstances() throws(RoostError) -> [Desired] {
        let rows = try pool.read { db throws(RoostError) in try InstanceQueries.list(db) }
        return rows.compactMap { row in
            let uuid = row.uuid.isEmpty ? (row.put.config["volatile.uuid"] ?? "") : row.uuid
            guard row.location == memberName, Self.isSafeName(uuid) else { return nil }
            return Desired(uuid: uuid, name: row.name, etag: ETag.of(row.put) + row.name, record: row.put)
        }
    }

    /// Only uuid-shaped names become paths: nothing from the database can point outside
    /// `instances/`.
    static func isSafeName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64
            && name.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) || $0 == 0x2d }
    }

    private func newIntent(_ kind: String, _ uuid: String) throws(RoostError) -> Int64 {
        try local.addIntent(kind: kind, uuid: uuid)
    }

    private func path(_ uuid: String) -> String { directory.instancesDirectory + "/" + uuid }

    private func write(_ item: Desired, resuming intent: Int64?) throws(RoostError) {
        let intentID: Int64
        if let intent { intentID = intent } else { intentID = try newIntent("write", item.uuid) }
        let dir = path(item.uuid)
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            _ = chmod(dir, 0o700)
            try injectFault("write.mkdir")
            let record = InstanceRecordFile(name: item.name, uuid: item.uuid, instance: item.record)
            try AtomicFile.write(Array(try YAMLEncoder().encode(record).utf8), to: dir + "/instance.yaml")
            try AtomicFile.syncDirectory(directory.instancesDirectory)
            try injectFault("write.written")
        } catch let error as RoostError {
            throw error
        } catch {
            throw RoostError.internalError("Failed to write \(dir)", cause: "\(error)")
        }
        try local.recordHeld(uuid: item.uuid, name: item.name, etag: item.etag, completing: intentID)
    }

    private func remove(uuid: String, resuming intent: Int64?) throws(RoostError) {
        guard Self.isSafeName(uuid) else { return }
        let intentID: Int64
        if let intent { intentID = intent } else { intentID = try newIntent("remove", uuid) }
        let dir = path(uuid)
        if FileManager.default.fileExists(atPath: dir) {
            do { try FileManager.default.removeItem(atPath: dir) } catch {
                throw RoostError.internalError("Failed to remove \(dir)", cause: "\(error)")
            }
        }
        try AtomicFile.syncDirectory(directory.instancesDirectory)
        try injectFault("remove.removed")
        try local.forgetHeld(uuid: uuid, completing: intentID)
    }

    /// Directories no instance and no record claims (left by an interrupted create whose instance
    /// was deleted meanwhile) are removed.
    private func removeStrays(keeping wanted: Set<String>) throws(RoostError) {
        let present = (try? FileManager.default.contentsOfDirectory(atPath: directory.instancesDirectory)) ?? []
        let held = Set(try local.heldInstances().map(\.uuid))
        for name in present.sorted() where Self.isSafeName(name) && !wanted.contains(name) && !held.contains(name) {
            try? FileManager.default.removeItem(atPath: path(name))
        }
    }

    private func injectFault(_ point: String) throws(RoostError) {
        do { try fault(point) } catch { throw RoostError.internalError("Interrupted at \(point)", cause: "\(error)") }
    }
}

/// `instances/<uuid>/instance.yaml`: the record as committed, for humans and recovery tools.
struct InstanceRecordFile: Codable {
    var name: String
    var uuid: String
    var instance: InstancePut
}
