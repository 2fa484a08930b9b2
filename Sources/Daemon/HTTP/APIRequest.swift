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

    public init(method: String, path: String, query: [String: String], headers: [String: String], body: [UInt8]) {
        self.method = method
        self.path = path
        self.segments = path.split(separator: "/", omittingEmptySubsequences: true).map {
            String($0).removingPercentEncoding ?? String($0)
        }
        self.query = query
        self.headers = headers
        self.body = body
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
