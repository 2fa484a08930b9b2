/// Rules over several options of one device, with LXD's messages. Each returns the reason the
/// device is invalid, or nil. They run after every option has passed its own value check.
enum DeviceChecks {
    /// Disk rules from LXD's `disk.validateConfig`. LXD also checks at this point that a host
    /// source exists and that a pool and volume exist; those need the host and the database and
    /// belong to the daemon. Roost adds two rules: a host source path may not contain `..`, and a
    /// container may not use the VM-only `cloud-init:config` source (LXD refuses it at start).
    static func disk(_ config: [String: String], _ target: DeviceTarget) -> String? {
        let path = config["path", default: ""]
        let source = config["source", default: ""]
        let pool = config["pool", default: ""]
        let isRoot = path == "/"
        if isSet(config, "required") && isSet(config, "optional") {
            return "Cannot use both \"required\" and deprecated \"optional\" properties at the same time"
        }
        if source.isEmpty && !isRoot { return "Disk entry is missing the required \"source\" property" }
        if target == .container && source == "cloud-init:config" {
            return "disks with source=cloud-init:config are only supported by virtual machines"
        }
        if isRoot && !source.isEmpty { return "Root disk entry may not have a \"source\" property set" }
        if isRoot && pool.isEmpty { return "Root disk entry must have a \"pool\" property set" }
        if isSet(config, "size") && !isRoot { return "Only the root disk may have a size quota" }
        if isSet(config, "size.state") && !isRoot { return "Only the root disk may have a migration size quota" }
        if isSet(config, "recursive") && isRoot {
            return "The recursive option is only supported for additional bind-mounted paths"
        }
        if isTrue(config["recursive"]) && isTrue(config["readonly"]) {
            return "Recursive read-only bind-mounts aren't currently supported by the kernel"
        }
        let isCeph = source.hasPrefix("ceph:") || source.hasPrefix("cephfs:")
        if !isCeph && (isSet(config, "ceph.cluster_name") || isSet(config, "ceph.user_name")) {
            return "Invalid options ceph.cluster_name/ceph.user_name for source \"\(source)\""
        }
        let isHostPath = pool.isEmpty && !source.isEmpty && !isCeph && source != "cloud-init:config"
        if isHostPath && !source.hasPrefix("/") { return "Source path must be absolute for local sources" }
        if isHostPath && DeviceValues.hasDotDot(source) {
            return "Source path \"\(source)\" must not contain \"..\" components"
        }
        if !pool.isEmpty {
            if isSet(config, "shift") { return "The \"shift\" property cannot be used with custom storage volumes" }
            if source.hasPrefix("/") { return "Storage volumes cannot be specified as absolute paths" }
        }
        return nil
    }

    static func unix(_ config: [String: String], _ target: DeviceTarget) -> String? {
        if !isSet(config, "source") && !isSet(config, "path") {
            return "Unix device entry is missing the required \"source\" or \"path\" property"
        }
        if isSet(config, "major") != isSet(config, "minor") {
            return "Both major and minor must be supplied"
        }
        return nil
    }

    static func unixHotplug(_ config: [String: String], _ target: DeviceTarget) -> String? {
        if !isSet(config, "vendorid") && !isSet(config, "productid") {
            return "Unix hotplug devices require a vendorid or a productid"
        }
        return nil
    }

    /// Proxy rules from LXD's `proxy.validateConfig` (the network-forward conflict check needs the
    /// database and is the daemon's).
    static func proxy(_ config: [String: String], _ target: DeviceTarget) -> String? {
        guard let listen = try? ProxyAddress.parse(config["listen", default: ""]),
            let connect = try? ProxyAddress.parse(config["connect", default: ""])
        else { return nil }  // already reported by the value checks
        let portsMismatch =
            listen.connType == "unix" ? connect.portCount > 1 : connect.portCount > listen.portCount
        if portsMismatch { return "Mismatch between listen port(s) and connect port(s) count" }
        let nat = isTrue(config["nat"])
        if isTrue(config["proxy_protocol"]) && (connect.connType != "tcp" || nat) {
            return "The PROXY header can only be sent to tcp servers in non-nat mode"
        }
        let socketOptions = ["uid", "gid", "mode"].contains { isSet(config, $0) }
        if socketOptions && (listen.connType != "unix" || listen.isAbstract) {
            return "Only proxy devices for non-abstract unix sockets can carry uid, gid, or mode properties"
        }
        guard nat else { return nil }
        if isSet(config, "bind") && config["bind"] != "host" { return "Only host-bound proxies can use NAT" }
        if listen.connType == "unix" || connect.connType != listen.connType {
            return "Proxying \(listen.connType) <-> \(connect.connType) is not supported when using NAT"
        }
        if listen.isWildcard { return "Cannot listen on wildcard address \"\(listen.address)\" when in nat mode" }
        if listen.isIPv6 != connect.isIPv6 { return "Cannot mix IP versions between listen and connect in nat mode" }
        return nil
    }

    /// A GPU is chosen by `pci`, by `id`, or by `vendorid`/`productid`: one way at a time.
    static func gpu(_ config: [String: String], _ target: DeviceTarget) -> String? {
        for selector in ["pci", "id"] where isSet(config, selector) {
            for field in ["pci", "id", "productid", "vendorid"] where field != selector && isSet(config, field) {
                return "Cannot use \"\(field)\" when \"\(selector)\" is set"
            }
        }
        return nil
    }

    static func gpuMIG(_ config: [String: String], _ target: DeviceTarget) -> String? {
        if let reason = gpu(config, target) { return reason }
        if isSet(config, "mig.uuid") {
            for field in ["mig.gi", "mig.ci"] where isSet(config, field) {
                return "Cannot use \"\(field)\" when \"mig.uuid\" is set"
            }
        } else if !isSet(config, "mig.gi") || !isSet(config, "mig.ci") {
            return "Either \"mig.uuid\" or both \"mig.gi\" and \"mig.ci\" must be set"
        }
        return nil
    }

    static func nicBridged(_ config: [String: String], _ target: DeviceTarget) -> String? {
        let vlan = config["vlan", default: ""]
        for id in DeviceValues.list(config["vlan.tagged", default: ""]) where !vlan.isEmpty && id == vlan {
            return "Invalid value for device option \"vlan.tagged\": "
                + "Tagged VLAN ID \"\(id)\" cannot be the same as untagged VLAN ID"
        }
        let ipFiltering = isTrue(config["security.ipv4_filtering"]) || isTrue(config["security.ipv6_filtering"])
        if ipFiltering && (!vlan.isEmpty || isSet(config, "vlan.tagged")) {
            return "IP filtering cannot be used with VLAN filtering"
        }
        return nil
    }

    static func nicRouted(_ config: [String: String], _ target: DeviceTarget) -> String? {
        for family in ["ipv4", "ipv6"] {
            var seen: Set<String> = []
            for address in DeviceValues.list(config["\(family).address", default: ""]) where !address.isEmpty {
                if !seen.insert(address).inserted {
                    return "Duplicate address \"\(address)\" in \"\(family).address\""
                }
            }
            if isSet(config, "\(family).routes") && !isSet(config, "\(family).address") {
                return "\(family).routes requires \(family).address to be set"
            }
        }
        if !isSet(config, "parent") && isSet(config, "vlan") {
            return "The vlan setting can only be used when combined with a parent interface"
        }
        return nil
    }

    /// ipvlan takes CIDR addresses and gateway addresses only in `l2` mode (`l3s` is the default).
    static func nicIPVLAN(_ config: [String: String], _ target: DeviceTarget) -> String? {
        let l2 = config["mode"] == "l2"
        for (family, v6) in [("ipv4", false), ("ipv6", true)] {
            let name = v6 ? "IPv6" : "IPv4"
            for address in DeviceValues.list(config["\(family).address", default: ""])
            where !l2 && address.contains("/") {
                return "Invalid value for device option \"\(family).address\": Not an \(name) address \"\(address)\""
            }
            let gateway = config["\(family).gateway", default: ""]
            if gateway.isEmpty { continue }
            let valid =
                l2 ? DeviceValues.isAddress(Substring(gateway), v6: v6) : (gateway == "auto" || gateway == "none")
            if !valid {
                let reason = l2 ? "Not an \(name) address \"\(gateway)\"" : "Invalid gateway: \(gateway)"
                return "Invalid value for device option \"\(family).gateway\": \(reason)"
            }
        }
        return nil
    }

    static func isSet(_ config: [String: String], _ key: String) -> Bool {
        !(config[key] ?? "").isEmpty
    }

    /// LXD's `shared.IsTrue`.
    static func isTrue(_ value: String?) -> Bool {
        ["1", "yes", "true", "on"].contains((value ?? "").lowercased())
    }
}
