/// The writable part of a profile (`PUT /1.0/profiles/{name}`).
public struct ProfilePut: Codable, Sendable, Hashable {
    public var config: [String: String]
    public var description: String
    public var devices: DeviceMap

    public init(config: [String: String] = [:], description: String = "", devices: DeviceMap = [:]) {
        self.config = config
        self.description = description
        self.devices = devices
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        config = try container.lenient(.config, default: [:])
        description = try container.lenient(.description, default: "")
        devices = try container.lenient(.devices, default: [:])
    }
}

/// `PATCH /1.0/profiles/{name}`: only the fields present change; maps merge key by key, as in LXD.
public struct ProfilePatch: Codable, Sendable, Hashable {
    public var config: [String: String]?
    public var description: String?
    public var devices: DeviceMap?

    public init(config: [String: String]? = nil, description: String? = nil, devices: DeviceMap? = nil) {
        self.config = config
        self.description = description
        self.devices = devices
    }

    /// The result of applying this patch to `current`.
    public func applied(to current: ProfilePut) -> ProfilePut {
        var result = current
        if let config { result.config.merge(config) { _, new in new } }
        if let description { result.description = description }
        if let devices { result.devices.merge(devices) { _, new in new } }
        return result
    }
}

/// `POST /1.0/profiles`.
public struct ProfilesPost: Codable, Sendable, Hashable {
    public var name: String
    public var put: ProfilePut

    public init(name: String, put: ProfilePut = ProfilePut()) {
        self.name = name
        self.put = put
    }

    enum CodingKeys: String, CodingKey { case name }

    public init(from decoder: any Decoder) throws {
        name = try decoder.container(keyedBy: CodingKeys.self).lenient(.name, default: "")
        put = try ProfilePut(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        try put.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
    }
}

/// `POST /1.0/profiles/{name}`: rename.
public struct ProfilePost: Codable, Sendable, Hashable {
    public var name: String

    public init(name: String) { self.name = name }

    public init(from decoder: any Decoder) throws {
        name = try decoder.container(keyedBy: CodingKeys.self).lenient(.name, default: "")
    }
}

/// A profile as `GET /1.0/profiles/{name}` returns it.
public struct Profile: Codable, Sendable, Hashable {
    public var name: String
    public var description: String
    public var config: [String: String]
    public var devices: DeviceMap
    public var usedBy: [String]

    enum CodingKeys: String, CodingKey {
        case name, description, config, devices, usedBy = "used_by"
    }

    public init(name: String, put: ProfilePut, usedBy: [String]) {
        self.name = name
        self.description = put.description
        self.config = put.config
        self.devices = put.devices
        self.usedBy = usedBy
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.lenient(.name, default: "")
        description = try container.lenient(.description, default: "")
        config = try container.lenient(.config, default: [:])
        devices = try container.lenient(.devices, default: [:])
        usedBy = try container.lenient(.usedBy, default: [])
    }

    public var writable: ProfilePut { ProfilePut(config: config, description: description, devices: devices) }
}
