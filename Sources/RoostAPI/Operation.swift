/// A background operation (`/1.0/operations/{id}`), as LXD shows it.
public struct Operation: Codable, Sendable, Hashable {
    public enum Class: String, Codable, Sendable, Hashable {
        case task, websocket, token
    }

    public var id: String
    public var `class`: Class
    public var description: String
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
    public var status: String
    public var statusCode: Int
    public var resources: [String: [String]]?
    public var metadata: JSONValue
    public var mayCancel: Bool
    public var err: String
    public var location: String

    enum CodingKeys: String, CodingKey {
        case id, `class`, description, createdAt = "created_at", updatedAt = "updated_at", status
        case statusCode = "status_code", resources, metadata, mayCancel = "may_cancel", err, location
    }

    public init(
        id: String, class: Class, description: String, createdAt: Timestamp, updatedAt: Timestamp,
        status: StatusCode, resources: [String: [String]]?, metadata: JSONValue = .null, mayCancel: Bool = false,
        err: String = "", location: String = "none"
    ) {
        self.id = id
        self.class = `class`
        self.description = description
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.status = status.text
        self.statusCode = status.rawValue
        self.resources = resources
        self.metadata = metadata
        self.mayCancel = mayCancel
        self.err = err
        self.location = location
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.lenient(.id, default: "")
        self.class = try container.lenient(.class, default: .task)
        description = try container.lenient(.description, default: "")
        createdAt = try container.lenient(.createdAt, default: .epoch)
        updatedAt = try container.lenient(.updatedAt, default: .epoch)
        status = try container.lenient(.status, default: "")
        statusCode = try container.lenient(.statusCode, default: 0)
        resources = try container.decodeIfPresent([String: [String]].self, forKey: .resources)
        metadata = try container.lenient(.metadata, default: .null)
        mayCancel = try container.lenient(.mayCancel, default: false)
        err = try container.lenient(.err, default: "")
        location = try container.lenient(.location, default: "")
    }

    public var statusValue: StatusCode? { StatusCode(rawValue: statusCode) }
}
