import HummingbirdCore
import Logging
import NIOCore

/// Closes a connection whose first request head has not fully arrived in time.
///
/// Hummingbird's idle timeout starts only once the first head is parsed (its handler is added
/// after the websocket-upgrade decision), so a client trickling the first head a byte at a time
/// would hold a connection forever. This handler sits first in the pipeline, sees the raw bytes,
/// and removes itself at the first blank line (`\r\n\r\n`, the end of a head); later requests on
/// the connection are covered by the idle timeout, bodies by the responder's read timeout.
final class FirstRequestDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    static let name = "roost.first-request-deadline"

    private let timeout: TimeAmount
    private var timer: Scheduled<Void>?
    /// The last bytes seen, so an end of head split across reads is still found.
    private var tail: [UInt8] = []

    init(timeout: TimeAmount) { self.timeout = timeout }

    func handlerAdded(context: ChannelHandlerContext) {
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: timeout) { bound.value.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        let headEnded = Self.containsEndOfHead(tail + buffer.readableBytesView)
        tail = Array((tail + buffer.readableBytesView).suffix(3))
        context.fireChannelRead(data)
        if headEnded {
            timer?.cancel()
            timer = nil
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }

    static func containsEndOfHead(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 4 else { return false }
        for start in 0...(bytes.count - 4)
        where bytes[start] == 13 && bytes[start + 1] == 10 && bytes[start + 2] == 13 && bytes[start + 3] == 10 {
            return true
        }
        return false
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
