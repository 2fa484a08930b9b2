import ClusterDB
import ClusterNode
import Foundation
import RoostAPI
import Synchronization
import Testing

/// Crash-only halts, poison entries and the operator's skip, and the in-flight bound.
@Suite struct HaltAndSkipTests {
    /// A member on a real temp dir: SQLite file and a real log (POSIX), or a simulated log.
    final class Member {
        let directory = NSTemporaryDirectory() + "roost-halt-" + UUID().uuidString
        var dbPath: String { directory + "/db.sqlite" }
        var logPath: String { directory + "/log" }

        init() throws { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(atPath: directory) }

        func open(
            files: any FileLayer = POSIXFileLayer(), _ configure: (inout SingleMemberNode.Options) -> Void = { _ in }
        )
            throws(RoostError) -> SingleMemberNode
        {
            var options = SingleMemberNode.Options()
            configure(&options)
            return try SingleMemberNode(
                logDirectory: logPath, state: try StateMachine(path: dbPath), files: files, options: options)
        }

        /// Writes raw entries to the log (as a crashed leader's log would hold them).
        func appendRaw(_ payloads: [[UInt8]]) throws {
            let log = try DurableLog(directory: logPath, files: POSIXFileLayer())
            defer { log.close() }
            let first = log.lastIndex + 1
            try log.append(
                payloads.enumerated().map { LogEntry(index: first + UInt64($0.offset), term: 1, payload: $0.element) })
            try log.sync()
        }

        func profileExists(_ name: String) throws -> Bool {
            let state = try StateMachine(path: dbPath)
            defer { state.close() }
            return try state.read { db throws(RoostError) in try ProfileQueries.get(db, name: name) != nil }
        }

        func appliedIndex() throws -> UInt64 {
            let state = try StateMachine(path: dbPath)
            defer { state.close() }
            return state.appliedIndex
        }

        /// A trigger that makes inserting the profile named "poison" fail, as an apply bug would.
        func installPoisonTrigger() throws {
            let state = try StateMachine(path: dbPath)
            defer { state.close() }
            try state.read { db throws(RoostError) in
                try db.execute(
                    """
                    CREATE TRIGGER IF NOT EXISTS poison BEFORE INSERT ON profiles WHEN NEW.name = 'poison'
                    BEGIN SELECT RAISE(ABORT, 'poisoned'); END;
                    """)
            }
        }

        func skip(_ index: UInt64) throws -> UInt64 {
            let state = try StateMachine(path: dbPath)
            defer { state.close() }
            return try SingleMemberNode.appendSkip(
                index: index, logDirectory: logPath, state: state, files: POSIXFileLayer(), origin: "m1",
                timestamp: Timestamp(nanosecondsSinceEpoch: 1))
        }
    }

    static func createProfile(_ name: String) throws -> [UInt8] {
        try Command(
            timestamp: Timestamp(nanosecondsSinceEpoch: 1), origin: "m1",
            action: .createProfile(ProfilesPost(name: name, put: ProfilePut()))
        ).encoded()
    }

    @Test func poisonEntryRefusesStartUntilSkippedThenLaterEntriesApply() async throws {
        let member = try Member()
        let poison = Array(#"{"version":1,"not":"a command"}"#.utf8)
        try member.appendRaw([try Self.createProfile("before"), poison, try Self.createProfile("after")])
        #expect {
            _ = try member.open()
        } throws: { error in
            let text = (error as? RoostError)?.description ?? ""
            return text.contains("Log entry 2 cannot be applied") && text.contains("--skip-entry 2")
        }
        // What came before the poison entry is applied; nothing after it.
        #expect(try member.appliedIndex() == 1)
        #expect(try member.profileExists("before"))
        #expect(try !member.profileExists("after"))

        #expect(try member.skip(2) == 4)
        let node = try member.open()
        #expect(await node.appliedIndex == 4)
        await node.close()
        #expect(try member.profileExists("after"))
    }

    @Test func skipNamingOtherBytesDoesNotSkipAndOnlyTheNextEntryCanBeSkipped() async throws {
        let member = try Member()
        let poison = Array(#"{"garbage":true}"#.utf8)
        let forged = try Command(
            timestamp: Timestamp(nanosecondsSinceEpoch: 1), origin: "m1",
            action: .skipEntry(index: 2, payloadDigest: SHA256.hex(Array("other bytes".utf8)))
        ).encoded()
        try member.appendRaw([try Self.createProfile("a"), poison, forged])
        #expect(throws: RoostError.self) { _ = try member.open() }
        #expect(try member.appliedIndex() == 1)
        // Only the entry start-up stopped at can be named; not one beyond it, not one applied.
        #expect(throws: RoostError.self) { _ = try member.skip(3) }
        #expect(throws: RoostError.self) { _ = try member.skip(1) }
    }

    /// A skip is unconditional: the entry is skipped on every replay even if it would apply,
    /// so two replays of one log (say, before and after an upgrade that fixes the bug) agree.
    @Test func aSkippedEntryStaysSkippedEvenWhenItWouldApply() async throws {
        let member = try Member()
        try member.appendRaw([try Self.createProfile("x"), try Self.createProfile("y")])
        #expect(try member.skip(1) == 3)
        let node = try member.open()
        await node.close()
        #expect(try !member.profileExists("x"))
        #expect(try member.profileExists("y"))
        #expect(try member.appliedIndex() == 3)
    }

    @Test func anEntryFromANewerRoostIsNeverSkippable() async throws {
        let member = try Member()
        var future = try JSONSerialization.jsonObject(with: Data(try Self.createProfile("f"))) as! [String: Any]
        future["version"] = Command.currentVersion + 1
        let bytes = Array(try JSONSerialization.data(withJSONObject: future))
        try member.appendRaw([bytes])
        #expect {
            _ = try member.open()
        } throws: { error in
            (error as? RoostError)?.description.contains("written by a newer Roost") == true
        }
        #expect(throws: RoostError.self) { _ = try member.skip(1) }
    }

    /// Apply itself throws (a SQLite trigger raises) in the middle of a replay batch: the entries
    /// before it are applied, start-up stops at it, and once skipped the rest applies. A client
    /// retrying the skipped request is told it was skipped instead of bringing it back.
    @Test func anEntryWhoseApplyThrowsMidBatchIsSkippedAndItsRetryIsRejected() async throws {
        let member = try Member()
        let poison = Command(
            timestamp: Timestamp(nanosecondsSinceEpoch: 1), origin: "m1",
            action: .createProfile(ProfilesPost(name: "poison", put: ProfilePut())))
        try member.appendRaw([
            try Self.createProfile("p1"), try Self.createProfile("p2"), try poison.encoded(),
            try Self.createProfile("p4"), try Self.createProfile("p5"),
        ])
        try member.installPoisonTrigger()
        #expect {
            _ = try member.open { $0.replayBatchMax = 8 }
        } throws: { error in
            (error as? RoostError)?.description.contains("Log entry 3 cannot be applied") == true
        }
        #expect(try member.appliedIndex() == 2)
        #expect(try member.profileExists("p2"))
        #expect(try member.skip(3) == 6)
        let node = try member.open { $0.replayBatchMax = 8 }
        #expect(await node.appliedIndex == 6)
        #expect(try member.profileExists("p5"))
        #expect(try !member.profileExists("poison"))
        let retry = try await node.propose(poison)
        guard case .rejected(let error) = retry else {
            Issue.record("the retried request was applied again: \(retry)")
            await node.close()
            return
        }
        #expect(error.message.contains("skipped by the operator"))
        await node.close()
    }

    @Test func anApplyThatThrowsOnTheLivePathHaltsTheNode() async throws {
        let member = try Member()
        let node = try member.open()
        try member.installPoisonTrigger()
        await #expect(throws: RoostError.self) {
            _ = try await node.propose(
                Command(
                    timestamp: Timestamp(nanosecondsSinceEpoch: 1), origin: "m1",
                    action: .createProfile(ProfilesPost(name: "poison", put: ProfilePut()))))
        }
        let reason = try #require(node.haltReason)
        #expect(reason.description.contains("entry 1 fails deterministically"))
        await node.close()
    }

    @Test func failedSyncHaltsTheNodeAndTellsItsOwner() async throws {
        let member = try Member()
        let files = SimulatedFileLayer()
        let node = try member.open(files: files)
        let halted = Task { () -> RoostError? in
            for await reason in node.halts { return reason }
            return nil
        }
        _ = try await node.propose(
            Command(timestamp: .init(nanosecondsSinceEpoch: 1), origin: "m1", action: .noop))
        files.failNextSync()
        await #expect(throws: RoostError.self) {
            _ = try await node.propose(
                Command(timestamp: .init(nanosecondsSinceEpoch: 2), origin: "m1", action: .noop))
        }
        let reason = await halted.value
        #expect(reason?.code == .unavailable)
        #expect(reason?.description.contains("Writing the log failed") == true)
        // The record whose fsync failed was cut from the log: a restart cannot replay it from
        // the page cache as if it were durable.
        let log = try DurableLog(directory: member.logPath, files: files)
        #expect(log.lastIndex == 1)
        log.close()
        await #expect(throws: RoostError.self) {
            _ = try await node.propose(
                Command(timestamp: .init(nanosecondsSinceEpoch: 3), origin: "m1", action: .noop))
        }
        await node.close()
    }

    final class Counter: Sendable { let value = Atomic<Int>(0) }

    /// A file layer whose next `sync` blocks until released: the node's thread is stuck in
    /// fsync, as on a slow disk.
    final class BlockingSyncLayer: FileLayer, @unchecked Sendable {
        let base = SimulatedFileLayer()
        let armed = Mutex(false)
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)

        func sync(_ handle: FileLayerHandle) throws(RoostError) {
            if armed.withLock({
                let was = $0; $0 = false; return was
            }) {
                entered.signal()
                release.wait()
            }
            try base.sync(handle)
        }
        func makeDirectories(_ path: String) throws(RoostError) { try base.makeDirectories(path) }
        func listDirectory(_ path: String) throws(RoostError) -> [String] { try base.listDirectory(path) }
        func readFile(_ path: String) throws(RoostError) -> [UInt8] { try base.readFile(path) }
        func read(_ path: String, offset: Int, count: Int) throws(RoostError) -> [UInt8] {
            try base.read(path, offset: offset, count: count)
        }
        func createFile(_ path: String) throws(RoostError) -> FileLayerHandle { try base.createFile(path) }
        func openForAppend(_ path: String) throws(RoostError) -> FileLayerHandle { try base.openForAppend(path) }
        func write(_ handle: FileLayerHandle, _ bytes: [UInt8]) throws(RoostError) { try base.write(handle, bytes) }
        func truncate(_ handle: FileLayerHandle, toSize size: Int) throws(RoostError) {
            try base.truncate(handle, toSize: size)
        }
        func close(_ handle: FileLayerHandle) { base.close(handle) }
        func rename(_ source: String, to destination: String) throws(RoostError) {
            try base.rename(source, to: destination)
        }
        func remove(_ path: String) throws(RoostError) { try base.remove(path) }
        func syncDirectory(_ path: String) throws(RoostError) { try base.syncDirectory(path) }
    }

    /// While the node's thread sits in a slow fsync, proposals beyond the bound fail at once
    /// instead of piling up on the actor's executor.
    @Test func proposalsBeyondTheBoundFailFastWhileTheNodeIsBlocked() async throws {
        let member = try Member()
        let files = BlockingSyncLayer()
        let node = try member.open(files: files) {
            $0.batchMax = 4
            $0.pendingMax = 8
        }
        files.armed.withLock { $0 = true }
        let first = Task {
            try await node.propose(Command(timestamp: .init(nanosecondsSinceEpoch: 1), origin: "m1", action: .noop))
        }
        let entered = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: files.entered.wait(timeout: .now() + 60) == .success)
            }
        }
        try #require(entered, "the node never reached fsync")
        // The node's thread is blocked in sync. Fire 100 more proposals.
        let refusedFast = Counter()
        let burst = Task {
            await withTaskGroup(of: Void.self) { group in
                for n in 0..<100 {
                    group.addTask {
                        do throws(RoostError) {
                            _ = try await node.propose(
                                Command(timestamp: .init(nanosecondsSinceEpoch: Int64(n)), origin: "m1", action: .noop))
                        } catch {
                            if error.code == .unavailable { refusedFast.value.add(1, ordering: .relaxed) }
                        }
                    }
                }
            }
        }
        // Without the bound outside the actor, nothing is refused until the fsync returns.
        var refused = 0
        for _ in 0..<400 {
            refused = refusedFast.value.load(ordering: .relaxed)
            if refused >= 92 { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(refused >= 92, "only \(refused) of 100 refused while the node was blocked")
        #expect(node.proposalsInFlight <= 8)
        files.release.signal()
        _ = try await first.value
        await burst.value
        #expect(node.proposalsInFlight == 0)
        await node.close()
    }
}
