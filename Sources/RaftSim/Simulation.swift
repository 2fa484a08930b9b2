import RaftCore

/// A deterministic simulation of a whole Raft cluster: the real `RawNode`s over a simulated
/// clock, network (drop, duplicate, delay/reorder, partitions) and disk (fsync latency, crashes
/// losing unsynced writes, torn writes), with clients recording a history against a replicated
/// key-value store. Safety is checked after every event, linearizability and liveness at the end.
/// Everything random comes from one seeded generator: `run()` is a pure function of the options.
public final class Simulation {
    public let options: SimOptions
    /// The options' rates after swarm testing picked this run's fault kinds.
    let rates: FaultRates
    var random: SplitMix64
    var now: UInt64 = 0
    var queue = EventQueue<SimEvent>()
    /// The current members and joiners, one per slot; a retired node's slot gets a new node
    /// with a new id (ids are never reused).
    var nodes: [SimNode] = []
    /// Lookup only (never iterated: dictionary order differs between processes).
    var byID: [NodeID: SimNode] = [:]
    var nextID: NodeID = 1
    let baseConfig: RaftConfig
    /// The membership every node's empty log starts from (the group's first voters).
    let bootstrap: Membership
    /// Nodes whose removal committed, waiting to be shut down.
    var retiring: Set<NodeID> = []
    var retired = 0
    var pauses = 0
    /// Links cut by the current partition (`heal` ends it).
    var partitionCut: Set<Link> = []
    /// The split along a restarted node's stale membership (`maybeSplitAlongStaleMembership`),
    /// apart from the random partitions; `splits` numbers them.
    var splitCut: Set<Link> = []
    var splits = 0
    /// The node cut off from everyone (a targeted fault), if any, and the generation of that
    /// isolation: a new isolation replaces the previous one, whose end event then does nothing.
    var isolation: (node: NodeID, generation: UInt64)?
    var isolations: UInt64 = 0
    /// Paused nodes cut off from their peers, until when (lookup only, never iterated).
    var cutUntil: [NodeID: UInt64] = [:]
    /// Events that reached a paused node, in arrival order: delivered when it resumes.
    var deferred: [NodeID: [SimEvent]] = [:]
    /// Extra time after the faults for re-applying logs: the largest backlog a node had to
    /// re-apply when the faults stopped or when it restarted after, at its worst cost per entry.
    var reapplyAllowance: UInt64 = 0
    /// Operations issued late enough after the faults to be checked for liveness.
    var livenessChecked = 0
    /// Pauses that also cut the node off.
    var pauseCuts = 0
    /// A pause waiting for the leader's next quorum check (`FaultRates.pauseAfterQuorumCheck`).
    var pauseArmed = false
    var checker = SafetyChecker()
    var trace = TraceHasher()
    public private(set) var events = 0
    var clients: [ClientState] = []
    var history: [HistoryOperation] = []
    var inputs: [OperationKey: KVInput] = [:]
    var faultsActive = true
    var failure: String?
    /// The linearizability check ran out of its step budget (a failure, counted apart).
    var linearizabilityUnknown = false

    struct Link: Hashable {
        var from: NodeID
        var to: NodeID
    }

    struct ClientState {
        var sequence: UInt64 = 0
        var current: (key: OperationKey, historyIndex: Int)?
        var target: NodeID
        var completedAfterFaults = 0
        /// Whether the current operation (a get) goes through ReadIndex, also when redirected.
        var viaReadIndex = false
    }

    enum SimEvent {
        /// A node's tick: id, incarnation, and the tick's nominal time (ticks follow a monotonic
        /// clock: each is due one interval after the previous one's nominal time, and arrives
        /// up to `tickJitter` late; lateness never accumulates).
        case tick(NodeID, UInt64, nominal: UInt64)
        /// A message and the node that really sent it (a forwarded request's `from` may name
        /// another node).
        case deliver(Message, sender: NodeID)
        case fsyncDone(NodeID, UInt64, UInt64)
        case crash
        case crashNode(NodeID, UInt64)
        case powerLoss
        case isolate(NodeID, UInt64)
        /// A stop-the-world pause of a node (a long GC or a frozen VM) begins, and ends.
        case pause
        case thaw(NodeID, UInt64)
        case endIsolation(UInt64)
        case restart(NodeID)
        case partition
        case heal
        case membership
        case transfer
        case retire(NodeID)
        case clientIssue(Int)
        case clientRequest(NodeID, OperationKey, useReadIndex: Bool)
        case clientReply(OperationKey, ClientReply)
        case clientTimeout(OperationKey)
        case faultsEnd
        case endSplit(Int)
    }

    enum ClientReply {
        case output(KVOutput)
        case redirect(NodeID)
    }

    public init(options: SimOptions) throws {
        try options.validate()
        self.options = options
        random = SplitMix64(seed: options.seed)
        var rates = options.swarm ? options.rates.swarmed(using: &random) : options.rates
        for shape in options.allShapes.sorted() { shape.apply(to: &rates) }
        for bug in options.modeBugs.sorted(by: { $0.rawValue < $1.rawValue }) { bug.enableMode(&rates) }
        self.rates = rates
        let membership = Membership(voters: (1...UInt64(options.nodes)).map { $0 })
        bootstrap = membership
        // Flow-control limits vary by seed: tiny appends (one entry each) split a follower's
        // catch-up into many acknowledgements, large ones send whole batches.
        var limits = RaftConfig(id: 1)
        limits.seed = options.seed
        limits.electionTicks = 10
        limits.heartbeatTicks = 2
        limits.appendBytesMax = [16, 64, 256, 4096][Int(random.uniform(4))]
        limits.inflightMessagesMax = [2, 16, 64][Int(random.uniform(3))]
        limits.snapshotChunkBytesMax = [32, 256, 4096][Int(random.uniform(3))]
        // Small apply batches: a node catching up or restarting applies its committed entries
        // over many Ready cycles (configuration changes among them apply late).
        limits.committedBytesPerReadyMax = [16, 256, 1 << 20][Int(random.uniform(3))]
        if let fixed = rates.committedBytesPerReadyMax { limits.committedBytesPerReadyMax = fixed }
        limits.leaseReads = options.leaseReads || options.modeBugs.contains { $0.needsLeaseReads }
        baseConfig = limits
        nextID = UInt64(options.nodes) + 1
        for id in 1...UInt64(options.nodes) { nodes.append(try makeNode(id: id, membership: membership)) }
        for client in 0..<options.clients {
            clients.append(ClientState(target: NodeID(1 + client % options.nodes)))
        }
    }

    /// A node with the run's limits; `membership` is what its empty disk starts with (the
    /// bootstrap voters: a node that joins later learns the current membership from a snapshot
    /// or, applying the log from its start, from the changes in it).
    func makeNode(id: NodeID, membership: Membership) throws(RaftError) -> SimNode {
        var config = baseConfig
        config.id = id
        let node = try SimNode(id: id, config: config, membership: membership, bugs: SimulatedBugs(bugs: coreBugs))
        byID[id] = node
        return node
    }

    /// The injected bugs that live in the core: all but the driver's own.
    var coreBugs: Set<InjectedBug> { options.bugs.filter { !$0.livesInDriver } }

    /// The node with this id, unless it was removed from the cluster and retired.
    func node(_ id: NodeID) -> SimNode? { byID[id] }

    /// A random current node (for clients that lost track of the leader).
    func randomNodeID() -> NodeID { nodes[Int(random.uniform(UInt64(nodes.count)))].id }

    func uniform(_ range: ClosedRange<UInt64>) -> UInt64 {
        range.lowerBound + random.uniform(range.upperBound - range.lowerBound + 1)
    }

    func chance(_ probability: Double) -> Bool {
        Double(random.next() >> 11) / Double(1 << 53) < probability
    }

    /// Starts a node's ticks (at boot or restart): the first one within one interval.
    func scheduleFirstTick(_ node: SimNode) {
        let nominal = now + uniform(1...rates.tickInterval)
        queue.schedule(at: nominal, .tick(node.id, node.incarnation, nominal: nominal))
    }

    /// A random gap with the given mean (uniform in 1...2·mean).
    func gap(mean: UInt64) -> UInt64 { uniform(1...max(1, 2 * mean)) }

    /// Runs to the end and reports the outcome.
    public func run() -> SimResult {
        schedulePlan()
        let end = options.faultTime + options.settleTime
        while failure == nil, let (time, event) = queue.pop() {
            if time > end { break }
            now = time
            events += 1
            handle(event)
            if let violation = checker.violation { failure = violation }
        }
        if failure == nil { checkLiveness() }
        if failure == nil { checkLinearizability() }
        return SimResult(
            options: options, failure: failure, events: events, traceHash: trace.value, operations: history.count,
            linearizabilityUnknown: linearizabilityUnknown, retired: retired, pauses: pauses, splits: splits,
            livenessChecked: livenessChecked,
            finalMembership: leaderNode?.raw!.membership)
    }

    private func schedulePlan() {
        for node in nodes { scheduleFirstTick(node) }
        for client in clients.indices { queue.schedule(at: uniform(50...200), .clientIssue(client)) }
        queue.schedule(at: options.faultTime, .faultsEnd)
        if options.networkFaults && chance(rates.partitionRuns) {
            queue.schedule(at: gap(mean: rates.partitionGap), .partition)
        }
        if options.diskFaults && chance(rates.crashRuns) { queue.schedule(at: gap(mean: rates.crashGap), .crash) }
        if options.diskFaults && chance(rates.powerLossRuns) {
            queue.schedule(at: gap(mean: rates.powerLossGap), .powerLoss)
        }
        if options.faults != .none && chance(rates.pauseRuns) { queue.schedule(at: gap(mean: rates.pauseGap), .pause) }
        if options.faults != .none && chance(rates.membershipRuns) {
            queue.schedule(at: gap(mean: rates.membershipGap), .membership)
        }
        if options.faults != .none && chance(rates.transferRuns) {
            queue.schedule(at: gap(mean: rates.transferGap), .transfer)
        }
    }
}

/// The outcome of one run.
public struct SimResult: Sendable, Hashable {
    public var options: SimOptions
    public var failure: String?
    public var events: Int
    public var traceHash: UInt64
    public var operations: Int
    /// The history was too hard to decide within the checker's step budget (the run failed).
    public var linearizabilityUnknown = false
    /// Members removed and replaced by brand-new nodes during the run.
    public var retired = 0
    /// Stop-the-world pauses injected.
    public var pauses = 0
    /// Splits along a restarted node's stale membership.
    public var splits = 0
    /// Operations issued after the recovery bound (each had to complete within the client
    /// timeout): zero means the per-operation liveness check checked nothing.
    public var livenessChecked = 0
    /// The leader's membership at the end.
    public var finalMembership: Membership?

    public var passed: Bool { failure == nil }
}

extension InjectedBug {
    /// The checker whose failure message proves this bug was caught (any other failure, a
    /// liveness one say, does not count).
    public var catchingChecker: String {
        switch self {
        case .grantTwoVotesPerTerm, .acknowledgeBeforePersist: "election safety"
        case .skipLogMatchingCheck: "log matching"
        case .applyUncommitted, .commitPreviousTermByCounting: "leader completeness"
        case .staleConfigCampaign: "leader completeness"
        case .skipPendingConfigGate: "state machine safety"
        case .readIndexWithoutTermGuard, .leaseWithoutExpiry: "linearizability"
        }
    }

    var needsLeaseReads: Bool { self == .leaseWithoutExpiry }

    /// The aimed faults this bug needs (applied before `enableMode`).
    var shape: FaultShape? {
        switch self {
        case .leaseWithoutExpiry: .leaseExpiry
        case .staleConfigCampaign: .staleMembership
        default: nil
        }
    }

    /// Bugs in the read path: every client get goes through ReadIndex (none through the log).
    var readsOnlyThroughReadIndex: Bool { self == .leaseWithoutExpiry || self == .readIndexWithoutTermGuard }

    /// Bugs in the simulator's driver (the Ready contract), not in the core.
    var livesInDriver: Bool { self == .acknowledgeBeforePersist || self == .applyUncommitted }

    /// Turns on the faults this bug needs to show (whatever swarm testing picked).
    func enableMode(_ rates: inout FaultRates) {
        switch self {
        case .leaseWithoutExpiry:
            // A leader paused between two quorum checks (about 1.7 election timeouts) and cut
            // off from its peers resumes still leading (one quorum check passed on acknowledgements from
            // before the pause) after a successor took writes; clients reach it and read.
            rates.clientWander = 0.5
        case .readIndexWithoutTermGuard:
            // A leader cut off right after its first commit leaves a successor that does not
            // know that commit: reads at the successor before it commits must wait.
            rates.isolateAtFirstCommit = 1
            rates.clientWander = 0.5
        case .staleConfigCampaign:
            // A node restarts with configuration changes in its log it has not re-applied yet,
            // split off with a quorum of the voters its snapshot names (`shape`).
            break
        case .skipPendingConfigGate:
            rates.membershipRuns = 1
            rates.membershipGap = min(rates.membershipGap, 500)
        default:
            break
        }
    }
}
