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
    /// Nodes whose removal committed, waiting to be shut down.
    var retiring: Set<NodeID> = []
    var retired = 0
    /// Links cut by the current partition (`heal` ends it).
    var partitionCut: Set<Link> = []
    /// The node cut off from everyone (a targeted fault), if any, and the generation of that
    /// isolation: a new isolation replaces the previous one, whose end event then does nothing.
    var isolation: (node: NodeID, generation: UInt64)?
    var isolations: UInt64 = 0
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
    }

    enum SimEvent {
        case tick(NodeID, UInt64)
        /// A message and the node that really sent it (a forwarded request's `from` may name
        /// another node).
        case deliver(Message, sender: NodeID)
        case fsyncDone(NodeID, UInt64, UInt64)
        case crash
        case crashNode(NodeID, UInt64)
        case powerLoss
        case isolate(NodeID, UInt64)
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
    }

    enum ClientReply {
        case output(KVOutput)
        case redirect(NodeID)
    }

    public init(options: SimOptions) throws {
        try options.validate()
        self.options = options
        random = SplitMix64(seed: options.seed)
        rates = options.swarm ? options.rates.swarmed(using: &random) : options.rates
        let membership = Membership(voters: (1...UInt64(options.nodes)).map { $0 })
        // Flow-control limits vary by seed: tiny appends (one entry each) split a follower's
        // catch-up into many acknowledgements, large ones send whole batches.
        var limits = RaftConfig(id: 1)
        limits.seed = options.seed
        limits.electionTicks = 10
        limits.heartbeatTicks = 2
        limits.appendBytesMax = [16, 64, 256, 4096][Int(random.uniform(4))]
        limits.inflightMessagesMax = [2, 16, 64][Int(random.uniform(3))]
        limits.snapshotChunkBytesMax = [32, 256, 4096][Int(random.uniform(3))]
        baseConfig = limits
        nextID = UInt64(options.nodes) + 1
        for id in 1...UInt64(options.nodes) { nodes.append(try makeNode(id: id, membership: membership)) }
        for client in 0..<options.clients {
            clients.append(ClientState(target: NodeID(1 + client % options.nodes)))
        }
    }

    /// A node with the run's limits; `membership` is what its empty disk starts with (the
    /// bootstrap voters, or nothing for a node that joins later and learns it from a snapshot).
    func makeNode(id: NodeID, membership: Membership) throws(RaftError) -> SimNode {
        var config = baseConfig
        config.id = id
        let node = try SimNode(id: id, config: config, membership: membership)
        node.raw?.injectBugs(coreBugs)
        byID[id] = node
        return node
    }

    /// The injected bugs that live in the core (the others are in the driver).
    var coreBugs: Set<InjectedBug> {
        options.bugs.intersection([.commitPreviousTermByCounting, .grantTwoVotesPerTerm, .skipLogMatchingCheck])
    }

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
            linearizabilityUnknown: linearizabilityUnknown, retired: retired,
            finalMembership: leaderNode?.raw!.membership)
    }

    private func schedulePlan() {
        for node in nodes { queue.schedule(at: uniform(1...rates.tickInterval), .tick(node.id, 0)) }
        for client in clients.indices { queue.schedule(at: uniform(50...200), .clientIssue(client)) }
        queue.schedule(at: options.faultTime, .faultsEnd)
        if options.networkFaults && chance(rates.partitionRuns) {
            queue.schedule(at: gap(mean: rates.partitionGap), .partition)
        }
        if options.diskFaults && chance(rates.crashRuns) { queue.schedule(at: gap(mean: rates.crashGap), .crash) }
        if options.diskFaults && chance(rates.powerLossRuns) {
            queue.schedule(at: gap(mean: rates.powerLossGap), .powerLoss)
        }
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
    /// The leader's membership at the end.
    public var finalMembership: Membership?

    public var passed: Bool { failure == nil }
}
