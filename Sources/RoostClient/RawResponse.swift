/// The HTTP methods the LXD REST API uses.
public enum RequestMethod: String, Sendable, Hashable {
    case get = "GET"
    case put = "PUT"
    case post = "POST"
    case patch = "PATCH"
    case delete = "DELETE"
    case head = "HEAD"
}

/// One HTTP response as it came off the wire, before any envelope decoding.
public struct RawResponse: Sendable, Hashable {
    /// The HTTP status code (200, 202, 404...).
    public var status: Int
    /// Header fields in arrival order; names keep the server's spelling.
    public var headers: [Header]
    /// The body bytes (at most ``RoostClient/Configuration/responseBodyMax``).
    public var body: [UInt8]

    public struct Header: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(status: Int, headers: [Header], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first header with this name, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// The `ETag` header, quotes included, ready to send back as `If-Match`.
    public var etag: String? { header("ETag") }

    /// The `Location` header (`/1.0/operations/<id>` on a 202).
    public var location: String? { header("Location") }

    /// The body as UTF-8 text (invalid sequences repaired).
    public var text: String { String(decoding: body, as: UTF8.self) }
}
