import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose first request head has not been parsed in time.
///
/// Hummingbird's idle timeout starts only once the first head is parsed (its handler is added
/// after the websocket-upgrade decision), so a client trickling the first head a byte at a time
/// would hold a connection forever. This handler sits first in the pipeline with a timer; it is
/// removed when the HTTP decoder has produced the first head (`ConnectionGuard`) or when the
/// connection is upgraded to a websocket (`EventsWebSocket`). Nothing is inferred from raw bytes,
/// so leading blank lines (which the parser skips) cannot cancel it.
final class FirstRequestDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    static let name = "roost.first-request-deadline"

    private let timeout: TimeAmount
    private var timer: Scheduled<Void>?

    init(timeout: TimeAmount) { self.timeout = timeout }

    func handlerAdded(context: ChannelHandlerContext) {
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: timeout) { bound.value.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    /// Stops the deadline of `channel` (on its event loop); harmless when already stopped.
    static func cancel(on channel: any Channel) {
        channel.pipeline.removeHandler(name: name, promise: nil)
    }
}

/// Wraps a server child channel so every connection starts with `FirstRequestDeadline`.
struct FirstRequestDeadlineChannel<Inner: ServerChildChannel>: ServerChildChannel {
    typealias Value = Inner.Value

    let inner: Inner
    let timeout: TimeAmount

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(
                FirstRequestDeadline(timeout: timeout), name: FirstRequestDeadline.name)
        }.flatMap { inner.setup(channel: channel, logger: logger) }
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}
