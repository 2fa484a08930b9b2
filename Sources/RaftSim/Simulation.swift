import RaftCore

/// A deterministic simulation of a whole Raft cluster: the real `RawNode`s over a simulated
/// clock, network (drop, duplicate, delay/reorder, partitions) and disk (fsync latency, crashes
/// losing unsynced writes, torn writes), with clients recording a history against a replicated
/// key-value store. Safety is checked after every event, linearizability and liveness at the end.
/// Everything random comes from one seeded generator: `run()` is a pure function of the options.
public final class Simulation {
    public let options: SimOptions
    var random: SplitMix64
    var now: UInt64 = 0
    var queue = EventQueue<SimEvent>()
    var nodes: [SimNode] = []
    var blocked: Set<Link> = []
    var checker = SafetyChecker()
    var trace = TraceHasher()
    public private(set) var events = 0
    var clients: [ClientState] = []
    var history: [HistoryOperation] = []
    var inputs: [OperationKey: KVInput] = [:]
    var faultsActive = true
    var failure: String?
    /// The linearizability check ran out of its step budget (counted as a pass, reported).
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
        case deliver(Message)
        case fsyncDone(NodeID, UInt64, UInt64)
        case crash
        case crashNode(NodeID, UInt64)
        case restart(NodeID)
        case partition
        case heal
        case membership
        case transfer
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
        let membership = Membership(voters: (1...UInt64(options.nodes)).map { $0 })
        for id in 1...UInt64(options.nodes) {
            var config = RaftConfig(id: id)
            config.seed = options.seed
            config.electionTicks = 10
            config.heartbeatTicks = 2
            config.appendBytesMax = 256
            config.inflightMessagesMax = 16
            config.snapshotChunkBytesMax = 256
            nodes.append(try SimNode(id: id, config: config, membership: membership))
            var raw = nodes[nodes.count - 1].raw
            raw?.injectBugs(
                options.bugs.intersection([.commitPreviousTermByCounting, .grantTwoVotesPerTerm, .skipLogMatchingCheck])
            )
            nodes[nodes.count - 1].raw = raw
        }
        for client in 0..<options.clients {
            clients.append(ClientState(target: NodeID(1 + client % options.nodes)))
        }
    }

    func node(_ id: NodeID) -> SimNode { nodes[Int(id) - 1] }

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
            options: options, failure: failure, events: events, traceHash: trace.value, operations: history.count)
    }

    private func schedulePlan() {
        for node in nodes { queue.schedule(at: uniform(1...options.rates.tickInterval), .tick(node.id, 0)) }
        for client in clients.indices { queue.schedule(at: uniform(50...200), .clientIssue(client)) }
        queue.schedule(at: options.faultTime, .faultsEnd)
        if options.networkFaults { queue.schedule(at: gap(mean: options.rates.partitionGap), .partition) }
        if options.diskFaults { queue.schedule(at: gap(mean: options.rates.crashGap), .crash) }
        if options.faults != .none {
            queue.schedule(at: gap(mean: options.rates.membershipGap), .membership)
            queue.schedule(at: gap(mean: options.rates.transferGap), .transfer)
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
    /// The history was too hard to decide within the checker's step budget.
    public var linearizabilityUnknown = false

    public var passed: Bool { failure == nil }
}
