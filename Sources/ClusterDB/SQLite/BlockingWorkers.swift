import Foundation
import RoostAPI

/// A few dedicated threads for work that blocks (SQLite reads that may hit the disk, writes with
/// `synchronous=FULL`, waits for a lock held across an fsync), so it never occupies Swift's
/// cooperative pool, which has one thread per core: two blocked handlers would stall every other
/// request on this machine.
///
/// Jobs run in arrival order on the first free thread. The queue is bounded: beyond `queueMax`
/// waiting jobs, `run` fails at once with 503 instead of growing.
public final class BlockingWorkers: @unchecked Sendable {
    private let condition = NSCondition()
    /// Queued jobs from `head` on; a slot is emptied as its job is taken, so a finished job (and
    /// what it captured) is released at once.
    private var jobs: [(@Sendable () -> Void)?] = []
    private var head = 0
    private var stopping = false
    /// Threads started so far, and those waiting for a job. Threads start on demand (an idle
    /// daemon keeps its memory), never more than `threadsMax`, and then stay.
    private var started = 0
    private var idle = 0
    public let threadsMax: Int
    public let queueMax: Int
    private let name: String

    /// What a caller is told when the queue is full.
    private let busyMessage: String

    public init(
        name: String, threads: Int, queueMax: Int, busyMessage: String = "Too many database reads waiting, try again"
    ) {
        precondition(threads > 0 && queueMax > 0, "threads and queueMax must be positive")
        self.busyMessage = busyMessage
        self.name = name
        self.threadsMax = threads
        self.queueMax = queueMax
    }

    /// Called with the lock held, for a job just queued.
    private func startThreadIfNeeded() {
        guard idle < jobs.count - head, started < threadsMax else { return }
        started += 1
        // Each thread holds the workers strongly until `shutdown()` lets it exit.
        let thread = Thread { [self] in self.loop() }
        thread.name = "\(name).\(started - 1)"
        thread.start()
    }

    /// Runs `body` on a worker thread and returns its result.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws(RoostError) -> T) async throws(RoostError) -> T {
        let outcome = await withCheckedContinuation {
            (continuation: CheckedContinuation<Result<T, RoostError>, Never>) in
            let job: @Sendable () -> Void = {
                do throws(RoostError) {
                    continuation.resume(returning: .success(try body()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
            if !enqueue(job) {
                continuation.resume(
                    returning: .failure(RoostError(.unavailable, busyMessage)))
            }
        }
        return try outcome.get()
    }

    /// Jobs queued and not yet started (metrics, tests).
    public var waiting: Int {
        condition.lock()
        defer { condition.unlock() }
        return jobs.count - head
    }

    /// Lets the threads exit once the queue is empty; jobs queued later fail with 503.
    public func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    private func enqueue(_ job: @escaping @Sendable () -> Void) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !stopping, jobs.count - head < queueMax else { return false }
        jobs.append(job)
        startThreadIfNeeded()
        condition.signal()
        return true
    }

    private func loop() {
        while true {
            condition.lock()
            while head == jobs.count && !stopping {
                idle += 1
                condition.wait()
                idle -= 1
            }
            if head == jobs.count {
                condition.unlock()
                return
            }
            let job = jobs[head]
            jobs[head] = nil
            head += 1
            if head > 64 && head * 2 > jobs.count {
                jobs.removeFirst(head)
                head = 0
            }
            condition.unlock()
            job?()
        }
    }
}
