import RaftCore

/// Everything that shapes one simulated run. A run is a pure function of these options: print
/// them (`description`) and the run replays exactly.
public struct SimOptions: Sendable, Hashable, CustomStringConvertible {
    public enum Faults: String, Sendable, Hashable, CaseIterable {
        case none, network, disk, all
    }

    public var seed: UInt64
    public var nodes = 3
    public var faults = Faults.all
    /// Simulated milliseconds during which faults are injected.
    public var faultTime: UInt64 = 20_000
    /// Simulated milliseconds after the faults stop within which the cluster must recover.
    public var settleTime: UInt64 = 15_000
    public var clients = 3
    public var keys = 3
    public var bugs: Set<InjectedBug> = []
    public var rates = FaultRates()
    /// Swarm testing: each seed switches a random half of the fault kinds off (those not set
    /// explicitly), so seeds differ in kind and not only in timing.
    public var swarm = true
    /// Leader leases serve ReadIndex requests (`RaftConfig.leaseReads`).
    public var leaseReads = false
    /// Aimed faults (`roost-sim --shape`), besides those the injected bugs turn on.
    public var shapes: Set<FaultShape> = []
    /// Bugs whose mode (faults, shape, lease reads, client behaviour) the run takes without
    /// injecting them (`roost-sim --mode-of`): a control run, which the correct core must pass,
    /// so that a bug's failures are its own and not its mode's.
    public var modes: Set<InjectedBug> = []

    public init(seed: UInt64) { self.seed = seed }

    public func validate() throws(SimError) {
        guard [3, 5, 7].contains(nodes) else { throw SimError("nodes must be 3, 5 or 7") }
        guard clients > 0, clients <= 64, keys > 0, keys <= 64 else {
            throw SimError("clients and keys must be 1...64")
        }
        guard faultTime > 0, settleTime > 0 else { throw SimError("times must be positive") }
    }

    public var description: String {
        var text = "--seed \(seed) --nodes \(nodes) --faults \(faults.rawValue)"
        let defaults = SimOptions(seed: seed)
        if faultTime != defaults.faultTime { text += " --fault-time \(faultTime)" }
        if settleTime != defaults.settleTime { text += " --settle-time \(settleTime)" }
        if !swarm { text += " --no-swarm" }
        if leaseReads { text += " --lease-reads" }
        for shape in shapes.sorted() { text += " --shape \(shape.rawValue)" }
        for bug in modes.map(\.rawValue).sorted() { text += " --mode-of \(bug)" }
        text += rates.pinnedArguments
        for bug in bugs.map(\.rawValue).sorted() { text += " --inject \(bug)" }
        if !isCommandLineReproducible { text += " (plus settings roost-sim cannot set)" }
        return text
    }

    /// Whether `description` replays this run: everything else is at its default.
    var isCommandLineReproducible: Bool {
        let defaults = FaultRates()
        var rest = rates
        for (name, path) in FaultRates.probabilities where rates.pinned.contains(name) {
            rest[keyPath: path] = defaults[keyPath: path]
        }
        rest.pinned = []
        let plain = SimOptions(seed: seed)
        return rest == defaults && clients == plain.clients && keys == plain.keys
    }

    /// The shapes asked for and those the injected bugs need.
    var allShapes: Set<FaultShape> { shapes.union(modeBugs.compactMap(\.shape)) }

    /// The bugs whose mode the run takes: those injected and those named by `modes`.
    var modeBugs: Set<InjectedBug> { bugs.union(modes) }

    var networkFaults: Bool { faults == .network || faults == .all }
    var diskFaults: Bool { faults == .disk || faults == .all }
}

public struct SimError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
