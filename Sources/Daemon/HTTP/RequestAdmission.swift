import RoostAPI
import Synchronization

/// Daemon-wide bounds on the request path, so no client (or thousand clients) can make the daemon
/// grow memory or starve others: request bodies held at once are bounded in bytes, and handlers
/// running at once in number. Beyond a bound the request is refused at once with 503 and
/// `Retry-After` instead of queueing.
///
/// The two bounds are separate on purpose: a slow client trickling a body holds bytes (its
/// declared length) but no handler slot, so a thousand of them cannot keep a small `GET` from
/// being handled.
final class RequestAdmission: Sendable {
    struct Counters: Sendable, Hashable {
        var handlersActive = 0
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

    /// Reserves `count` bytes of request body, or throws 503 when the daemon already holds
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

    /// Takes a handler slot, or throws 503 when `handlersMax` requests are being handled.
    func enterHandler() throws(RoostError) {
        let granted = state.withLock { counters in
            guard counters.handlersActive < handlersMax else {
                counters.refusedForHandlers += 1
                return false
            }
            counters.handlersActive += 1
            return true
        }
        guard granted else { throw Self.busy("Too many requests in progress, try again") }
    }

    func exitHandler() {
        state.withLock { $0.handlersActive -= 1 }
    }

    static func busy(_ message: String) -> RoostError { RoostError(.unavailable, message) }
}
