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
        for bug in bugs.map(\.rawValue).sorted() { text += " --inject \(bug)" }
        return text
    }

    var networkFaults: Bool { faults == .network || faults == .all }
    var diskFaults: Bool { faults == .disk || faults == .all }
}

/// Fault rates and timings, in one place (simulated milliseconds).
public struct FaultRates: Sendable, Hashable {
    public var drop = 0.05
    public var duplicate = 0.02
    public var delayMin: UInt64 = 1
    public var delayMax: UInt64 = 25
    /// Chance that a message is held back much longer (a stalled link), reordering it far.
    public var longDelay = 0.02
    public var longDelayMax: UInt64 = 600
    /// Mean gap between partitions, and their mean length.
    public var partitionGap: UInt64 = 3_000
    public var partitionLength: UInt64 = 2_000
    /// Mean gap between crashes; a crashed node restarts after up to `restartDelayMax`.
    public var crashGap: UInt64 = 3_000
    public var restartDelayMax: UInt64 = 2_500
    /// Chance that a crashed node is back almost at once (a supervisor restarting it).
    public var quickRestart = 0.3
    /// Chance, per fsync, of a power loss while that fsync is in flight: aims crashes at the
    /// window where a node has acted on state not yet durable.
    public var crashDuringFsync = 0.012
    /// Chance that a crash keeps part of the unsynced writes (a torn write).
    public var tornWrite = 0.5
    public var fsyncFast: ClosedRange<UInt64> = 1...4
    public var fsyncSlow: ClosedRange<UInt64> = 40...200
    public var slowFsync = 0.05
    public var tickInterval: UInt64 = 10
    public var tickJitter: UInt64 = 3
    public var membershipGap: UInt64 = 4_000
    public var transferGap: UInt64 = 3_000
    /// Applied entries between snapshots (log compaction) on each node.
    public var snapshotEvery: UInt64 = 40
    /// How long a client waits for an answer before recording its operation as pending.
    public var clientTimeout: UInt64 = 1_500
    public var clientThink: UInt64 = 20

    public init() {}
}

public struct SimError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
