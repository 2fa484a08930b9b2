import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import RoostAPI
import Synchronization

/// The single Hummingbird responder: routes, reads the body as the route's policy says (bounded
/// in size, in time and in daemon-wide bytes), admits the request to a handler slot, and turns
/// every outcome — including unknown routes and unexpected errors — into LXD's envelopes. This is
/// the only place a `RoostError` becomes an HTTP status.
///
/// Order per request: route (404/405 without reading anything) → body (413 when too large, 503
/// when the daemon holds too many bytes, 408 when it does not arrive in time) → handler slot
/// (503 when too many are running) → handler. A refusal that leaves body bytes unread closes the
/// connection after the answer.
struct APIResponder: HTTPResponder {
    typealias Context = RoostRequestContext

    let router: Router
    let requestBodyMaxBytes: Int
    let admission: RequestAdmission
    /// The whole body must arrive within this time (a slow client holds bytes and a connection,
    /// never longer). A stalled connection is also closed by the server's idle timeout.
    let bodyReadTimeout: Duration
    /// Receives `.spool` bodies.
    let spool: UploadSpool
    let logger: Logger

    /// Most body bytes read and thrown away on a route that takes no body (a GET or DELETE with
    /// a body, or a 404/405); more closes the connection.
    static let discardedBodyMaxBytes = 64 << 10

    func respond(to request: Request, context: Context) async throws -> Response {
        let response: APIResponse
        let reservation = BodyReservation(admission: admission)
        defer { reservation.release() }
        // Until the body has been read (or dropped), answering means closing: Hummingbird would
        // otherwise drain the rest of it without a deadline. `ConnectionGuard` closes once the
        // answer is written.
        var closeConnection = Self.declaresBody(request)
        var upload: UploadSpool.File?
        defer { if let upload { spool.remove(upload) } }
        do {
            let headers = Self.headers(of: request)
            if let error = APIRequest.malformedRequestID(in: headers) { throw error }
            let segments = APIRequest.segments(of: request.uri.path)
            switch router.match(method: request.method.rawValue, segments: segments) {
            case .failure(let error):
                closeConnection = !(try await discardBody(request))
                response = .error(error)
            case .success(let (route, captures)):
                let body: [UInt8]
                switch route.body {
                case .none:
                    closeConnection = !(try await discardBody(request))
                    body = []
                case .json:
                    body = try await readJSONBody(request, reservation: reservation)
                    closeConnection = false
                case .spool(let maxBytes):
                    upload = try await spool.receive(request, maxBytes: maxBytes, grace: bodyReadTimeout)
                    closeConnection = false
                    body = []
                }
                var apiRequest = APIRequest(
                    method: request.method.rawValue, path: request.uri.path,
                    query: APIRequest.parseQuery(request.uri.query), headers: headers, body: body)
                apiRequest.bodyFile = upload?.path
                try admission.enterHandler(route.slot)
                defer { admission.exitHandler(route.slot) }
                response = try await route.handler(apiRequest, captures)
            }
        } catch let error as RoostError {
            if error.code == .internalError { logger.error("\(request.method) \(request.uri.path): \(error)") }
            response = .error(error)
        } catch {
            logger.error("\(request.method) \(request.uri.path): \(error)")
            response = .error(RoostError.internalError("Internal error", cause: "\(error)"))
        }
        return Self.encode(response, isHead: request.method == .head, closing: closeConnection)
    }

    /// Whether the request carries a body (a length above zero, or chunked).
    static func declaresBody(_ request: Request) -> Bool {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }) { return declared > 0 }
        return request.headers[.transferEncoding] != nil
    }

    /// Reads and drops a body nobody asked for, within the read timeout and
    /// `discardedBodyMaxBytes`. False when it was too long or too slow: the connection closes.
    private func discardBody(_ request: Request) async throws -> Bool {
        let declared = request.headers[.contentLength].flatMap { Int($0) }
        if declared == 0 || (declared == nil && request.headers[.transferEncoding] == nil) { return true }
        if let declared, declared > Self.discardedBodyMaxBytes { return false }
        let limit = Self.discardedBodyMaxBytes
        let finished = try await Self.withDeadline(bodyReadTimeout) { () async throws -> Bool in
            var count = 0
            do {
                for try await buffer in request.body {
                    count += buffer.readableBytes
                    if count > limit { return false }
                }
            } catch {
                throw Self.incompleteBody(error)
            }
            return true
        }
        return finished ?? false
    }

    /// Reads a JSON body within the size limit, the daemon's in-flight bytes and the read
    /// timeout. A declared `Content-Length` over the limit is refused before anything is read;
    /// bytes are reserved in the daemon-wide budget as they arrive (a client that declares a
    /// large body and sends nothing holds nothing).
    private func readJSONBody(_ request: Request, reservation: BodyReservation) async throws -> [UInt8] {
        let limit = requestBodyMaxBytes
        let tooLarge = RoostError(.payloadTooLarge, "Request body too large (limit \(limit) bytes)")
        let declared = request.headers[.contentLength].flatMap { Int($0) }
        if let declared {
            guard declared <= limit else { throw tooLarge }
            if declared == 0 { return [] }
        } else if request.headers[.transferEncoding] == nil {
            return []  // Neither length nor chunked: HTTP/1.1 says there is no body.
        }
        let timeout = bodyReadTimeout
        let body = try await Self.withDeadline(timeout) { () async throws -> [UInt8] in
            var body: [UInt8] = []
            do {
                for try await buffer in request.body {
                    guard body.count + buffer.readableBytes <= limit else { throw tooLarge }
                    try reservation.reserve(buffer.readableBytes)
                    body.append(contentsOf: buffer.readableBytesView)
                }
            } catch let error as RoostError {
                throw error
            } catch {
                throw Self.incompleteBody(error)
            }
            return body
        }
        guard let body else { throw RoostError(.requestTimeout, "Request body not received within \(timeout)") }
        return body
    }

    /// A body stream that failed under us (client gone, broken framing): a 400, not our error.
    static func incompleteBody(_ error: any Error) -> RoostError {
        RoostError(.badRequest, "Request body incomplete", cause: "\(error)")
    }

    /// `work`'s result, or nil when `timeout` passed first (`work` is then cancelled).
    static func withDeadline<T: Sendable>(
        _ timeout: Duration, _ work: @escaping @Sendable () async throws -> T
    ) async throws -> T? {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await work() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }

    private static func headers(of request: Request) -> [String: String] {
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        return headers
    }

    private static func encode(_ response: APIResponse, isHead: Bool, closing: Bool) -> Response {
        var fields = HTTPFields()
        for (name, value) in response.headers {
            if let fieldName = HTTPField.Name(name) { fields.append(HTTPField(name: fieldName, value: value)) }
        }
        if closing { fields[.connection] = "close" }
        let body = isHead ? ResponseBody() : ResponseBody(byteBuffer: ByteBuffer(bytes: response.body))
        if isHead { fields[.contentLength] = String(response.body.count) }
        return Response(status: HTTPResponse.Status(code: response.status), headers: fields, body: body)
    }
}

/// The body bytes one request holds in the daemon-wide budget; released once when the request
/// is answered.
final class BodyReservation: Sendable {
    private let admission: RequestAdmission
    private let reserved = Mutex(0)

    init(admission: RequestAdmission) { self.admission = admission }

    func reserve(_ count: Int) throws(RoostError) {
        try admission.reserve(bytes: count)
        reserved.withLock { $0 += count }
    }

    func release() {
        let count = reserved.withLock { value in
            defer { value = 0 }
            return value
        }
        if count > 0 { admission.release(bytes: count) }
    }
}
