import ClusterDB
import Daemon
import Foundation
import RoostAPI
import Testing

/// The reconciler converges member-local side effects (one directory per instance, named by its
/// uuid) with committed state; a crash between commit and side effect, or between two steps,
/// settles on the next pass.
@Suite struct ReconcilerTests {
    final class Fixture {
        let root = "/tmp/roost-rec-" + String(UUID().uuidString.prefix(8)).lowercased()
        let directory: StateDirectory
        let state: StateMachine
        let local: LocalDatabase
        let pool: ReaderPool
        private var index: UInt64 = 0

        init() throws {
            directory = StateDirectory(root: root)
            try directory.prepare()
            state = try StateMachine(path: directory.clusterDatabasePath)
            local = try LocalDatabase(path: directory.localDatabasePath)
            pool = ReaderPool(path: directory.clusterDatabasePath)
        }

        deinit { try? FileManager.default.removeItem(atPath: root) }

        func commit(_ action: Command.Action) throws {
            index += 1
            let result = try state.apply([(index, Command(timestamp: .epoch, origin: "m1", action: action))])[0].result
            guard case .applied = result else { throw TestFailure("rejected: \(result)") }
        }

        @discardableResult
        func create(_ name: String, location: String = "m1") throws -> String {
            let uuid = UUID().uuidString.lowercased()
            let put = InstancePut(profiles: ["default"])
            try commit(
                .createInstance(InstanceCreate(name: name, type: "container", put: put, location: location, uuid: uuid))
            )
            return uuid
        }

        func reconciler(failingAt point: String? = nil) -> Reconciler {
            Reconciler(directory: directory, local: local, pool: pool, memberName: "m1") { reached in
                if reached == point { throw TestFailure("crash at \(reached)") }
            }
        }

        /// Instance names found on disk (from each directory's instance.yaml), sorted.
        var namesOnDisk: [String] {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory.instancesDirectory)) ?? []
            return entries.compactMap { record($0)?.split(separator: "\n").first { $0.hasPrefix("name: ") } }
                .map { String($0.dropFirst("name: ".count)) }.sorted()
        }

        func record(_ uuid: String) -> String? {
            try? String(contentsOfFile: directory.instancesDirectory + "/\(uuid)/instance.yaml", encoding: .utf8)
        }
    }

    /// After `stop()` (daemon shutdown) a kick starts no pass: nothing is written into a state
    /// directory that is being removed. (A stop that did not block kicks would wait here for
    /// the pass the kick started, and the instance would be on disk.)
    @Test func stoppedReconcilerStartsNoPass() async throws {
        let fixture = try Fixture()
        try fixture.create("a")
        let reconciler = fixture.reconciler()
        await reconciler.stop()
        await reconciler.kick()
        await reconciler.stop()
        #expect(fixture.namesOnDisk.isEmpty)
    }

    @Test func convergesCreateUpdateRenameDelete() async throws {
        let fixture = try Fixture()
        let a = try fixture.create("a")
        try fixture.create("b")
        try fixture.create("elsewhere", location: "m2")
        try await fixture.reconciler().converge()
        #expect(fixture.namesOnDisk == ["a", "b"])
        try fixture.commit(
            .patchInstance(name: "a", patch: InstancePatch(config: ["user.note": "hello"]), ifMatch: nil))
        try fixture.commit(.renameInstance(from: "b", to: "c"))
        try fixture.commit(.deleteInstance(name: "elsewhere"))
        try await fixture.reconciler().converge()
        #expect(fixture.namesOnDisk == ["a", "c"])
        #expect(fixture.record(a)?.contains("user.note: hello") == true)
        #expect(try fixture.local.heldInstanceNames() == ["a", "c"])
    }

    @Test func swappedNamesKeepEachInstancesFiles() async throws {
        let fixture = try Fixture()
        let a = try fixture.create("a")
        let b = try fixture.create("b")
        try await fixture.reconciler().converge()
        let markerA = fixture.directory.instancesDirectory + "/\(a)/data"
        FileManager.default.createFile(atPath: markerA, contents: Data("A".utf8))
        try fixture.commit(.renameInstance(from: "a", to: "tmp"))
        try fixture.commit(.renameInstance(from: "b", to: "a"))
        try fixture.commit(.renameInstance(from: "tmp", to: "b"))
        try fixture.create("fresh")
        try await fixture.reconciler().converge()
        #expect(fixture.namesOnDisk == ["a", "b", "fresh"])
        #expect(fixture.record(a)?.contains("name: b") == true)
        #expect(fixture.record(b)?.contains("name: a") == true)
        #expect(FileManager.default.fileExists(atPath: markerA))
    }

    @Test(arguments: ["write.mkdir", "write.written"])
    func crashDuringCreateSettlesOnNextPass(point: String) async throws {
        let fixture = try Fixture()
        try fixture.create("a")
        await #expect(throws: RoostError.self) { try await fixture.reconciler(failingAt: point).converge() }
        #expect(try fixture.local.heldInstanceNames() == [])
        #expect(try fixture.local.pendingIntentCount() == 1)
        try await fixture.reconciler().converge()
        #expect(try fixture.local.heldInstanceNames() == ["a"])
        #expect(try fixture.local.pendingIntentCount() == 0)
        #expect(fixture.namesOnDisk == ["a"])
    }

    @Test func interruptedCreateOfADeletedInstanceIsCleanedUp() async throws {
        let fixture = try Fixture()
        try fixture.create("a")
        await #expect(throws: RoostError.self) { try await fixture.reconciler(failingAt: "write.written").converge() }
        try fixture.commit(.deleteInstance(name: "a"))
        try await fixture.reconciler().converge()
        #expect(fixture.namesOnDisk == [])
        #expect(try fixture.local.pendingIntentCount() == 0)
    }

    @Test func crashDuringDeleteSettlesOnNextPass() async throws {
        let fixture = try Fixture()
        try fixture.create("a")
        try await fixture.reconciler().converge()
        try fixture.commit(.deleteInstance(name: "a"))
        await #expect(throws: RoostError.self) { try await fixture.reconciler(failingAt: "remove.removed").converge() }
        #expect(try fixture.local.heldInstanceNames() == ["a"])
        try await fixture.reconciler().converge()
        #expect(fixture.namesOnDisk == [])
        #expect(try fixture.local.heldInstanceNames() == [])
    }

    @Test func directoryLostAfterBeingRecordedIsRecreated() async throws {
        let fixture = try Fixture()
        let a = try fixture.create("a")
        try await fixture.reconciler().converge()
        try FileManager.default.removeItem(atPath: fixture.directory.instancesDirectory + "/\(a)")
        try await fixture.reconciler().converge()
        #expect(fixture.namesOnDisk == ["a"])
    }

    @Test func editingVolatileUUIDNeitherMovesNorDeletesFiles() async throws {
        let fixture = try Fixture()
        let a = try fixture.create("a")
        try await fixture.reconciler().converge()
        try fixture.commit(
            .replaceInstance(
                name: "a", put: InstancePut(config: ["limits.cpu": "2"], profiles: ["default"]), ifMatch: nil))
        try fixture.commit(
            .patchInstance(
                name: "a", patch: InstancePatch(config: ["volatile.uuid": UUID().uuidString.lowercased()]), ifMatch: nil
            ))
        try await fixture.reconciler().converge()
        #expect(fixture.namesOnDisk == ["a"])
        #expect(fixture.record(a)?.contains("volatile.uuid: \(a)") == true)
    }
}
