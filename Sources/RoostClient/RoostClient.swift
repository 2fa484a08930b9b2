import NIOCore
import NIOHTTP1
import RoostAPI

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A typed async client for Roost's LXD-compatible REST API over the daemon's unix socket.
///
/// One client keeps one HTTP/1.1 keep-alive connection and reuses it for every request (see
/// ``HTTPTransport``); concurrent callers share it and are answered in order. The events
/// websocket (``events(types:)``) uses a connection of its own.
///
/// Every method throws ``RoostError``: the server's error envelope becomes a `RoostError` whose
/// `message` is the server's `error` text and whose code matches the HTTP status; transport
/// failures are `.unavailable`.
public final class RoostClient: Sendable {
    /// Limits and timeouts of a client. Each has a reason in its comment.
    public struct Configuration: Sendable {
        /// Largest response body accepted, in bytes (64 MiB). A bigger response fails with
        /// `.payloadTooLarge` and its connection is closed, so a broken or hostile server cannot
        /// make the client buffer without bound. A `recursion=2` list of thousands of instances
        /// stays well below it.
        public var responseBodyMax: Int = 64 << 20
        /// How long to wait for the socket to accept a connection.
        public var connectTimeout: Duration = .seconds(5)
        /// Largest single event accepted on the events websocket (after reassembly), in bytes.
        public var eventSizeMax: Int = 16 << 20
        /// Events buffered for a slow consumer; past it the stream ends with an error rather than
        /// silently dropping events.
        public var eventBufferMax: Int = 10_000
        /// Seconds one `GET /1.0/operations/{id}/wait` may block before the client asks again;
        /// keeps a lost server-side wait from hanging the client forever.
        public var operationWaitSliceSeconds: Int = 30

        public init() {}
    }

    /// The socket this client talks to.
    public let socketPath: String
    public let configuration: Configuration
    let transport: HTTPTransport

    public init(socketPath: String, configuration: Configuration = Configuration()) {
        self.socketPath = socketPath
        self.configuration = configuration
        self.transport = HTTPTransport(socketPath: socketPath, configuration: configuration)
    }

    /// A client for the socket chosen by ``SocketEndpoint/resolve(flag:environment:)``.
    public convenience init(
        socketFlag: String?, environment: [String: String], configuration: Configuration = Configuration()
    ) {
        self.init(
            socketPath: SocketEndpoint.resolve(flag: socketFlag, environment: environment),
            configuration: configuration)
    }

    /// A client dropped without ``close()`` still closes its connection, a moment later.
    deinit {
        let transport = self.transport
        Task { await transport.close() }
    }

    /// Closes the keep-alive connection. The client stays usable: the next request reconnects.
    public func close() async {
        await transport.close()
    }

    /// Sends one request and returns the response as it came, whatever its status.
    ///
    /// - Parameters:
    ///   - path: the request target, query included (`/1.0/instances?recursion=1`), already
    ///     percent-encoded.
    ///   - body: sent with `Content-Type: application/json` unless `headers` names another type.
    ///   - headers: extra headers (`If-Match`...). `Host` is always `unix.socket`, as `lxc` sends.
    public func raw(
        method: RequestMethod, path: String, body: [UInt8]? = nil, headers: [String: String] = [:]
    ) async throws(RoostError) -> RawResponse {
        var fields = HTTPHeaders()
        fields.add(name: "Host", value: "unix.socket")
        fields.add(name: "User-Agent", value: "roost")
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { fields.replaceOrAdd(name: name, value: value) }
        var buffer: ByteBuffer?
        if let body {
            if !fields.contains(name: "Content-Type") { fields.add(name: "Content-Type", value: "application/json") }
            fields.replaceOrAdd(name: "Content-Length", value: String(body.count))
            buffer = ByteBuffer(bytes: body)
        } else if method != .get, method != .head {
            fields.replaceOrAdd(name: "Content-Length", value: "0")
        }
        let head = HTTPRequestHead(
            version: .http1_1, method: HTTPMethod(rawValue: method.rawValue), uri: path, headers: fields)
        return try await transport.send(head, body: buffer)
    }
}

// MARK: - Envelopes

/// The result of a request that may run in the background.
public enum Submission: Sendable {
    /// The server finished the change before answering (`200`, sync envelope).
    case done(metadata: JSONValue?)
    /// The server started an operation (`202`, async envelope).
    case started(OperationHandle)
}

/// An operation the server started, and where to follow it.
public struct OperationHandle: Sendable, Hashable {
    /// The operation as the async envelope described it.
    public var operation: Operation
    /// Its URL (`/1.0/operations/<id>`), from the envelope or the `Location` header.
    public var url: String

    public init(operation: Operation, url: String) {
        self.operation = operation
        self.url = url
    }

    /// The operation's id (the last segment of its URL).
    public var id: String { operation.id.isEmpty ? PathEncoding.lastSegment(of: url) : operation.id }
}

/// A value together with the `ETag` the server sent for it, to send back as `If-Match`.
public struct Tagged<Value: Sendable>: Sendable {
    public var value: Value
    public var etag: String?

    public init(value: Value, etag: String?) {
        self.value = value
        self.etag = etag
    }
}

extension Tagged: Equatable where Value: Equatable {}
extension Tagged: Hashable where Value: Hashable {}

/// Only the envelope fields needed to classify a response.
private struct EnvelopeHead: Decodable {
    var type: String
    var operation: String?
    var errorCode: Int?
    var error: String?

    enum CodingKeys: String, CodingKey {
        case type, operation, errorCode = "error_code", error
    }
}

/// A sync envelope whose metadata is decoded straight into `Metadata`.
private struct SyncEnvelope<Metadata: Decodable>: Decodable {
    var type: String
    var metadata: Metadata
}

extension RoostClient {
    /// Sends a request and decodes the metadata of its sync envelope.
    func sync<T: Decodable>(
        _ type: T.Type, _ method: RequestMethod, _ path: String, body: [UInt8]? = nil, ifMatch: String? = nil
    ) async throws(RoostError) -> Tagged<T> {
        let response = try await raw(method: method, path: path, body: body, headers: Self.headers(ifMatch))
        return Tagged(value: try Self.decodeSync(T.self, response), etag: response.etag)
    }

    /// Sends a request that may answer sync or async.
    func submitRequest(
        _ method: RequestMethod, _ path: String, body: [UInt8]? = nil, ifMatch: String? = nil
    ) async throws(RoostError) -> Submission {
        let response = try await raw(method: method, path: path, body: body, headers: Self.headers(ifMatch))
        return try Self.classify(response)
    }

    static func headers(_ ifMatch: String?) -> [String: String] {
        guard let ifMatch, !ifMatch.isEmpty else { return [:] }
        return ["If-Match": ifMatch]
    }

    /// Decodes the metadata of a sync response, or throws the error the response carries.
    static func decodeSync<T: Decodable>(_ type: T.Type, _ response: RawResponse) throws(RoostError) -> T {
        guard (200..<300).contains(response.status), response.status != 202 else {
            throw error(from: response)
        }
        do {
            return try JSONDecoder().decode(SyncEnvelope<T>.self, from: Data(response.body)).metadata
        } catch {
            throw RoostError(
                .internalError, "Failed to decode the response of the daemon", cause: "\(error)")
        }
    }

    /// Sorts a response into done (sync), started (async) or an error.
    static func classify(_ response: RawResponse) throws(RoostError) -> Submission {
        guard (200..<300).contains(response.status) else { throw error(from: response) }
        if response.status == 202 {
            struct AsyncEnvelope: Decodable {
                var operation: String?
                var metadata: Operation
            }
            do {
                let envelope = try JSONDecoder().decode(AsyncEnvelope.self, from: Data(response.body))
                let url = response.location ?? envelope.operation ?? "/1.0/operations/\(envelope.metadata.id)"
                return .started(OperationHandle(operation: envelope.metadata, url: url))
            } catch {
                throw RoostError(.internalError, "Failed to decode the operation of the daemon", cause: "\(error)")
            }
        }
        if response.body.isEmpty { return .done(metadata: nil) }
        do {
            let envelope = try JSONDecoder().decode(AnyResponseEnvelope.self, from: Data(response.body))
            return .done(metadata: envelope.metadata)
        } catch {
            throw RoostError(.internalError, "Failed to decode the response of the daemon", cause: "\(error)")
        }
    }

    /// The `RoostError` an error response stands for: the envelope's `error` text, and the code
    /// of its `error_code` (or of the HTTP status when the body is not an envelope).
    static func error(from response: RawResponse) -> RoostError {
        let head = try? JSONDecoder().decode(EnvelopeHead.self, from: Data(response.body))
        let status = head?.errorCode.flatMap { $0 == 0 ? nil : $0 } ?? response.status
        let message: String
        if let text = head?.error, !text.isEmpty {
            message = text
        } else if head == nil, !response.body.isEmpty {
            message = String(response.text.prefix(512).filter { $0 != "\n" && $0 != "\r" })
        } else {
            message = "Request failed with HTTP status \(response.status)"
        }
        return RoostError(code(forStatus: status), message)
    }

    /// The `RoostError.Code` of an HTTP status (the inverse of `RoostError.httpStatus`).
    public static func code(forStatus status: Int) -> RoostError.Code {
        switch status {
        case 400: .badRequest
        case 403: .forbidden
        case 404: .notFound
        case 405: .methodNotAllowed
        case 409: .conflict
        case 412: .preconditionFailed
        case 413: .payloadTooLarge
        case 408: .requestTimeout
        case 501: .notImplemented
        case 503: .unavailable
        case 400..<500: .badRequest
        default: .internalError
        }
    }

    /// JSON for a request body.
    static func encode<T: Encodable>(_ value: T) throws(RoostError) -> [UInt8] {
        do {
            return Array(try JSONEncoder().encode(value))
        } catch {
            throw RoostError(.badRequest, "Failed to encode the request", cause: "\(error)")
        }
    }
}
