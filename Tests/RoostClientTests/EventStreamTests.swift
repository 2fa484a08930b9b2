import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import RoostAPI
import Synchronization
import Testing

@testable import RoostClient

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The events websocket against an in-process server that pings, sends events and closes.
@Suite struct EventStreamTests {
    @Test func receivesEventsAndEndsOnClose() async throws {
        let path = "/tmp/roost-events-test-\(UInt32.random(in: 0...UInt32.max)).socket"
        unlink(path)
        let requested = NIOLockedURI()
        let upgrader = NIOWebSocketServerUpgrader(
            shouldUpgrade: { channel, head in
                requested.set(head.uri)
                return channel.eventLoop.makeSucceededFuture(HTTPHeaders())
            },
            upgradePipelineHandler: { channel, _ in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(EventPusher())
                }
            })
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline(
                    withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
            }
            .bind(unixDomainSocketPath: path).get()

        let client = RoostClient(socketPath: path)
        var received: [String] = []
        for try await event in try await client.events(types: [.lifecycle, .operation]) {
            received.append(event.metadata["action"]?.stringValue ?? "")
        }
        #expect(received == ["instance-created", "instance-deleted"])
        #expect(requested.get() == "/1.0/events?type=lifecycle,operation")
        try await server.close()
        unlink(path)
    }
}

final class NIOLockedURI: Sendable {
    private let value = Synchronization.Mutex("")
    func set(_ uri: String) { value.withLock { $0 = uri } }
    func get() -> String { value.withLock { $0 } }
}

/// Sends a ping, two events (the first split in two fragments) and a close frame, then closes.
final class EventPusher: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    func handlerAdded(context: ChannelHandlerContext) {
        let first = Array(Self.event("instance-created").utf8)
        let half = first.count / 2
        context.write(
            wrapOutboundOut(WebSocketFrame(fin: true, opcode: .ping, data: ByteBuffer(string: "p"))), promise: nil)
        context.write(
            wrapOutboundOut(WebSocketFrame(fin: false, opcode: .text, data: ByteBuffer(bytes: first[..<half]))),
            promise: nil)
        context.write(
            wrapOutboundOut(WebSocketFrame(fin: true, opcode: .continuation, data: ByteBuffer(bytes: first[half...]))),
            promise: nil)
        context.write(
            wrapOutboundOut(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: "not json"))),
            promise: nil)
        context.write(
            wrapOutboundOut(
                WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: Self.event("instance-deleted")))),
            promise: nil)
        var code = ByteBuffer()
        code.writeInteger(UInt16(1000))
        context.writeAndFlush(
            wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: code)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if unwrapInboundIn(data).opcode == .connectionClose { context.close(promise: nil) }
    }

    static func event(_ action: String) -> String {
        #"{"type":"lifecycle","timestamp":"2026-11-27T15:41:15.07Z","metadata":{"action":"\#(action)","source":"/1.0/instances/c1"},"location":"none","project":"default"}"#
    }
}
