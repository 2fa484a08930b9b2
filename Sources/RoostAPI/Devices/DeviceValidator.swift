/// Validation of the `devices` of an instance or a profile against LXD 5.0's device tables.
///
/// Every message is LXD's, inside LXD's wrapper `Device validation failed for "<device>": …`:
/// - no `type`: `Failed loading device "<device>": Missing device type in config`;
/// - an unknown `type`, `nictype` or `gputype`, or a `nic` with neither `nictype` nor `network`:
///   `Failed loading device "<device>": Unsupported device type`;
/// - a device type or variant that only virtual machines can use, on an instance:
///   `Unsupported device type`;
/// - an option the device does not take: `Invalid device option "<option>"`;
/// - a missing required option or a bad value: `Invalid value for device option "<option>": <reason>`
///   (`Required value` for a missing one);
/// - an option a managed network supplies: `Cannot use "<option>" property in conjunction with
///   "network" property`;
/// - rules over several options: LXD's sentence, e.g. `Root disk entry must have a "pool" property
///   set`, `More than one disk device uses the same path "/srv"`.
/// A bad device name gives `Names.validateDevice`'s message inside the same wrapper.
///
/// What LXD checks against the host or the database at this point (that a host source path or a
/// parent interface exists, that a pool, volume or network exists and what type a network is) is
/// left to the daemon. Where LXD accepts any string but the value ends up in a host path or an
/// interface name (`parent`, `host_name`, disk `path`/`source`, unix `source`), Roost checks its
/// shape; see `DeviceValueType` and `DeviceChecks`.
public enum Devices {
    /// Validates every device of an instance's local devices (`forProfile: false`) or of a
    /// profile (`forProfile: true`). Devices are checked in name order; the first error is thrown.
    ///
    /// Checks: the name (`Names.validateDevice`), a known `type` (and `nictype`/`gputype`), only
    /// options that type takes (`user.*` is free-form on every device, as in LXD since 4.15),
    /// values of the right shape, required options, and rules over several options or devices.
    ///
    /// `forProfile` relaxes exactly what LXD relaxes by validating a profile for "any" instance
    /// type instead of the instance's type (Roost instances are containers):
    /// - device types and variants for virtual machines only (`pci`, `gpu` with `gputype=mdev` or
    ///   `sriov`) are refused on an instance with `Unsupported device type` but accepted in a
    ///   profile;
    /// - options a container needs to start are required on an instance only: a disk's `path` and
    ///   a TPM's `path`; and a disk with the VM-only source `cloud-init:config` is refused on an instance.
    /// Everything else, including a root disk's `pool` and a non-root disk's `source`, is required
    /// in profiles too, as in LXD. Neither mode requires a root disk device: that is a property of
    /// the expanded devices (instance plus profiles), which LXD checks separately.
    public static func validate(_ devices: DeviceMap, forProfile: Bool) throws(RoostError) {
        let target: DeviceTarget = forProfile ? .profile : .container
        for name in devices.keys.sorted() {
            if let reason = reason(name: name, config: devices[name] ?? [:], target: target, all: devices) {
                throw .badRequest("Device validation failed for \"\(name)\": \(reason)")
            }
        }
    }

    static func reason(name: String, config: [String: String], target: DeviceTarget, all: DeviceMap) -> String? {
        do {
            try Names.validateDevice(name)
        } catch {
            return error.message
        }
        if config["type", default: ""].isEmpty {
            return "Failed loading device \"\(name)\": Missing device type in config"
        }
        guard let spec = spec(for: config) else {
            return "Failed loading device \"\(name)\": Unsupported device type"
        }
        guard spec.supports(target) else { return "Unsupported device type" }
        if let reason = optionReason(spec, config, target) { return reason }
        if let reason = spec.check?(config, target) { return reason }
        return siblingReason(name: name, config: config, all: all)
    }

    /// The table for a device: by `type`, then `nictype`/`network` or `gputype`. Nil when LXD
    /// would find no implementation ("Unsupported device type").
    static func spec(for config: [String: String]) -> DeviceSpec? {
        guard let type = DeviceType(rawValue: config["type", default: ""]) else { return nil }
        switch type {
        case .none: return .noneDevice
        case .disk: return .disk
        case .nic:
            if !config["network", default: ""].isEmpty { return .nicWithNetwork }
            return DeviceSpec.nicByType[config["nictype", default: ""]]
        case .unixChar, .unixBlock: return .unixCharOrBlock
        case .unixHotplug: return .unixHotplug
        case .usb: return .usb
        case .gpu: return DeviceSpec.gpuByType[config["gputype", default: ""]]
        case .infiniband: return ["physical", "sriov"].contains(config["nictype", default: ""]) ? .infiniband : nil
        case .proxy: return .proxy
        case .tpm: return .tpm
        case .pci: return .pci
        }
    }

    /// Options refused beside `network`, then each known option (required, value type), then
    /// unknown options; in LXD's order, options sorted by name within each step.
    static func optionReason(_ spec: DeviceSpec, _ config: [String: String], _ target: DeviceTarget) -> String? {
        if DeviceChecks.isSet(config, "network") {
            for key in spec.bannedWithNetwork where DeviceChecks.isSet(config, key) {
                return "Cannot use \"\(key)\" property in conjunction with \"network\" property"
            }
        }
        for (key, type) in spec.keys.sorted(by: { $0.key < $1.key }) {
            let value = config[key, default: ""]
            if value.isEmpty {
                let required =
                    spec.required.contains(key) || (target == .container && spec.requiredOnContainers.contains(key))
                if required { return "Invalid value for device option \"\(key)\": Required value" }
                continue
            }
            if let reason = type.invalidReason(value) {
                return "Invalid value for device option \"\(key)\": \(reason)"
            }
        }
        let type = config["type", default: ""]
        for key in config.keys.sorted() where spec.keys[key] == nil && !isAlwaysAccepted(key, type: type) {
            return "Invalid device option \"\(key)\""
        }
        return nil
    }

    /// `type`, the variant selector of the type, and free-form `user.*` options.
    static func isAlwaysAccepted(_ key: String, type: String) -> Bool {
        if key == "type" || key.hasPrefix("user.") { return true }
        if key == "nictype" { return type == "nic" || type == "infiniband" }
        if key == "gputype" { return type == "gpu" }
        return false
    }

    /// Rules across the devices of one map: two disks may not share a mount path and two NICs may
    /// not share an interface name.
    static func siblingReason(name: String, config: [String: String], all: DeviceMap) -> String? {
        let type = config["type", default: ""]
        let (key, message): (String, (String) -> String)
        switch type {
        case "disk": (key, message) = ("path", { "More than one disk device uses the same path \"\($0)\"" })
        case "nic": (key, message) = ("name", { "Duplicate NIC name detected \"\($0)\"" })
        default: return nil
        }
        let value = config[key, default: ""]
        if value.isEmpty { return nil }
        for (other, otherConfig) in all where other != name {
            if otherConfig["type"] == type && otherConfig[key] == value { return message(value) }
        }
        return nil
    }
}
