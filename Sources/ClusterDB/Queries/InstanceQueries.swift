import RoostAPI

/// Instance reads, shared by apply and API readers.
public enum InstanceQueries {
    public struct Row: Sendable, Hashable {
        public var id: Int64
        public var name: String
        public var type: String
        public var put: InstancePut
        public var location: String
        public var createdAt: Timestamp
        public var lastUsedAt: Timestamp
        public var project: String
        /// Permanent identity (see `InstanceCreate.uuid`).
        public var uuid: String
    }

    static let columns =
        "id, name, type, architecture, ephemeral, stateful, description, config, devices, location, created_at, last_used_at, project, uuid"

    public static func get(_ db: SQLiteConnection, name: String, project: String = "default") throws(RoostError) -> Row?
    {
        let statement = try db.prepare("SELECT \(columns) FROM instances WHERE project = ? AND name = ?")
        try statement.bind(.text(project), .text(name))
        defer { statement.reset() }
        guard try statement.step() else { return nil }
        var row = try row(statement)
        row.put.profiles = try profileNames(db, instanceID: row.id)
        return row
    }

    /// Whether any instance, in any project, has this uuid.
    public static func uuidExists(_ db: SQLiteConnection, _ uuid: String) throws(RoostError) -> Bool {
        let statement = try db.prepare("SELECT 1 FROM instances WHERE uuid = ?")
        try statement.bind(.text(uuid))
        defer { statement.reset() }
        return try statement.step()
    }

    /// All instances of a project in name order, with their profile names.
    public static func list(_ db: SQLiteConnection, project: String = "default") throws(RoostError) -> [Row] {
        let statement = try db.prepare("SELECT \(columns) FROM instances WHERE project = ? ORDER BY name")
        try statement.bind(.text(project))
        defer { statement.reset() }
        var rows: [Row] = []
        var indexByID: [Int64: Int] = [:]
        while try statement.step() {
            indexByID[statement.int(0)] = rows.count
            rows.append(try row(statement))
        }
        let links = try db.prepare(
            """
            SELECT instances_profiles.instance_id, profiles.name FROM instances_profiles
            JOIN profiles ON profiles.id = instances_profiles.profile_id
            ORDER BY instances_profiles.instance_id, instances_profiles.apply_order
            """)
        defer { links.reset() }
        while try links.step() {
            if let index = indexByID[links.int(0)] { rows[index].put.profiles.append(links.text(1)) }
        }
        return rows
    }

    /// Names only, in order, for `recursion=0`.
    public static func names(_ db: SQLiteConnection, project: String = "default") throws(RoostError) -> [String] {
        let statement = try db.prepare("SELECT name FROM instances WHERE project = ? ORDER BY name")
        try statement.bind(.text(project))
        defer { statement.reset() }
        var names: [String] = []
        while try statement.step() { names.append(statement.text(0)) }
        return names
    }

    static func profileNames(_ db: SQLiteConnection, instanceID: Int64) throws(RoostError) -> [String] {
        let statement = try db.prepare(
            """
            SELECT profiles.name FROM instances_profiles JOIN profiles ON profiles.id = instances_profiles.profile_id
            WHERE instances_profiles.instance_id = ? ORDER BY instances_profiles.apply_order
            """)
        try statement.bind(.integer(instanceID))
        defer { statement.reset() }
        var names: [String] = []
        while try statement.step() { names.append(statement.text(0)) }
        return names
    }

    private static func row(_ statement: SQLiteStatement) throws(RoostError) -> Row {
        Row(
            id: statement.int(0), name: statement.text(1), type: statement.text(2),
            put: InstancePut(
                architecture: statement.text(3), config: try MapCodec.decodeMap(statement.blob(7)),
                devices: try MapCodec.decodeDevices(statement.blob(8)), ephemeral: statement.int(4) != 0,
                profiles: [], stateful: statement.int(5) != 0, description: statement.text(6)),
            location: statement.text(9), createdAt: Timestamp(nanosecondsSinceEpoch: statement.int(10)),
            lastUsedAt: Timestamp(nanosecondsSinceEpoch: statement.int(11)), project: statement.text(12),
            uuid: statement.text(13))
    }
}

/// Expanded config and devices: profiles in order, then the instance's own values on top.
public enum Expansion {
    public static func expand(
        _ put: InstancePut, profiles: [String: ProfilePut]
    ) -> (config: [String: String], devices: DeviceMap) {
        var config: [String: String] = [:]
        var devices: DeviceMap = [:]
        for name in put.profiles {
            guard let profile = profiles[name] else { continue }
            config.merge(profile.config) { _, new in new }
            devices.merge(profile.devices) { _, new in new }
        }
        config.merge(put.config) { _, new in new }
        devices.merge(put.devices) { _, new in new }
        return (config, devices)
    }
}
