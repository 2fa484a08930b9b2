/// LXD 5.0.2's NIC tables. As in LXD's `nicValidationRules`, each option has one value type
/// (`nicOptionTypes`) and each NIC type lists the options it takes, with a few per-type overrides.
extension DeviceSpec {
    /// The value type of every NIC option (LXD's default validators).
    static let nicOptionTypes: [String: DeviceValueType] = [
        "name": .interfaceName,
        "network": .string,
        "parent": .interfaceName,  // LXD: any; Roost: an interface name (it ends up in /sys paths)
        "mtu": .mtu,
        "hwaddr": .mac,
        "host_name": .interfaceName,  // LXD: any; Roost: an interface name
        "vlan": .vlan(allowNone: false),
        "vlan.tagged": .vlanList,
        "gvrp": .bool,
        "limits.ingress": .bitRate,
        "limits.egress": .bitRate,
        "limits.max": .bitRate,
        "security.mac_filtering": .bool,
        "security.ipv4_filtering": .bool,
        "security.ipv6_filtering": .bool,
        "security.port_isolation": .bool,
        "maas.subnet.ipv4": .string,
        "maas.subnet.ipv6": .string,
        "ipv4.address": .ipv4(allowNone: false),
        "ipv6.address": .ipv6(allowNone: false),
        "ipv4.routes": .ipv4Networks,
        "ipv6.routes": .ipv6Networks,
        "ipv4.routes.external": .ipv4Networks,
        "ipv6.routes.external": .ipv6Networks,
        "ipv4.gateway": .gateway(allowAddress: false),
        "ipv6.gateway": .gateway(allowAddress: false),
        "ipv4.host_address": .ipv4(allowNone: false),
        "ipv6.host_address": .ipv6(allowNone: false),
        "ipv4.host_table": .uint32,
        "ipv6.host_table": .uint32,
        "ipv4.neighbor_probe": .bool,
        "ipv6.neighbor_probe": .bool,
        "boot.priority": .uint32,
        "security.acls": .string,
        "security.acls.default.ingress.action": .config(.oneOf(["allow", "reject", "drop"])),
        "security.acls.default.egress.action": .config(.oneOf(["allow", "reject", "drop"])),
        "security.acls.default.ingress.logged": .bool,
        "security.acls.default.egress.logged": .bool,
        "acceleration": .config(.oneOf(["none", "sriov"])),
        "mode": .config(.oneOf(["l3s", "l2"])),
    ]

    /// The table for a NIC type taking `options`, with per-type value types in `overrides`.
    static func nicKeys(_ options: [String], _ overrides: [String: DeviceValueType] = [:]) -> [String: DeviceValueType]
    {
        var keys: [String: DeviceValueType] = [:]
        for option in options {
            guard let type = overrides[option] ?? nicOptionTypes[option] else {
                preconditionFailure("NIC option \(option) has no value type")
            }
            keys[option] = type
        }
        return keys
    }

    /// Options every managed network supplies, so no NIC may set them beside `network`.
    private static let networkSupplied = ["nictype", "parent", "maas.subnet.ipv4", "maas.subnet.ipv6"]

    static let nicBridged = DeviceSpec(
        keys: nicKeys(
            [
                "name", "network", "parent", "mtu", "hwaddr", "host_name", "limits.ingress", "limits.egress",
                "limits.max", "ipv4.address", "ipv6.address", "ipv4.routes", "ipv6.routes", "ipv4.routes.external",
                "ipv6.routes.external", "security.mac_filtering", "security.ipv4_filtering", "security.ipv6_filtering",
                "security.port_isolation", "maas.subnet.ipv4", "maas.subnet.ipv6", "boot.priority", "vlan",
                "vlan.tagged",
            ],
            [
                "vlan": .vlan(allowNone: true), "ipv4.address": .ipv4(allowNone: true),
                "ipv6.address": .ipv6(allowNone: true),
            ]),
        required: ["parent"],
        bannedWithNetwork: networkSupplied + ["mtu"],
        check: DeviceChecks.nicBridged)

    static let nicMACVLAN = DeviceSpec(
        keys: nicKeys([
            "name", "network", "parent", "mtu", "hwaddr", "vlan", "maas.subnet.ipv4", "maas.subnet.ipv6",
            "boot.priority", "gvrp",
        ]),
        required: ["parent"],
        bannedWithNetwork: networkSupplied + ["mtu", "vlan", "gvrp"])

    static let nicSRIOV = DeviceSpec(
        keys: nicKeys([
            "name", "network", "parent", "mtu", "hwaddr", "vlan", "security.mac_filtering", "maas.subnet.ipv4",
            "maas.subnet.ipv6", "boot.priority",
        ]),
        required: ["parent"],
        bannedWithNetwork: networkSupplied + ["mtu", "vlan"])

    static let nicPhysical = DeviceSpec(
        keys: nicKeys([
            "name", "network", "parent", "mtu", "hwaddr", "vlan", "maas.subnet.ipv4", "maas.subnet.ipv6",
            "boot.priority", "gvrp",
        ]),
        required: ["parent"],
        bannedWithNetwork: networkSupplied + ["mtu", "vlan", "gvrp"])

    static let nicIPVLAN = DeviceSpec(
        keys: nicKeys(
            [
                "name", "parent", "mtu", "hwaddr", "vlan", "gvrp", "mode", "ipv4.address", "ipv6.address",
                "ipv4.gateway", "ipv6.gateway", "ipv4.host_table", "ipv6.host_table",
            ],
            [
                "ipv4.address": .ipv4List(allowCIDR: true), "ipv6.address": .ipv6List(allowCIDR: true),
                "ipv4.gateway": .gateway(allowAddress: true), "ipv6.gateway": .gateway(allowAddress: true),
            ]),
        required: ["parent"],
        support: .containersOnly,
        check: DeviceChecks.nicIPVLAN)

    static let nicP2P = DeviceSpec(
        keys: nicKeys([
            "name", "mtu", "hwaddr", "host_name", "limits.ingress", "limits.egress", "limits.max", "ipv4.routes",
            "ipv6.routes", "boot.priority",
        ]))

    static let nicRouted = DeviceSpec(
        keys: nicKeys(
            [
                "name", "parent", "mtu", "hwaddr", "host_name", "vlan", "gvrp", "limits.ingress", "limits.egress",
                "limits.max", "ipv4.address", "ipv6.address", "ipv4.gateway", "ipv6.gateway", "ipv4.routes",
                "ipv6.routes", "ipv4.host_address", "ipv6.host_address", "ipv4.host_table", "ipv6.host_table",
                "ipv4.neighbor_probe", "ipv6.neighbor_probe",
            ],
            ["ipv4.address": .ipv4List(allowCIDR: false), "ipv6.address": .ipv6List(allowCIDR: false)]),
        check: DeviceChecks.nicRouted)

    /// OVN NICs only exist through an OVN `network`.
    static let nicOVN = DeviceSpec(
        keys: nicKeys([
            "name", "network", "hwaddr", "host_name", "mtu", "ipv4.address", "ipv6.address", "ipv4.routes",
            "ipv6.routes", "ipv4.routes.external", "ipv6.routes.external", "boot.priority", "security.acls",
            "security.acls.default.ingress.action", "security.acls.default.egress.action",
            "security.acls.default.ingress.logged", "security.acls.default.egress.logged", "acceleration",
        ]),
        required: ["network"])

    /// `nictype` → NIC type, for a NIC given without `network`.
    static let nicByType: [String: DeviceSpec] = [
        "bridged": nicBridged, "macvlan": nicMACVLAN, "sriov": nicSRIOV, "physical": nicPhysical,
        "ipvlan": nicIPVLAN, "p2p": nicP2P, "routed": nicRouted, "ovn": nicOVN,
    ]

    /// A NIC given with `network`. LXD takes its NIC type from the network's type (bridge, macvlan,
    /// sriov, ovn or physical), which a pure check cannot look up. So the table is the union of
    /// what those NIC types accept beside `network`, and an option every one of them refuses
    /// (`parent`, `maas.subnet.*`, `gvrp`…) is refused with LXD's "Cannot use … in conjunction"
    /// message. The daemon, which knows the network, may check further.
    static let nicWithNetwork: DeviceSpec = {
        let candidates = [nicBridged, nicMACVLAN, nicSRIOV, nicOVN, nicPhysical]
        var keys: [String: DeviceValueType] = [:]
        var mentioned: Set<String> = []
        for candidate in candidates {
            mentioned.formUnion(candidate.keys.keys)
            mentioned.formUnion(candidate.bannedWithNetwork)
            for (key, type) in candidate.keys where !candidate.bannedWithNetwork.contains(key) && keys[key] == nil {
                keys[key] = type
            }
        }
        let banned = mentioned.subtracting(keys.keys).sorted()
        return DeviceSpec(keys: keys, required: ["network"], bannedWithNetwork: banned)
    }()
}
