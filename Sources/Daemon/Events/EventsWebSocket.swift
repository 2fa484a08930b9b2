import Foundation
import HTTPTypes
import HummingbirdWebSocket
import Logging
import RoostAPI
import Synchronization

/// `/1.0/events?type=operation,lifecycle,logging` over a websocket upgrade: one text message per
/// event. The stream ends when the client closes or when it falls too far behind (`EventHub`).
enum EventsWebSocket {
    /// How long a subscription made for an upgrade waits for the upgraded connection's handler.
    static let claimTimeout: Duration = .seconds(30)

    /// Subscribes before answering the upgrade, so no event published after the 101 is missed;
    /// a subscription whose upgrade never completes (the connection dropped during it) is
    /// released after `claimTimeout` instead of holding a listener slot forever.
    static func shouldUpgrade(
        _ request: HTTPRequest, hub: EventHub, claimTimeout: Duration = claimTimeout
    ) throws -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>> {
        let target = request.path ?? ""
        let path = target.split(separator: "?", maxSplits: 1).first.map(String.init) ?? ""
        guard path == "/1.0/events" || path == "/1.0/events/" else { return .dontUpgrade }
        let query = APIRequest.parseQuery(target.split(separator: "?", maxSplits: 1).dropFirst().first.map(String.init))
        var types: Set<Event.Kind> = []
        for name in (query["type"] ?? "").split(separator: ",") {
            guard let kind = Event.Kind(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                return .dontUpgrade
            }
            types.insert(kind)
        }
        let kinds = types
        let subscription = try hub.subscribe(types: kinds)
        // Claimed by the handler or expired by the timer, whichever comes first, exactly once.
        let claimed = Mutex<Bool?>(nil)
        let timer = Task {
            try? await Task.sleep(for: claimTimeout)
            let expired = claimed.withLock { state in
                if state == nil { state = false }
                return state == false
            }
            if expired { hub.unsubscribe(subscription.id) }
        }
        return .upgrade([:]) { inbound, outbound, _ in
            let won = claimed.withLock { state in
                if state == nil { state = true }
                return state == true
            }
            timer.cancel()
            // A handler that starts after its subscription expired (a heavily loaded host)
            // subscribes afresh rather than closing a connection that did complete.
            guard let (id, stream) = won ? subscription : try? hub.subscribe(types: kinds) else { return }
            defer { hub.unsubscribe(id) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await message in stream { try await outbound.write(.text(message.json)) }
                }
                group.addTask {
                    for try await _ in inbound {}
                }
                try await group.next()
                group.cancelAll()
            }
        }
    }
}
