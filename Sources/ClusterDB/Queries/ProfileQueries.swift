import RoostAPI

/// Profile reads, shared by apply (inside its transaction) and by API readers.
public enum ProfileQueries {
    public struct Row: Sendable, Hashable {
        public var id: Int64
        public var name: String
        public var put: ProfilePut
    }

    public static func get(_ db: SQLiteConnection, name: String, project: String = "default") throws(RoostError) -> Row?
    {
        let statement = try db.prepare(
            "SELECT id, name, description, config, devices FROM profiles WHERE project = ? AND name = ?")
        try statement.bind(.text(project), .text(name))
        defer { statement.reset() }
        guard try statement.step() else { return nil }
        return try row(statement)
    }

    public static func list(_ db: SQLiteConnection, project: String = "default") throws(RoostError) -> [Row] {
        let statement = try db.prepare(
            "SELECT id, name, description, config, devices FROM profiles WHERE project = ? ORDER BY name")
        try statement.bind(.text(project))
        defer { statement.reset() }
        var rows: [Row] = []
        while try statement.step() { rows.append(try row(statement)) }
        return rows
    }

    /// Names of all profiles by id, for expanding instances in bulk.
    public static func byID(_ db: SQLiteConnection, project: String = "default") throws(RoostError) -> [Int64: Row] {
        var map: [Int64: Row] = [:]
        for row in try list(db, project: project) { map[row.id] = row }
        return map
    }

    /// `/1.0/instances/<name>` URLs of instances using the profile, sorted by name.
    public static func usedBy(_ db: SQLiteConnection, profileID: Int64) throws(RoostError) -> [String] {
        try users(db, profileID: profileID).map(ResourcePath.instance)
    }

    /// Names of the instances using the profile, sorted.
    public static func users(_ db: SQLiteConnection, profileID: Int64) throws(RoostError) -> [String] {
        let statement = try db.prepare(
            """
            SELECT instances.name FROM instances_profiles JOIN instances ON instances.id = instances_profiles.instance_id
            WHERE instances_profiles.profile_id = ? ORDER BY instances.name
            """)
        try statement.bind(.integer(profileID))
        defer { statement.reset() }
        var names: [String] = []
        while try statement.step() { names.append(statement.text(0)) }
        return names
    }

    private static func row(_ statement: SQLiteStatement) throws(RoostError) -> Row {
        Row(
            id: statement.int(0), name: statement.text(1),
            put: ProfilePut(
                config: try MapCodec.decodeMap(statement.blob(3)), description: statement.text(2),
                devices: try MapCodec.decodeDevices(statement.blob(4))))
    }
}
