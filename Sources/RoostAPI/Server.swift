/// `PUT /1.0`: the server's writable config. LXD decodes values of any JSON scalar type and
/// stores them as strings; arrays and objects are rejected.
public struct ServerPut: Codable, Sendable, Hashable {
    public var config: [String: String]

    public init(config: [String: String] = [:]) { self.config = config }

    enum CodingKeys: String, CodingKey { case config }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let raw = try container.decodeIfPresent([String: JSONValue].self, forKey: .config) ?? [:]
        config = try raw.mapValues { value in
            switch value {
            case .string(let text): return text
            case .bool(let flag): return flag ? "true" : "false"
            case .number(let number):
                return number.rounded() == number && abs(number) < 9.0e15 ? String(Int64(number)) : String(number)
            case .null: return ""
            case .array, .object:
                throw DecodingError.typeMismatch(
                    String.self,
                    .init(codingPath: [CodingKeys.config], debugDescription: "Config values must be scalars"))
            }
        }
    }
}

/// `PATCH /1.0`: keys present override, others stay.
public struct ServerPatch: Codable, Sendable, Hashable {
    public var config: [String: String]?

    enum CodingKeys: String, CodingKey { case config }

    public init(config: [String: String]?) { self.config = config }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        config = container.contains(.config) ? try ServerPut(from: decoder).config : nil
    }
}

/// `environment` of `GET /1.0`, with the fields the stock `lxc info` prints.
public struct ServerEnvironment: Codable, Sendable, Hashable {
    public var addresses: [String]
    public var architectures: [String]
    public var certificate: String
    public var certificateFingerprint: String
    public var driver: String
    public var driverVersion: String
    public var firewall: String
    public var kernel: String
    public var kernelArchitecture: String
    public var kernelFeatures: [String: String]
    public var kernelVersion: String
    public var osName: String
    public var osVersion: String
    public var project: String
    public var server: String
    public var serverClustered: Bool
    public var serverEventMode: String
    public var serverName: String
    public var serverPid: Int
    public var serverVersion: String
    public var storage: String
    public var storageVersion: String
    public var storageSupportedDrivers: [StorageDriverInfo]

    enum CodingKeys: String, CodingKey {
        case addresses, architectures, certificate
        case certificateFingerprint = "certificate_fingerprint"
        case driver, driverVersion = "driver_version", firewall, kernel
        case kernelArchitecture = "kernel_architecture", kernelFeatures = "kernel_features"
        case kernelVersion = "kernel_version", osName = "os_name", osVersion = "os_version", project, server
        case serverClustered = "server_clustered", serverEventMode = "server_event_mode"
        case serverName = "server_name", serverPid = "server_pid", serverVersion = "server_version"
        case storage, storageVersion = "storage_version", storageSupportedDrivers = "storage_supported_drivers"
    }

    public init(
        addresses: [String] = [], architectures: [String] = [], certificate: String = "",
        certificateFingerprint: String = "", driver: String = "", driverVersion: String = "",
        firewall: String = "", kernel: String = "", kernelArchitecture: String = "",
        kernelFeatures: [String: String] = [:], kernelVersion: String = "", osName: String = "",
        osVersion: String = "", project: String = "default", server: String = "roost",
        serverClustered: Bool = false, serverEventMode: String = "full-mesh", serverName: String = "",
        serverPid: Int = 0, serverVersion: String = "", storage: String = "", storageVersion: String = "",
        storageSupportedDrivers: [StorageDriverInfo] = []
    ) {
        self.addresses = addresses
        self.architectures = architectures
        self.certificate = certificate
        self.certificateFingerprint = certificateFingerprint
        self.driver = driver
        self.driverVersion = driverVersion
        self.firewall = firewall
        self.kernel = kernel
        self.kernelArchitecture = kernelArchitecture
        self.kernelFeatures = kernelFeatures
        self.kernelVersion = kernelVersion
        self.osName = osName
        self.osVersion = osVersion
        self.project = project
        self.server = server
        self.serverClustered = serverClustered
        self.serverEventMode = serverEventMode
        self.serverName = serverName
        self.serverPid = serverPid
        self.serverVersion = serverVersion
        self.storage = storage
        self.storageVersion = storageVersion
        self.storageSupportedDrivers = storageSupportedDrivers
    }
}

/// One entry of `storage_supported_drivers` (LXD capitalises these field names).
public struct StorageDriverInfo: Codable, Sendable, Hashable {
    public var name: String
    public var version: String
    public var remote: Bool

    enum CodingKeys: String, CodingKey { case name = "Name", version = "Version", remote = "Remote" }

    public init(name: String, version: String, remote: Bool) {
        self.name = name
        self.version = version
        self.remote = remote
    }
}

/// `GET /1.0`.
public struct Server: Codable, Sendable, Hashable {
    public var config: [String: String]
    public var apiExtensions: [String]
    public var apiStatus: String
    public var apiVersion: String
    public var auth: String
    public var `public`: Bool
    public var authMethods: [String]
    public var environment: ServerEnvironment?

    enum CodingKeys: String, CodingKey {
        case config, apiExtensions = "api_extensions", apiStatus = "api_status", apiVersion = "api_version"
        case auth, `public`, authMethods = "auth_methods", environment
    }

    public init(
        config: [String: String], apiExtensions: [String] = APIExtensions.all, auth: String = "trusted",
        environment: ServerEnvironment?
    ) {
        self.config = config
        self.apiExtensions = apiExtensions
        self.apiStatus = "stable"
        self.apiVersion = "1.0"
        self.auth = auth
        self.public = false
        self.authMethods = ["tls"]
        self.environment = environment
    }
}
