import ClusterDB
import Daemon
import Foundation
import RoostAPI
import Testing

/// The reconciler converges member-local side effects (instance directories) with committed
/// state, and a crash between commit and side effect, or between two steps, settles on the next
/// pass.
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
            let result = try state.apply([(index, Command(timestamp: .epoch, origin: "m1", action: action))])[0]
            guard case .applied = result else { throw TestFailure("rejected: \(result)") }
        }

        func create(_ name: String, location: String = "m1") throws {
            let put = InstancePut(config: ["volatile.uuid": UUID().uuidString.lowercased()], profiles: ["default"])
            try commit(.createInstance(InstanceCreate(name: name, type: "container", put: put, location: location)))
        }

        func reconciler(failingAt point: String? = nil) -> Reconciler {
            Reconciler(directory: directory, local: local, pool: pool, memberName: "m1") { reached in
                if reached == point { throw TestFailure("crash at \(reached)") }
            }
        }

        var directories: [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: directory.instancesDirectory)) ?? []).sorted()
        }

        func record(_ name: String) -> String? {
            try? String(contentsOfFile: directory.instancesDirectory + "/\(name)/instance.yaml", encoding: .utf8)
        }
    }

    @Test func convergesCreateUpdateRenameDelete() async throws {
        let fixture = try Fixture()
        try fixture.create("a")
        try fixture.create("b")
        try fixture.create("elsewhere", location: "m2")
        try await fixture.reconciler().converge()
        #expect(fixture.directories == ["a", "b"])
        try fixture.commit(
            .patchInstance(name: "a", patch: InstancePatch(config: ["user.note": "hello"]), ifMatch: nil))
        try fixture.commit(.renameInstance(from: "b", to: "c"))
        try fixture.commit(.deleteInstance(name: "elsewhere"))
        try await fixture.reconciler().converge()
        #expect(fixture.directories == ["a", "c"])
        #expect(fixture.record("a")?.contains("user.note: hello") == true)
        #expect(try fixture.local.heldInstanceNames() == ["a", "c"])
    }

    @Test(arguments: ["create.mkdir", "create.written"])
    func crashDuringCreateSettlesOnNextPass(point: String) async throws {
        let fixture = try Fixture()
        try fixture.create("a")
        await #expect(throws: RoostError.self) { try await fixture.reconciler(failingAt: point).converge() }
        #expect(try fixture.local.heldInstanceNames() == [])
        try await fixture.reconciler().converge()
        #expect(try fixture.local.heldInstanceNames() == ["a"])
        #expect(fixture.record("a")?.contains("volatile.uuid") == true)
    }

    @Test func crashAfterRenamingTheDirectoryKeepsItsContents() async throws {
        let fixture = try Fixture()
        try fixture.create("a")
        try await fixture.reconciler().converge()
        let marker = fixture.directory.instancesDirectory + "/a/rootfs-marker"
        FileManager.default.createFile(atPath: marker, contents: Data("data".utf8))
        try fixture.commit(.renameInstance(from: "a", to: "b"))
        await #expect(throws: RoostError.self) { try await fixture.reconciler(failingAt: "rename.moved").converge() }
        try await fixture.reconciler().converge()
        #expect(fixture.directories == ["b"])
        #expect(FileManager.default.fileExists(atPath: fixture.directory.instancesDirectory + "/b/rootfs-marker"))
        #expect(try fixture.local.heldInstanceNames() == ["b"])
    }

    @Test func crashDuringDeleteSettlesOnNextPass() async throws {
        let fixture = try Fixture()
        try fixture.create("a")
        try await fixture.reconciler().converge()
        try fixture.commit(.deleteInstance(name: "a"))
        await #expect(throws: RoostError.self) { try await fixture.reconciler(failingAt: "delete.removed").converge() }
        #expect(try fixture.local.heldInstanceNames() == ["a"])
        try await fixture.reconciler().converge()
        #expect(fixture.directories == [])
        #expect(try fixture.local.heldInstanceNames() == [])
    }
}
