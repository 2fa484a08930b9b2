import RoostAPI

/// One column of `roost list`, chosen with `-c` as in `lxc list`.
struct InstanceColumn: Sendable {
    enum Kind: Sendable, Hashable {
        case name, state, ipv4, ipv6, type, snapshots, location
        case architecture, created, description, lastUsed, profiles, project, pid, processes
        /// `[config:]key[:name][:maxWidth]`
        case config(key: String)
        /// `devices:device.key[:name][:maxWidth]`
        case device(name: String, key: String)
    }

    var kind: Kind
    var header: String
    /// Longest value shown; `nil` is unlimited.
    var maxWidth: Int?

    /// The shorthand characters `lxc list -c` accepts that Roost knows.
    static let shorthands: [Character: (Kind, String)] = [
        "n": (.name, "NAME"), "s": (.state, "STATE"), "4": (.ipv4, "IPV4"), "6": (.ipv6, "IPV6"),
        "t": (.type, "TYPE"), "S": (.snapshots, "SNAPSHOTS"), "L": (.location, "LOCATION"),
        "a": (.architecture, "ARCHITECTURE"), "c": (.created, "CREATED AT"), "d": (.description, "DESCRIPTION"),
        "l": (.lastUsed, "LAST USED AT"), "P": (.profiles, "PROFILES"), "e": (.project, "PROJECT"),
        "p": (.pid, "PID"), "N": (.processes, "PROCESSES"),
    ]

    /// `lxc`'s default layout, plus `L` on a cluster.
    static func defaultSpec(clustered: Bool) -> String { clustered ? "ns46tSL" : "ns46tS" }

    /// Parses a `-c` value: comma-separated entries; an entry without a dot is a run of shorthand
    /// characters, an entry with a dot is a custom column `[config:|devices:]key[:name][:maxWidth]`.
    static func parse(_ spec: String) throws(CLIError) -> [InstanceColumn] {
        var columns: [InstanceColumn] = []
        for entry in spec.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            guard !entry.isEmpty else {
                throw CLIError("Empty column entry (redundant, leading or trailing command) in '\(spec)'")
            }
            if entry.contains(".") {
                columns.append(try custom(entry))
                continue
            }
            for character in entry {
                guard let (kind, header) = shorthands[character] else {
                    throw CLIError("Unknown column shorthand char '\(character)' in '\(entry)'")
                }
                columns.append(InstanceColumn(kind: kind, header: header, maxWidth: nil))
            }
        }
        return columns
    }

    private static func custom(_ entry: String) throws(CLIError) -> InstanceColumn {
        var fields = entry.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        var isDevice = false
        if fields.count > 1, fields[0] == "config" || fields[0] == "devices" {
            isDevice = fields[0] == "devices"
            fields.removeFirst()
        }
        guard fields.count <= 3 else {
            throw CLIError("Invalid config key column format (too many fields): '\(entry)'")
        }
        let key = fields[0]
        guard !key.isEmpty else { throw CLIError("Invalid config key '\(key)' in '\(entry)'") }
        var header = key
        if fields.count > 1 {
            if fields[1].isEmpty, fields.count != 3 {
                throw CLIError("Invalid name in '\(entry)', empty string is only allowed when defining maxWidth")
            }
            if !fields[1].isEmpty { header = fields[1] }
        }
        var maxWidth: Int?
        if fields.count > 2 {
            guard let width = Int(fields[2]) else {
                throw CLIError("Invalid max width (must be an integer) '\(fields[2])' in '\(entry)'")
            }
            guard width >= -1 else {
                throw CLIError("Invalid max width (must -1, 0 or a positive integer) '\(fields[2])' in '\(entry)'")
            }
            maxWidth = width == 0 ? header.count : (width == -1 ? nil : width)
        }
        if isDevice {
            let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw CLIError("Invalid device key '\(key)'") }
            return InstanceColumn(kind: .device(name: parts[0], key: parts[1]), header: header, maxWidth: maxWidth)
        }
        return InstanceColumn(kind: .config(key: key), header: header, maxWidth: maxWidth)
    }

    /// Whether this column needs `recursion=2` (state or snapshots).
    var needsFullInstance: Bool {
        switch kind {
        case .ipv4, .ipv6, .snapshots, .pid, .processes: true
        default: false
        }
    }

    /// The cell text for an instance.
    func value(for instance: Instance) -> String {
        let text = rawValue(for: instance)
        if let maxWidth, text.count > maxWidth { return String(text.prefix(maxWidth)) }
        return text
    }

    private func rawValue(for instance: Instance) -> String {
        switch kind {
        case .name: instance.name
        case .state: (instance.state?.status ?? instance.status).uppercased()
        case .ipv4: Self.addresses(of: instance, family: "inet")
        case .ipv6: Self.addresses(of: instance, family: "inet6")
        case .type: Self.typeText(instance)
        case .snapshots: String(instance.snapshots?.count ?? 0)
        case .location: instance.location
        case .architecture: instance.architecture
        case .created: DateText.short(instance.createdAt)
        case .description: instance.description
        case .lastUsed: DateText.short(instance.lastUsedAt)
        case .profiles: instance.profiles.joined(separator: "\n")
        case .project: instance.project
        case .pid: Self.isActive(instance) ? String(instance.state?.pid ?? 0) : ""
        case .processes: Self.isActive(instance) ? String(instance.state?.processes ?? 0) : ""
        case .config(let key): instance.config[key] ?? instance.expandedConfig[key] ?? ""
        case .device(let name, let key): instance.devices[name]?[key] ?? instance.expandedDevices[name]?[key] ?? ""
        }
    }

    /// `CONTAINER`, `VIRTUAL-MACHINE`, with ` (EPHEMERAL)` for ephemeral instances.
    static func typeText(_ instance: Instance) -> String {
        let type = (instance.type.isEmpty ? "container" : instance.type).uppercased()
        return instance.ephemeral ? type + " (EPHEMERAL)" : type
    }

    static func isActive(_ instance: Instance) -> Bool {
        let code = instance.state?.statusCode ?? instance.statusCode
        return code != StatusCode.stopped.rawValue && code != StatusCode.error.rawValue && code != 0
    }

    /// Global addresses of one family, `ADDRESS (IFACE)` one per line, loopback and link-local
    /// left out, sorted in reverse as `lxc` does.
    static func addresses(of instance: Instance, family: String) -> String {
        guard isActive(instance), let network = instance.state?.network else { return "" }
        var found: [String] = []
        for (interface, details) in network {
            if details["type"]?.stringValue == "loopback" { continue }
            guard case .array(let addresses)? = details["addresses"] else { continue }
            for address in addresses {
                let scope = address["scope"]?.stringValue ?? ""
                if scope == "link" || scope == "local" { continue }
                guard address["family"]?.stringValue == family, let text = address["address"]?.stringValue else {
                    continue
                }
                found.append("\(text) (\(interface))")
            }
        }
        return found.sorted(by: >).joined(separator: "\n")
    }
}
