/// Validation of configuration maps against LXD 5.0's option tables.
///
/// Messages follow LXD: `Unknown configuration key: foo.bar` for an unknown key and
/// `Invalid value for configuration key "limits.memory": <reason>` for a bad value. An empty value
/// always passes: it means "unset".
public enum ConfigKeys {
    /// Validates a whole config map for the scope. Throws the first error in sorted key order.
    public static func validate(_ config: [String: String], scope: ConfigScope) throws(RoostError) {
        for key in config.keys.sorted() {
            try validate(key: key, value: config[key] ?? "", scope: scope)
        }
    }

    /// Validates one key and value.
    public static func validate(key: String, value: String, scope: ConfigScope) throws(RoostError) {
        if scope == .profile && key.hasPrefix(volatilePrefix) {
            throw .badRequest("Volatile keys can only be set on instances")
        }
        guard let type = table(for: scope).type(of: key) else {
            throw .badRequest("Unknown configuration key: \(key)")
        }
        if let reason = type.invalidReason(value) {
            throw .badRequest("Invalid value for configuration key \"\(key)\": \(reason)")
        }
    }

    /// True if the key is known (or free-form like user.*) for the scope.
    public static func isKnown(_ key: String, scope: ConfigScope) -> Bool {
        if scope == .profile && key.hasPrefix(volatilePrefix) { return false }
        return table(for: scope).type(of: key) != nil
    }

    static let volatilePrefix = "volatile."

    static func table(for scope: ConfigScope) -> ConfigKeyTable {
        switch scope {
        case .instance, .profile: .instance
        case .server: .server
        }
    }
}
