/// Expiry expressions (`snapshots.expiry`, `cluster.join_token_expiry`, …) as LXD 5.0's
/// `GetSnapshotExpiry` reads them: space-separated terms `<number><unit>` where the unit is
/// `M` (minutes), `H` (hours), `d` (days), `w` (weeks), `m` (months) or `y` (years), each unit at
/// most once, for example `1M 2H 3d 4w 5m 6y`. Surrounding whitespace is ignored.
enum ExpiryExpression {
    static let units: Set<Character> = ["M", "H", "d", "w", "m", "y"]

    /// Why `value` is not a valid expiry expression, or nil when it is.
    static func invalidReason(_ value: String) -> String? {
        let expression = trimmed(value)
        if expression.isEmpty { return nil }
        var seen: Set<Character> = []
        for term in expression.split(separator: " ", omittingEmptySubsequences: false) {
            guard let unit = term.last, units.contains(unit) else {
                return "Invalid expiry expression \"\(value)\""
            }
            let digits = term.dropLast()
            guard !digits.isEmpty,
                digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                Int(digits) != nil
            else {
                return "Invalid expiry expression \"\(value)\""
            }
            guard seen.insert(unit).inserted else {
                return "Invalid expiry expression \"\(value)\" (unit \(unit) given twice)"
            }
        }
        return nil
    }

    /// `value` without leading and trailing spaces, tabs, carriage returns and newlines.
    private static func trimmed(_ value: String) -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = value.firstIndex(where: { !isSpace($0) }),
            let last = value.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return value[first...last]
    }
}
