import Foundation
import RoostAPI

/// The layout of one member's state directory. Several members can run on one machine because
/// nothing of a member lives outside its own directory.
public struct StateDirectory: Sendable, Hashable {
    public let root: String

    public init(root: String) { self.root = root }

    public var socketPath: String { root + "/unix.socket" }
    /// Where the socket is bound (a 0700 directory nobody else can enter) and given its mode and
    /// group before it is renamed to `socketPath`: it is never reachable with the umask's mode.
    public var socketStagingDirectory: String { root + "/.socket" }
    public var socketStagingPath: String { socketStagingDirectory + "/unix.socket" }
    public var databaseDirectory: String { root + "/database" }
    /// The replicated database (identical on every member).
    public var clusterDatabasePath: String { databaseDirectory + "/global/db.sqlite" }
    /// The member-local database.
    public var localDatabasePath: String { databaseDirectory + "/local.db" }
    /// The durable log behind `propose`.
    public var logDirectory: String { databaseDirectory + "/log" }
    /// One directory per instance this member holds.
    public var instancesDirectory: String { root + "/instances" }
    public var pidFile: String { root + "/roostd.pid" }
    /// Uploads being received (`BodyPolicy.spool`); emptied at start-up.
    public var spoolDirectory: String { root + "/spool" }

    /// Creates the directories (mode 0711 like LXD's, instance files 0700).
    public func prepare() throws(RoostError) {
        let manager = FileManager.default
        for (path, mode) in [
            (root, 0o711), (databaseDirectory, 0o700), (databaseDirectory + "/global", 0o700), (logDirectory, 0o700),
            (instancesDirectory, 0o711), (socketStagingDirectory, 0o700), (spoolDirectory, 0o700),
        ] {
            do {
                try manager.createDirectory(atPath: path, withIntermediateDirectories: true)
                try Self.secureDirectory(path, mode: mode_t(mode))
            } catch let error as RoostError {
                throw error
            } catch {
                throw RoostError.internalError("Failed to create \(path)", cause: "\(error)")
            }
        }
    }

    /// Removes uploads a previous run left half-received.
    public func clearSpool() {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: spoolDirectory)) ?? [] {
            unlink(spoolDirectory + "/" + name)
        }
    }
}
