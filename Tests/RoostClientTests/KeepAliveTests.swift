import NIOCore
import NIOHTTP1
import NIOPosix
import RoostAPI
import Synchronization
import Testing

@testable import RoostClient

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Drives the client against a tiny in-process HTTP server on a unix socket and checks the
/// connection habits the benchmark relies on: one connection for sequential requests, a new one
/// only after the server closed the old.
@Suite struct KeepAliveTests {
    @Test func sequentialRequestsShareOneConnection() async throws {
        let server = try await FakeServer.start(closeAfterEachResponse: false)
        let client = RoostClient(socketPath: server.path)
        for _ in 0..<20 {
            let server = try await client.server()
            #expect(server.etag == "\"e1\"")
        }
        #expect(server.connectionCount == 1)
        #expect(server.requestCount == 20)
        await client.close()
        try await server.stop()
    }

    @Test func concurrentCallersShareTheConnectionInOrder() async throws {
        let server = try await FakeServer.start(closeAfterEachResponse: false)
        let client = RoostClient(socketPath: server.path)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<50 {
                group.addTask { _ = try await client.server() }
            }
            try await group.waitForAll()
        }
        #expect(server.connectionCount == 1)
        #expect(server.requestCount == 50)
        await client.close()
        try await server.stop()
    }

    @Test func reconnectsWhenTheServerClosedTheConnection() async throws {
        let server = try await FakeServer.start(closeAfterEachResponse: true)
        let client = RoostClient(socketPath: server.path)
        for _ in 0..<5 {
            _ = try await client.server()
        }
        #expect(server.connectionCount == 5)
        await client.close()
        try await server.stop()
    }

    @Test func errorEnvelopeIsThrown() async throws {
        let server = try await FakeServer.start(closeAfterEachResponse: false)
        let client = RoostClient(socketPath: server.path)
        await #expect(throws: RoostError(.notFound, "Instance not found")) {
            _ = try await client.instance("nosuch")
        }
        _ = try await client.server()
        #expect(server.connectionCount == 1)
        await client.close()
        try await server.stop()
    }

    @Test func missingSocketIsUnavailable() async {
        let client = RoostClient(socketPath: "/nonexistent/roost-test.socket")
        do {
            _ = try await client.server()
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .unavailable)
        }
    }
}

/// Answers `GET /1.0` with a server object and everything else with a 404 error envelope,
/// counting accepted connections and requests.
struct FakeServer: Sendable {
    let path: String
    let channel: any Channel
    let counters: Counters

    var connectionCount: Int { counters.connections.withLock { $0 } }
    var requestCount: Int { counters.requests.withLock { $0 } }

    static func start(closeAfterEachResponse: Bool) async throws -> FakeServer {
        let path = "/tmp/roost-client-test-\(UInt32.random(in: 0...UInt32.max)).socket"
        unlink(path)
        let counters = Counters()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                counters.connections.withLock { $0 += 1 }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(
                        Responder(counters: counters, closeAfterEachResponse: closeAfterEachResponse))
                }
            }
            .bind(unixDomainSocketPath: path).get()
        return FakeServer(path: path, channel: channel, counters: counters)
    }

    func stop() async throws {
        try await channel.close()
        unlink(path)
    }
}

final class Counters: Sendable {
    let connections = Mutex(0)
    let requests = Mutex(0)
}

final class Responder: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let counters: Counters
    private let closeAfterEachResponse: Bool
    private var uri = ""

    init(counters: Counters, closeAfterEachResponse: Bool) {
        self.counters = counters
        self.closeAfterEachResponse = closeAfterEachResponse
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): uri = head.uri
        case .body: break
        case .end:
            counters.requests.withLock { $0 += 1 }
            let (status, body) =
                uri == "/1.0" ? (HTTPResponseStatus.ok, Self.serverBody) : (.notFound, Self.notFoundBody)
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "Content-Length", value: String(body.utf8.count))
            headers.add(name: "ETag", value: "\"e1\"")
            context.write(
                wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))),
                promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
            let close = closeAfterEachResponse
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
                if close { bound.value.close(promise: nil) }
            }
        }
    }

    static let serverBody = """
        {"type":"sync","status":"Success","status_code":200,"operation":"","error_code":0,"error":"","metadata":{"config":{},"api_extensions":["etag"],"api_status":"stable","api_version":"1.0","auth":"trusted","public":false,"auth_methods":["tls"]}}
        """
    static let notFoundBody = """
        {"type":"error","status":"","status_code":0,"operation":"","error_code":404,"error":"Instance not found","metadata":null}
        """
}
