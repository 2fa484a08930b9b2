import RoostAPI
import Synchronization

/// Daemon-wide bounds on the request path, so no client (or thousand clients) can make the daemon
/// grow memory or starve others: request bodies held at once are bounded in bytes, and handlers
/// running at once in number. Beyond a bound the request is refused at once with 503 and
/// `Retry-After` instead of queueing.
///
/// The bounds are separate on purpose: a slow client trickling a body holds the bytes it sent
/// but no handler slot, so a thousand of them cannot keep a small `GET` from being handled; and
/// long polls (`GET /1.0/operations/{id}/wait`) have their own slots, so clients waiting for
/// operations cannot take every slot from ordinary requests.
final class RequestAdmission: Sendable {
    /// Which pool of handler slots a route uses.
    enum SlotKind: Sendable, Hashable {
        case standard
        /// A request that may wait long for something else (an operation to finish).
        case longPoll
    }

    struct Counters: Sendable, Hashable {
        var handlersActive = 0
        var longPollsActive = 0
        var bytesInFlight = 0
        var refusedForHandlers = 0
        var refusedForBytes = 0
    }

    let handlersMax: Int
    let bytesMax: Int
    private let state = Mutex(Counters())

    init(handlersMax: Int, bytesMax: Int) {
        self.handlersMax = handlersMax
        self.bytesMax = bytesMax
    }

    var counters: Counters { state.withLock { $0 } }

    /// Reserves `count` bytes of request body (as they arrive), or throws 503 when the daemon already holds
    /// `bytesMax`. Every successful call is matched by `release(bytes:)`.
    func reserve(bytes count: Int) throws(RoostError) {
        let granted = state.withLock { counters in
            guard count <= bytesMax - counters.bytesInFlight else {
                counters.refusedForBytes += 1
                return false
            }
            counters.bytesInFlight += count
            return true
        }
        guard granted else { throw Self.busy("Too many request bytes in flight, try again") }
    }

    func release(bytes count: Int) {
        state.withLock { $0.bytesInFlight -= count }
    }

    /// Takes a handler slot of `kind`, or throws 503 when `handlersMax` of that kind are busy.
    func enterHandler(_ kind: SlotKind = .standard) throws(RoostError) {
        let path: WritableKeyPath<Counters, Int> = kind == .standard ? \.handlersActive : \.longPollsActive
        let granted = state.withLock { counters in
            guard counters[keyPath: path] < handlersMax else {
                counters.refusedForHandlers += 1
                return false
            }
            counters[keyPath: path] += 1
            return true
        }
        guard granted else { throw Self.busy("Too many requests in progress, try again") }
    }

    func exitHandler(_ kind: SlotKind = .standard) {
        let path: WritableKeyPath<Counters, Int> = kind == .standard ? \.handlersActive : \.longPollsActive
        state.withLock { $0[keyPath: path] -= 1 }
    }

    static func busy(_ message: String) -> RoostError { RoostError(.unavailable, message) }
}
