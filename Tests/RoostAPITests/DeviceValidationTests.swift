import Testing

@testable import RoostAPI

/// Validates `devices` and returns the error message, or nil when accepted.
private func rejection(devices: DeviceMap, forProfile: Bool = false) -> String? {
    do {
        try Devices.validate(devices, forProfile: forProfile)
        return nil
    } catch {
        #expect(error.code == .badRequest)
        return error.message
    }
}

/// Validates one device named `dev` and returns the error message, or nil when accepted.
private func rejection(_ device: [String: String], forProfile: Bool = false) -> String? {
    rejection(devices: ["dev": device], forProfile: forProfile)
}

private let rootDisk = ["type": "disk", "path": "/", "pool": "default"]

@Suite("Device validation")
struct DeviceValidationTests {
    // MARK: Devices from the LXD documentation

    @Test(
        "Typical devices are accepted on instances and in profiles",
        arguments: [
            rootDisk,
            ["type": "disk", "path": "/", "pool": "default", "size": "20GiB"],
            ["type": "disk", "source": "/srv/data", "path": "/mnt/data", "readonly": "true"],
            ["type": "disk", "pool": "default", "source": "vol1", "path": "/data"],
            ["type": "nic", "network": "lxdbr0", "name": "eth0"],
            ["type": "nic", "nictype": "bridged", "parent": "br0", "hwaddr": "00:16:3e:12:34:56", "mtu": "1500"],
            ["type": "nic", "nictype": "macvlan", "parent": "enp5s0", "vlan": "10"],
            ["type": "nic", "nictype": "p2p", "limits.ingress": "100Mbit", "limits.egress": "1Gbit"],
            ["type": "nic", "nictype": "routed", "parent": "eth0", "ipv4.address": "192.0.2.10, 192.0.2.11"],
            ["type": "nic", "nictype": "ipvlan", "parent": "eth0", "mode": "l2", "ipv4.address": "192.0.2.5/24"],
            ["type": "unix-char", "path": "/dev/fuse"],
            ["type": "unix-block", "source": "/dev/sdb", "path": "/dev/xvdb", "mode": "0660", "uid": "1000"],
            ["type": "unix-hotplug", "vendorid": "0781"],
            ["type": "usb", "vendorid": "046d", "productid": "c52b"],
            ["type": "gpu", "pci": "0000:01:00.0"],
            ["type": "gpu", "gputype": "mig", "mig.uuid": "MIG-6f4ee793-8e4e-4c12-a0c5-29531f9ffd70"],
            ["type": "infiniband", "nictype": "physical", "parent": "ib0"],
            ["type": "proxy", "listen": "tcp:0.0.0.0:80", "connect": "tcp:127.0.0.1:8080"],
            ["type": "proxy", "listen": "unix:/run/app.sock", "connect": "unix:/run/app.sock", "mode": "0600"],
            ["type": "proxy", "listen": "tcp:192.0.2.1:8000-8009", "connect": "tcp:[::1]:80", "bind": "host"],
            ["type": "tpm", "path": "/dev/tpm0"],
            ["type": "none"],
        ])
    func acceptsTypicalDevices(device: [String: String]) {
        #expect(rejection(device) == nil)
        #expect(rejection(device, forProfile: true) == nil)
    }

    @Test("A default profile with a root disk and a bridged NIC is accepted")
    func acceptsDefaultProfile() {
        let devices: DeviceMap = ["root": rootDisk, "eth0": ["type": "nic", "network": "lxdbr0", "name": "eth0"]]
        #expect(rejection(devices: devices, forProfile: true) == nil)
        #expect(rejection(devices: [:], forProfile: false) == nil)
    }

    @Test("user.* options are free-form on every device type")
    func acceptsUserOptions() {
        #expect(rejection(["type": "none", "user.comment": "anything"]) == nil)
        #expect(rejection(rootDisk.merging(["user.note": "x"]) { $1 }) == nil)
    }

    // MARK: Type

    @Test("An unknown type is unsupported")
    func rejectsUnknownType() {
        #expect(
            rejection(["type": "floppy"])
                == "Device validation failed for \"dev\": Failed loading device \"dev\": Unsupported device type")
    }

    @Test("A device without a type is refused with LXD's message")
    func rejectsMissingType() {
        #expect(
            rejection(["path": "/mnt"])
                == "Device validation failed for \"dev\": Failed loading device \"dev\": Missing device type in config")
    }

    @Test("A bad device name is refused")
    func rejectsBadDeviceName() {
        #expect(rejection(devices: ["a/b": ["type": "none"]])?.contains("Invalid device name \"a/b\"") == true)
    }

    // MARK: Options

    @Test("An option the type does not take is refused")
    func rejectsUnknownOption() {
        #expect(
            rejection(rootDisk.merging(["foo": "bar"]) { $1 })
                == "Device validation failed for \"dev\": Invalid device option \"foo\"")
        #expect(rejection(["type": "none", "path": "/x"])?.hasSuffix("Invalid device option \"path\"") == true)
        // Options LXD added after 5.0 are unknown to 5.0.
        #expect(rejection(rootDisk.merging(["io.bus": "nvme"]) { $1 })?.contains("Invalid device option") == true)
    }

    @Test(
        "Bad values are refused with the option named",
        arguments: [
            (["type": "nic", "nictype": "bridged", "parent": "br0", "hwaddr": "00:16:3e:zz:34:56"], "hwaddr"),
            (["type": "nic", "nictype": "bridged", "parent": "br0", "hwaddr": "00-16-3e-12-34-56"], "hwaddr"),
            (["type": "nic", "nictype": "bridged", "parent": "br0", "mtu": "-1"], "mtu"),
            (["type": "nic", "nictype": "bridged", "parent": "br0", "mtu": "100"], "mtu"),
            (["type": "nic", "nictype": "macvlan", "parent": "eth0", "vlan": "4095"], "vlan"),
            (["type": "nic", "nictype": "p2p", "limits.max": "10 MB"], "limits.max"),
            (["type": "nic", "nictype": "routed", "ipv4.address": "192.0.2.300"], "ipv4.address"),
            (["type": "disk", "path": "/", "pool": "default", "readonly": "maybe"], "readonly"),
            (["type": "disk", "path": "/", "pool": "default", "size": "1.5GB"], "size"),
            (["type": "disk", "source": "/srv", "path": "/srv", "limits.read": "fast"], "limits.read"),
            (["type": "unix-char", "path": "/dev/x", "major": "-3"], "major"),
            (["type": "unix-char", "path": "/dev/x", "mode": "0999"], "mode"),
            (["type": "usb", "vendorid": "046D"], "vendorid"),
            (["type": "gpu", "gputype": "physical", "pci": "zz:00.0"], "pci"),
        ])
    func rejectsBadValues(device: [String: String], option: String) {
        let message = rejection(device)
        #expect(
            message?.hasPrefix("Device validation failed for \"dev\": Invalid value for device option \"\(option)\": ")
                == true, "\(message ?? "accepted")")
    }

    @Test("A disk limit is a byte rate or an operation rate")
    func diskRates() {
        let disk = ["type": "disk", "source": "/srv", "path": "/srv"]
        for rate in ["10MB", "1GiB", "20iops", "100"] {
            #expect(rejection(disk.merging(["limits.write": rate]) { $1 }) == nil, "\(rate)")
        }
        #expect(rejection(disk.merging(["limits.write": "100Mbit"]) { $1 }) != nil)
    }

    // MARK: Disks

    @Test("A relative or escaping disk path is refused")
    func rejectsBadDiskPaths() {
        let relative = rejection(["type": "disk", "source": "/srv", "path": "mnt/data"])
        #expect(
            relative == "Device validation failed for \"dev\": Invalid value for device option \"path\": "
                + "Path \"mnt/data\" must be absolute")
        for path in ["/mnt/../etc", "/..", "/a/b/../../.."] {
            let message = rejection(["type": "disk", "source": "/srv", "path": path])
            #expect(message?.contains("must not contain \"..\" components") == true, "\(path)")
        }
        let source = rejection(["type": "disk", "source": "/srv/../etc", "path": "/mnt"])
        #expect(source?.contains("Source path \"/srv/../etc\" must not contain \"..\" components") == true)
        #expect(
            rejection(["type": "disk", "source": "srv", "path": "/mnt"])?.hasSuffix(
                "Source path must be absolute for local sources") == true)
    }

    @Test("A root disk needs a pool and no source; other disks need a source")
    func diskRequirements() {
        #expect(
            rejection(["type": "disk", "path": "/"])?.hasSuffix("Root disk entry must have a \"pool\" property set")
                == true)
        #expect(
            rejection(["type": "disk", "path": "/", "pool": "p", "source": "/x"])?.hasSuffix(
                "Root disk entry may not have a \"source\" property set") == true)
        #expect(
            rejection(["type": "disk", "path": "/mnt"])?.hasSuffix(
                "Disk entry is missing the required \"source\" property") == true)
        #expect(
            rejection(["type": "disk", "source": "/srv", "path": "/srv", "size": "1GiB"])?.hasSuffix(
                "Only the root disk may have a size quota") == true)
        #expect(
            rejection(["type": "disk", "pool": "p", "source": "/abs", "path": "/m"])?.hasSuffix(
                "Storage volumes cannot be specified as absolute paths") == true)
    }

    @Test("A container disk needs a path; a profile disk does not (as in LXD)")
    func diskPathRequiredOnInstancesOnly() {
        let disk = ["type": "disk", "pool": "default", "source": "vol1"]
        #expect(
            rejection(disk)
                == "Device validation failed for \"dev\": Invalid value for device option \"path\": Required value")
        #expect(rejection(disk, forProfile: true) == nil)
        let cloudInit = ["type": "disk", "source": "cloud-init:config"]
        #expect(rejection(cloudInit, forProfile: true) == nil)
        #expect(
            rejection(cloudInit.merging(["path": "/x"]) { $1 })?.hasSuffix("only supported by virtual machines") == true
        )
    }

    @Test("Two disks may not share a path")
    func rejectsDuplicateDiskPaths() {
        let devices: DeviceMap = [
            "a": ["type": "disk", "source": "/srv/a", "path": "/data"],
            "b": ["type": "disk", "source": "/srv/b", "path": "/data"],
        ]
        #expect(
            rejection(devices: devices)
                == "Device validation failed for \"a\": More than one disk device uses the same path \"/data\"")
    }

    // MARK: NICs

    @Test("A NIC needs nictype or network")
    func rejectsNICWithoutType() {
        #expect(rejection(["type": "nic", "parent": "br0"])?.hasSuffix("Unsupported device type") == true)
        #expect(
            rejection(["type": "nic", "nictype": "tunnel", "parent": "br0"])?.hasSuffix("Unsupported device type")
                == true)
    }

    @Test(
        "macvlan, bridged, sriov, physical and ipvlan NICs need a parent",
        arguments: ["macvlan", "bridged", "sriov", "physical", "ipvlan"])
    func rejectsNICWithoutParent(nictype: String) {
        #expect(
            rejection(["type": "nic", "nictype": nictype])
                == "Device validation failed for \"dev\": Invalid value for device option \"parent\": Required value")
    }

    @Test("Options a network supplies are refused beside network")
    func rejectsNetworkConflicts() {
        #expect(
            rejection(["type": "nic", "network": "lxdbr0", "nictype": "bridged"])?.hasSuffix(
                "Cannot use \"nictype\" property in conjunction with \"network\" property") == true)
        #expect(
            rejection(["type": "nic", "network": "lxdbr0", "parent": "br0"])?.hasSuffix(
                "Cannot use \"parent\" property in conjunction with \"network\" property") == true)
        #expect(
            rejection(["type": "nic", "nictype": "ovn"])?.hasSuffix(
                "Invalid value for device option \"network\": Required value") == true)
    }

    @Test("Routed NICs need an address for their routes; NIC names are unique")
    func nicCrossChecks() {
        #expect(
            rejection(["type": "nic", "nictype": "routed", "ipv4.routes": "198.51.100.0/24"])?.hasSuffix(
                "ipv4.routes requires ipv4.address to be set") == true)
        #expect(
            rejection([
                "type": "nic", "nictype": "routed", "ipv4.address": "192.0.2.1", "ipv4.routes": "198.51.100.1/24",
            ])?
            .contains("Not an IPv4 network address") == true)
        let devices: DeviceMap = [
            "eth0": ["type": "nic", "network": "lxdbr0", "name": "eth0"],
            "eth1": ["type": "nic", "nictype": "p2p", "name": "eth0"],
        ]
        #expect(rejection(devices: devices)?.hasSuffix("Duplicate NIC name detected \"eth0\"") == true)
    }

    // MARK: Other types

    @Test("unix-char needs a source or a path; its source must be a /dev node")
    func unixDevices() {
        #expect(
            rejection(["type": "unix-char", "mode": "0600"])?.hasSuffix(
                "Unix device entry is missing the required \"source\" or \"path\" property") == true)
        #expect(
            rejection(["type": "unix-char", "source": "/etc/shadow"])?.hasSuffix("Path needs to be in /dev") == true)
        #expect(
            rejection(["type": "unix-hotplug"])?.hasSuffix("Unix hotplug devices require a vendorid or a productid")
                == true)
    }

    @Test(
        "Bad proxy addresses are refused",
        arguments: [
            ("ftp:1.2.3.4:21", "Unknown protocol type \"ftp\""),
            ("tcp:1.2.3.4", "address 1.2.3.4: missing port in address"),
            ("tcp:example.com:80", "Not an IP address \"example.com\""),
            ("tcp:1.2.3.4:99999", "Invalid port \"99999\""),
            ("tcp:1.2.3.4:90-80", "Invalid port range \"90-80\""),
            ("unix:relative.sock", "Invalid unix socket path \"relative.sock\""),
            ("tcp", "Invalid proxy address \"tcp\""),
        ])
    func rejectsBadProxyAddresses(listen: String, reason: String) {
        let message = rejection(["type": "proxy", "listen": listen, "connect": "tcp:127.0.0.1:80"])
        #expect(
            message == "Device validation failed for \"dev\": Invalid value for device option \"listen\": \(reason)")
    }

    @Test("Proxy rules over several options")
    func proxyCrossChecks() {
        #expect(
            rejection(["type": "proxy", "listen": "tcp:0.0.0.0:80"])?.hasSuffix(
                "Invalid value for device option \"connect\": Required value") == true)
        #expect(
            rejection(["type": "proxy", "listen": "tcp:0.0.0.0:80", "connect": "tcp:127.0.0.1:80-81"])?.hasSuffix(
                "Mismatch between listen port(s) and connect port(s) count") == true)
        #expect(
            rejection(["type": "proxy", "listen": "tcp:0.0.0.0:80", "connect": "tcp:127.0.0.1:80", "uid": "1"])?
                .hasSuffix("Only proxy devices for non-abstract unix sockets can carry uid, gid, or mode properties")
                == true)
        #expect(
            rejection(["type": "proxy", "listen": "tcp:0.0.0.0:80", "connect": "tcp:10.0.0.2:80", "nat": "true"])?
                .hasSuffix("Cannot listen on wildcard address \"0.0.0.0\" when in nat mode") == true)
    }

    @Test("VM-only devices are unsupported on (container) instances but accepted in profiles")
    func vmOnlyDevices() {
        for device in [
            ["type": "pci", "address": "0000:05:00.0"], ["type": "gpu", "gputype": "mdev", "mdev": "i915-GVTg_V5_4"],
        ] {
            #expect(rejection(device) == "Device validation failed for \"dev\": Unsupported device type")
            #expect(rejection(device, forProfile: true) == nil)
        }
        #expect(rejection(["type": "gpu", "gputype": "vgpu"])?.hasSuffix("Unsupported device type") == true)
        #expect(
            rejection(["type": "gpu", "pci": "01:00.0", "vendorid": "10de"])?.hasSuffix(
                "Cannot use \"vendorid\" when \"pci\" is set") == true)
    }

    @Test("A TPM needs a path on a container only")
    func tpmPath() {
        #expect(
            rejection(["type": "tpm"])?.hasSuffix("Invalid value for device option \"path\": Required value") == true)
        #expect(rejection(["type": "tpm"], forProfile: true) == nil)
    }

    @Test("Devices are checked in name order, so the first error is deterministic")
    func firstErrorInNameOrder() {
        let devices: DeviceMap = ["b": ["type": "floppy"], "a": ["type": "disk", "path": "/"]]
        #expect(rejection(devices: devices)?.hasPrefix("Device validation failed for \"a\":") == true)
    }

    // MARK: Architectures

    @Test(
        "Known architectures, aliases and the empty name are accepted",
        arguments: Architectures.known + ["", "amd64", "arm64"])
    func acceptsArchitectures(name: String) throws {
        try Architectures.validate(name)
    }

    @Test("An unknown architecture is refused with LXD's message")
    func rejectsUnknownArchitecture() {
        #expect(throws: RoostError.badRequest("Architecture isn't supported: vax")) {
            try Architectures.validate("vax")
        }
        #expect(throws: RoostError.self) { try Architectures.validate("X86_64") }
        #expect(Architectures.canonicalName("amd64") == "x86_64")
        #expect(Architectures.canonicalName("armhf") == "armv7l")
        #expect(Architectures.canonicalName("x86_64") == "x86_64")
        #expect(Architectures.canonicalName("vax") == nil)
    }

    @Test("Every required option of every table is an option of that table")
    func tablesAreConsistent() {
        var specs: [DeviceSpec] = [
            .noneDevice, .disk, .unixCharOrBlock, .unixHotplug, .usb, .proxy, .tpm, .pci, .infiniband,
        ]
        specs += DeviceSpec.gpuByType.values
        specs += DeviceSpec.nicByType.values
        specs.append(.nicWithNetwork)
        for spec in specs {
            #expect(spec.required.union(spec.requiredOnContainers).isSubset(of: Set(spec.keys.keys)))
        }
        #expect(DeviceSpec.disk.keys.count == 18)
        #expect(DeviceSpec.nicBridged.keys.count == 24)
    }
}
