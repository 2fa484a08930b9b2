/// Plain-string checks for IP addresses, host names and listen addresses (no name resolution).
enum NetworkAddress {
    /// True for a dotted-quad IPv4 address such as `192.0.2.1` (no leading zeros, like Go's
    /// `net.ParseIP`).
    static func isIPv4(_ text: Substring) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { part in
            guard (1...3).contains(part.count), part.utf8.allSatisfy(isDigit) else { return false }
            if part.count > 1 && part.first == "0" { return false }
            return Int(part)! <= 255
        }
    }

    /// True for an IPv6 address in any RFC 4291 text form (`::1`, `2001:db8::1`,
    /// `::ffff:192.0.2.1`). Zones (`%eth0`) are refused, as Go's `net.ParseIP` does.
    static func isIPv6(_ text: Substring) -> Bool {
        guard text.contains(":") else { return false }
        var groups = 0
        var sawDoubleColon = false
        var rest = text[...]
        if rest.hasPrefix("::") {
            sawDoubleColon = true
            rest = rest.dropFirst(2)
            if rest.isEmpty { return true }
        }
        while !rest.isEmpty {
            // An embedded IPv4 address may end the address; it counts as two groups.
            if let colon = rest.firstIndex(of: ":") {
                let group = rest[..<colon]
                guard isHexGroup(group) else { return false }
                groups += 1
                rest = rest[rest.index(after: colon)...]
                if rest.hasPrefix(":") {
                    guard !sawDoubleColon else { return false }
                    sawDoubleColon = true
                    rest = rest.dropFirst()
                    if rest.isEmpty { break }
                } else if rest.isEmpty {
                    return false  // a single trailing colon
                }
            } else {
                if rest.contains(".") {
                    guard isIPv4(rest) else { return false }
                    groups += 2
                } else {
                    guard isHexGroup(rest) else { return false }
                    groups += 1
                }
                rest = rest[rest.endIndex...]
            }
        }
        return sawDoubleColon ? groups < 8 : groups == 8
    }

    /// True for an IPv4 or IPv6 address.
    static func isIP(_ text: Substring) -> Bool { isIPv4(text) || isIPv6(text) }

    /// True for a DNS name: dot-separated labels of letters, digits and hyphens, each 1-63
    /// characters and not starting or ending with a hyphen, 253 characters at most in all. A
    /// single trailing dot is allowed.
    static func isHostName(_ text: Substring) -> Bool {
        var name = text
        if name.hasSuffix(".") { name = name.dropLast() }
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            guard (1...63).contains(label.utf8.count), label.first != "-", label.last != "-" else {
                return false
            }
            return label.utf8.allSatisfy { isDigit($0) || isLetter($0) || $0 == UInt8(ascii: "-") }
        }
    }

    /// Why `value` is not a usable listen address, or nil when it is.
    ///
    /// Accepted forms (LXD's `validate.IsListenAddress` with DNS names allowed and no port
    /// required): `host`, `host:port`, `[ipv6]`, `[ipv6]:port`, `:port`, a bare IPv6 address, where
    /// host is an IP address or a DNS name. The wildcards (empty host, `::`, `[::]`, `0.0.0.0`)
    /// are refused when `allowWildcard` is false. DNS names are checked for syntax only.
    static func listenAddressInvalidReason(_ value: String, allowWildcard: Bool) -> String? {
        var host = Substring(value)
        if let (splitHost, port) = splitHostPort(Substring(value)) {
            guard !port.isEmpty, port.utf8.allSatisfy(isDigit), let number = Int(port),
                number <= 65535
            else {
                return "Invalid port number \"\(port)\""
            }
            host = splitHost
        }
        if host.isEmpty || host == "::" || host == "[::]" || host == "0.0.0.0" {
            return allowWildcard ? nil : "Wildcard addresses are not allowed"
        }
        if host.hasPrefix("[") && host.hasSuffix("]") {
            let inner = host.dropFirst().dropLast()
            return isIPv6(inner) ? nil : "Not an IPv6 address \"\(inner)\""
        }
        if isIP(host) || isHostName(host) { return nil }
        return "Invalid address \"\(value)\""
    }

    /// Splits `host:port` or `[host]:port` like Go's `net.SplitHostPort`; nil when `text` has no
    /// port part (or has too many colons to be `host:port`, as a bare IPv6 address does).
    static func splitHostPort(_ text: Substring) -> (host: Substring, port: Substring)? {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let after = text[text.index(after: close)...]
            guard after.hasPrefix(":") else { return nil }
            return (text[text.index(after: text.startIndex)..<close], after.dropFirst())
        }
        guard let colon = text.lastIndex(of: ":") else { return nil }
        let host = text[..<colon]
        if host.contains(":") { return nil }
        return (host, text[text.index(after: colon)...])
    }

    private static func isHexGroup(_ text: Substring) -> Bool {
        (1...4).contains(text.utf8.count)
            && text.utf8.allSatisfy {
                isDigit($0) || isLetter($0) && (($0 | 0x20) <= UInt8(ascii: "f"))
            }
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        let lower = byte | 0x20
        return lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z")
    }
}
