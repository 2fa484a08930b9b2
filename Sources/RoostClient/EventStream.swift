import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import RoostAPI

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension RoostClient {
    /// Subscribes to `/1.0/events` over a websocket on a connection of its own.
    ///
    /// Returns once the server has accepted the websocket, so a caller that subscribes and then
    /// starts a change sees every event of that change (the stock `lxc` opens the events socket
    /// before each mutating request for the same reason).
    ///
    /// Each text frame is one JSON ``Event``; frames that do not decode are skipped. Pings are
    /// answered; a close frame from the server is answered and ends the stream normally. The
    /// stream ends with an error when the connection fails, or when more than
    /// ``Configuration/eventBufferMax`` events wait unread. Ending the iteration (or cancelling
    /// the consuming task) closes the websocket.
    ///
    /// - Parameter types: the event kinds to receive (`?type=operation,lifecycle`); empty sends no
    ///   `type`, which the server takes as every kind.
    public func events(types: [Event.Kind] = []) async throws(RoostError) -> AsyncThrowingStream<Event, any Error> {
        var seen = Set<Event.Kind>()
        let typeList = types.filter { seen.insert($0).inserted }.map(\.rawValue).joined(separator: ",")
        let uri = PathEncoding.withQuery("/1.0/events", typeList.isEmpty ? [] : [("type", typeList)])
        let websocket: NIOAsyncChannel<WebSocketFrame, WebSocketFrame>
        do {
            websocket = try await EventSocket.connect(socketPath: socketPath, uri: uri, configuration: configuration)
        } catch {
            throw HTTPTransport.roostError(error, socketPath: socketPath)
        }
        return EventSocket.stream(websocket, bufferMax: configuration.eventBufferMax)
    }
}

/// The websocket plumbing behind ``RoostClient/events(types:)``.
enum EventSocket {
    enum UpgradeResult: Sendable {
        case websocket(NIOAsyncChannel<WebSocketFrame, WebSocketFrame>)
        case notUpgraded
    }

    static func connect(
        socketPath: String, uri: String, configuration: RoostClient.Configuration
    ) async throws -> NIOAsyncChannel<WebSocketFrame, WebSocketFrame> {
        let eventSizeMax = configuration.eventSizeMax
        let upgrade: EventLoopFuture<UpgradeResult> = try await ClientBootstrap(
            group: MultiThreadedEventLoopGroup.singleton
        )
        .connectTimeout(.nanoseconds(configuration.connectTimeout.nanoseconds))
        .connect(unixDomainSocketPath: socketPath) { channel in
            channel.eventLoop.makeCompletedFuture {
                try configurePipeline(channel, uri: uri, eventSizeMax: eventSizeMax)
            }
        }
        switch try await upgrade.get() {
        case .websocket(let websocket):
            return websocket
        case .notUpgraded:
            throw RoostError(.badRequest, "The daemon refused the events websocket at \(uri)")
        }
    }

    private static func configurePipeline(
        _ channel: any Channel, uri: String, eventSizeMax: Int
    ) throws -> EventLoopFuture<UpgradeResult> {
        let upgrader = NIOTypedWebSocketClientUpgrader<UpgradeResult>(
            maxFrameSize: min(eventSizeMax, Int(UInt32.max)),
            upgradePipelineHandler: { channel, _ in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        NIOWebSocketFrameAggregator(
                            minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: 4096,
                            maxAccumulatedFrameSize: eventSizeMax))
                    return .websocket(
                        try NIOAsyncChannel<WebSocketFrame, WebSocketFrame>(wrappingChannelSynchronously: channel))
                }
            })
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: "unix.socket")
        headers.add(name: "User-Agent", value: "roost")
        headers.add(name: "Content-Length", value: "0")
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: uri, headers: headers)
        let configuration = NIOTypedHTTPClientUpgradeConfiguration<UpgradeResult>(
            upgradeRequestHead: head, upgraders: [upgrader],
            notUpgradingCompletionHandler: { channel in
                channel.close(promise: nil)
                return channel.eventLoop.makeSucceededFuture(.notUpgraded)
            })
        // Frames the server sends right behind its 101 answer often arrive in the same read;
        // `.forwardBytes` hands them to the websocket decoder instead of dropping them.
        var pipeline = NIOUpgradableHTTPClientPipelineConfiguration(upgradeConfiguration: configuration)
        pipeline.leftOverBytesStrategy = .forwardBytes
        return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(configuration: pipeline)
    }

    /// Reads frames into an event stream on a task of its own.
    static func stream(
        _ websocket: NIOAsyncChannel<WebSocketFrame, WebSocketFrame>, bufferMax: Int
    ) -> AsyncThrowingStream<Event, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(
            of: Event.self, bufferingPolicy: .bufferingOldest(max(bufferMax, 1)))
        let reader = Task {
            do {
                try await websocket.executeThenClose { inbound, outbound in
                    for try await frame in inbound {
                        guard try await handle(frame, outbound: outbound, continuation: continuation) else { return }
                    }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: HTTPTransport.roostError(error, socketPath: "events websocket"))
            }
        }
        continuation.onTermination = { _ in
            reader.cancel()
            websocket.channel.close(promise: nil)
        }
        return stream
    }

    /// Handles one frame; returns false when the websocket is done.
    private static func handle(
        _ frame: WebSocketFrame, outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>,
        continuation: AsyncThrowingStream<Event, any Error>.Continuation
    ) async throws -> Bool {
        switch frame.opcode {
        case .text, .binary:
            let data = frame.unmaskedData
            guard let event = try? JSONDecoder().decode(Event.self, from: Data(data.readableBytesView)) else {
                return true
            }
            switch continuation.yield(event) {
            case .dropped:
                throw RoostError(.unavailable, "Events arrived faster than they were read; stream ended")
            case .terminated:
                return false
            case .enqueued:
                return true
            @unknown default:
                return true
            }
        case .ping:
            try await outbound.write(
                WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.unmaskedData))
            return true
        case .connectionClose:
            var payload = frame.unmaskedData
            let code = payload.readSlice(length: 2) ?? ByteBuffer()
            try? await outbound.write(
                WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: code))
            return false
        default:
            return true
        }
    }
}
