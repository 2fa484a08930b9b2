/// A canonical text of every table-driven validation rule apply depends on: the config key
/// tables (instance/profile and server), the device tables and the architecture names.
///
/// Apply judges each command by the rules of the command's version (`Command.version` in
/// `ClusterDB`), because members of mixed versions replay the same log and must reach the same
/// state. A change to any table is therefore a new rules version: a test pins the digest of this
/// text for the current version and fails when a table changes without one.
///
/// The text covers the tables' data (keys, value types, required options, support). Rules that
/// live in code (value parsers, `DeviceChecks`) are covered by their own tests; a change to
/// their verdicts needs the same version bump.
public enum ValidationTables {
    public static var text: String {
        var lines: [String] = []
        for (name, table) in [("instance", ConfigKeyTable.instance), ("server", ConfigKeyTable.server)] {
            for key in table.keys.keys.sorted() { lines.append("config \(name) \(key)=\(table.keys[key]!)") }
            for rule in table.prefixes {
                lines.append("config \(name) prefix \(rule.prefix)=\(rule.type) suffix:\(rule.requiresSuffix)")
            }
        }
        let specs: [(String, DeviceSpec)] = [
            ("none", .noneDevice), ("disk", .disk), ("unix-char-block", .unixCharOrBlock),
            ("unix-hotplug", .unixHotplug), ("usb", .usb), ("proxy", .proxy), ("tpm", .tpm), ("pci", .pci),
            ("infiniband", .infiniband), ("gpu-physical", .gpuPhysical), ("gpu-mdev", .gpuMdev),
            ("gpu-mig", .gpuMIG), ("gpu-sriov", .gpuSRIOV), ("nic-bridged", .nicBridged),
            ("nic-macvlan", .nicMACVLAN), ("nic-sriov", .nicSRIOV), ("nic-physical", .nicPhysical),
            ("nic-ipvlan", .nicIPVLAN), ("nic-routed", .nicRouted), ("nic-ovn", .nicOVN),
        ]
        for (name, spec) in specs {
            for key in spec.keys.keys.sorted() { lines.append("device \(name) \(key)=\(spec.keys[key]!)") }
            lines.append("device \(name) required=\(spec.required.sorted())")
            lines.append("device \(name) required-on-containers=\(spec.requiredOnContainers.sorted())")
            lines.append("device \(name) banned-with-network=\(spec.bannedWithNetwork)")
            lines.append("device \(name) support=\(spec.support) check=\(spec.check != nil)")
        }
        lines.append("architectures \(Architectures.known)")
        for alias in Architectures.aliases.keys.sorted() {
            lines.append("architecture-alias \(alias)=\(Architectures.aliases[alias]!)")
        }
        return lines.joined(separator: "\n")
    }

    public static var digest: String { SHA256.hex(Array(text.utf8)) }
}
