import RoostAPI

/// Percent-encoding for the parts of a request target, so a name with `?`, `#`, `%` or non-ASCII
/// characters reaches the server as one path segment.
enum PathEncoding {
    /// Encodes one path segment: everything except RFC 3986 unreserved characters is escaped.
    static func segment(_ text: String) -> String { ResourcePath.segment(text) }

    /// Encodes a query value (`filter=name%20eq%20c1`); spaces become `%20`, and `,` stays
    /// readable because `type=operation,lifecycle` is how LXD lists several values.
    static func queryValue(_ text: String) -> String {
        ResourcePath.escape(text, keeping: { byte in ResourcePath.isUnreserved(byte) || byte == UInt8(ascii: ",") })
    }

    /// Builds `path?key=value&...` from query items, skipping none.
    static func withQuery(_ path: String, _ items: [(String, String)]) -> String {
        guard !items.isEmpty else { return path }
        let query = items.map { "\($0.0)=\(queryValue($0.1))" }.joined(separator: "&")
        return path + (path.contains("?") ? "&" : "?") + query
    }

    /// The last segment of a resource URL (`/1.0/instances/c1` → `c1`), percent-decoded and
    /// without any query string.
    static func lastSegment(of url: String) -> String {
        let withoutQuery = url.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let last = withoutQuery.split(separator: "/").last.map(String.init) ?? ""
        return decode(last)
    }

    /// Decodes `%XX` escapes; malformed escapes are kept as they are.
    static func decode(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
                let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
