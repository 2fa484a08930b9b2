import RoostAPI

/// `lxc list`'s client-side filters. Every filter must match (they add up):
/// - a bare word matches a name by regular expression (anchored unless it has `^` or `$`), or
///   else as a name prefix;
/// - `name=`, `type=`, `status=`, `architecture=`, `location=`, `ipv4=`, `ipv6=` are shorthands;
///   several values may be given separated by `,` (any may match);
/// - any other `key=value` matches the expanded config: the key may abbreviate each dotted part
///   (`u.blah` for `user.blah`) and the value is an anchored regular expression (or compared
///   literally when it does not compile); `key=` matches an unset key.
struct InstanceFilter: Sendable {
    var filters: [String]

    static let shorthandKeys: Set<String> = ["name", "type", "status", "architecture", "location", "ipv4", "ipv6"]

    /// The exact name to ask the server for (`filter=name eq NAME`), when one filter is `name=`
    /// with a single plain value: the only case where the server's exact comparison and this
    /// filter agree. The client still applies every filter afterwards.
    var serverSideName: String? {
        for filter in filters {
            guard let (key, value) = split(filter), key.lowercased() == "name" else { continue }
            let plain = !value.isEmpty && value.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" }
            if plain { return value }
        }
        return nil
    }

    /// Whether any filter needs the instance's state (`status`, `ipv4`, `ipv6`).
    var needsState: Bool {
        filters.contains { filter in
            guard let (key, _) = split(filter) else { return false }
            return ["status", "ipv4", "ipv6"].contains(key.lowercased())
        }
    }

    func matches(_ instance: Instance) -> Bool {
        filters.allSatisfy { filter in
            guard let (key, value) = split(filter) else { return matchesName(filter, instance.name) }
            if Self.shorthandKeys.contains(key.lowercased()) {
                return value.split(separator: ",", omittingEmptySubsequences: false).contains {
                    matchesShorthand(key.lowercased(), String($0), instance)
                }
            }
            return matchesConfig(key, value, instance.expandedConfig)
        }
    }

    private func split(_ filter: String) -> (String, String)? {
        guard let equals = filter.firstIndex(of: "=") else { return nil }
        return (String(filter[..<equals]), String(filter[filter.index(after: equals)...]))
    }

    private func matchesName(_ filter: String, _ name: String) -> Bool {
        if Self.regexMatches(filter, name) ?? false { return true }
        return name.hasPrefix(filter)
    }

    private func matchesShorthand(_ key: String, _ value: String, _ instance: Instance) -> Bool {
        switch key {
        case "name": instance.name == value
        case "type": instance.type.lowercased() == value.lowercased()
        case "status": (instance.state?.status ?? instance.status).lowercased() == value.lowercased()
        case "architecture": instance.architecture == value
        case "location": instance.location == value
        case "ipv4": Self.hasAddress(instance, family: "inet", matching: value)
        case "ipv6": Self.hasAddress(instance, family: "inet6", matching: value)
        default: false
        }
    }

    private func matchesConfig(_ key: String, _ value: String, _ config: [String: String]) -> Bool {
        for (configKey, configValue) in config where Self.dotPrefixMatch(short: key, full: configKey) {
            if Self.regexMatches(value, configValue) ?? (value == configValue) { return true }
        }
        return (config[key] ?? "") == value
    }

    /// `u.blah` matches `user.blah`: same number of dotted parts, each a prefix.
    static func dotPrefixMatch(short: String, full: String) -> Bool {
        let shortParts = short.split(separator: ".", omittingEmptySubsequences: false)
        let fullParts = full.split(separator: ".", omittingEmptySubsequences: false)
        guard shortParts.count == fullParts.count else { return false }
        return zip(shortParts, fullParts).allSatisfy { $1.hasPrefix($0) }
    }

    /// Matches `text` against `pattern`, anchored at both ends unless the pattern has `^` or `$`.
    /// `nil` when the pattern is not a valid regular expression.
    static func regexMatches(_ pattern: String, _ text: String) -> Bool? {
        let anchored = pattern.contains("^") || pattern.contains("$") ? pattern : "^" + pattern + "$"
        guard let regex = try? Regex(anchored) else { return nil }
        return (try? regex.firstMatch(in: text)) != nil
    }

    /// Whether the instance has an address equal to `value`, or inside it when `value` is a CIDR
    /// (compared textually on the address before the prefix, which covers the common cases).
    private static func hasAddress(_ instance: Instance, family: String, matching value: String) -> Bool {
        let listed = InstanceColumn.addresses(of: instance, family: family)
            .split(separator: "\n").map { String($0.split(separator: " ").first ?? "") }
        if let slash = value.firstIndex(of: "/"), let bits = Int(value[value.index(after: slash)...]) {
            let network = String(value[..<slash])
            return listed.contains { AddressPrefix.contains(network: network, bits: bits, address: $0) }
        }
        return listed.contains(value)
    }
}

/// Prefix comparison of IPv4 and IPv6 addresses for `ipv4=`/`ipv6=` CIDR filters.
enum AddressPrefix {
    static func contains(network: String, bits: Int, address: String) -> Bool {
        guard let networkBytes = bytes(network), let addressBytes = bytes(address),
            networkBytes.count == addressBytes.count, bits >= 0, bits <= networkBytes.count * 8
        else { return false }
        for bit in 0..<bits {
            let mask = UInt8(0x80) >> UInt8(bit % 8)
            if networkBytes[bit / 8] & mask != addressBytes[bit / 8] & mask { return false }
        }
        return true
    }

    /// The bytes of a textual IPv4 or IPv6 address.
    static func bytes(_ text: String) -> [UInt8]? {
        if text.contains(":") { return ipv6(text) }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var result: [UInt8] = []
        for part in parts {
            guard let value = UInt8(part) else { return nil }
            result.append(value)
        }
        return result
    }

    private static func ipv6(_ text: String) -> [UInt8]? {
        let halves = text.components(separatedByString: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt16]? {
            if part.isEmpty { return [] }
            var values: [UInt16] = []
            for group in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard let value = UInt16(group, radix: 16) else { return nil }
                values.append(value)
            }
            return values
        }
        guard let head = groups(halves[0]) else { return nil }
        var all = head
        if halves.count == 2 {
            guard let tail = groups(halves[1]), head.count + tail.count < 8 else { return nil }
            all += Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        }
        guard all.count == 8 else { return nil }
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] }
    }
}

extension String {
    /// Splits on a multi-character separator (no Foundation needed).
    func components(separatedByString separator: String) -> [String] {
        var parts: [String] = []
        var rest = Substring(self)
        while let range = rest.firstRange(of: separator) {
            parts.append(String(rest[..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        parts.append(String(rest))
        return parts
    }
}
