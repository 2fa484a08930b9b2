import Foundation
import Synchronization

/// A serial executor backed by one dedicated thread, for actors that must block (fsync, SQLite
/// with synchronous writes). Blocking there stalls only this thread, never Swift's cooperative
/// pool (two threads on a two-core machine), so HTTP handlers keep running during an fsync.
public final class DedicatedThreadExecutor: SerialExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopping = false
    private var thread: Thread?

    /// The thread holds the executor strongly until `shutdown()` lets it exit: the executor's
    /// memory outlives every access the thread makes (an owner that fails half-way through its
    /// init and shuts the executor down at once frees nothing the thread still reads).
    public init(name: String) {
        let thread = Thread { [self] in self.runLoop() }
        thread.name = name
        self.thread = thread
        thread.start()
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        condition.lock()
        jobs.append(unowned)
        condition.signal()
        condition.unlock()
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    /// Lets the thread finish once queued jobs have run. Jobs enqueued afterwards still run
    /// (the thread drains the queue before exiting).
    public func shutdown() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func runLoop() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty && stopping {
                thread = nil  // Breaks executor -> thread -> closure -> executor.
                condition.unlock()
                return
            }
            let batch = jobs
            jobs.removeAll(keepingCapacity: true)
            condition.unlock()
            for job in batch { job.runSynchronously(on: asUnownedSerialExecutor()) }
        }
    }
}
