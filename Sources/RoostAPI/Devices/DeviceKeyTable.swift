/// LXD 5.0.2's device option tables, one per device type or variant. Adding an option is one line.
///
/// Options LXD added after 5.0.2 (`io.bus`, `io.cache`, `initial.*` and `source.type`/`snapshot`
/// on disks, `queue.tx.length`, `security.acls` on bridged NICs, `nested`/`vlan` on OVN NICs…) are
/// not listed, so they are refused as in LXD 5.0.
extension DeviceSpec {
    /// `none`: no options (it only masks a profile device of the same name).
    static let noneDevice = DeviceSpec(keys: [:])

    static let disk = DeviceSpec(
        keys: [
            "path": .instancePath,
            "source": .string,  // a host path, a volume name, ceph:/cephfs:…; see DeviceChecks.disk
            "pool": .string,
            "readonly": .bool,
            "required": .bool,
            "optional": .bool,  // deprecated spelling of required=false, still accepted by 5.0
            "recursive": .bool,
            "shift": .bool,
            "propagation": .config(
                .oneOf(["private", "shared", "slave", "unbindable", "rshared", "rslave", "runbindable", "rprivate"])),
            "size": .byteSize,
            "size.state": .byteSize,
            "limits.read": .diskRate,
            "limits.write": .diskRate,
            "limits.max": .diskRate,
            "raw.mount.options": .string,
            "ceph.cluster_name": .string,
            "ceph.user_name": .string,
            "boot.priority": .uint32,
        ],
        requiredOnContainers: ["path"],
        check: DeviceChecks.disk)

    static let unixCharOrBlock = DeviceSpec(
        keys: [
            "source": .hostDevicePath,
            "path": .instancePath,
            "major": .unixDeviceNumber,
            "minor": .unixDeviceNumber,
            "uid": .unixID,
            "gid": .unixID,
            "mode": .octalMode,
            "required": .bool,
        ],
        support: .containersOnly,
        check: DeviceChecks.unix)

    static let unixHotplug = DeviceSpec(
        keys: [
            "vendorid": .deviceID,
            "productid": .deviceID,
            "uid": .unixID,
            "gid": .unixID,
            "mode": .octalMode,
            "required": .bool,
        ],
        support: .containersOnly,
        check: DeviceChecks.unixHotplug)

    static let usb = DeviceSpec(
        keys: [
            "vendorid": .deviceID,
            "productid": .deviceID,
            "uid": .unixID,
            "gid": .unixID,
            "mode": .octalMode,
            "required": .bool,
        ])

    static let proxy = DeviceSpec(
        keys: [
            "listen": .proxyAddress,
            "connect": .proxyAddress,
            "bind": .bindSide,
            "mode": .octalMode,
            "nat": .bool,
            "uid": .unixID,
            "gid": .unixID,
            "security.uid": .unixID,
            "security.gid": .unixID,
            "proxy_protocol": .bool,
        ],
        required: ["listen", "connect"],
        check: DeviceChecks.proxy)

    /// LXD 5.0 requires `path` on containers; `pathrm` came later and is accepted but optional.
    static let tpm = DeviceSpec(
        keys: ["path": .instancePath, "pathrm": .instancePath],
        requiredOnContainers: ["path"])

    static let pci = DeviceSpec(keys: ["address": .pciAddress], required: ["address"], support: .vmsOnly)

    static let infiniband = DeviceSpec(
        keys: ["parent": .interfaceName, "name": .interfaceName, "mtu": .mtu, "hwaddr": .infinibandMAC],
        required: ["parent"],
        support: .containersOnly)

    // MARK: GPU variants (`gputype`)

    private static let gpuCommon: [String: DeviceValueType] = [
        "vendorid": .deviceID, "productid": .deviceID, "id": .string, "pci": .pciAddress,
    ]

    static let gpuPhysical = DeviceSpec(
        keys: gpuCommon.merging(["uid": .unixID, "gid": .unixID, "mode": .octalMode]) { $1 },
        check: DeviceChecks.gpu)

    static let gpuMdev = DeviceSpec(
        keys: gpuCommon.merging(["mdev": .string]) { $1 }, required: ["mdev"], support: .vmsOnly,
        check: DeviceChecks.gpu)

    static let gpuMIG = DeviceSpec(
        keys: gpuCommon.merging([
            "mig.gi": .config(.integerRange(min: 0, max: 255)),
            "mig.ci": .config(.integerRange(min: 0, max: 255)),
            "mig.uuid": .migUUID,
        ]) { $1 },
        support: .containersOnly,
        check: DeviceChecks.gpuMIG)

    static let gpuSRIOV = DeviceSpec(keys: gpuCommon, support: .vmsOnly, check: DeviceChecks.gpu)

    /// `gputype` → variant; an empty `gputype` means `physical`.
    static let gpuByType: [String: DeviceSpec] = [
        "": gpuPhysical, "physical": gpuPhysical, "mdev": gpuMdev, "mig": gpuMIG, "sriov": gpuSRIOV,
    ]
}

extension DeviceValueType {
    static let string = DeviceValueType.config(.string)
    static let bool = DeviceValueType.config(.bool)
    static let uint32 = DeviceValueType.config(.uint32)
    static let byteSize = DeviceValueType.config(.byteSize)
}
