import ClusterDB
import ClusterNode
import Foundation
import RoostAPI

/// API reads: every read passes the state path's read barrier, then reads committed state from a
/// pooled connection and composes LXD's objects (expanded config, `used_by`).
public struct StateReader: Sendable {
    let path: any StatePath
    let pool: ReaderPool
    let local: LocalDatabase
    let memberName: String

    /// Reads run on the pool's own threads: SQLite may block on the disk, and the cooperative
    /// pool has one thread per core.
    func read<T: Sendable>(
        _ body: @escaping @Sendable (SQLiteConnection) throws(RoostError) -> T
    ) async throws(RoostError) -> T {
        try await path.readBarrier()
        return try await pool.readAsync(body)
    }

    func profile(_ name: String) async throws(RoostError) -> Profile {
        try await read { db throws(RoostError) -> Profile in
            guard let row = try ProfileQueries.get(db, name: name) else {
                throw RoostError.notFound("Profile not found")
            }
            return Profile(name: row.name, put: row.put, usedBy: try ProfileQueries.usedBy(db, profileID: row.id))
        }
    }

    func profiles() async throws(RoostError) -> [Profile] {
        try await read { db throws(RoostError) -> [Profile] in
            var profiles: [Profile] = []
            for row in try ProfileQueries.list(db) {
                profiles.append(
                    Profile(name: row.name, put: row.put, usedBy: try ProfileQueries.usedBy(db, profileID: row.id)))
            }
            return profiles
        }
    }

    func profileNames() async throws(RoostError) -> [String] {
        try await read { db throws(RoostError) -> [String] in try ProfileQueries.list(db).map(\.name) }
    }

    func instance(_ name: String) async throws(RoostError) -> Instance {
        try await read { db throws(RoostError) -> Instance in
            guard let row = try InstanceQueries.get(db, name: name) else {
                throw RoostError.notFound("Instance not found")
            }
            let profiles = try ProfileQueries.list(db)
            return Self.compose(row, profiles: Dictionary(profiles.map { ($0.name, $0.put) }) { first, _ in first })
        }
    }

    func instances() async throws(RoostError) -> [Instance] {
        try await read { db throws(RoostError) -> [Instance] in
            let profiles = Dictionary(try ProfileQueries.list(db).map { ($0.name, $0.put) }) { first, _ in first }
            return try InstanceQueries.list(db).map { Self.compose($0, profiles: profiles) }
        }
    }

    func instanceNames() async throws(RoostError) -> [String] {
        try await read { db throws(RoostError) -> [String] in try InstanceQueries.names(db) }
    }

    /// Whether a request id has been applied (and its result is remembered).
    func isRemembered(_ id: UUID) async throws(RoostError) -> Bool {
        try await read { db throws(RoostError) -> Bool in
            let statement = try db.prepare("SELECT 1 FROM requests WHERE request_id = ?")
            try statement.bind(.text(id.uuidString))
            defer { statement.reset() }
            return try statement.step()
        }
    }

    /// Cluster-wide config only (compared inside apply).
    func clusterConfig() async throws(RoostError) -> [String: String] {
        try await read { db throws(RoostError) -> [String: String] in try ConfigQueries.all(db) }
    }

    /// Cluster-wide config merged with this member's local keys.
    func serverConfig() async throws(RoostError) -> [String: String] {
        let cluster = try await read { db throws(RoostError) -> [String: String] in try ConfigQueries.all(db) }
        return cluster.merging(try await local.localConfigAsync()) { _, localValue in localValue }
    }

    static func compose(_ row: InstanceQueries.Row, profiles: [String: ProfilePut]) -> Instance {
        let expanded = Expansion.expand(row.put, profiles: profiles)
        return Instance(
            name: row.name, put: row.put, createdAt: row.createdAt, lastUsedAt: row.lastUsedAt,
            expandedConfig: expanded.config, expandedDevices: expanded.devices, status: .stopped,
            location: row.location, type: row.type, project: row.project)
    }
}
