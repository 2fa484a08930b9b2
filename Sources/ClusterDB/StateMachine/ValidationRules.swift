import RoostAPI

/// The table-driven checks apply makes (names, config keys, devices, architectures), chosen by
/// the version of the command being applied.
///
/// Validation tables are code, and an upgrade may change them; but members of mixed versions
/// replay the same log, and a replay must reach the state the first apply reached. So a released
/// set of rules never changes: a table change makes a new rules version (bump
/// `Command.currentVersion`; commands then carry it), the old tables stay, and this type picks
/// the set that matches each command. Versions 1 to 3 share one set: the tables have not changed
/// since version 1. `ValidationTablesTests` pins the digest of `ValidationTables.text` and fails
/// when a table changes without a new version here.
struct ValidationRules {
    let version: Int

    init(version: Int) throws(RoostError) {
        guard (1...Command.currentVersion).contains(version) else {
            throw RoostError(.notImplemented, "No validation rules for command version \(version)")
        }
        self.version = version
    }

    func instanceName(_ name: String) throws(RoostError) { try Names.validateInstance(name) }
    func profileName(_ name: String) throws(RoostError) { try Names.validateProfile(name) }

    func config(_ config: [String: String], scope: ConfigScope) throws(RoostError) {
        try ConfigKeys.validate(config, scope: scope)
    }

    func devices(_ devices: DeviceMap, forProfile: Bool) throws(RoostError) {
        try Devices.validate(devices, forProfile: forProfile)
    }

    func architecture(_ name: String) throws(RoostError) { try Architectures.validate(name) }

    /// The name stored for an architecture name or alias (unknown names are kept for
    /// `architecture(_:)` to refuse).
    func canonicalArchitecture(_ name: String) -> String { Architectures.canonicalName(name) ?? name }
}
