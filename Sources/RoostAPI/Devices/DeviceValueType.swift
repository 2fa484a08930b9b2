/// The kind of value a device option holds, and so how its value is checked.
///
/// Values are strings on the wire. An empty value means "unset" and passes every type; whether an
/// option must be set is the device table's business (`DeviceSpec.required`). Each case mirrors an
/// LXD validator (`shared/validate` or a device-specific one) and returns LXD's reason text.
enum DeviceValueType: Sendable {
    /// A configuration value type shared with `ConfigKeys` (bool, integers, byte sizes, words).
    case config(ConfigValueType)
    /// An Ethernet MAC address: six hex bytes separated by colons (`validate.IsNetworkMAC`).
    case mac
    /// An InfiniBand hardware address: 8 or 20 hex bytes separated by colons.
    case infinibandMAC
    /// An MTU from 1280 to 16384 (`validate.IsNetworkMTU`).
    case mtu
    /// A VLAN id from 0 to 4094; bridged NICs also take `none`.
    case vlan(allowNone: Bool)
    /// A comma-separated list of VLAN ids and `N-M` ranges (`vlan.tagged`).
    case vlanList
    /// A network interface name: 2-15 characters of `[-_a-zA-Z0-9.]` (`validate.IsInterfaceName`).
    case interfaceName
    /// One IPv4 address (or `none` where allowed).
    case ipv4(allowNone: Bool)
    /// One IPv6 address (or `none` where allowed).
    case ipv6(allowNone: Bool)
    /// A comma-separated list of IPv4 addresses; with `allowCIDR`, `address/prefix` items too.
    case ipv4List(allowCIDR: Bool)
    /// A comma-separated list of IPv6 addresses; with `allowCIDR`, `address/prefix` items too.
    case ipv6List(allowCIDR: Bool)
    /// A comma-separated list of IPv4 networks in CIDR form (`ipv4.routes`).
    case ipv4Networks
    /// A comma-separated list of IPv6 networks in CIDR form (`ipv6.routes`).
    case ipv6Networks
    /// A routed/ipvlan gateway: `auto` or `none`; ipvlan in l2 mode also takes an address.
    case gateway(allowAddress: Bool)
    /// A NIC bandwidth limit such as `100Mbit` (LXD's `units.ParseBitSizeString`).
    case bitRate
    /// A disk I/O limit: a byte rate such as `10MB` or an operation rate such as `20iops`.
    case diskRate
    /// A path inside the instance: absolute, without `..` components.
    case instancePath
    /// A host device node: an absolute path under `/dev`, without `..` components.
    case hostDevicePath
    /// A device major or minor number (unsigned 32-bit).
    case unixDeviceNumber
    /// A UID or GID (unsigned 32-bit).
    case unixID
    /// An octal file mode such as `0660`.
    case octalMode
    /// A USB/PCI vendor or product id: four lower-case hex characters (`validate.IsDeviceID`).
    case deviceID
    /// A PCI address: `[DDDD:]BB:DD.F` in hex.
    case pciAddress
    /// A proxy endpoint: `tcp:<addr>:<ports>`, `udp:<addr>:<ports>` or `unix:<path>` (`unix:@name`).
    case proxyAddress
    /// A proxy `bind` side: `host` or `instance` (`guest` and `container` are legacy spellings).
    case bindSide
    /// A MIG device UUID, optionally prefixed by `MIG-`.
    case migUUID

    /// Why `value` is not valid for this type, or nil when it is. The empty value always passes.
    func invalidReason(_ value: String) -> String? {
        if value.isEmpty { return nil }
        switch self {
        case .config(let type): return type.invalidReason(value)
        case .mac:
            return DeviceValues.isMAC(value, bytes: [6])
                ? nil : "Invalid MAC address, must be 6 bytes of hex separated by colons"
        case .infinibandMAC:
            return DeviceValues.isMAC(value, bytes: [8, 20])
                ? nil : "Invalid value, must be either 8 or 20 bytes of hex separated by colons"
        case .mtu: return DeviceValues.mtuReason(value)
        case .vlan(let allowNone):
            if allowNone && value == "none" { return nil }
            return DeviceValues.vlanReason(value)
        case .vlanList: return DeviceValues.vlanListReason(value)
        case .interfaceName: return DeviceValues.interfaceNameReason(value)
        case .ipv4(let allowNone):
            if allowNone && value == "none" { return nil }
            return NetworkAddress.isIPv4(Substring(value)) ? nil : "Not an IPv4 address \"\(value)\""
        case .ipv6(let allowNone):
            if allowNone && value == "none" { return nil }
            return NetworkAddress.isIPv6(Substring(value)) ? nil : "Not an IPv6 address \"\(value)\""
        case .ipv4List(let allowCIDR): return DeviceValues.addressListReason(value, v6: false, allowCIDR: allowCIDR)
        case .ipv6List(let allowCIDR): return DeviceValues.addressListReason(value, v6: true, allowCIDR: allowCIDR)
        case .ipv4Networks: return DeviceValues.networkListReason(value, v6: false)
        case .ipv6Networks: return DeviceValues.networkListReason(value, v6: true)
        case .gateway(let allowAddress):
            if value == "auto" || value == "none" { return nil }
            if allowAddress && NetworkAddress.isIP(Substring(value)) { return nil }
            return "Invalid gateway: \(value)"
        case .bitRate: return DeviceValues.bitRateReason(value)
        case .diskRate: return DeviceValues.diskRateReason(value)
        case .instancePath: return DeviceValues.pathReason(value)
        case .hostDevicePath:
            if let reason = DeviceValues.pathReason(value) { return reason }
            return value.hasPrefix("/dev/") ? nil : "Path needs to be in /dev"
        case .unixDeviceNumber:
            return DeviceValues.isUInt32(value, radix: 10) ? nil : "Invalid value for a UNIX device number"
        case .unixID:
            return DeviceValues.isUInt32(value, radix: 10) ? nil : "Invalid value for a UNIX ID"
        case .octalMode:
            return DeviceValues.isUInt32(value, radix: 8) ? nil : "Invalid value for an octal file mode"
        case .deviceID:
            return value.utf8.count == 4 && value.utf8.allSatisfy(DeviceValues.isLowerHex)
                ? nil : "Invalid value, must be four lower case hex characters"
        case .pciAddress:
            return DeviceValues.isPCIAddress(value) ? nil : "Invalid PCI address \"\(value)\""
        case .proxyAddress:
            do {
                _ = try ProxyAddress.parse(value)
                return nil
            } catch {
                return error.reason
            }
        case .bindSide:
            return ["host", "instance", "guest", "container"].contains(value)
                ? nil : "Invalid binding side given. Must be \"host\" or \"instance\""
        case .migUUID:
            let uuid = value.hasPrefix("MIG-") ? String(value.dropFirst(4)) : value
            return ConfigValueType.isUUID(uuid) ? nil : "Invalid MIG UUID \"\(value)\""
        }
    }
}
