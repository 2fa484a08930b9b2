import Foundation
import RoostAPI
import Yams

/// Settings of one `roostd`. Built-in defaults need no file; `--config FILE` (the shape of
/// `Config/roostd.yaml`) overrides any subset. Every limit is validated at start-up.
public struct DaemonConfig: Codable, Sendable, Hashable {
    /// Everything of this member lives here (socket, databases, log, instance files).
    public var stateDir: String = "/var/lib/roost"
    /// This member's name (defaults to the host name). Recorded at first start.
    public var memberName: String = DaemonConfig.hostName()
    /// Whether `memberName` was set explicitly (flag or file) rather than defaulted: an explicit
    /// name that disagrees with the recorded one is refused; a changed host name is not.
    public var memberNameIsExplicit = false
    /// The group that may use the unix socket besides root (LXD's `--group`); none: root only.
    public var socketGroup: String?
    public var limits = Limits()
    public var timeouts = Timeouts()
    public var log = LogSettings()

    public struct Limits: Codable, Sendable, Hashable {
        /// Largest JSON request body; larger bodies get 413 before they are read.
        public var requestBodyMaxBytes = 4 << 20
        /// Operations kept in memory, running or finished; creating more fails with 503.
        public var operationsMax = 10_000
        /// Events buffered per `/1.0/events` listener before it is disconnected as too slow.
        public var eventBufferMax = 4096
        /// Concurrent `/1.0/events` listeners.
        public var eventListenersMax = 256
        /// Proposals written and synced in one batch.
        public var proposalBatchMax = 512
        /// Proposals waiting for the log; beyond it writes get 503.
        public var proposalPendingMax = 8192
        /// Largest single log entry.
        public var logEntryMaxBytes = 4 << 20
        /// Size at which the log rolls to a new segment.
        public var logSegmentMaxBytes = 16 << 20
        /// Applied entries between checkpoint-and-compact attempts.
        public var compactEvery = 4096
        /// Request ids remembered for deduplication of retries, counted in log entries.
        public var requestsRetainedMax = 10_000
        /// Open read connections to the database.
        public var readConnectionsMax = 8
        /// Open client connections; beyond it new connections wait in the listen backlog.
        public var connectionsMax = 4096
        /// Requests being handled at once (after their body is read); beyond it 503.
        public var requestsMax = 512
        /// Request body bytes held at once across all requests; beyond it 503.
        public var requestBytesInFlightMax = 64 << 20
        /// Upload bytes spooled to disk at once (images, files); beyond it 503.
        public var uploadSpoolMaxBytes = 8 << 30

        public init() {}
    }

    public struct Timeouts: Codable, Sendable, Hashable {
        /// How long a finished operation stays visible (clients poll it right after a 202).
        public var operationRetentionSeconds = 300
        /// Upper bound of `GET /1.0/operations/{id}/wait?timeout=` (and the default for -1).
        public var operationWaitMaxSeconds = 3600
        /// Grace period for in-flight requests on shutdown.
        public var shutdownSeconds = 10
        /// Time for a request's head (the first on a connection) and for its whole body to arrive.
        public var requestReadSeconds = 30
        /// A connection with no request in progress is closed after this long.
        public var connectionIdleSeconds = 60

        public init() {}
    }

    public struct LogSettings: Codable, Sendable, Hashable {
        /// trace, debug, info, notice, warning, error, critical.
        public var level = "info"

        public init() {}
    }

    public init() {}

    enum CodingKeys: String, CodingKey {
        case stateDir = "state_dir", memberName = "member_name", memberNameIsExplicit = "member_name_is_explicit"
        case socketGroup = "socket_group"
        case limits, timeouts, log
    }

    /// Decodes YAML over the defaults: absent keys keep their default; unknown keys are errors,
    /// so a typo in a limit's name does not silently leave the default in force.
    public static func load(yaml text: String, base: DaemonConfig = DaemonConfig()) throws(RoostError) -> DaemonConfig {
        do {
            guard let node = try Yams.compose(yaml: text) else { return base }
            return try ConfigOverlay.apply(node, to: base)
        } catch let error as RoostError {
            throw error
        } catch {
            throw RoostError.badRequest("Invalid config file: \(error)")
        }
    }

    public func validate() throws(RoostError) {
        let positive: [(String, Int)] = [
            ("limits.request_body_max_bytes", limits.requestBodyMaxBytes),
            ("limits.operations_max", limits.operationsMax),
            ("limits.event_buffer_max", limits.eventBufferMax),
            ("limits.event_listeners_max", limits.eventListenersMax),
            ("limits.proposal_batch_max", limits.proposalBatchMax),
            ("limits.proposal_pending_max", limits.proposalPendingMax),
            ("limits.log_entry_max_bytes", limits.logEntryMaxBytes),
            ("limits.log_segment_max_bytes", limits.logSegmentMaxBytes),
            ("limits.compact_every", limits.compactEvery), ("limits.requests_retained_max", limits.requestsRetainedMax),
            ("limits.read_connections_max", limits.readConnectionsMax),
            ("limits.connections_max", limits.connectionsMax), ("limits.requests_max", limits.requestsMax),
            ("limits.request_bytes_in_flight_max", limits.requestBytesInFlightMax),
            ("limits.upload_spool_max_bytes", limits.uploadSpoolMaxBytes),
            ("timeouts.request_read_seconds", timeouts.requestReadSeconds),
            ("timeouts.connection_idle_seconds", timeouts.connectionIdleSeconds),
            ("timeouts.operation_retention_seconds", timeouts.operationRetentionSeconds),
            ("timeouts.operation_wait_max_seconds", timeouts.operationWaitMaxSeconds),
            ("timeouts.shutdown_seconds", timeouts.shutdownSeconds),
        ]
        for (name, value) in positive where value <= 0 {
            throw RoostError.badRequest("Invalid config: \(name) must be positive (got \(value))")
        }
        guard limits.proposalPendingMax >= limits.proposalBatchMax else {
            throw RoostError.badRequest(
                "Invalid config: limits.proposal_pending_max must be >= limits.proposal_batch_max")
        }
        guard limits.requestBytesInFlightMax >= limits.requestBodyMaxBytes else {
            throw RoostError.badRequest(
                "Invalid config: limits.request_bytes_in_flight_max must be >= limits.request_body_max_bytes")
        }
        guard !stateDir.isEmpty, stateDir.hasPrefix("/") else {
            throw RoostError.badRequest("Invalid config: state_dir must be an absolute path")
        }
        guard stateDir.utf8.count + "/.socket/unix.socket".utf8.count < 108 else {
            throw RoostError.badRequest("Invalid config: state_dir is too long for a unix socket path")
        }
        try Names.validateInstance(memberName)
        if let socketGroup { _ = try Self.groupID(socketGroup) }
    }

    /// The id of a group named on the command line or in the config file.
    /// `getgrnam_r`, not `getgrnam`: the daemon may look a group up while other threads run.
    static func groupID(_ name: String) throws(RoostError) -> gid_t {
        var entry = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 16 << 10)
        var rc = getgrnam_r(name, &entry, &buffer, buffer.count, &result)
        // A group with many members needs a bigger buffer.
        while rc == ERANGE && buffer.count < 16 << 20 {
            buffer = [CChar](repeating: 0, count: buffer.count * 4)
            rc = getgrnam_r(name, &entry, &buffer, buffer.count, &result)
        }
        guard !name.isEmpty, rc == 0, let found = result else {
            throw RoostError.badRequest("Invalid config: socket_group \"\(name)\" is not a group on this host")
        }
        return found.pointee.gr_gid
    }

    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "roost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let label = name.split(separator: ".").first.map(String.init) ?? ""
        return (try? Names.validateInstance(label)) != nil ? label : "roost"
    }
}
