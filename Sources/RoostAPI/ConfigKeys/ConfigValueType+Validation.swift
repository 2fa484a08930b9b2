extension ConfigValueType {
    /// Words LXD reads as booleans, compared after lower-casing.
    static let booleanWords: Set<String> = ["true", "false", "yes", "no", "on", "off", "1", "0"]

    /// Commands LXD knows for `images.compression_algorithm` / `backups.compression_algorithm`.
    static let compressionCommands: Set<String> = [
        "bzip2", "gzip", "lz4", "lzma", "pigz", "pzstd", "squashfs", "xz", "zstd",
    ]

    /// Architecture names LXD knows (`osarch`).
    static let architectures: Set<String> = [
        "i686", "x86_64", "armv6l", "armv7l", "armv8l", "aarch64", "ppc", "ppc64", "ppc64le",
        "s390x", "mips", "mips64", "riscv32", "riscv64",
    ]

    /// Log level names logrus parses (case-insensitive).
    static let logLevels: Set<String> = [
        "panic", "fatal", "error", "warn", "warning", "info", "debug", "trace",
    ]

    /// Why `value` is not valid for this type, or nil when it is. The empty value (unset) is
    /// always valid.
    func invalidReason(_ value: String) -> String? {
        if value.isEmpty { return nil }
        switch self {
        case .string:
            return nil
        case .bool:
            return Self.booleanWords.contains(value.lowercased())
                ? nil : "Invalid value for a boolean \"\(value)\""
        case .int64:
            return Int64(value) == nil ? "Invalid value for an integer \"\(value)\"" : nil
        case .uint32:
            return Self.unsigned(value).flatMap(UInt32.init(exactly:)) == nil
                ? "Invalid value for an unsigned 32-bit integer \"\(value)\"" : nil
        case .integerRange(let min, let max):
            guard let number = Int64(value) else {
                return "Invalid value for an integer \"\(value)\""
            }
            return (min...max).contains(number)
                ? nil : "Value is not within valid range. Must be between \(min) and \(max)"
        case .priority:
            guard let number = Int(value) else {
                return "Invalid value for an integer \"\(value)\""
            }
            return (0...10).contains(number)
                ? nil : "Invalid value for a limit \"\(value)\". Must be between 0 and 10"
        case .byteSize:
            return Self.byteSizeReason(value)
        case .memoryLimit:
            return Self.memoryLimitReason(value)
        case .cpuSet:
            return Self.cpuSetReason(value)
        case .cpuAllowance:
            return Self.cpuAllowanceReason(value)
        case .oneOf(let words):
            return words.contains(value) ? nil : Self.notOneOf(value, words)
        case .listOf(let words):
            for item in value.split(separator: ",", omittingEmptySubsequences: false) {
                let word = Self.trimmingSpaces(item)
                if !words.contains(word) {
                    return "Item \"\(word)\": \(Self.notOneOf(word, words))"
                }
            }
            return nil
        case .cronSchedule:
            return CronSchedule.invalidReason(value)
        case .expiry:
            return ExpiryExpression.invalidReason(value)
        case .uuid:
            return Self.isUUID(value) ? nil : "Invalid UUID \"\(value)\""
        case .kernelLimit:
            return Self.kernelLimitReason(value)
        case .listenAddress(let allowWildcard):
            return NetworkAddress.listenAddressInvalidReason(value, allowWildcard: allowWildcard)
        case .ipv4Address:
            return NetworkAddress.isIPv4(Substring(value))
                ? nil : "Not an IPv4 address \"\(value)\""
        case .compressionAlgorithm:
            return Self.compressionReason(value)
        case .architecture:
            return Self.architectures.contains(value) ? nil : "Invalid architecture \"\(value)\""
        case .logLevel:
            return Self.logLevels.contains(value.lowercased())
                ? nil : "Not a valid log level \"\(value)\""
        case .oddAtLeastThree:
            guard let number = Int(value) else { return "Value is not a number" }
            return number >= 3 && number % 2 == 1
                ? nil : "Value must be an odd number equal to or higher than 3"
        case .offlineThreshold:
            guard let number = Int(value) else { return "Offline threshold is not a number" }
            return number > 10 ? nil : "Value must be greater than 10"
        case .imageReplicaCount:
            guard let number = Int(value) else {
                return "Minimal image replica count is not a number"
            }
            return number >= 1 || number == -1 ? nil : "Invalid value for image replica count"
        }
    }

    // MARK: - Checks for individual types

    private static func notOneOf(_ value: String, _ words: [String]) -> String {
        "Invalid value \"\(value)\" (not one of \(words.joined(separator: ", ")))"
    }

    private static func byteSizeReason(_ value: String) -> String? {
        do {
            _ = try ByteSize.parse(value)
            return nil
        } catch {
            return error.message
        }
    }

    /// `limits.memory`: `N%` with N a non-zero percentage, or a non-zero byte size.
    private static func memoryLimitReason(_ value: String) -> String? {
        if value.hasSuffix("%") {
            guard let percent = Int64(value.dropLast()) else { return "Invalid value \"\(value)\"" }
            if percent == 0 { return "Memory limit can't be 0%" }
            if percent < 0 { return "Memory limit can't be a negative percentage" }
            return nil
        }
        do {
            if try ByteSize.parse(value) == 0 { return "Memory limit can't be 0" }
            return nil
        } catch {
            return error.message
        }
    }

    /// `limits.cpu`: comma-separated CPU ids (`N`) and ranges (`N-M`); a lone `N` is a count.
    private static func cpuSetReason(_ value: String) -> String? {
        let invalid = "Invalid CPU limit syntax \"\(value)\""
        for item in value.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = item.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(bounds.count) else { return invalid }
            let numbers = bounds.map { unsigned(String($0)) }
            guard numbers.allSatisfy({ $0 != nil }) else { return invalid }
            if numbers.count == 2, numbers[0]! > numbers[1]! {
                return "Invalid CPU range \"\(item)\": start is above end"
            }
        }
        return nil
    }

    /// `limits.cpu.allowance`: `N%` or `Xms/Yms` (the `ms` suffixes are optional), as LXD reads it.
    private static func cpuAllowanceReason(_ value: String) -> String? {
        let invalid = "Invalid allowance \"\(value)\""
        if value.hasSuffix("%") {
            return Int(value.dropLast()) == nil ? invalid : nil
        }
        let fields = value.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard fields.count == 2 else { return invalid }
        for field in fields {
            let number = field.hasSuffix("ms") ? field.dropLast(2) : field
            if Int(number) == nil { return invalid }
        }
        return nil
    }

    /// `limits.kernel.*`: `unlimited` or a non-negative number, or `soft:hard` of those.
    private static func kernelLimitReason(_ value: String) -> String? {
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        let valid =
            (1...2).contains(parts.count)
            && parts.allSatisfy { $0 == "unlimited" || unsigned(String($0)) != nil }
        return valid
            ? nil
            : "Invalid limit \"\(value)\" (expected \"unlimited\", a number, or \"soft:hard\")"
    }

    /// A compression command, optionally with arguments (`xz -9`), or `none`.
    private static func compressionReason(_ value: String) -> String? {
        if value == "none" { return nil }
        let command = value.split(separator: " ", omittingEmptySubsequences: true).first.map(
            String.init)
        guard let command, compressionCommands.contains(command) else {
            return "Invalid compression algorithm \"\(value)\""
        }
        return nil
    }

    /// A UUID: `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, also braced, `urn:uuid:`-prefixed or as 32
    /// bare hexadecimal digits (the forms Go's `uuid.Parse` accepts).
    static func isUUID(_ value: String) -> Bool {
        var text = Substring(value)
        if text.count == 45, text.lowercased().hasPrefix("urn:uuid:") { text = text.dropFirst(9) }
        if text.count == 38, text.first == "{", text.last == "}" {
            text = text.dropFirst().dropLast()
        }
        let isHex: (Character) -> Bool = { $0.isHexDigit && $0.isASCII }
        if text.count == 32 { return text.allSatisfy(isHex) }
        guard text.count == 36 else { return false }
        for (offset, character) in text.enumerated() {
            if [8, 13, 18, 23].contains(offset) {
                if character != "-" { return false }
            } else if !isHex(character) {
                return false
            }
        }
        return true
    }

    /// A run of decimal digits (no sign) as an integer, or nil.
    static func unsigned(_ text: String) -> UInt64? {
        guard !text.isEmpty,
            text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        return UInt64(text)
    }

    private static func trimmingSpaces(_ text: Substring) -> String {
        var text = text
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
