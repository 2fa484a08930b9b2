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
    let logger: Logger

    func respond(to request: Request, context: Context) async throws -> Response {
        let response: APIResponse
        let reservation = BodyReservation(admission: admission)
        defer { reservation.release() }
        var bodyLeftUnread = false
        do {
            let segments = APIRequest.segments(of: request.uri.path)
            switch router.match(method: request.method.rawValue, segments: segments) {
            case .failure(let error):
                response = .error(error)
            case .success(let (handler, captures, policy)):
                let body: [UInt8]
                switch policy {
                case .none:
                    body = []
                case .json:
                    bodyLeftUnread = true
                    body = try await readJSONBody(request, reservation: reservation)
                    bodyLeftUnread = false
                }
                let apiRequest = makeRequest(request, body: body)
                if let error = apiRequest.malformedRequestID { throw error }
                try admission.enterHandler()
                defer { admission.exitHandler() }
                response = try await handler(apiRequest, captures)
            }
        } catch let error as RoostError {
            if error.code == .internalError { logger.error("\(request.method) \(request.uri.path): \(error)") }
            response = .error(error)
        } catch {
            logger.error("\(request.method) \(request.uri.path): \(error)")
            response = .error(RoostError.internalError("Internal error", cause: "\(error)"))
        }
        if bodyLeftUnread {
            // Stop reading: the answer is still written, then the connection closes instead of
            // draining a body the client may trickle forever.
            context.channel.close(mode: .input, promise: nil)
        }
        return Self.encode(response, isHead: request.method == .head, closing: bodyLeftUnread)
    }

    /// Reads a JSON body within the size limit, the daemon's in-flight bytes and the read
    /// timeout. The declared `Content-Length` is refused or reserved before anything is read; a
    /// chunked body reserves as it arrives.
    private func readJSONBody(_ request: Request, reservation: BodyReservation) async throws -> [UInt8] {
        let limit = requestBodyMaxBytes
        let tooLarge = RoostError(.payloadTooLarge, "Request body too large (limit \(limit) bytes)")
        let declared = request.headers[.contentLength].flatMap { Int($0) }
        if let declared {
            guard declared <= limit else { throw tooLarge }
            if declared == 0 { return [] }
            try reservation.reserve(declared)
        } else if request.headers[.transferEncoding] == nil {
            return []  // Neither length nor chunked: HTTP/1.1 says there is no body.
        }
        let timeout = bodyReadTimeout
        return try await withThrowingTaskGroup(of: [UInt8]?.self) { group in
            group.addTask {
                var body: [UInt8] = []
                for try await buffer in request.body {
                    guard body.count + buffer.readableBytes <= limit else { throw tooLarge }
                    if declared == nil { try reservation.reserve(buffer.readableBytes) }
                    body.append(contentsOf: buffer.readableBytesView)
                }
                return body
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let body = first else {
                throw RoostError(.requestTimeout, "Request body not received within \(timeout)")
            }
            return body
        }
    }

    private func makeRequest(_ request: Request, body: [UInt8]) -> APIRequest {
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        return APIRequest(
            method: request.method.rawValue, path: request.uri.path, query: APIRequest.parseQuery(request.uri.query),
            headers: headers, body: body)
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
