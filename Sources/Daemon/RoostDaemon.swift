import ClusterDB
import ClusterNode
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import RoostAPI
import ServiceLifecycle
import Synchronization
import UnixSignals

/// The composition root of `roostd`: opens one member's state, wires the state path, readers,
/// operations, events and reconciler to the HTTP routes, and serves the unix socket.
public final class RoostDaemon: Sendable {
    public static let version = "0.1.0"

    public let config: DaemonConfig
    public let directory: StateDirectory
    public let memberName: String
    let node: SingleMemberNode
    let local: LocalDatabase
    let pool: ReaderPool
    let events: EventHub
    let operations: OperationRegistry
    /// The request path's daemon-wide bounds (handlers running, body bytes held).
    let admission: RequestAdmission
    /// Uploads being received, bounded in disk bytes.
    let spool: UploadSpool
    public let reconciler: Reconciler
    public let logger: Logger
    private let lockFD: Int32
    /// Routes added by tests (for policies no production route uses yet).
    let extraRoutes: @Sendable (inout Router) -> Void

    /// Opens (or creates) the member's state and replays the log tail. Fails if another daemon
    /// already serves this state directory.
    public convenience init(config: DaemonConfig, logger: Logger = Logger(label: "roostd")) throws(RoostError) {
        try self.init(config: config, logger: logger, extraRoutes: { _ in })
    }

    init(
        config: DaemonConfig, logger: Logger, extraRoutes: @escaping @Sendable (inout Router) -> Void
    ) throws(RoostError) {
        self.extraRoutes = extraRoutes
        try config.validate()
        self.config = config
        let events = EventHub(bufferMax: config.limits.eventBufferMax, listenersMax: config.limits.eventListenersMax)
        self.events = events
        // Each handler keeps its own level: stderr as configured, logging events from info.
        let combined = Logger(label: logger.label) { _ in
            MultiplexLogHandler([logger.handler, EventLogHandler(hub: events)])
        }
        self.logger = combined
        let logger = combined
        directory = StateDirectory(root: config.stateDir)
        try directory.prepare()
        lockFD = try Self.lock(directory.root + "/roostd.lock")
        directory.clearSpool()  // Only once the directory is ours: another daemon may be receiving.
        local = try LocalDatabase(path: directory.localDatabasePath)
        memberName = try local.claimMemberName(config.memberName, explicit: config.memberNameIsExplicit)
        let state = try StateMachine(
            path: directory.clusterDatabasePath, requestsRetainedMax: UInt64(config.limits.requestsRetainedMax))
        var options = SingleMemberNode.Options()
        options.batchMax = config.limits.proposalBatchMax
        options.pendingMax = config.limits.proposalPendingMax
        options.compactEvery = UInt64(config.limits.compactEvery)
        options.log = DurableLog.Options(
            segmentMaxBytes: config.limits.logSegmentMaxBytes, entryMaxBytes: config.limits.logEntryMaxBytes)
        node = try SingleMemberNode(
            logDirectory: directory.logDirectory, state: state, files: POSIXFileLayer(), options: options,
            logger: logger)
        pool = ReaderPool(path: directory.clusterDatabasePath, connectionsMax: config.limits.readConnectionsMax)
        operations = OperationRegistry(
            events: events, operationsMax: config.limits.operationsMax,
            retention: .seconds(config.timeouts.operationRetentionSeconds))
        reconciler = Reconciler(directory: directory, local: local, pool: pool, memberName: memberName, logger: logger)
        admission = RequestAdmission(
            handlersMax: config.limits.requestsMax, bytesMax: config.limits.requestBytesInFlightMax)
        spool = UploadSpool(
            directory: directory.spoolDirectory, bytesMax: config.limits.uploadSpoolMaxBytes, admission: admission)
    }

    deinit { close(lockFD) }

    /// The routes, in-process; tests can drive them without a socket.
    func makeRouter() -> Router {
        let context = handlerContext()
        var router = Router()
        ServerHandlers.register(&router, context)
        ProfileHandlers.register(&router, context)
        InstanceHandlers.register(&router, context)
        OperationHandlers.register(&router, context)
        extraRoutes(&router)
        return router
    }

    /// What the handlers share (one per router).
    func handlerContext() -> HandlerContext {
        HandlerContext(
            reader: StateReader(path: node, pool: pool, local: local, memberName: memberName),
            proposer: Proposer(path: node, memberName: memberName), operations: operations, events: events,
            local: local,
            environment: HostInfo.environment(memberName: memberName, version: Self.version),
            operationWaitMax: config.timeouts.operationWaitMaxSeconds, serverConfigGate: AsyncGate())
    }

    /// Converges local side effects, then serves until SIGTERM/SIGINT or task cancellation.
    /// `onReady` runs once the socket accepts connections.
    public func run(onReady: @escaping @Sendable () -> Void = {}) async throws {
        // A failing first pass must not keep the API down: it is logged and retried.
        await reconciler.kick()
        let events = self.events
        let reconciler = self.reconciler
        await node.setCommitObserver { entry in
            guard !entry.isDuplicate, case .applied(let change) = entry.result else { return }
            for record in change.lifecycle {
                let context = record.context.isEmpty ? nil : record.context.mapValues { JSONValue.string($0) }
                events.publishLifecycle(
                    LifecycleEvent(action: record.action, source: record.source, context: context),
                    at: entry.command.timestamp)
            }
            if !change.touchedInstances.isEmpty { Task { await reconciler.kick() } }
        }
        let socket = directory.socketPath
        let staging = directory.socketStagingPath
        let group = try config.socketGroup.map { name throws(RoostError) in try DaemonConfig.groupID(name) }
        unlink(staging)
        let publishFailure = Mutex<RoostError?>(nil)
        let responder = APIResponder(
            router: makeRouter(), requestBodyMaxBytes: config.limits.requestBodyMaxBytes, admission: admission,
            bodyReadTimeout: .seconds(config.timeouts.requestReadSeconds), spool: spool, logger: logger)
        // Headers are small in this API; the decoder's defaults (80 KiB, 1000 fields) times
        // thousands of connections would be memory outside the body budget.
        let http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: [ConnectionGuard()],
            idleTimeout: .seconds(Int64(config.timeouts.connectionIdleSeconds)),
            httpDecoderConfiguration: .init(
                maxHeaderFieldSize: Self.headerFieldMaxBytes, maxHeaderListSize: Self.headerListMaxBytes,
                maxHeaderFieldCount: Self.headerFieldsMax))
        let headTimeout = TimeAmount.seconds(Int64(config.timeouts.requestReadSeconds))
        let connectionsMax = Self.connectionsWithinFileLimit(config.limits.connectionsMax, logger: logger)
        let server = HTTPServerBuilder { responder in
            FirstRequestDeadlineChannel(
                inner: HTTP1WebSocketUpgradeChannel(
                    responder: responder, configuration: .init(http1: http1),
                    shouldUpgrade: { request, channel, _ in
                        // A head was parsed (and a websocket has no HTTP idle handler after it).
                        FirstRequestDeadline.cancel(on: channel)
                        return try EventsWebSocket.shouldUpgrade(request, hub: events)
                    }),
                timeout: headTimeout)
        }
        let app = Application(
            responder: responder, server: server,
            configuration: ApplicationConfiguration(
                address: .unixDomainSocket(path: staging), serverName: "roostd",
                availableConnectionsDelegate: MaximumAvailableConnections(connectionsMax, logger: logger)),
            onServerRunning: { [logger] channel in
                do throws(RoostError) {
                    try Self.publishSocket(from: staging, to: socket, group: group)
                } catch {
                    logger.error("\(error)")
                    publishFailure.withLock { $0 = error }
                    try? await channel.close()
                    return
                }
                logger.info("roostd ready on \(socket)")
                onReady()
            },
            logger: logger)
        // SIGTERM/SIGINT shut down gracefully: stop accepting, let in-flight requests finish for
        // at most `timeouts.shutdown_seconds`, then cancel what is left.
        let watcher = ServiceGroupConfiguration.ServiceConfiguration(
            service: HaltWatcher(halts: node.halts), successTerminationBehavior: .ignore,
            failureTerminationBehavior: .gracefullyShutdownGroup)
        var serviceGroup = ServiceGroupConfiguration(
            services: [.init(service: app), watcher], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        serviceGroup.maximumGracefulShutdownDuration = .seconds(config.timeouts.shutdownSeconds)
        do {
            try await ServiceGroup(configuration: serviceGroup).run()
        } catch {
            await reconciler.stop()
            unlink(socket)
            throw publishFailure.withLock { $0 } ?? node.haltReason ?? error
        }
        // Passes are started by unstructured kicks; the last one must finish before `run`
        // returns, or it could write into a state directory its owner is already removing.
        await reconciler.stop()
        unlink(socket)
        if let failure = publishFailure.withLock({ $0 }) { throw failure }
        // A halt while in-flight requests drained after SIGTERM (the watcher had already
        // stopped) still exits with a failure status.
        if let halted = node.haltReason { throw halted }
    }

    /// Open files kept aside for everything but client connections (log segments, databases,
    /// the listener, later containers' supervisor sockets).
    static let filesReserved = 512

    /// Raises the soft open-file limit to the hard one, and lowers `wanted` connections (with a
    /// warning) when the limit still cannot hold them: running out of descriptors would make a log
    /// or database open fail, which halts the daemon.
    static func connectionsWithinFileLimit(_ wanted: Int, logger: Logger) -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return wanted }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        let available = Int(clamping: limit.rlim_cur) - filesReserved
        guard wanted > available else { return wanted }
        let allowed = max(available, 16)
        logger.warning(
            "limits.connections_max is \(wanted) but the open-file limit is \(limit.rlim_cur); serving at most \(allowed) connections"
        )
        return allowed
    }

    /// Request header bounds: per field, all fields together, and how many fields.
    static let headerFieldMaxBytes = 8 << 10
    static let headerListMaxBytes = 32 << 10
    static let headerFieldsMax = 100

    /// 0660 when a group was named, or when running as root (the group is then root's own);
    /// 0600 otherwise, so a daemon run by an ordinary user does not open its API to everyone in
    /// that user's primary group.
    static func socketMode(group: gid_t?, euid: uid_t) -> mode_t {
        group != nil || euid == 0 ? 0o660 : 0o600
    }

    /// Gives the freshly bound socket its group and mode 0660 inside the private staging
    /// directory, then renames it into place: clients only ever find it with its final mode.
    private static func publishSocket(from staging: String, to socket: String, group: gid_t?) throws(RoostError) {
        func fail(_ what: String) -> RoostError {
            RoostError.internalError(
                "Failed to \(what) the unix socket \(socket)", cause: String(cString: strerror(errno)))
        }
        if let group, chown(staging, uid_t.max, group) != 0 { throw fail("set the group of") }
        guard chmod(staging, socketMode(group: group, euid: geteuid())) == 0 else { throw fail("set the mode of") }
        guard rename(staging, socket) == 0 else { throw fail("publish") }
    }

    /// One daemon per state directory: an exclusive `flock` held for the process lifetime.
    /// `attempts` > 1 retries every 100 ms (a supervisor may be restarting a halted daemon).
    private static func lock(_ path: String, attempts: Int = 1) throws(RoostError) -> Int32 {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            throw RoostError.internalError("Failed to open \(path)", cause: String(cString: strerror(errno)))
        }
        for attempt in 1...max(attempts, 1) {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { return fd }
            if attempt < attempts { usleep(100_000) }
        }
        close(fd)
        throw RoostError(.conflict, "Another roostd is already running with this state directory")
    }

    /// Marks the log entry at `index` to be skipped (`roostd --skip-entry`): appends the
    /// replicated `skipEntry` command for it, with the daemon stopped. The next start skips the
    /// entry if it still fails to apply. Returns the skip command's own index.
    public static func skipEntry(_ index: UInt64, config: DaemonConfig) throws(RoostError) -> UInt64 {
        try config.validate()
        let directory = StateDirectory(root: config.stateDir)
        guard FileManager.default.fileExists(atPath: directory.clusterDatabasePath) else {
            throw RoostError.notFound("No Roost state in \(config.stateDir)")
        }
        let fd = try lock(directory.root + "/roostd.lock", attempts: 100)
        defer { close(fd) }
        let state = try StateMachine(path: directory.clusterDatabasePath)
        defer { state.close() }
        return try SingleMemberNode.appendSkip(
            index: index, logDirectory: directory.logDirectory, state: state, files: POSIXFileLayer(),
            origin: config.memberName, timestamp: .now,
            options: DurableLog.Options(
                segmentMaxBytes: config.limits.logSegmentMaxBytes, entryMaxBytes: config.limits.logEntryMaxBytes))
    }
}
