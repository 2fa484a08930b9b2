/// The URLs the API emits for its objects (lists, `used_by`, `Location`, operation resources,
/// event sources). Each name is percent-encoded exactly once as a path segment, so a client that
/// parses the URL and decodes it once reads the name back unchanged: a profile `a%20b` is
/// `/1.0/profiles/a%2520b` (not `a b`), and `a?b` is `/1.0/profiles/a%3Fb` (not cut at the `?`).
/// The daemon decodes each segment of a request path once (`APIRequest.segments`).
public enum ResourcePath {
    public static func profile(_ name: String) -> String { "/1.0/profiles/" + segment(name) }
    public static func instance(_ name: String) -> String { "/1.0/instances/" + segment(name) }
    public static func container(_ name: String) -> String { "/1.0/containers/" + segment(name) }
    public static func operation(_ id: String) -> String { "/1.0/operations/" + segment(id) }

    /// One path segment: every byte but RFC 3986's unreserved characters is escaped.
    public static func segment(_ text: String) -> String { escape(text, keeping: isUnreserved) }

    /// Percent-encodes every byte `keep` does not accept (upper-case hex, as RFC 3986 advises).
    public static func escape(_ text: String, keeping keep: (UInt8) -> Bool) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if keep(byte) {
                output.append(byte)
            } else {
                output += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0f)]]
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    public static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            true
        default: false
        }
    }
}
