/// The writable part of an instance (`PUT /1.0/instances/{name}`).
public struct InstancePut: Codable, Sendable, Hashable {
    public var architecture: String
    public var config: [String: String]
    public var devices: DeviceMap
    public var ephemeral: Bool
    public var profiles: [String]
    public var stateful: Bool
    public var description: String

    public init(
        architecture: String = "", config: [String: String] = [:], devices: DeviceMap = [:],
        ephemeral: Bool = false, profiles: [String] = [], stateful: Bool = false, description: String = ""
    ) {
        self.architecture = architecture
        self.config = config
        self.devices = devices
        self.ephemeral = ephemeral
        self.profiles = profiles
        self.stateful = stateful
        self.description = description
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        architecture = try container.lenient(.architecture, default: "")
        config = try container.lenient(.config, default: [:])
        devices = try container.lenient(.devices, default: [:])
        ephemeral = try container.lenient(.ephemeral, default: false)
        profiles = try container.lenient(.profiles, default: [])
        stateful = try container.lenient(.stateful, default: false)
        description = try container.lenient(.description, default: "")
    }
}

/// `PATCH /1.0/instances/{name}`: absent fields keep their value; config and devices merge.
public struct InstancePatch: Codable, Sendable, Hashable {
    public var architecture: String?
    public var config: [String: String]?
    public var devices: DeviceMap?
    public var ephemeral: Bool?
    public var profiles: [String]?
    public var stateful: Bool?
    public var description: String?

    public init(
        architecture: String? = nil, config: [String: String]? = nil, devices: DeviceMap? = nil,
        ephemeral: Bool? = nil, profiles: [String]? = nil, stateful: Bool? = nil, description: String? = nil
    ) {
        self.architecture = architecture
        self.config = config
        self.devices = devices
        self.ephemeral = ephemeral
        self.profiles = profiles
        self.stateful = stateful
        self.description = description
    }

    public func applied(to current: InstancePut) -> InstancePut {
        var result = current
        if let architecture { result.architecture = architecture }
        if let config { result.config.merge(config) { _, new in new } }
        if let devices { result.devices.merge(devices) { _, new in new } }
        if let ephemeral { result.ephemeral = ephemeral }
        if let profiles { result.profiles = profiles }
        if let stateful { result.stateful = stateful }
        if let description { result.description = description }
        return result
    }
}

/// Where a new instance comes from. Roost accepts `none` (an empty record) for now.
public struct InstanceSource: Codable, Sendable, Hashable {
    public var type: String
    public var fingerprint: String
    public var alias: String
    public var source: String

    public init(type: String = "none", fingerprint: String = "", alias: String = "", source: String = "") {
        self.type = type
        self.fingerprint = fingerprint
        self.alias = alias
        self.source = source
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.lenient(.type, default: "")
        fingerprint = try container.lenient(.fingerprint, default: "")
        alias = try container.lenient(.alias, default: "")
        source = try container.lenient(.source, default: "")
    }
}

/// `POST /1.0/instances`.
public struct InstancesPost: Codable, Sendable, Hashable {
    public var name: String
    public var type: String
    public var source: InstanceSource
    /// `nil` (JSON `null` or absent) means "the default profile", as in LXD; `[]` means none.
    public var profiles: [String]?
    public var architecture: String
    public var config: [String: String]
    public var devices: DeviceMap
    public var ephemeral: Bool
    public var stateful: Bool
    public var description: String
    public var instanceType: String

    enum CodingKeys: String, CodingKey {
        case name, type, source, profiles, architecture, config, devices, ephemeral, stateful, description
        case instanceType = "instance_type"
    }

    public init(
        name: String, type: String = "container", source: InstanceSource = InstanceSource(),
        profiles: [String]? = nil, put: InstancePut = InstancePut(), instanceType: String = ""
    ) {
        self.name = name
        self.type = type
        self.source = source
        self.profiles = profiles
        self.architecture = put.architecture
        self.config = put.config
        self.devices = put.devices
        self.ephemeral = put.ephemeral
        self.stateful = put.stateful
        self.description = put.description
        self.instanceType = instanceType
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.lenient(.name, default: "")
        type = try container.lenient(.type, default: "")
        source = try container.lenient(.source, default: InstanceSource(type: ""))
        profiles = try container.decodeIfPresent([String].self, forKey: .profiles)
        architecture = try container.lenient(.architecture, default: "")
        config = try container.lenient(.config, default: [:])
        devices = try container.lenient(.devices, default: [:])
        ephemeral = try container.lenient(.ephemeral, default: false)
        stateful = try container.lenient(.stateful, default: false)
        description = try container.lenient(.description, default: "")
        instanceType = try container.lenient(.instanceType, default: "")
    }
}

/// `POST /1.0/instances/{name}`: rename (migration and moves come with clustering).
public struct InstancePost: Codable, Sendable, Hashable {
    public var name: String
    public var migration: Bool
    public var live: Bool

    public init(name: String, migration: Bool = false, live: Bool = false) {
        self.name = name
        self.migration = migration
        self.live = live
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.lenient(.name, default: "")
        migration = try container.lenient(.migration, default: false)
        live = try container.lenient(.live, default: false)
    }
}

/// An instance as `GET /1.0/instances/{name}` returns it; with `recursion=2` the list adds
/// `state`, `snapshots` and `backups` (LXD's `InstanceFull`).
public struct Instance: Codable, Sendable, Hashable {
    public var architecture: String
    public var config: [String: String]
    public var devices: DeviceMap
    public var ephemeral: Bool
    public var profiles: [String]
    public var stateful: Bool
    public var description: String
    public var createdAt: Timestamp
    public var expandedConfig: [String: String]
    public var expandedDevices: DeviceMap
    public var name: String
    public var status: String
    public var statusCode: Int
    public var lastUsedAt: Timestamp
    public var location: String
    public var type: String
    public var project: String
    /// Only in `recursion=2` lists (`InstanceFull`).
    public var state: InstanceState?
    public var snapshots: [JSONValue]?
    public var backups: [JSONValue]?
    /// Whether to encode `state`/`snapshots`/`backups` (present, possibly `null`) as LXD's InstanceFull does.
    public var isFull: Bool = false

    enum CodingKeys: String, CodingKey {
        case architecture, config, devices, ephemeral, profiles, stateful, description
        case createdAt = "created_at", expandedConfig = "expanded_config", expandedDevices = "expanded_devices"
        case name, status, statusCode = "status_code", lastUsedAt = "last_used_at", location, type, project
        case backups, state, snapshots
    }

    public init(
        name: String, put: InstancePut, createdAt: Timestamp, lastUsedAt: Timestamp = .epoch,
        expandedConfig: [String: String], expandedDevices: DeviceMap, status: StatusCode = .stopped,
        location: String = "none", type: String = "container", project: String = "default"
    ) {
        self.architecture = put.architecture
        self.config = put.config
        self.devices = put.devices
        self.ephemeral = put.ephemeral
        self.profiles = put.profiles
        self.stateful = put.stateful
        self.description = put.description
        self.createdAt = createdAt
        self.expandedConfig = expandedConfig
        self.expandedDevices = expandedDevices
        self.name = name
        self.status = status.text
        self.statusCode = status.rawValue
        self.lastUsedAt = lastUsedAt
        self.location = location
        self.type = type
        self.project = project
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        architecture = try container.lenient(.architecture, default: "")
        config = try container.lenient(.config, default: [:])
        devices = try container.lenient(.devices, default: [:])
        ephemeral = try container.lenient(.ephemeral, default: false)
        profiles = try container.lenient(.profiles, default: [])
        stateful = try container.lenient(.stateful, default: false)
        description = try container.lenient(.description, default: "")
        createdAt = try container.lenient(.createdAt, default: .epoch)
        expandedConfig = try container.lenient(.expandedConfig, default: [:])
        expandedDevices = try container.lenient(.expandedDevices, default: [:])
        name = try container.lenient(.name, default: "")
        status = try container.lenient(.status, default: "")
        statusCode = try container.lenient(.statusCode, default: 0)
        lastUsedAt = try container.lenient(.lastUsedAt, default: .epoch)
        location = try container.lenient(.location, default: "")
        type = try container.lenient(.type, default: "")
        project = try container.lenient(.project, default: "")
        state = try container.decodeIfPresent(InstanceState.self, forKey: .state)
        snapshots = try container.decodeIfPresent([JSONValue].self, forKey: .snapshots)
        backups = try container.decodeIfPresent([JSONValue].self, forKey: .backups)
        isFull = container.contains(.state)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(architecture, forKey: .architecture)
        try container.encode(config, forKey: .config)
        try container.encode(devices, forKey: .devices)
        try container.encode(ephemeral, forKey: .ephemeral)
        try container.encode(profiles, forKey: .profiles)
        try container.encode(stateful, forKey: .stateful)
        try container.encode(description, forKey: .description)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(expandedConfig, forKey: .expandedConfig)
        try container.encode(expandedDevices, forKey: .expandedDevices)
        try container.encode(name, forKey: .name)
        try container.encode(status, forKey: .status)
        try container.encode(statusCode, forKey: .statusCode)
        try container.encode(lastUsedAt, forKey: .lastUsedAt)
        try container.encode(location, forKey: .location)
        try container.encode(type, forKey: .type)
        try container.encode(project, forKey: .project)
        if isFull {
            try container.encode(backups, forKey: .backups)
            try container.encode(state, forKey: .state)
            try container.encode(snapshots, forKey: .snapshots)
        }
    }

    public var writable: InstancePut {
        InstancePut(
            architecture: architecture, config: config, devices: devices, ephemeral: ephemeral,
            profiles: profiles, stateful: stateful, description: description)
    }
}

/// `GET /1.0/instances/{name}/state`. Until the runtime lands every instance is stopped.
public struct InstanceState: Codable, Sendable, Hashable {
    public var status: String
    public var statusCode: Int
    public var disk: [String: JSONValue]
    public var memory: [String: Int64]
    public var network: [String: JSONValue]?
    public var pid: Int64
    public var processes: Int64
    public var cpu: [String: Int64]

    enum CodingKeys: String, CodingKey {
        case status, statusCode = "status_code", disk, memory, network, pid, processes, cpu
    }

    public static let stopped = InstanceState(
        status: StatusCode.stopped.text, statusCode: StatusCode.stopped.rawValue, disk: [:],
        memory: ["usage": 0, "usage_peak": 0, "swap_usage": 0, "swap_usage_peak": 0], network: nil, pid: 0,
        processes: 0, cpu: ["usage": 0])

    public init(
        status: String, statusCode: Int, disk: [String: JSONValue], memory: [String: Int64],
        network: [String: JSONValue]?, pid: Int64, processes: Int64, cpu: [String: Int64]
    ) {
        self.status = status
        self.statusCode = statusCode
        self.disk = disk
        self.memory = memory
        self.network = network
        self.pid = pid
        self.processes = processes
        self.cpu = cpu
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        status = try container.lenient(.status, default: "")
        statusCode = try container.lenient(.statusCode, default: 0)
        disk = try container.lenient(.disk, default: [:])
        memory = try container.lenient(.memory, default: [:])
        network = try container.decodeIfPresent([String: JSONValue].self, forKey: .network)
        pid = try container.lenient(.pid, default: 0)
        processes = try container.lenient(.processes, default: 0)
        cpu = try container.lenient(.cpu, default: [:])
    }

    /// `network` is `null` when absent, as Go encodes a nil map.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(status, forKey: .status)
        try container.encode(statusCode, forKey: .statusCode)
        try container.encode(disk, forKey: .disk)
        try container.encode(memory, forKey: .memory)
        try container.encode(network, forKey: .network)
        try container.encode(pid, forKey: .pid)
        try container.encode(processes, forKey: .processes)
        try container.encode(cpu, forKey: .cpu)
    }
}
