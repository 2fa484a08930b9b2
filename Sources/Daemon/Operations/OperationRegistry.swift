import Foundation
import RoostAPI

/// Background operations (`/1.0/operations`). An operation runs its work in a task, publishes an
/// `operation` event at every status change, and stays visible for `retention` after it ends so
/// a client that polls right after its 202 still finds it. At most `operationsMax` are kept.
actor OperationRegistry {
    typealias Work = @Sendable () async throws -> JSONValue?

    private struct Entry {
        var operation: Operation
        var task: Task<Void, Never>?
        var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]
        var finishedAt: ContinuousClock.Instant?
    }

    private var entries: [String: Entry] = [:]
    private let events: EventHub
    private let operationsMax: Int
    private let retention: Duration
    private let location: String

    init(events: EventHub, operationsMax: Int, retention: Duration, location: String = "none") {
        precondition(operationsMax > 0, "operationsMax must be positive")
        self.events = events
        self.operationsMax = operationsMax
        self.retention = retention
        self.location = location
    }

    /// Creates a running task operation and starts `work`. Returns the operation as the 202 shows it.
    func start(
        description: String, resources: [String: [String]], mayCancel: Bool = false, work: @escaping Work
    ) throws(RoostError) -> Operation {
        prune()
        guard entries.count < operationsMax else { throw RoostError(.unavailable, "Too many operations, try again") }
        let now = Timestamp.now
        var operation = Operation(
            id: UUID().uuidString.lowercased(), class: .task, description: description, createdAt: now, updatedAt: now,
            status: .pending, resources: resources, mayCancel: mayCancel, location: location)
        publish(operation)
        operation.status = StatusCode.running.text
        operation.statusCode = StatusCode.running.rawValue
        entries[operation.id] = Entry(operation: operation)
        publish(operation)
        let id = operation.id
        entries[id]?.task = Task {
            let outcome: Result<JSONValue?, any Error>
            do { outcome = .success(try await work()) } catch { outcome = .failure(error) }
            self.finish(id, outcome)
        }
        return operation
    }

    func get(_ id: String) -> Operation? {
        prune()
        return entries[id]?.operation
    }

    func list() -> [Operation] {
        prune()
        return entries.values.map(\.operation).sorted { $0.createdAt < $1.createdAt }
    }

    /// Waits until the operation ends or `timeout` passes; returns its latest state.
    func wait(_ id: String, timeout: Duration) async -> Operation? {
        guard let entry = entries[id] else { return nil }
        if entry.finishedAt != nil || timeout <= .zero { return entry.operation }
        let waiter = UUID()
        let timer = Task {
            try? await Task.sleep(for: timeout)
            self.wake(id, waiter: waiter)
        }
        // A cancelled request (client gone, daemon shutting down) stops waiting at once.
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if Task.isCancelled {
                    continuation.resume()
                } else {
                    entries[id]?.waiters[waiter] = continuation
                }
            }
        } onCancel: {
            Task { await self.wake(id, waiter: waiter) }
        }
        timer.cancel()
        return entries[id]?.operation
    }

    /// `DELETE /1.0/operations/{id}`: cancels when the operation allows it.
    func cancel(_ id: String) throws(RoostError) {
        guard let entry = entries[id] else { throw RoostError.notFound("Operation not found") }
        guard entry.finishedAt == nil else { throw RoostError.badRequest("Operation has already finished") }
        guard entry.operation.mayCancel else { throw RoostError.badRequest("This operation can't be cancelled") }
        entries[id]?.operation.status = StatusCode.cancelling.text
        entries[id]?.operation.statusCode = StatusCode.cancelling.rawValue
        entries[id]?.task?.cancel()
    }

    private func finish(_ id: String, _ outcome: Result<JSONValue?, any Error>) {
        guard var entry = entries[id] else { return }
        entry.operation.updatedAt = .now
        switch outcome {
        case .success(let metadata):
            entry.operation.status = StatusCode.success.text
            entry.operation.statusCode = StatusCode.success.rawValue
            if let metadata { entry.operation.metadata = metadata }
        case .failure(let error)
        where error is CancellationError || entry.operation.statusCode == StatusCode.cancelling.rawValue:
            entry.operation.status = StatusCode.cancelled.text
            entry.operation.statusCode = StatusCode.cancelled.rawValue
            entry.operation.err = "Operation cancelled"
        case .failure(let error):
            entry.operation.status = StatusCode.failure.text
            entry.operation.statusCode = StatusCode.failure.rawValue
            entry.operation.err = (error as? RoostError)?.message ?? "\(error)"
        }
        entry.finishedAt = .now
        entry.task = nil
        let waiters = entry.waiters.values
        entry.waiters = [:]
        entries[id] = entry
        publish(entry.operation)
        for waiter in waiters { waiter.resume() }
    }

    /// Ends one waiter's wait when its own timeout passes; others keep waiting.
    private func wake(_ id: String, waiter: UUID) {
        entries[id]?.waiters.removeValue(forKey: waiter)?.resume()
    }

    private func publish(_ operation: Operation) {
        guard let bytes = try? JSON.encode(operation),
            let value = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        else { return }
        events.publish(.operation, metadata: value)
    }

    private func prune() {
        let now = ContinuousClock.now
        entries = entries.filter { _, entry in
            guard let finished = entry.finishedAt else { return true }
            return now - finished < retention
        }
    }
}
