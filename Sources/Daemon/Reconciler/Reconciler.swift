import ClusterDB
import Foundation
import Logging
import RoostAPI
import Yams

/// Converges this member's side effects with committed state. Apply and replay never touch files;
/// this actor compares the instances placed on this member (by `volatile.uuid`) with the
/// directories it holds (`held_instances` in the local database) and creates, renames, rewrites
/// or removes `<state-dir>/instances/<name>/` until they match.
///
/// Multi-step work is bracketed by an intent record (written before the first step, removed
/// with the last), and every step is idempotent, so a crash between commit and side effect — or
/// between two steps — settles on the next pass, which also runs at start-up.
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

    /// Asks for a pass; passes requested while one runs coalesce into one more.
    public func kick() {
        passRequested = true
        guard !running else { return }
        running = true
        Task { await self.drain() }
    }

    private func drain() async {
        while passRequested {
            passRequested = false
            do { try converge() } catch { logger.error("Reconcile pass failed: \(error)") }
        }
        running = false
    }

    /// One full pass. Throws when a step fails; the next pass picks up from what exists.
    public func converge() throws(RoostError) {
        let pending = try local.pendingIntents()
        if !pending.isEmpty { logger.info("Resuming \(pending.count) interrupted local change(s)") }
        let desired = try desiredInstances()
        let held = try local.heldInstances()
        let heldByUUID = Dictionary(held.map { ($0.uuid, $0) }) { first, _ in first }
        let desiredUUIDs = Set(desired.map(\.uuid))
        for item in held where !desiredUUIDs.contains(item.uuid) { try remove(item) }
        for item in desired {
            if let current = heldByUUID[item.uuid] {
                if current.name != item.name { try rename(current, to: item) }
                if current.etag != item.etag || current.name != item.name { try write(item, intent: "update") }
            } else {
                try write(item, intent: "create")
            }
        }
        try local.clearIntents()
    }

    private func desiredInstances() throws(RoostError) -> [Desired] {
        let rows = try pool.read { db throws(RoostError) in try InstanceQueries.list(db) }
        return rows.compactMap { row in
            guard row.location == memberName, let uuid = row.put.config["volatile.uuid"] else { return nil }
            return Desired(uuid: uuid, name: row.name, etag: ETag.of(row.put), record: row.put)
        }
    }

    private func injectFault(_ point: String) throws(RoostError) {
        do { try fault(point) } catch { throw RoostError.internalError("Interrupted at \(point)", cause: "\(error)") }
    }

    private func path(_ name: String) -> String { directory.instancesDirectory + "/" + name }

    private func write(_ item: Desired, intent: String) throws(RoostError) {
        let intentID = try local.addIntent(kind: intent, payload: item.uuid)
        let dir = path(item.name)
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            _ = chmod(dir, 0o700)
            try fault("\(intent).mkdir")
            let yaml = try YAMLEncoder().encode(item.record)
            try AtomicFile.write(Array(yaml.utf8), to: dir + "/instance.yaml")
            try fault("\(intent).written")
        } catch let error as RoostError {
            throw error
        } catch {
            throw RoostError.internalError("Failed to write \(dir)", cause: "\(error)")
        }
        try local.recordHeld(uuid: item.uuid, name: item.name, etag: item.etag, completing: intentID)
    }

    private func rename(_ held: Held, to item: Desired) throws(RoostError) {
        let intentID = try local.addIntent(kind: "rename", payload: held.uuid)
        let from = path(held.name)
        let to = path(item.name)
        if FileManager.default.fileExists(atPath: from), !FileManager.default.fileExists(atPath: to) {
            guard Foundation.rename(from, to) == 0 else {
                throw RoostError.internalError("Failed to rename \(from)", cause: String(cString: strerror(errno)))
            }
        }
        try injectFault("rename.moved")
        try local.recordHeld(uuid: held.uuid, name: item.name, etag: held.etag, completing: intentID)
    }

    private func remove(_ held: Held) throws(RoostError) {
        let intentID = try local.addIntent(kind: "delete", payload: held.uuid)
        let dir = path(held.name)
        if FileManager.default.fileExists(atPath: dir) {
            do { try FileManager.default.removeItem(atPath: dir) } catch {
                throw RoostError.internalError("Failed to remove \(dir)", cause: "\(error)")
            }
        }
        try injectFault("delete.removed")
        try local.forgetHeld(uuid: held.uuid, completing: intentID)
    }
}
