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

/// Sits after the HTTP codec: ends the first-request deadline once a head is parsed, and closes
/// the connection after a response that says `Connection: close` has been written. (Hummingbird
/// ends its loop only when the *request* asked to close, and otherwise drains an unread body,
/// which a slow client can stretch forever; a full close also works over TLS, where a half
/// close does not.)
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private var sawHead = false
    private var closeAfterResponse = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !sawHead, case .head = unwrapInboundIn(data) {
            sawHead = true
            FirstRequestDeadline.cancel(on: context.channel)
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let response):
            if response.headerFields[.connection]?.lowercased() == "close" { closeAfterResponse = true }
            context.write(data, promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            guard closeAfterResponse else {
                context.write(data, promise: promise)
                return
            }
            let written = context.eventLoop.makePromise(of: Void.self)
            written.futureResult.cascade(to: promise)
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            written.futureResult.whenComplete { _ in bound.value.close(promise: nil) }
            context.writeAndFlush(data, promise: written)
        }
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
