/// LXD's byte-size strings, as `units.ParseByteSizeString` reads them.
///
/// The value is a run of decimal digits followed directly by an optional suffix: none, `B` or
/// ` bytes` (bytes), a decimal unit (`kB`, `MB`, `GB`, `TB`, `PB`, `EB`) or a binary unit
/// (`KiB`, `MiB`, `GiB`, `TiB`, `PiB`, `EiB`). Suffixes are case-sensitive (`KB`, `mb` and `b` are
/// refused), there is no fraction (`1.5GiB` is refused) and no sign. The empty string is 0.
public enum ByteSize {
    /// Suffix → multiplier. Exactly the suffixes LXD 5.0 accepts.
    static let multipliers: [String: Int64] = [
        "": 1, "B": 1, " bytes": 1,
        "kB": 1_000,
        "MB": 1_000_000,
        "GB": 1_000_000_000,
        "TB": 1_000_000_000_000,
        "PB": 1_000_000_000_000_000,
        "EB": 1_000_000_000_000_000_000,
        "KiB": 1 << 10,
        "MiB": 1 << 20,
        "GiB": 1 << 30,
        "TiB": 1 << 40,
        "PiB": 1 << 50,
        "EiB": 1 << 60,
    ]

    /// Parses `s` into a number of bytes.
    public static func parse(_ s: String) throws(RoostError) -> Int64 {
        if s.isEmpty { return 0 }
        let digits = s.utf8.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        if digits.isEmpty {
            throw .badRequest("Invalid value \"\(s)\"")
        }
        let suffix = String(Substring(s.utf8.dropFirst(digits.count)))
        guard let number = Int64(String(Substring(digits))) else {
            throw .badRequest("Value \"\(s)\" is too large")
        }
        guard let multiplier = multipliers[suffix] else {
            throw .badRequest("Invalid value \"\(s)\"")
        }
        let (bytes, overflow) = number.multipliedReportingOverflow(by: multiplier)
        if overflow {
            throw .badRequest("Value \"\(s)\" is too large")
        }
        return bytes
    }
}
