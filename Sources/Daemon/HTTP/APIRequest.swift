import Foundation
import RoostAPI

/// A request as handlers see it: method, decoded path segments, query, headers, and the body
/// already read (bounded by `limits.request_body_max_bytes`).
public struct APIRequest: Sendable {
    public var method: String
    public var path: String
    public var segments: [String]
    public var query: [String: String]
    public var headers: [String: String]
    public var body: [UInt8]
    /// For a route with a `.spool` body policy: the file holding the body (under the state
    /// directory's spool, removed once the handler returns; a handler that keeps the upload
    /// renames it away first). The body is not part of the request's digest then.
    public var bodyFile: String?
    /// The client's `X-Roost-Request-Id`: a retried write with the same id is answered with the
    /// first attempt's result. `nil` when absent (`APIResponder` refuses a malformed one).
    public let explicitRequestID: UUID?
    /// The id the request's command carries: the client's, else one chosen once for this request.
    public let requestID: UUID

    public init(method: String, path: String, query: [String: String], headers: [String: String], body: [UInt8]) {
        self.method = method
        self.path = path
        self.segments = Self.segments(of: path)
        self.query = query
        self.headers = headers
        self.body = body
        explicitRequestID = headers[Self.requestIDHeader].flatMap(UUID.init(uuidString:))
        requestID = explicitRequestID ?? UUID()
    }

    static let requestIDHeader = "x-roost-request-id"

    /// The path's segments, each percent-decoded once.
    static func segments(of path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map {
            String($0).removingPercentEncoding ?? String($0)
        }
    }

    /// A request id header that is not a UUID: refused, or the client would silently lose the
    /// idempotency it asked for.
    var malformedRequestID: RoostError? { Self.malformedRequestID(in: headers) }

    /// The same check on raw headers, before the body is read.
    static func malformedRequestID(in headers: [String: String]) -> RoostError? {
        guard let value = headers[requestIDHeader], UUID(uuidString: value) == nil else { return nil }
        return RoostError.badRequest("Invalid X-Roost-Request-Id \"\(value.prefix(64))\": expected a UUID")
    }

    /// A digest of what the client asked for: method, decoded path segments, query, `If-Match`, the
    /// body (JSON in a canonical form, so a retry that re-serializes its body matches; other
    /// bodies byte for byte). Fields are length-prefixed, so no two requests share an encoding.
    var digest: String {
        var bytes: [UInt8] = []
        func field(_ value: [UInt8]) {
            let count = UInt64(value.count)
            bytes += (0..<8).map { UInt8(truncatingIfNeeded: count >> UInt64(56 - $0 * 8)) }
            bytes += value
        }
        field(Array(method.utf8))
        field(Array(String(segments.count).utf8))
        for segment in segments { field(Array(segment.utf8)) }
        field(Array(String(query.count).utf8))
        for key in query.keys.sorted() {
            field(Array(key.utf8))
            field(Array((query[key] ?? "").utf8))
        }
        field(Array((ifMatch ?? "").utf8))
        field(Self.canonicalBody(body))
        return SHA256.hex(bytes)
    }

    private static func canonicalBody(_ body: [UInt8]) -> [UInt8] {
        guard !body.isEmpty, let value = try? JSONDecoder().decode(JSONValue.self, from: Data(body)) else {
            return body
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { Array($0) } ?? body
    }

    /// `If-Match` without quotes, if sent.
    public var ifMatch: String? {
        headers["if-match"].map(ETag.unquote).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// `recursion=` as LXD reads it: absent or unparsable is 0.
    public var recursion: Int { Int(query["recursion"] ?? "") ?? 0 }

    /// Decodes the JSON body, mapping decoding failures to LXD-style 400s.
    public func decode<T: Decodable>(_ type: T.Type) throws(RoostError) -> T {
        guard !body.isEmpty else { throw RoostError.badRequest("No request body") }
        try JSONSyntax.validate(body)
        do {
            return try JSONDecoder().decode(T.self, from: Data(body))
        } catch let error as DecodingError {
            throw RoostError.badRequest(Self.describe(error))
        } catch {
            throw RoostError.badRequest("Invalid JSON: \(error)")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .typeMismatch(let type, let context):
            return "Invalid value for field \"\(path(context))\": expected \(typeName(type))"
        case .valueNotFound(let type, let context):
            return "Missing value for field \"\(path(context))\": expected \(typeName(type))"
        case .keyNotFound(let key, _):
            return "Missing field \"\(key.stringValue)\""
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty
                ? "Invalid JSON in request body"
                : "Invalid value for field \"\(path(context))\": \(context.debugDescription)"
        @unknown default:
            return "Invalid request body"
        }
    }

    private static func path(_ context: DecodingError.Context) -> String {
        context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "string"
        case is Bool.Type: "boolean"
        case is Int.Type, is Int64.Type, is Double.Type: "number"
        default: "\(type)".contains("Dictionary") ? "object" : "\(type)".contains("Array") ? "array" : "\(type)"
        }
    }

    /// Parses `a=1&b=x%20y` (and `+` as space).
    static func parseQuery(_ query: String?) -> [String: String] {
        guard let query, !query.isEmpty else { return [:] }
        var result: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode: (Substring) -> String = {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            result[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return result
    }
}
