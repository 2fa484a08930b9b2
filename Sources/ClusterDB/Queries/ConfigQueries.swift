import RoostAPI

/// Cluster-wide server config (`GET /1.0` `config`).
public enum ConfigQueries {
    public static func all(_ db: SQLiteConnection) throws(RoostError) -> [String: String] {
        let statement = try db.prepare("SELECT key, value FROM config")
        defer { statement.reset() }
        var config: [String: String] = [:]
        while try statement.step() { config[statement.text(0)] = statement.text(1) }
        return config
    }
}
