import RaftCore

/// Fault rates and timings, in one place (simulated milliseconds). Probabilities are per event
/// (per message, per fsync, per election, ...); the `...Runs` ones are the chance that a kind
/// of scheduled fault happens at all in a run. Everything here is set per run: see
/// `swarmed(using:)` and `roost-sim --rate`.
public struct FaultRates: Sendable, Hashable {
    // MARK: Network
    public var drop = 0.05
    public var duplicate = 0.02
    public var delayMin: UInt64 = 1
    public var delayMax: UInt64 = 25
    /// Chance that a message is held back much longer (a stalled link), reordering it far.
    public var longDelay = 0.02
    public var longDelayMax: UInt64 = 600
    /// Partitions (random halves, isolated leader, one-way link, bridge node): mean gap between
    /// them, and their mean length.
    public var partitionRuns = 1.0
    public var partitionGap: UInt64 = 3_000
    public var partitionLength: UInt64 = 2_000
    /// Chance that a newly elected leader is cut off from everyone shortly after its election
    /// (within `isolateNewLeaderDelayMax`), for about `partitionLength`.
    public var isolateNewLeader = 0.2
    public var isolateNewLeaderDelayMax: UInt64 = 40
    /// Chance that a leader is cut off right after the first client proposal of its term:
    /// leaves an entry on a minority, for a later leader to overwrite.
    public var isolateAtFirstProposal = 0.8
    /// Chance that a leader is cut off right after its first commit in its term, before the
    /// followers learn of it: its successor must not lose what it committed. With the previous
    /// fault this makes the three-leader sequence of the Raft paper's Figure 8 common.
    public var isolateAtFirstCommit = 0.8

    /// Chance that a restarted node whose snapshot holds an older voter set than the leader's is
    /// split off with a quorum of that older set (`maybeSplitAlongStaleMembership`).
    public var splitAtStaleRestart = 0.0

    // MARK: Disk and power
    /// Single-node crashes: mean gap; a crashed node restarts after up to `restartDelayMax`.
    public var crashRuns = 1.0
    public var crashGap: UInt64 = 3_000
    public var restartDelayMax: UInt64 = 2_500
    /// Chance that a crashed node is back almost at once (a supervisor restarting it).
    public var quickRestart = 0.3
    /// Chance, per fsync, of a power loss while that fsync is in flight: aims crashes at the
    /// window where a node has acted on state not yet durable.
    public var crashDuringFsync = 0.012
    /// Chance, per fsync of a Ready that grants a vote, of a power loss while it is in flight:
    /// a vote must be durable before it is sent, and this is where it shows if it is not.
    public var crashDuringVoteFsync = 0.4
    /// Whole-cluster power losses (every node at once; each back within
    /// `powerLossRestartMax`). Committed entries must survive them: a quorum persisted them.
    public var powerLossRuns = 1.0
    public var powerLossGap: UInt64 = 8_000
    public var powerLossRestartMax: UInt64 = 300
    /// Chance that a crash keeps part of the unsynced writes (a torn write).
    public var tornWrite = 0.5
    public var fsyncFast: ClosedRange<UInt64> = 1...4
    public var fsyncSlow: ClosedRange<UInt64> = 40...200
    public var slowFsync = 0.05
    /// How long a Ready that persists nothing takes besides applying (sending, bookkeeping).
    public var readyCost: ClosedRange<UInt64> = 0...1
    /// How long applying one committed entry takes (0: the in-memory store is instant).
    public var applyCostPerEntry: ClosedRange<UInt64> = 0...0

    /// Stop-the-world pauses (a long GC, a frozen VM) of one node, usually the leader, longer
    /// than an election timeout: it resumes with its old view (with lease reads on, a leader
    /// that served reads from a stale lease would show here).
    public var pauseRuns = 1.0
    public var pauseGap: UInt64 = 3_000
    public var pauseLength: ClosedRange<UInt64> = 150...800
    /// Chance that a paused node is also cut off from its peers until shortly after it resumes
    /// (they dropped its connections while it was frozen, and it takes a moment to reconnect):
    /// a paused leader then resumes without news of a successor, with clients still reaching
    /// it, and must not serve a read from an expired lease.
    public var pauseIsolation = 0.5
    /// Chance that a pause is aimed: it fires on a leader 2-4 ticks after a quorum check (or its
    /// election) and lasts until just before the check after next: the leader resumes still leading (the first check passed on
    /// acknowledgements from before the pause) with the most time for a successor to take writes.
    public var pauseAfterQuorumCheck = 0.0
    /// How long after it resumes such a node is still cut off, at most.
    public var pauseReconnectMax: UInt64 = 150

    // MARK: Operations
    public var membershipRuns = 1.0
    public var membershipGap: UInt64 = 2_000
    /// Chance that a removed member keeps running for many seconds (across further changes)
    /// before its operator shuts it down, rather than within 1.5 s.
    public var lingeringRemoval = 0.25
    public var transferRuns = 1.0
    public var transferGap: UInt64 = 3_000

    // MARK: Shape of the run (not faults)
    public var tickInterval: UInt64 = 10
    public var tickJitter: UInt64 = 3
    /// Applied entries between snapshots (log compaction) on each node.
    public var snapshotEvery: UInt64 = 40
    /// Fixes `RaftConfig.committedBytesPerReadyMax` (else it varies by seed): 16 bytes is one
    /// entry per Ready, so a node catching up or restarting applies its log slowly.
    public var committedBytesPerReadyMax: Int?
    /// How long a client waits for an answer before recording its operation as pending.
    public var clientTimeout: UInt64 = 1_500
    /// After the faults stop, the cluster has this long to recover (restarts, an election,
    /// catching up); every client operation issued later must complete within `clientTimeout`.
    public var recoveryBound: UInt64 = 3_000
    public var clientThink: UInt64 = 20
    /// While the faults run, how long a client whose operation waits on a paused node waits
    /// before giving up (its operation stays pending) and trying a random node. Short only in
    /// modes that need clients to find a successor during a pause.
    public var clientPatience: UInt64 = 1_500
    /// Chance that a client sends its next operation to a random node rather than to the leader
    /// it knows (0 unless a bug's mode needs clients spread over the members: one that stays
    /// with a deposed leader while another finds the new one).
    public var clientWander = 0.0

    /// Probabilities set explicitly (`--rate`): swarm testing leaves them alone.
    public var pinned: Set<String> = []

    public init() {}
}

extension FaultRates {
    /// The probabilities `roost-sim --rate NAME=VALUE` may set, by their command-line names:
    /// to switch a fault off (0) or make it common while hunting a bug. All but
    /// `quick-restart` are faults, which swarm testing may switch off.
    public static var probabilities: [(name: String, path: WritableKeyPath<FaultRates, Double>)] {
        [
            ("drop", \.drop), ("duplicate", \.duplicate), ("long-delay", \.longDelay),
            ("partitions", \.partitionRuns), ("isolate-new-leader", \.isolateNewLeader),
            ("isolate-at-first-proposal", \.isolateAtFirstProposal),
            ("isolate-at-first-commit", \.isolateAtFirstCommit), ("crashes", \.crashRuns),
            ("crash-during-fsync", \.crashDuringFsync), ("crash-during-vote-fsync", \.crashDuringVoteFsync),
            ("power-loss", \.powerLossRuns), ("torn-write", \.tornWrite), ("slow-fsync", \.slowFsync),
            ("membership", \.membershipRuns), ("transfers", \.transferRuns), ("quick-restart", \.quickRestart),
            ("pauses", \.pauseRuns), ("pause-isolation", \.pauseIsolation),
        ]
    }

    /// Sets one probability from `NAME=VALUE` and pins it.
    public mutating func set(_ assignment: String) throws(SimError) {
        let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, let path = Self.probabilities.first(where: { $0.name == parts[0] })?.path else {
            throw SimError(
                "--rate takes NAME=VALUE with NAME one of: \(Self.probabilities.map(\.name).joined(separator: ", "))")
        }
        guard let value = Double(parts[1]), value >= 0, value <= 1 else {
            throw SimError("--rate \(parts[0]) must be a probability between 0 and 1")
        }
        self[keyPath: path] = value
        pinned.insert(parts[0])
    }

    /// Swarm testing (Groce et al., ISSTA 2012): every fault kind not pinned is switched off
    /// with probability one half. A run with every fault on at once spends its time recovering
    /// (a leader isolated at each election rarely gets a proposal); runs with a random subset
    /// reach deeper states of each kind, and together the seeds still cover every mix.
    func swarmed(using random: inout SplitMix64) -> FaultRates {
        var rates = self
        for (name, path) in Self.probabilities where name != "quick-restart" {
            let off = random.next() & 1 == 0
            if off && !pinned.contains(name) { rates[keyPath: path] = 0 }
        }
        return rates
    }

    /// The shape in which a lease that outlives its expiry serves a stale read: LAN latencies
    /// against an etcd-like election timeout (300-600 ms on 30 ms ticks, so a successor is elected
    /// and takes writes within one pause), pauses aimed between a leader's quorum checks, and
    /// clients that give up on a frozen node quickly and find the successor. Without the aim,
    /// check-quorum deposes the old leader before a successor commits anything: the lease bug
    /// only shows when a check passes on acknowledgements from before the pause.
    mutating func aimAtLeaseExpiry() {
        tickInterval = 30
        delayMax = 3
        pauseAfterQuorumCheck = 1
        clientPatience = 80
        setUnlessPinned("pauses", 1)
        setUnlessPinned("pause-isolation", 1)
    }

    /// The shape in which a node that campaigns under a membership it has not finished applying
    /// wins on a stale quorum: frequent membership changes, removed members that keep running
    /// (they still answer votes), frequent quick restarts, a slow disk and a slow state machine
    /// (10-20 ms per entry applied, one entry per Ready), so a restarted node re-applies its log
    /// long after its election timeout (the liveness bound allows for the re-apply it measures:
    /// `Simulation.noteReapplyBacklog`), and the split along its stale membership at each restart
    /// (`splitAtStaleRestart`). Power losses and crashes during fsync are off: they restart the
    /// node again before it campaigns.
    mutating func aimAtStaleMembership() {
        setUnlessPinned("membership", 1)
        membershipGap = min(membershipGap, 500)
        lingeringRemoval = 1
        setUnlessPinned("crashes", 1)
        crashGap = 1_000
        setUnlessPinned("quick-restart", 1)
        setUnlessPinned("power-loss", 0)
        setUnlessPinned("crash-during-fsync", 0)
        setUnlessPinned("crash-during-vote-fsync", 0)
        fsyncFast = 15...30
        applyCostPerEntry = 10...20
        snapshotEvery = 200
        committedBytesPerReadyMax = 16
        splitAtStaleRestart = 1
    }

    /// A shape's setting of a probability `--rate` may set: an explicit `--rate` wins.
    private mutating func setUnlessPinned(_ name: String, _ value: Double) {
        guard !pinned.contains(name), let path = Self.probabilities.first(where: { $0.name == name })?.path else {
            return
        }
        self[keyPath: path] = value
    }

    /// The `--rate` arguments that reproduce the pinned values.
    var pinnedArguments: String {
        Self.probabilities.filter { pinned.contains($0.name) }.map { " --rate \($0.name)=\(self[keyPath: $0.path])" }
            .joined()
    }
}
