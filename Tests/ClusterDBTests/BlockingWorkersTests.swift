import ClusterDB
import Foundation
import RoostAPI
import Synchronization
import Testing

@Suite struct BlockingWorkersTests {
    @Test func jobsReturnResultsAndErrors() async throws {
        let workers = BlockingWorkers(name: "test.workers", threads: 2, queueMax: 8)
        defer { workers.shutdown() }
        #expect(try await workers.run { () throws(RoostError) -> Int in 6 * 7 } == 42)
        await #expect(throws: RoostError.notFound("gone")) {
            try await workers.run { () throws(RoostError) -> Int in throw RoostError.notFound("gone") }
        }
    }

    /// Beyond `queueMax` waiting jobs, `run` answers 503 at once instead of queueing more.
    @Test func aFullQueueRefusesAtOnce() async throws {
        let workers = BlockingWorkers(name: "test.full", threads: 1, queueMax: 2)
        defer { workers.shutdown() }
        let gate = DispatchSemaphore(value: 0)
        let busy = DispatchSemaphore(value: 0)
        let blocker = Task {
            try await workers.run { () throws(RoostError) in
                busy.signal()
                gate.wait()
            }
        }
        // Once the only thread is busy, fill the queue (polled: no sleeps to get the order right).
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                busy.wait()
                continuation.resume()
            }
        }
        let queued = (0..<2).map { n in Task { try await workers.run { () throws(RoostError) -> Int in n } } }
        for _ in 0..<1000 where workers.waiting < 2 { try await Task.sleep(for: .milliseconds(5)) }
        try #require(workers.waiting == 2)
        await #expect(throws: RoostError.self) { try await workers.run { () throws(RoostError) in } }
        gate.signal()
        try await blocker.value
        #expect(try await queued[0].value == 0)
        #expect(try await queued[1].value == 1)
    }

    /// A finished job's captures are released at once (pools that capture themselves in jobs
    /// would otherwise never be freed).
    @Test func finishedJobsAreReleased() async throws {
        final class Token: Sendable {}
        let workers = BlockingWorkers(name: "test.release", threads: 1, queueMax: 8)
        defer { workers.shutdown() }
        weak var weakToken: Token?
        do {
            let token = Token()
            weakToken = token
            try await workers.run { () throws(RoostError) in _ = token }
        }
        for _ in 0..<200 where weakToken != nil { try await Task.sleep(for: .milliseconds(10)) }
        #expect(weakToken == nil)
    }
}
