/// A proxy device endpoint (`listen` or `connect`), as LXD's `ProxyParseAddr` reads it:
/// `tcp:<addr>:<ports>`, `udp:<addr>:<ports>` or `unix:<path>` (`unix:@<name>` is abstract).
///
/// `<addr>` is an IP address (IPv6 in brackets) or empty (all addresses); host names are refused,
/// as in LXD. `<ports>` is a comma-separated list of ports and `N-M` ranges. Roost also refuses a
/// relative unix socket path and a port outside 0-65535 or a reversed range, which LXD lets
/// through to fail when the proxy starts.
struct ProxyAddress: Sendable, Hashable {
    struct ParseError: Error {
        var reason: String
    }

    /// `tcp`, `udp` or `unix`.
    var connType: String
    /// The IP address (tcp/udp, empty for all addresses) or the socket path (unix).
    var address: String
    /// How many ports the endpoint names (ranges expanded); 0 for unix sockets.
    var portCount: Int
    /// True for an abstract unix socket (`unix:@name`).
    var isAbstract: Bool

    static let protocols: Set<String> = ["tcp", "udp", "unix"]

    static func parse(_ value: String) throws(ParseError) -> ProxyAddress {
        guard let colon = value.firstIndex(of: ":") else {
            if protocols.contains(value) { throw ParseError(reason: "Invalid proxy address \"\(value)\"") }
            throw ParseError(reason: "Unknown protocol type \"\(value)\"")
        }
        let connType = String(value[..<colon])
        let rest = value[value.index(after: colon)...]
        guard protocols.contains(connType) else {
            throw ParseError(reason: "Unknown protocol type \"\(connType)\"")
        }
        if connType == "unix" {
            let isAbstract = rest.hasPrefix("@")
            guard isAbstract ? rest.count > 1 : rest.hasPrefix("/") else {
                throw ParseError(reason: "Invalid unix socket path \"\(rest)\"")
            }
            return ProxyAddress(connType: connType, address: String(rest), portCount: 0, isAbstract: isAbstract)
        }
        guard let (host, ports) = NetworkAddress.splitHostPort(rest) else {
            throw ParseError(reason: "address \(rest): missing port in address")
        }
        if !host.isEmpty && !NetworkAddress.isIP(host) {
            throw ParseError(reason: "Not an IP address \"\(host)\"")
        }
        var count = 0
        for item in ports.split(separator: ",", omittingEmptySubsequences: false) {
            count += try portRangeSize(item)
        }
        return ProxyAddress(connType: connType, address: String(host), portCount: count, isAbstract: false)
    }

    /// True when the address is the IPv6 form (contains a colon).
    var isIPv6: Bool { address.contains(":") }

    /// True for the wildcard addresses `0.0.0.0` and `::` (and the empty host).
    var isWildcard: Bool { address.isEmpty || address == "0.0.0.0" || address == "::" }

    private static func portRangeSize(_ item: Substring) throws(ParseError) -> Int {
        let bounds = item.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...2).contains(bounds.count) else { throw ParseError(reason: "Invalid port range \"\(item)\"") }
        var numbers: [Int] = []
        for bound in bounds {
            guard (1...5).contains(bound.utf8.count), bound.utf8.allSatisfy(DeviceValues.isDigit),
                let port = Int(bound), port <= 65535
            else {
                throw ParseError(reason: "Invalid port \"\(bound)\"")
            }
            numbers.append(port)
        }
        guard numbers.count == 1 || numbers[0] <= numbers[1] else {
            throw ParseError(reason: "Invalid port range \"\(item)\"")
        }
        return numbers.count == 1 ? 1 : numbers[1] - numbers[0] + 1
    }
}
