import ClusterDB
import ClusterNode
import Foundation
import RoostAPI
import Testing

/// A reader that blocks checkpoints while changes arrive must not keep the log from being
/// compacted forever: once the node is idle, a truncating checkpoint runs.
@Suite struct IdleCheckpointTests {
    @Test func aBlockedCompactionCompletesWhenTheNodeIsIdle() async throws {
        let directory = NSTemporaryDirectory() + "roost-idle-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let dbPath = directory + "/db.sqlite"
        var options = SingleMemberNode.Options()
        options.compactEvery = 8
        options.batchMax = 1
        options.idleCheckpointDelay = .milliseconds(100)
        options.log = DurableLog.Options(segmentMaxBytes: 4096, entryMaxBytes: 2048)
        let node = try SingleMemberNode(
            logDirectory: directory + "/log", state: try StateMachine(path: dbPath), files: POSIXFileLayer(),
            options: options)
        // A reader holding an old snapshot: PASSIVE checkpoints cannot finish while it lives.
        let reader = try SQLiteConnection(path: dbPath, mode: .readOnly)
        try reader.execute("BEGIN")
        let statement = try reader.prepare("SELECT count(*) FROM profiles")
        _ = try statement.step()
        for n in 0..<40 {
            _ = try await node.propose(
                Command(
                    timestamp: Timestamp(nanosecondsSinceEpoch: Int64(n)), origin: "m1",
                    action: .createProfile(ProfilesPost(name: "p\(n)", put: ProfilePut(description: "x")))))
        }
        #expect(await node.compactionsBlocked >= 1)
        #expect(await node.logFirstIndex == 1, "compacted although a reader blocked the checkpoint")
        statement.reset()
        try reader.execute("COMMIT")
        reader.close()
        // No more changes arrive; the idle checkpoint compacts the log.
        var first: UInt64 = 1
        for _ in 0..<200 {
            first = await node.logFirstIndex
            if first > 1 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(first > 1, "the log was never compacted once the node went idle")
        #expect(await node.idleCheckpoints >= 1)
        await node.close()
    }
}
