/// One message of the `/1.0/events` websocket.
public struct Event: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable, Hashable, CaseIterable {
        case operation, lifecycle, logging
    }

    public var type: Kind
    public var timestamp: Timestamp
    public var metadata: JSONValue
    public var location: String
    public var project: String

    public init(
        type: Kind, timestamp: Timestamp, metadata: JSONValue, location: String = "none", project: String = "default"
    ) {
        self.type = type
        self.timestamp = timestamp
        self.metadata = metadata
        self.location = location
        self.project = project
    }
}

/// `metadata` of a lifecycle event (`instance-created`, `profile-updated`, ...).
public struct LifecycleEvent: Codable, Sendable, Hashable {
    public var action: String
    public var source: String
    public var context: [String: JSONValue]?
    public var requestor: Requestor?

    public struct Requestor: Codable, Sendable, Hashable {
        public var username: String
        public var `protocol`: String
        public var address: String

        public init(username: String, protocol: String, address: String) {
            self.username = username
            self.protocol = `protocol`
            self.address = address
        }
    }

    public init(action: String, source: String, context: [String: JSONValue]? = nil, requestor: Requestor? = nil) {
        self.action = action
        self.source = source
        self.context = context
        self.requestor = requestor
    }
}
