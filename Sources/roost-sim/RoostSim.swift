import ArgumentParser
import Dispatch
import RaftCore
import RaftSim

/// `roost-sim`: runs deterministic whole-cluster simulations of Roost's Raft and checks them.
@main
struct RoostSim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roost-sim",
        abstract: "Deterministic Raft cluster simulation with fault injection and safety/linearizability checks.",
        discussion: """
            Every run is a pure function of its options: a failure prints them, and \
            `roost-sim --seed N ...` replays it exactly. Build with -c release (debug is far slower).

            Swarm testing: each seed switches a random half of the fault kinds off, so seeds differ \
            in kind and not only in timing; --rate NAME=VALUE pins one fault's probability (0 \
            switches it off), --no-swarm runs every kind in every seed. A history the \
            linearizability checker cannot decide within its step budget fails the seed.

            With --lease-reads, leaders serve ReadIndex from their lease; the pause fault \
            (stop-the-world pauses longer than an election timeout) runs in every mode.

            Injectable bugs (--inject, to prove the checkers can fail; each turns on the modes \
            it needs), each with the checker that must catch it:
            \(InjectedBug.allCases.map { "  \($0.rawValue)\n      caught by: \($0.catchingChecker)" }.joined(separator: "\n"))
            """)

    @Option(help: "Run one seed.") var seed: UInt64?
    @Option(help: "Run a range of seeds, e.g. 1..1000.") var seeds: String?
    @Option(help: "Cluster size: 3, 5, 7, or 'all' to cycle through them by seed.") var nodes = "3"
    @Option(help: "Faults: none, network, disk, all.") var faults = "all"
    @Option(name: .customLong("inject"), help: "Inject a known bug (repeatable).") var injected: [String] = []
    @Option(help: "Simulated milliseconds of faults.") var faultTime: UInt64 = 20_000
    @Option(help: "Simulated milliseconds allowed for recovery after the faults.") var settleTime: UInt64 = 15_000
    @Option(
        name: .customLong("rate"),
        help:
            "Set a fault probability, NAME=VALUE (repeatable; names: \(FaultRates.probabilities.map(\.name).joined(separator: ", ")))."
    ) var rateAssignments: [String] = []
    @Flag(help: "Run every fault kind in every seed (by default each seed switches a random half of them off).")
    var noSwarm = false
    @Flag(help: "Leaders serve ReadIndex from their lease (RaftConfig.leaseReads).") var leaseReads = false
    @Option(
        name: .customLong("shape"),
        help: ArgumentHelp(
            "Run under faults aimed at a bug's window (repeatable): \(FaultShape.allCases.map(\.rawValue).joined(separator: ", ")). Injected bugs turn on the shape they need; the correct core must pass under each.",
            valueName: "shape")
    ) var shapeNames: [String] = []
    @Option(
        name: .customLong("mode-of"),
        help: ArgumentHelp(
            "Run the correct core in the mode injecting this bug turns on, without the bug (repeatable): a control run, which must pass.",
            valueName: "bug")
    ) var modeOf: [String] = []
    @Flag(help: "Print a hash of the full event trace (identical in every process and run).") var traceHash = false
    @Flag(help: "Stop at the first failing seed.") var failFast = false
    @Flag(
        help:
            "With --inject: stop at the first seed that fails in the checker that must catch the injected bug, and print CAUGHT."
    ) var untilCaught = false

    func validate() throws {
        guard (seed == nil) != (seeds == nil) else { throw ValidationError("give exactly one of --seed or --seeds") }
        if let seeds, parseRange(seeds) == nil { throw ValidationError("--seeds must look like A..B") }
        if untilCaught && injected.count != 1 { throw ValidationError("--until-caught takes exactly one --inject") }
        guard ["3", "5", "7", "all"].contains(nodes) else { throw ValidationError("--nodes must be 3, 5, 7 or all") }
        guard SimOptions.Faults(rawValue: faults) != nil else {
            throw ValidationError("--faults must be none, network, disk or all")
        }
        var rates = FaultRates()
        for assignment in rateAssignments {
            do { try rates.set(assignment) } catch { throw ValidationError(error.description) }
        }
        for name in shapeNames where FaultShape(rawValue: name) == nil {
            throw ValidationError(
                "unknown shape \(name); known: \(FaultShape.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        for name in injected + modeOf where InjectedBug(rawValue: name) == nil {
            throw ValidationError(
                "unknown bug \(name); known: \(InjectedBug.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() throws {
        let range = seed.map { $0...$0 } ?? parseRange(seeds!)!
        var passed = 0
        var failed = 0
        var events = 0
        var undecided = 0
        var replaced = 0
        var pauses = 0
        var splits = 0
        var livenessChecked = 0
        let start = DispatchTime.now().uptimeNanoseconds
        for value in range {
            var options = SimOptions(seed: value)
            options.nodes = nodes == "all" ? [3, 5, 7][Int(value % 3)] : Int(nodes)!
            options.faults = SimOptions.Faults(rawValue: faults)!
            options.bugs = Set(injected.compactMap(InjectedBug.init(rawValue:)))
            options.faultTime = faultTime
            options.settleTime = settleTime
            for assignment in rateAssignments { try options.rates.set(assignment) }
            options.swarm = !noSwarm
            options.leaseReads = leaseReads
            options.shapes = Set(shapeNames.compactMap(FaultShape.init(rawValue:)))
            options.modes = Set(modeOf.compactMap(InjectedBug.init(rawValue:)))
            let result = try Simulation(options: options).run()
            events += result.events
            if result.linearizabilityUnknown { undecided += 1 }
            replaced += result.retired
            pauses += result.pauses
            splits += result.splits
            livenessChecked += result.livenessChecked
            if traceHash {
                print("seed=\(value) trace-hash=\(String(result.traceHash, radix: 16)) events=\(result.events)")
            }
            if let failure = result.failure {
                failed += 1
                print("FAIL seed=\(value) (replay: roost-sim \(options)): \(failure)")
                if failFast { break }
                if untilCaught, let bug = options.bugs.first, failure.hasPrefix(bug.catchingChecker + ":") {
                    print("CAUGHT seed=\(value) by \(bug.catchingChecker)")
                    break
                }
            } else {
                passed += 1
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print(
            "simulated \(events) events in \(Double(Int(seconds * 100)) / 100) s (\(Int(Double(events) / max(seconds, 1e-9))) events/s)"
        )
        print("\(replaced) member(s) removed and replaced by new nodes")
        print("\(pauses) pause(s) of a node longer than an election timeout")
        print("\(splits) split(s) along a restarted node's stale membership")
        print("\(livenessChecked) operation(s) issued after recovery checked for liveness")
        if undecided > 0 { print("\(undecided) seed(s) failed with linearizability undecided (checker step budget)") }
        print("\(passed) passed, \(failed) failed")
        if failed > 0 { throw ExitCode.failure }
    }

    private func parseRange(_ text: String) -> ClosedRange<UInt64>? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: true)
        guard parts.count == 2, let low = UInt64(parts[0]), let high = UInt64(parts[1]), low <= high else { return nil }
        return low...high
    }
}
