import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import RoostAPI

/// The single Hummingbird responder: reads the body within the size limit, routes, and turns
/// every outcome — including unknown routes and unexpected errors — into LXD's envelopes. This is
/// the only place a `RoostError` becomes an HTTP status.
struct APIResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let router: Router
    let requestBodyMaxBytes: Int
    let logger: Logger

    func respond(to request: Request, context: Context) async throws -> Response {
        let response: APIResponse
        do {
            let apiRequest = try await read(request)
            if let error = apiRequest.malformedRequestID { throw error }
            switch router.match(method: apiRequest.method, segments: apiRequest.segments) {
            case .success(let (handler, captures)):
                response = try await handler(apiRequest, captures)
            case .failure(let error):
                response = .error(error)
            }
        } catch let error as RoostError {
            if error.code == .internalError { logger.error("\(request.method) \(request.uri.path): \(error)") }
            response = .error(error)
        } catch {
            logger.error("\(request.method) \(request.uri.path): \(error)")
            response = .error(RoostError.internalError("Internal error", cause: "\(error)"))
        }
        return Self.encode(response, isHead: request.method == .head)
    }

    /// Reads the body, refusing it as soon as it exceeds the limit (and before reading at all when
    /// `Content-Length` already says so).
    private func read(_ request: Request) async throws -> APIRequest {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > requestBodyMaxBytes {
            throw RoostError(.payloadTooLarge, "Request body too large (limit \(requestBodyMaxBytes) bytes)")
        }
        var body: [UInt8] = []
        for try await buffer in request.body {
            guard body.count + buffer.readableBytes <= requestBodyMaxBytes else {
                throw RoostError(.payloadTooLarge, "Request body too large (limit \(requestBodyMaxBytes) bytes)")
            }
            body.append(contentsOf: buffer.readableBytesView)
        }
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        return APIRequest(
            method: request.method.rawValue, path: request.uri.path, query: APIRequest.parseQuery(request.uri.query),
            headers: headers, body: body)
    }

    private static func encode(_ response: APIResponse, isHead: Bool) -> Response {
        var fields = HTTPFields()
        for (name, value) in response.headers {
            if let fieldName = HTTPField.Name(name) { fields.append(HTTPField(name: fieldName, value: value)) }
        }
        let body = isHead ? ResponseBody() : ResponseBody(byteBuffer: ByteBuffer(bytes: response.body))
        if isHead { fields[.contentLength] = String(response.body.count) }
        return Response(status: HTTPResponse.Status(code: response.status), headers: fields, body: body)
    }
}
