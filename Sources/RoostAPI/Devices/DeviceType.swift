/// The device types LXD 5.0 knows (the `type` option of a device).
enum DeviceType: String, Sendable, CaseIterable {
    case none
    case disk
    case nic
    case unixChar = "unix-char"
    case unixBlock = "unix-block"
    case unixHotplug = "unix-hotplug"
    case usb
    case gpu
    case infiniband
    case proxy
    case tpm
    case pci
}

/// Who a device map is validated for. LXD checks an instance's devices for its instance type and a
/// profile's for "any" type; Roost runs containers only, so an instance is a container.
enum DeviceTarget: Sendable, Hashable {
    /// An instance's local devices: container rules apply.
    case container
    /// A profile's devices: rules that depend on the instance type are not applied.
    case profile
}

/// What LXD knows about one kind of device: a `type`, or a `nic`/`infiniband`/`gpu` variant.
///
/// Checks run in LXD's order: options refused beside `network`, then every option of the table
/// (a required one must be set, a set one must be of its value type), then options the table does
/// not know, then `check` for rules that involve several options.
struct DeviceSpec: Sendable {
    /// Which instance types can use the device; LXD answers "Unsupported device type" to others.
    enum Support: Sendable {
        case containersAndVMs
        case containersOnly
        case vmsOnly
    }

    /// A rule over several options: the reason the device is invalid, or nil.
    typealias Check = @Sendable (_ config: [String: String], _ target: DeviceTarget) -> String?

    /// Option → value type. `type`, the variant selector (`nictype`, `gputype`) and `user.*` are
    /// accepted on every device and are not listed.
    var keys: [String: DeviceValueType]
    /// Options that must be set.
    var required: Set<String> = []
    /// Options that must be set on a container (LXD needs them to start one) but not in a profile.
    var requiredOnContainers: Set<String> = []
    /// NIC options LXD refuses next to `network` (the network supplies them).
    var bannedWithNetwork: [String] = []
    var support: Support = .containersAndVMs
    var check: Check? = nil

    func supports(_ target: DeviceTarget) -> Bool {
        target == .profile || support != .vmsOnly
    }
}
