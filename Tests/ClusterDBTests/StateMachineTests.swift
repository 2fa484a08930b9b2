import ClusterDB
import Foundation
import RoostAPI
import Testing

/// A fresh state machine on a real SQLite file in a temporary directory, removed afterwards.
final class TemporaryStateMachine {
    let directory: String
    var machine: StateMachine
    private var nextIndex: UInt64 = 1

    init() throws {
        directory = NSTemporaryDirectory() + "roost-sm-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        machine = try StateMachine(path: directory + "/db.sqlite")
        nextIndex = machine.appliedIndex + 1
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    func reopen() throws {
        machine = try StateMachine(path: directory + "/db.sqlite")
        nextIndex = machine.appliedIndex + 1
    }

    @discardableResult
    func apply(_ action: Command.Action, id: UUID = UUID(), at time: Int64 = 1_000) throws -> CommandResult {
        let command = Command(
            requestID: id, timestamp: Timestamp(nanosecondsSinceEpoch: time), origin: "m1", action: action)
        defer { nextIndex += 1 }
        return try machine.apply([(nextIndex, command)])[0].result
    }

    func profiles() throws -> [String] {
        try machine.read { db throws(RoostError) in try ProfileQueries.list(db).map(\.name) }
    }
    func instance(_ name: String) throws -> InstanceQueries.Row? {
        try machine.read { db throws(RoostError) in try InstanceQueries.get(db, name: name) }
    }
}

extension CommandResult {
    var rejection: RoostError? {
        if case .rejected(let error) = self { return error }
        return nil
    }
}

@Suite struct StateMachineTests {
    @Test func freshDatabaseHasDefaultProfileAndIndexZero() throws {
        let sm = try TemporaryStateMachine()
        #expect(sm.machine.appliedIndex == 0)
        #expect(try sm.profiles() == ["default"])
    }

    @Test func createProfileThenDuplicateIsRejectedWithoutChange() throws {
        let sm = try TemporaryStateMachine()
        let first = try sm.apply(
            .createProfile(ProfilesPost(name: "web", put: ProfilePut(config: ["limits.cpu": "2"]))))
        guard case .applied(let change) = first else { Issue.record("expected applied"); return }
        #expect(change.lifecycle.map(\.action) == ["profile-created"])
        let second = try sm.apply(.createProfile(ProfilesPost(name: "web", put: ProfilePut(description: "other"))))
        #expect(second.rejection?.code == .conflict)
        let row = try sm.machine.read { db throws(RoostError) in try ProfileQueries.get(db, name: "web") }
        #expect(row?.put.description == "")
        #expect(row?.put.config == ["limits.cpu": "2"])
        #expect(sm.machine.appliedIndex == 2)
    }

    @Test func retriedRequestIDReturnsFirstResultAndAppliesOnce() throws {
        let sm = try TemporaryStateMachine()
        let id = UUID()
        let first = try sm.apply(.createProfile(ProfilesPost(name: "p1")), id: id)
        let retry = try sm.apply(.createProfile(ProfilesPost(name: "p1")), id: id)
        #expect(first == retry)
        #expect(retry.rejection == nil)
        #expect(try sm.profiles() == ["default", "p1"])
    }

    /// Two instances never share a uuid (it names their directories): apply refuses the second.
    @Test func aDuplicateInstanceUUIDIsRefused() throws {
        let sm = try TemporaryStateMachine()
        let uuid = UUID().uuidString.lowercased()
        let first = try sm.apply(
            .createInstance(
                InstanceCreate(name: "c1", type: "container", put: InstancePut(), location: "m1", uuid: uuid)))
        #expect(first.rejection == nil)
        let second = try sm.apply(
            .createInstance(
                InstanceCreate(name: "c2", type: "container", put: InstancePut(), location: "m1", uuid: uuid)))
        #expect(second.rejection?.code == .conflict)
        #expect(try sm.instance("c2") == nil)
        // The unique index holds even if apply's check were bypassed.
        #expect(throws: RoostError.self) {
            try sm.machine.read { db throws(RoostError) in
                try db.execute(
                    "INSERT INTO instances (name, type, architecture, ephemeral, stateful, description, config, devices, location, created_at, last_used_at, uuid) VALUES ('c3', 'container', '', 0, 0, '', x'', x'', 'm1', 0, 0, '\(uuid)')"
                )
            }
        }
    }

    /// A stored result is replicated state: its bytes sort every object's keys, whatever order a
    /// dictionary iterates in this process.
    @Test func storedResultsAreByteDeterministic() throws {
        let context = Dictionary(uniqueKeysWithValues: (0..<32).map { ("k\($0)", "v\($0)") })
        let result = CommandResult.applied(
            AppliedChange(lifecycle: [LifecycleRecord(action: "a", source: "/1.0", context: context)]))
        let text = String(decoding: try StateMachine.encodeResult(result), as: UTF8.self)
        let keys = context.keys.sorted()
        let positions = keys.map { text.range(of: "\"\($0)\"")!.lowerBound }
        #expect(positions == positions.sorted(), "keys in sorted order: \(text.prefix(200))")
    }

    @Test func etagIsComparedInsideApply() throws {
        let sm = try TemporaryStateMachine()
        try sm.apply(.createProfile(ProfilesPost(name: "p1")))
        let stale = try sm.apply(
            .replaceProfile(name: "p1", put: ProfilePut(description: "x"), ifMatch: "not-the-etag"))
        #expect(stale.rejection == RoostError(.preconditionFailed, "ETag doesn't match"))
        let current = ETag.of(ProfilePut())
        let fresh = try sm.apply(.replaceProfile(name: "p1", put: ProfilePut(description: "x"), ifMatch: current))
        #expect(fresh.rejection == nil)
    }

    @Test func invalidConfigInACommandIsRejectedByApply() throws {
        let sm = try TemporaryStateMachine()
        let result = try sm.apply(
            .createProfile(ProfilesPost(name: "p1", put: ProfilePut(config: ["limits.memory": "lots"]))))
        #expect(result.rejection?.code == .badRequest)
        #expect(try sm.profiles() == ["default"])
    }

    @Test func defaultProfileCannotBeRenamedOrDeleted() throws {
        let sm = try TemporaryStateMachine()
        #expect(try sm.apply(.renameProfile(from: "default", to: "x")).rejection?.code == .badRequest)
        #expect(try sm.apply(.deleteProfile(name: "default")).rejection?.code == .badRequest)
    }

    @Test func profileInUseCannotBeDeletedAndRenameKeepsLinks() throws {
        let sm = try TemporaryStateMachine()
        try sm.apply(.createProfile(ProfilesPost(name: "p1", put: ProfilePut(config: ["user.a": "1"]))))
        try sm.apply(
            .createInstance(
                InstanceCreate(
                    name: "c1", type: "container", put: InstancePut(profiles: ["default", "p1"]), location: "m1",
                    uuid: UUID().uuidString.lowercased())))
        #expect(try sm.apply(.deleteProfile(name: "p1")).rejection?.message == "Profile is currently in use")
        #expect(try sm.apply(.renameProfile(from: "p1", to: "p2")).rejection == nil)
        #expect(try sm.instance("c1")?.put.profiles == ["default", "p2"])
    }

    @Test func instanceCreateUsesCommandTimeAndRejectsUnknownProfile() throws {
        let sm = try TemporaryStateMachine()
        let created = try sm.apply(
            .createInstance(
                InstanceCreate(
                    name: "c1", type: "container", put: InstancePut(profiles: ["default"]), location: "m1",
                    uuid: UUID().uuidString.lowercased())),
            at: 42_000_000_123)
        #expect(created.rejection == nil)
        #expect(try sm.instance("c1")?.createdAt == Timestamp(nanosecondsSinceEpoch: 42_000_000_123))
        let missing = try sm.apply(
            .createInstance(
                InstanceCreate(
                    name: "c2", type: "container", put: InstancePut(profiles: ["nope"]), location: "m1",
                    uuid: UUID().uuidString.lowercased())))
        #expect(missing.rejection?.code == .notFound)
        #expect(try sm.instance("c2") == nil)
    }

    @Test func renameOntoExistingNameIsRejected() throws {
        let sm = try TemporaryStateMachine()
        for name in ["a", "b"] {
            try sm.apply(
                .createInstance(
                    InstanceCreate(
                        name: name, type: "container", put: InstancePut(), location: "m1",
                        uuid: UUID().uuidString.lowercased())))
        }
        let result = try sm.apply(.renameInstance(from: "a", to: "b"))
        #expect(result.rejection?.code == .conflict)
        #expect(try sm.instance("a") != nil)
    }

    @Test func patchMergesConfigAndEmptyValueUnsets() throws {
        let sm = try TemporaryStateMachine()
        try sm.apply(
            .createInstance(
                InstanceCreate(
                    name: "c1", type: "container", put: InstancePut(config: ["user.a": "1", "user.b": "2"]),
                    location: "m1", uuid: UUID().uuidString.lowercased())))
        try sm.apply(
            .patchInstance(name: "c1", patch: InstancePatch(config: ["user.b": "", "user.c": "3"]), ifMatch: nil))
        #expect(
            try sm.instance("c1")?.put.config.filter { !$0.key.hasPrefix("volatile.") } == [
                "user.a": "1", "user.c": "3",
            ])
    }

    @Test func appliedIndexSurvivesReopen() throws {
        let sm = try TemporaryStateMachine()
        try sm.apply(.createProfile(ProfilesPost(name: "p1")))
        try sm.apply(.noop)
        try sm.reopen()
        #expect(sm.machine.appliedIndex == 2)
        #expect(try sm.profiles() == ["default", "p1"])
    }

    @Test func newerSchemaIsRefused() throws {
        let sm = try TemporaryStateMachine()
        try sm.machine.read { db throws(RoostError) in try db.execute("INSERT INTO schema (version) VALUES (999)") }
        #expect(throws: RoostError.self) { try sm.reopen() }
    }

    @Test func commandsRoundTripThroughLogEncoding() throws {
        let command = Command(
            timestamp: Timestamp(nanosecondsSinceEpoch: 5), origin: "m1",
            action: .patchProfile(name: "p", patch: ProfilePatch(config: ["user.x": "y"]), ifMatch: "abc"))
        #expect(try Command.decode(command.encoded()) == command)
    }

    @Test func futureCommandVersionIsRefused() throws {
        var command = Command(timestamp: .epoch, origin: "m1", action: .noop)
        command.version = Command.currentVersion + 1
        #expect(throws: RoostError.self) { _ = try Command.decode(command.encoded()) }
    }
}

/// Environmental SQLite failures halt and are never remembered as a request's answer.
@Suite struct ApplyFailureClassificationTests {
    @Test func fullDatabaseIsUnavailableAndNotRememberedThenTheSameEntryApplies() throws {
        let path = NSTemporaryDirectory() + "roost-full-" + UUID().uuidString + ".sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let state = try StateMachine(path: path)
        defer { state.close() }
        let pages = try state.read { db throws(RoostError) -> Int64 in
            let statement = try db.prepare("PRAGMA page_count")
            defer { statement.reset() }
            _ = try statement.step()
            return statement.int(0)
        }
        // SQLite answers SQLITE_FULL once the file would grow past max_page_count.
        try state.read { db throws(RoostError) in try db.execute("PRAGMA max_page_count = \(pages)") }
        let big = String(repeating: "x", count: 64 << 10)
        let command = Command(
            timestamp: Timestamp(nanosecondsSinceEpoch: 1), origin: "m1",
            action: .createProfile(ProfilesPost(name: "big", put: ProfilePut(description: big))))
        #expect {
            _ = try state.apply([(1, command)])
        } throws: { error in
            (error as? RoostError)?.code == .unavailable && (error as? RoostError)?.cause?.contains("full") == true
        }
        #expect(state.failedIndex == 1)
        #expect(state.appliedIndex == 0)
        try state.read { db throws(RoostError) in try db.execute("PRAGMA max_page_count = 1073741823") }
        let outcomes = try state.apply([(1, command)])
        guard case .applied = outcomes[0].result else {
            Issue.record("the entry was not applied once space was back: \(outcomes[0].result)")
            return
        }
        #expect(!outcomes[0].isDuplicate)
    }

}
