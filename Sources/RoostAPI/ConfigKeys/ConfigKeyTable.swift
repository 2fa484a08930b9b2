/// The known configuration keys of one scope: exact keys plus free-form prefixes.
///
/// Adding a key is one line in the scope's table (`ConfigKeyTable+Instance.swift`,
/// `ConfigKeyTable+Server.swift`).
struct ConfigKeyTable: Sendable {
    /// A family of keys sharing a prefix (`user.`, `environment.`, …) and one value type.
    struct PrefixRule: Sendable {
        var prefix: String
        var type: ConfigValueType
        /// When true, the bare prefix (`limits.kernel.`) is not a key; something must follow it.
        var requiresSuffix: Bool = false
    }

    /// Exact keys and their value types.
    var keys: [String: ConfigValueType]
    /// Prefix families, consulted when `keys` has no entry.
    var prefixes: [PrefixRule]

    /// The value type of `key`, or nil when the key is unknown in this table.
    func type(of key: String) -> ConfigValueType? {
        if let type = keys[key] { return type }
        for rule in prefixes where key.hasPrefix(rule.prefix) {
            if rule.requiresSuffix && key.utf8.count == rule.prefix.utf8.count { continue }
            return rule.type
        }
        return nil
    }
}
