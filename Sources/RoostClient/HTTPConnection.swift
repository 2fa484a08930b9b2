import NIOCore
import NIOHTTP1
import NIOPosix
import RoostAPI
import Synchronization

/// Failures below HTTP, turned into `RoostError` by ``HTTPTransport``.
enum TransportFailure: Error, Sendable {
    /// The connection ended before any byte of a response arrived. On a connection that already
    /// served a request this is the usual sign of a keep-alive connection the server closed while
    /// idle, and the request may be sent again on a new connection.
    case closedBeforeResponse
    /// The response body passed ``RoostClient/Configuration/responseBodyMax``.
    case bodyTooLarge(limit: Int)
    /// The server sent something that is not a well-formed response, or closed mid-response.
    case malformedResponse(String)
}

/// A request waiting for its turn on a connection.
private struct PendingRequest: Sendable {
    var head: HTTPRequestHead
    var body: ByteBuffer?
    var reply: CheckedContinuation<RawResponse, any Error>
}

/// One persistent HTTP/1.1 connection over a unix socket.
///
/// Requests are written strictly one after the other: a request is sent only after the previous
/// response has been read to its end (no pipelining). The order is the order of ``send(_:body:)``
/// calls, kept by an `AsyncStream` that a single task drains; that task owns the channel's inbound
/// and outbound sides for the life of the connection. When the server answers with
/// `Connection: close`, a read or write fails, or ``close()`` is called, the connection ends and
/// every request still queued fails with ``TransportFailure/closedBeforeResponse``.
final class HTTPConnection: Sendable {
    private let channel: any Channel
    private let queue: AsyncStream<PendingRequest>.Continuation
    private let completed = Atomic<Int>(0)

    private init(channel: any Channel, queue: AsyncStream<PendingRequest>.Continuation) {
        self.channel = channel
        self.queue = queue
    }

    /// Whether the socket is still open; a closed connection is never reused.
    var isActive: Bool { channel.isActive }

    /// Whether a response has already been read on this connection (it is a reused one).
    var hasServedRequests: Bool { completed.load(ordering: .relaxed) > 0 }

    /// Opens a connection and starts the task that serves its queue.
    static func connect(
        socketPath: String, group: any EventLoopGroup, connectTimeout: TimeAmount, responseBodyMax: Int
    ) async throws -> HTTPConnection {
        let asyncChannel = try await ClientBootstrap(group: group)
            .connectTimeout(connectTimeout)
            .connect(unixDomainSocketPath: socketPath) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel)
                }
            }
        let (requests, queue) = AsyncStream.makeStream(of: PendingRequest.self)
        let connection = HTTPConnection(channel: asyncChannel.channel, queue: queue)
        Task {
            await connection.serve(asyncChannel, requests: requests, responseBodyMax: responseBodyMax)
        }
        return connection
    }

    /// Queues a request and waits for its complete response. Cancelling the calling task closes
    /// the connection (the only way to abandon a request that is already on the wire).
    func send(_ head: HTTPRequestHead, body: ByteBuffer?) async throws -> RawResponse {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { reply in
                let request = PendingRequest(head: head, body: body, reply: reply)
                if case .terminated = queue.yield(request) {
                    reply.resume(throwing: TransportFailure.closedBeforeResponse)
                }
            }
        } onCancel: {
            close()
        }
    }

    /// Ends the connection; queued requests fail.
    func close() {
        queue.finish()
        channel.close(promise: nil)
    }

    private func serve(
        _ asyncChannel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>,
        requests: AsyncStream<PendingRequest>, responseBodyMax: Int
    ) async {
        var pending = requests.makeAsyncIterator()
        do {
            try await asyncChannel.executeThenClose { inbound, outbound in
                var responses = inbound.makeAsyncIterator()
                while let request = await pending.next() {
                    do {
                        do {
                            var parts: [HTTPClientRequestPart] = [.head(request.head)]
                            if let body = request.body { parts.append(.body(.byteBuffer(body))) }
                            parts.append(.end(nil))
                            try await outbound.write(contentsOf: parts)
                        } catch {
                            // The server closed the socket before the request could be written.
                            throw TransportFailure.closedBeforeResponse
                        }
                        let (response, keepAlive) = try await Self.readResponse(
                            &responses, responseBodyMax: responseBodyMax)
                        completed.add(1, ordering: .relaxed)
                        request.reply.resume(returning: response)
                        if !keepAlive { return }
                    } catch {
                        request.reply.resume(throwing: error)
                        return
                    }
                }
            }
        } catch {
            // The channel failed while closing; the queue is failed below either way.
        }
        queue.finish()
        while let request = await pending.next() {
            request.reply.resume(throwing: TransportFailure.closedBeforeResponse)
        }
    }

    /// Reads one response to its end. Informational (1xx) heads are skipped.
    private static func readResponse(
        _ responses: inout NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator,
        responseBodyMax: Int
    ) async throws -> (RawResponse, keepAlive: Bool) {
        var head: HTTPResponseHead?
        var body = ByteBuffer()
        while true {
            let next: HTTPClientResponsePart?
            do {
                next = try await responses.next()
            } catch {
                // A reset or EOF before the response began is a closed connection, whatever the
                // error's kind; after that it is a broken response.
                if head == nil { throw TransportFailure.closedBeforeResponse }
                throw TransportFailure.malformedResponse("\(error)")
            }
            guard let part = next else { break }
            switch part {
            case .head(let received):
                if received.status.code >= 100, received.status.code < 200 { continue }
                guard head == nil else { throw TransportFailure.malformedResponse("Two response heads") }
                head = received
            case .body(var chunk):
                guard head != nil else { throw TransportFailure.malformedResponse("Body before head") }
                guard body.readableBytes + chunk.readableBytes <= responseBodyMax else {
                    throw TransportFailure.bodyTooLarge(limit: responseBodyMax)
                }
                body.writeBuffer(&chunk)
            case .end:
                guard let head else { throw TransportFailure.malformedResponse("End before head") }
                let headers = head.headers.map { RawResponse.Header(name: $0.name, value: $0.value) }
                let bytes = body.readBytes(length: body.readableBytes) ?? []
                return (RawResponse(status: Int(head.status.code), headers: headers, body: bytes), head.isKeepAlive)
            }
        }
        if head == nil { throw TransportFailure.closedBeforeResponse }
        throw TransportFailure.malformedResponse("Connection closed in the middle of a response")
    }
}
