import Foundation
import RoostAPI
import Synchronization

/// Fans events out to `/1.0/events` listeners. Each event is encoded once; each listener has a
/// bounded buffer, and a listener that falls `eventBufferMax` events behind is disconnected
/// (its stream finishes) rather than silently missing events or growing memory without bound.
///
/// Ordering contract: callers publish an event only after the change it reports is committed
/// (lifecycle events come from the commit observer; operation events after the work's outcome).
public final class EventHub: Sendable {
    public struct Message: Sendable {
        public var type: Event.Kind
        public var json: String
    }

    private struct Listener {
        var types: Set<Event.Kind>
        var continuation: AsyncStream<Message>.Continuation
    }

    private let listeners = Mutex<[UUID: Listener]>([:])
    private let bufferMax: Int
    private let listenersMax: Int
    private let location: String

    public init(bufferMax: Int, listenersMax: Int, location: String = "none") {
        precondition(bufferMax > 0 && listenersMax > 0, "event limits must be positive")
        self.bufferMax = bufferMax
        self.listenersMax = listenersMax
        self.location = location
    }

    /// A new listener for the given types (all when empty), or an error when at capacity.
    public func subscribe(types: Set<Event.Kind>) throws(RoostError) -> (id: UUID, stream: AsyncStream<Message>) {
        let id = UUID()
        let (stream, continuation) = AsyncStream<Message>.makeStream(bufferingPolicy: .bufferingOldest(bufferMax))
        let wanted = types.isEmpty ? Set(Event.Kind.allCases) : types
        let added = listeners.withLock { all -> Bool in
            guard all.count < listenersMax else { return false }
            all[id] = Listener(types: wanted, continuation: continuation)
            return true
        }
        guard added else { throw RoostError(.unavailable, "Too many event listeners") }
        continuation.onTermination = { [weak self] _ in self?.unsubscribe(id) }
        return (id, stream)
    }

    public func unsubscribe(_ id: UUID) {
        let removed = listeners.withLock { $0.removeValue(forKey: id) }
        removed?.continuation.finish()
    }

    public func publish(_ type: Event.Kind, metadata: JSONValue, at time: Timestamp = .now) {
        let event = Event(type: type, timestamp: time, metadata: metadata, location: location)
        guard let bytes = try? JSON.encode(event) else { return }
        let message = Message(type: type, json: String(decoding: bytes, as: UTF8.self))
        let targets = listeners.withLock { all in all.filter { $0.value.types.contains(type) } }
        for (id, listener) in targets {
            if case .dropped = listener.continuation.yield(message) { unsubscribe(id) }
        }
    }

    public func publishLifecycle(_ record: LifecycleEvent, at time: Timestamp = .now) {
        guard let bytes = try? JSON.encode(record),
            let value = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        else { return }
        publish(.lifecycle, metadata: value, at: time)
    }

    public var listenerCount: Int { listeners.withLock { $0.count } }
}

extension Timestamp {
    /// The wall clock, for the daemon's edges only (never inside apply).
    public static var now: Timestamp {
        Timestamp(nanosecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1_000_000_000).rounded()))
    }
}
