/// Plain-string checks behind `DeviceValueType`, each returning LXD's reason text.
enum DeviceValues {
    /// `aa:bb:cc:dd:ee:ff`-style hardware addresses of one of the given byte counts.
    static func isMAC(_ value: String, bytes: [Int]) -> Bool {
        let groups = value.split(separator: ":", omittingEmptySubsequences: false)
        guard bytes.contains(groups.count) else { return false }
        return groups.allSatisfy { $0.utf8.count == 2 && $0.utf8.allSatisfy(isHex) }
    }

    static func mtuReason(_ value: String) -> String? {
        guard let mtu = ConfigValueType.unsigned(value), mtu <= UInt32.max else { return "Invalid MTU \"\(value)\"" }
        return (1280...16384).contains(mtu) ? nil : "Out of MTU range (1280-16384) \"\(value)\""
    }

    static func vlanReason(_ value: String) -> String? {
        guard let id = Int(value) else { return "Invalid VLAN ID \"\(value)\"" }
        return (0...4094).contains(id) ? nil : "Out of VLAN ID range (0-4094) \"\(value)\""
    }

    /// `vlan.tagged`: items are ids or `N-M` ranges, each within 0-4094.
    static func vlanListReason(_ value: String) -> String? {
        for item in list(value) {
            let bounds = item.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(bounds.count) else { return "Invalid VLAN range input: \(item)" }
            var numbers: [Int] = []
            for bound in bounds {
                if let reason = vlanReason(String(bound)) { return reason }
                numbers.append(Int(bound)!)
            }
            if numbers.count == 2 && numbers[1] < numbers[0] {
                return "Invalid VLAN range boundaries. Start (\(numbers[0])) is greater than end (\(numbers[1]))"
            }
        }
        return nil
    }

    static func interfaceNameReason(_ value: String) -> String? {
        if value.utf8.count < 2 { return "Network interface is too short (minimum 2 characters)" }
        if value.utf8.count > 15 { return "Network interface is too long (maximum 15 characters)" }
        let allowed = value.utf8.allSatisfy {
            isDigit($0) || isLetter($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_")
                || $0 == UInt8(ascii: ".")
        }
        return allowed ? nil : "Network interface contains invalid characters"
    }

    /// A comma-separated list of addresses of one family (routed and ipvlan `ipvX.address`).
    static func addressListReason(_ value: String, v6: Bool, allowCIDR: Bool) -> String? {
        let family = v6 ? "IPv6" : "IPv4"
        for item in list(value) {
            var address = Substring(item)
            if allowCIDR, let slash = item.firstIndex(of: "/") {
                guard prefixLength(item[item.index(after: slash)...], v6: v6) != nil else {
                    return "Not an \(family) CIDR address: \(item)"
                }
                address = item[..<slash]
            }
            if !isAddress(address, v6: v6) { return "Not an \(family) address \"\(item)\"" }
        }
        return nil
    }

    /// A comma-separated list of networks (`ipvX.routes`): `address/prefix` with no host bits set
    /// (checked for IPv4; for IPv6 only the address and the prefix length are checked).
    static func networkListReason(_ value: String, v6: Bool) -> String? {
        let family = v6 ? "IPv6" : "IPv4"
        for item in list(value) {
            let parts = item.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, isAddress(parts[0], v6: v6), let prefix = prefixLength(parts[1], v6: v6) else {
                return "Not an \(family) network \"\(item)\""
            }
            if !v6 && hasHostBits(parts[0], prefix: prefix) {
                return "Not an \(family) network address \"\(item)\""
            }
        }
        return nil
    }

    /// Suffixes LXD's `units.ParseBitSizeString` accepts (case-sensitive).
    static let bitSuffixes: Set<String> = [
        "", "bit", "kbit", "Mbit", "Gbit", "Tbit", "Pbit", "Ebit", "Kibit", "Mibit", "Gibit", "Tibit", "Pibit",
        "Eibit",
    ]

    static func bitRateReason(_ value: String) -> String? {
        let digits = value.utf8.prefix(while: isDigit)
        guard !digits.isEmpty else { return "Invalid value: \(value)" }
        guard Int64(String(Substring(digits))) != nil else { return "Invalid integer: \(value)" }
        let suffix = String(Substring(value.utf8.dropFirst(digits.count)))
        return bitSuffixes.contains(suffix) ? nil : "Unsupported suffix: \(suffix)"
    }

    /// `limits.read`/`limits.write`/`limits.max` on disks: `<N>iops` or a byte size per second.
    static func diskRateReason(_ value: String) -> String? {
        if value.hasSuffix("iops") {
            let count = String(value.dropLast(4))
            return ConfigValueType.unsigned(count).flatMap(Int64.init(exactly:)) == nil
                ? "Invalid value \"\(value)\"" : nil
        }
        do {
            _ = try ByteSize.parse(value)
            return nil
        } catch {
            return error.message
        }
    }

    /// A path inside the instance: absolute, no `..` component (which could climb out of the
    /// directory it names), no NUL byte.
    static func pathReason(_ value: String) -> String? {
        guard value.hasPrefix("/") else { return "Path \"\(value)\" must be absolute" }
        if value.utf8.contains(0) { return "Path must not contain NUL bytes" }
        if hasDotDot(value) { return "Path \"\(value)\" must not contain \"..\" components" }
        return nil
    }

    static func hasDotDot(_ path: String) -> Bool {
        path.split(separator: "/").contains("..")
    }

    static func isUInt32(_ value: String, radix: Int) -> Bool {
        guard !value.isEmpty, value.utf8.allSatisfy(isDigit) else { return false }
        return UInt32(value, radix: radix) != nil
    }

    /// `[DDDD:]BB:DD.F`: optional 4-digit domain, 2-digit bus and device, 1-digit function, in hex.
    static func isPCIAddress(_ value: String) -> Bool {
        var fields = value.split(separator: ":", omittingEmptySubsequences: false)
        if fields.count == 3 {
            guard fields[0].utf8.count == 4, fields[0].utf8.allSatisfy(isHex) else { return false }
            fields.removeFirst()
        }
        guard fields.count == 2, fields[0].utf8.count == 2, fields[0].utf8.allSatisfy(isHex) else { return false }
        let deviceFunction = fields[1].split(separator: ".", omittingEmptySubsequences: false)
        return deviceFunction.count == 2 && deviceFunction[0].utf8.count == 2 && deviceFunction[1].utf8.count == 1
            && deviceFunction.allSatisfy { $0.utf8.allSatisfy(isHex) }
    }

    /// Items of a comma-separated list, spaces trimmed (LXD's `strings.Split` + `TrimSpace`).
    static func list(_ value: String) -> [String] {
        value.split(separator: ",", omittingEmptySubsequences: false).map { item in
            var item = item
            while item.first == " " { item = item.dropFirst() }
            while item.last == " " { item = item.dropLast() }
            return String(item)
        }
    }

    static func isAddress(_ text: Substring, v6: Bool) -> Bool {
        v6 ? NetworkAddress.isIPv6(text) : NetworkAddress.isIPv4(text)
    }

    private static func prefixLength(_ text: Substring, v6: Bool) -> Int? {
        guard (1...3).contains(text.utf8.count), text.utf8.allSatisfy(isDigit), let length = Int(text) else {
            return nil
        }
        return length <= (v6 ? 128 : 32) ? length : nil
    }

    private static func hasHostBits(_ address: Substring, prefix: Int) -> Bool {
        let value = address.split(separator: ".").reduce(UInt32(0)) { ($0 << 8) | UInt32($1)! }
        let hostMask: UInt32 = prefix == 32 ? 0 : UInt32.max >> UInt32(prefix)
        return value & hostMask != 0
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    static func isLetter(_ byte: UInt8) -> Bool {
        let lower = byte | 0x20
        return lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z")
    }

    static func isHex(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "f"))
    }

    static func isLowerHex(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
    }
}
