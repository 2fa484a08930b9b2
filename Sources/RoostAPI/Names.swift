import Foundation

/// Name rules for API objects, with LXD's error wording. Checked at the API edge *and* inside
/// apply, so a command that reaches the log with a bad name is rejected deterministically.
public enum Names {
    /// Longest instance name: a hostname label.
    public static let instanceNameMax = 63
    /// Longest profile name Roost accepts (LXD has no explicit limit; an unbounded name is a
    /// limit-less buffer, so Roost sets one).
    public static let profileNameMax = 255

    /// Instance names are hostnames: 1–63 of `[a-zA-Z0-9-]`, not starting with a digit or `-`,
    /// not ending with `-` (LXD's `ValidHostname` plus its "must not start with a digit" rule).
    public static func validateInstance(_ name: String) throws(RoostError) {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty else { throw .badRequest("Invalid instance name: Name is required") }
        guard bytes.count <= instanceNameMax else {
            throw .badRequest("Invalid instance name \"\(name)\": Name must be 1-63 characters long")
        }
        for byte in bytes where !(isAlphanumeric(byte) || byte == UInt8(ascii: "-")) {
            throw .badRequest(
                "Invalid instance name \"\(name)\": Name can only contain alphanumeric and hyphen characters")
        }
        if bytes[0] == UInt8(ascii: "-") {
            throw .badRequest("Invalid instance name \"\(name)\": Name must not start with a hyphen")
        }
        if isDigit(bytes[0]) {
            throw .badRequest("Invalid instance name \"\(name)\": Name cannot begin with a digit")
        }
        if bytes.last == UInt8(ascii: "-") {
            throw .badRequest("Invalid instance name \"\(name)\": Name must not end with a hyphen")
        }
    }

    /// Profile names: non-empty, no `/`, not `.` or `..`, no whitespace or control characters.
    public static func validateProfile(_ name: String) throws(RoostError) {
        guard !name.isEmpty else { throw .badRequest("No name provided") }
        guard name.utf8.count <= profileNameMax else {
            throw .badRequest("Invalid profile name \"\(name.prefix(32))...\": Name too long")
        }
        if name.contains("/") { throw .badRequest("Invalid profile name \"\(name)\": Slashes aren't allowed") }
        if name == "." || name == ".." {
            throw .badRequest("Invalid profile name \"\(name)\": Invalid name")
        }
        for scalar in name.unicodeScalars
        where scalar.properties.isWhitespace || scalar.value < 0x20 || scalar.value == 0x7f {
            throw .badRequest("Invalid profile name \"\(name)\": Whitespace and control characters aren't allowed")
        }
    }

    /// For new names only, at the API edge (never in apply: it depends on the runtime's Unicode
    /// tables, and a log replayed by a newer binary must apply what an older one accepted).
    public static func validateNewProfile(_ name: String) throws(RoostError) {
        try validateProfile(name)
        // Invisible characters anywhere (`a` and `a` + zero-width space look the same), and
        // only the composed form: "é" and "e" + combining acute compare equal as Swift strings
        // but are two rows in the database.
        for scalar in name.unicodeScalars
        where scalar.properties.generalCategory == .format || scalar.properties.isDefaultIgnorableCodePoint {
            throw .badRequest("Invalid profile name \"\(name)\": Invisible characters aren't allowed")
        }
        guard name.unicodeScalars.elementsEqual(name.precomposedStringWithCanonicalMapping.unicodeScalars) else {
            throw .badRequest("Invalid profile name \"\(name)\": Use the composed (NFC) form")
        }
        guard hasVisibleCharacter(name) else {
            throw .badRequest("Invalid profile name \"\(name)\": A name needs at least one visible character")
        }
    }

    /// Whether any character would show: a name made only of zero-width spaces, byte-order
    /// marks or lone combining marks looks empty, and two such profiles look identical.
    static func hasVisibleCharacter(_ name: String) -> Bool {
        name.unicodeScalars.contains { scalar in
            let properties = scalar.properties
            guard !properties.isDefaultIgnorableCodePoint, !properties.isWhitespace else { return false }
            switch properties.generalCategory {
            case .control, .format, .nonspacingMark, .spacingMark, .enclosingMark, .unassigned, .surrogate,
                .lineSeparator, .paragraphSeparator, .spaceSeparator:
                return false
            default:
                return true
            }
        }
    }

    /// Device names: non-empty, at most 64 bytes, no `/`, no whitespace or control characters.
    public static func validateDevice(_ name: String) throws(RoostError) {
        guard !name.isEmpty, name.utf8.count <= 64, !name.contains("/"), name != ".", name != ".." else {
            throw .badRequest("Invalid device name \"\(name)\"")
        }
        for scalar in name.unicodeScalars where scalar.properties.isWhitespace || scalar.value < 0x20 {
            throw .badRequest("Invalid device name \"\(name)\"")
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
    }
}
