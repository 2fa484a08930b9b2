import Hummingbird
import NIOCore

/// The request context of every route: Hummingbird's core context plus the connection's
/// channel, so the responder can stop reading from a client whose body it refused (Hummingbird
/// otherwise drains an unread body before the next request, which a slow client can stretch
/// forever).
struct RoostRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}
