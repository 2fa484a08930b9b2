import Foundation
import Testing

@testable import RaftSim

// MARK: - Builders

private func put(_ client: Int, _ key: String, _ value: String, _ call: UInt64, _ returned: UInt64?)
    -> HistoryOperation
{
    HistoryOperation(
        client: client, input: .put(key: key, value: value), call: call, returned: returned,
        output: returned == nil ? nil : .ok)
}

private func get(_ client: Int, _ key: String, _ observed: String?, _ call: UInt64, _ returned: UInt64)
    -> HistoryOperation
{
    HistoryOperation(
        client: client, input: .get(key: key), call: call, returned: returned, output: .value(observed))
}

private func cas(
    _ client: Int, _ key: String, _ expected: String?, _ new: String, _ succeeded: Bool?, _ call: UInt64,
    _ returned: UInt64?
) -> HistoryOperation {
    HistoryOperation(
        client: client, input: .cas(key: key, expected: expected, new: new), call: call, returned: returned,
        output: succeeded.map { .cas($0) })
}

private let checker = LinearizabilityChecker()

private func isViolation(_ result: LinearizabilityResult, key: String) -> Bool {
    if case .notLinearizable(key, _) = result { return true }
    return false
}

// MARK: - Hand-written histories

@Test func emptyHistoryIsLinearizable() {
    #expect(checker.check([]) == .linearizable)
}

@Test func sequentialHistoryIsLinearizable() {
    let history = [
        get(1, "x", nil, 0, 1),
        put(1, "x", "a", 2, 3),
        get(2, "x", "a", 4, 5),
        put(2, "x", "b", 6, 7),
        get(1, "x", "b", 8, 9),
    ]
    #expect(checker.check(history) == .linearizable)
}

@Test func overlappingPutAndGetMayBeOrderedEitherWay() {
    let before = [put(1, "x", "a", 0, 10), get(2, "x", nil, 5, 15)]
    let after = [put(1, "x", "a", 0, 10), get(2, "x", "a", 5, 15)]
    #expect(checker.check(before) == .linearizable)
    #expect(checker.check(after) == .linearizable)
}

@Test func concurrentPutsAllowEitherWinner() {
    for winner in ["a", "b"] {
        let history = [put(1, "x", "a", 0, 10), put(2, "x", "b", 0, 10), get(3, "x", winner, 11, 12)]
        #expect(checker.check(history) == .linearizable, "winner \(winner)")
    }
    // Once a reader saw "b" win, a later reader cannot see "a".
    let flipFlop = [
        put(1, "x", "a", 0, 10), put(2, "x", "b", 0, 10), get(3, "x", "b", 11, 12), get(3, "x", "a", 13, 14),
    ]
    #expect(isViolation(checker.check(flipFlop), key: "x"))
}

@Test func staleReadAfterCompletedPutIsNotLinearizable() {
    let history = [put(1, "x", "a", 0, 10), get(2, "x", nil, 20, 30)]
    #expect(
        checker.check(history)
            == .notLinearizable(
                key: "x",
                explanation: "longest linearizable prefix 1 of 2 ops: #0 c1 put(\"a\") -> ok [0,10]; "
                    + "value then \"a\"; cannot linearize #1 c2 get() -> nil [20,30] before it returns"))
}

@Test func returnAndCallAtTheSameTickAreConcurrent() {
    // Real-time order needs a strictly earlier return: a get called at the put's return tick may miss it.
    #expect(checker.check([put(1, "x", "a", 0, 10), get(2, "x", nil, 10, 12)]) == .linearizable)
    #expect(isViolation(checker.check([put(1, "x", "a", 0, 10), get(2, "x", nil, 11, 12)]), key: "x"))
}

@Test func compareAndSetSuccessAndFailure() {
    let sequential = [
        cas(1, "x", nil, "a", true, 0, 1),
        cas(2, "x", nil, "b", false, 2, 3),
        cas(2, "x", "a", "b", true, 4, 5),
        get(1, "x", "b", 6, 7),
    ]
    #expect(checker.check(sequential) == .linearizable)

    let oneWinner = [cas(1, "x", nil, "a", true, 0, 10), cas(2, "x", nil, "b", false, 0, 10), get(3, "x", "a", 11, 12)]
    #expect(checker.check(oneWinner) == .linearizable)

    let twoWinners = [cas(1, "x", nil, "a", true, 0, 10), cas(2, "x", nil, "b", true, 0, 10)]
    #expect(isViolation(checker.check(twoWinners), key: "x"))

    let wrongFailure = [put(1, "x", "a", 0, 1), cas(2, "x", "a", "b", false, 2, 3)]
    #expect(isViolation(checker.check(wrongFailure), key: "x"))

    let wrongSuccess = [put(1, "x", "a", 0, 1), cas(2, "x", nil, "b", true, 2, 3)]
    #expect(isViolation(checker.check(wrongSuccess), key: "x"))
}

@Test func pendingPutMayOrMayNotTakeEffect() {
    let prefix = [put(1, "x", "a", 0, 10), put(2, "x", "b", 20, nil)]
    #expect(checker.check(prefix + [get(3, "x", "a", 30, 40)]) == .linearizable)
    #expect(checker.check(prefix + [get(3, "x", "b", 30, 40)]) == .linearizable)
    #expect(checker.check(prefix + [get(3, "x", "a", 30, 40), get(3, "x", "b", 50, 60)]) == .linearizable)
    // It may take effect long after its client gave up...
    #expect(checker.check(prefix + [get(3, "x", "a", 1_000, 1_001), get(3, "x", "b", 5_000, 5_001)]) == .linearizable)
    // ...but only once, and never before its call.
    let flipBack = prefix + [get(3, "x", "b", 30, 40), get(3, "x", "a", 50, 60)]
    #expect(isViolation(checker.check(flipBack), key: "x"))
    let beforeCall = prefix + [get(3, "x", "b", 12, 15)]
    #expect(isViolation(checker.check(beforeCall), key: "x"))
}

@Test func pendingOperationTakesEffectAtMostOnce() {
    // Seeing the pending "b" twice, with "a" in between, needs the pending put to apply twice.
    let history = [
        put(1, "x", "b", 0, nil), get(2, "x", "b", 10, 11), put(2, "x", "a", 12, 13), get(2, "x", "a", 14, 15),
        get(2, "x", "b", 16, 17),
    ]
    guard case .notLinearizable("x", let explanation) = checker.check(history) else {
        Issue.record("expected a violation on x")
        return
    }
    #expect(!explanation.contains("repeatedly"), "found by the exact search: \(explanation)")
    #expect(explanation.contains("cannot linearize #4 c2 get() -> \"b\" [16,17]"), "\(explanation)")
}

@Test func pendingCompareAndSetMayOrMayNotTakeEffect() {
    let prefix = [cas(1, "x", nil, "a", nil, 0, nil)]
    #expect(checker.check(prefix + [get(2, "x", nil, 5, 6)]) == .linearizable)
    #expect(checker.check(prefix + [get(2, "x", "a", 5, 6)]) == .linearizable)
    // A pending cas cannot apply when its expectation no longer holds.
    let blocked = [put(2, "x", "z", 0, 1)] + [cas(1, "x", nil, "a", nil, 2, nil), get(2, "x", "a", 5, 6)]
    #expect(isViolation(checker.check(blocked), key: "x"))
}

@Test func onlyPendingOperationsAreLinearizable() {
    let history: [HistoryOperation] = [
        put(1, "x", "a", 0, nil), .pending(client: 2, input: .get(key: "x"), call: 1),
        cas(3, "x", "a", "b", nil, 2, nil),
    ]
    #expect(checker.check(history) == .linearizable)
}

@Test func keysAreCheckedIndependently() {
    // Per key the history is fine; the real-time order across keys does not matter (P-compositionality).
    let fine = [
        put(1, "a", "1", 0, 10), put(2, "b", "2", 0, 10), get(1, "a", "1", 11, 12), get(2, "b", "2", 11, 12),
        get(3, "b", nil, 0, 5), get(3, "a", nil, 6, 7),
    ]
    #expect(checker.check(fine) == .linearizable)

    let staleB = fine + [get(4, "b", nil, 20, 21)]
    #expect(isViolation(checker.check(staleB), key: "b"))

    // With two bad keys, the smaller key is reported, whatever the history order.
    let both = staleB + [get(4, "a", nil, 22, 23)]
    #expect(isViolation(checker.check(both), key: "a"))
    #expect(isViolation(checker.check(both.reversed()), key: "a"))
}

@Test func outputNotMatchingInputIsNotLinearizable() {
    let history = [
        HistoryOperation(client: 1, input: .put(key: "x", value: "a"), call: 0, returned: 1, output: .cas(true))
    ]
    #expect(isViolation(checker.check(history), key: "x"))
}

@Test func stepLimitReturnsUnknown() {
    let sequential = [put(1, "x", "a", 0, 1), put(1, "x", "b", 2, 3)]
    guard case .unknown(let reason) = LinearizabilityChecker(maxStepsPerKey: 1).check(sequential) else {
        Issue.record("expected .unknown")
        return
    }
    #expect(reason.contains("\"x\""))

    // 30 concurrent puts and a read of a value nobody wrote: exponentially many orders to rule out.
    var hard = (0..<30).map { put($0, "x", "v\($0)", 0, 100) }
    hard.append(get(99, "x", "nobody", 0, 100))
    let result = LinearizabilityChecker(maxStepsPerKey: 10_000).check(hard)
    guard case .unknown = result else {
        Issue.record("expected .unknown, got \(result)")
        return
    }
}

@Test func verdictAndExplanationAreDeterministic() {
    // Many keys and values (hashed differently in every process) and a pending write: the text is pinned,
    // so a different process or a different hash seed must still produce it.
    var history = (0..<40).map { put($0 % 7, "key\($0 % 5)", "value\($0)", UInt64($0), 100) }
    history.append(put(9, "key3", "late", 50, nil))
    history += [get(7, "key3", "value8", 101, 102), get(8, "key3", "value13", 103, 104)]
    history += [get(7, "key1", "value36", 105, 106), get(8, "key1", "value1", 107, 108)]
    let first = checker.check(history)
    #expect(first == LinearizabilityChecker().check(history))
    #expect(first == checker.check(history.reversed().reversed()))
    #expect(
        first
            == .notLinearizable(
                key: "key1",
                explanation:
                    "longest linearizable prefix 9 of 10 ops: (1 earlier) #6 c6 put(\"value6\") -> ok [6,100]; "
                    + "#11 c4 put(\"value11\") -> ok [11,100]; #16 c2 put(\"value16\") -> ok [16,100]; "
                    + "#21 c0 put(\"value21\") -> ok [21,100]; #26 c5 put(\"value26\") -> ok [26,100]; "
                    + "#31 c3 put(\"value31\") -> ok [31,100]; #36 c1 put(\"value36\") -> ok [36,100]; "
                    + "#43 c7 get() -> \"value36\" [105,106]; value then \"value36\"; "
                    + "cannot linearize #44 c8 get() -> \"value1\" [107,108] before it returns"),
        "\(first)")
}

// MARK: - Randomized histories, linearizable by construction

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, seedable, the same on every platform.
private struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ bound: UInt64) -> UInt64 {
        next() % bound
    }
}

/// Runs operations one at a time on a real map, each at its own linearization point, then gives each
/// an interval around its point: `call <= point <= returned`, one operation at a time per client.
/// About 5% of operations end pending, half of them applied and half never applied.
private func linearizableHistory(seed: UInt64, count: Int, clients: Int, keys: Int) -> [HistoryOperation] {
    var rng = SplitMix64(state: seed)
    var store: [String: String] = [:]
    var free = Array(repeating: UInt64(0), count: clients)
    var point: UInt64 = 0
    var history: [HistoryOperation] = []
    for _ in 0..<count {
        point = max(point + 1 + rng.below(3), free.min()!)
        let ready = (0..<clients).filter { free[$0] <= point }
        let client = ready[Int(rng.below(UInt64(ready.count)))]
        let call = point - rng.below(point - free[client] + 1)
        let input = randomInput(&rng, key: "k\(rng.below(UInt64(keys)))", store: store)
        let pending = rng.below(20) == 0
        if pending {
            if rng.below(2) == 0 { _ = apply(input, to: &store) }
            history.append(.pending(client: client, input: input, call: call))
            free[client] = point + 1 + rng.below(20)
        } else {
            let output = apply(input, to: &store)
            let returned = point + rng.below(30)
            history.append(
                HistoryOperation(client: client, input: input, call: call, returned: returned, output: output))
            free[client] = returned + 1
        }
    }
    return history
}

private func randomInput(_ rng: inout SplitMix64, key: String, store: [String: String]) -> KVInput {
    let value = "v\(rng.below(4))"
    switch rng.below(20) {
    case 0..<9:
        return .get(key: key)
    case 9..<16:
        return .put(key: key, value: value)
    default:
        let expected: String? = [store[key], nil, value][Int(rng.below(3))]
        return .cas(key: key, expected: expected, new: "v\(rng.below(4))")
    }
}

private func apply(_ input: KVInput, to store: inout [String: String]) -> KVOutput {
    switch input {
    case .put(let key, let value):
        store[key] = value
        return .ok
    case .get(let key):
        return .value(store[key])
    case .cas(let key, let expected, let new):
        guard store[key] == expected else { return .cas(false) }
        store[key] = new
        return .cas(true)
    }
}

@Test(arguments: 1...60 as ClosedRange<UInt64>)
func randomLinearizableHistoriesPassAndMutatedReadsFail(seed: UInt64) {
    var history = linearizableHistory(seed: seed, count: 150, clients: 5, keys: 2)
    #expect(checker.check(history) == .linearizable, "seed=\(seed)")

    var rng = SplitMix64(state: seed ^ 0xDEAD_BEEF)
    let reads = history.indices.filter {
        if case .get = history[$0].input { return !history[$0].isPending }
        return false
    }
    guard !reads.isEmpty else { return }
    let victim = reads[Int(rng.below(UInt64(reads.count)))]
    history[victim].output = .value("never-written")
    let result = checker.check(history)
    #expect(isViolation(result, key: history[victim].input.key), "seed=\(seed) op #\(victim): \(result)")
}

@Test func largeHistoryTiming() {
    let seed: UInt64 = 2_000
    let history = linearizableHistory(seed: seed, count: 2_000, clients: 10, keys: 3)
    let clock = ContinuousClock()
    var result = LinearizabilityResult.unknown(reason: "not run")
    let elapsed = clock.measure { result = checker.check(history) }
    print("LinearizabilityTests: 2000 ops, 10 clients, 3 keys (seed=\(seed)): \(result) in \(elapsed)")
    #expect(result == .linearizable, "seed=\(seed)")
}

// MARK: - Agreement with brute force on small random histories

/// Tries every order that respects real time (a completed operation that returned strictly before
/// another's call comes first); pending operations may be placed anywhere after their call or left out.
///
/// Remembers the configurations (operations placed, store contents) already shown to fail: what can
/// follow depends on nothing else, so this prunes repeats without changing the answer, and keeps
/// pending-heavy histories tractable (six pending operations, free to go anywhere, alone make
/// thousands of orders). It shares none of the checker's reductions (pending classes, subsumption,
/// dropped and looping pending moves, per-key partitioning), which are what the comparison tests.
private func bruteForceLinearizable(_ history: [HistoryOperation]) -> Bool {
    struct Configuration: Hashable {
        var placed: [Bool]
        var store: [String: String]
    }
    var failed: Set<Configuration> = []
    func search(_ placed: [Bool], _ store: [String: String]) -> Bool {
        let open = history.indices.filter { !placed[$0] }
        if open.allSatisfy({ history[$0].isPending }) { return true }
        guard !failed.contains(Configuration(placed: placed, store: store)) else { return false }
        for index in open {
            let operation = history[index]
            let mustPrecede = open.contains { other in
                history[other].returned.map { $0 < operation.call } ?? false
            }
            if mustPrecede { continue }
            var next = store
            let output = apply(operation.input, to: &next)
            if let expected = operation.output, expected != output { continue }
            var nowPlaced = placed
            nowPlaced[index] = true
            if search(nowPlaced, next) { return true }
        }
        failed.insert(Configuration(placed: placed, store: store))
        return false
    }
    return search(Array(repeating: false, count: history.count), [:])
}

private func randomSmallHistory(seed: UInt64) -> [HistoryOperation] {
    var rng = SplitMix64(state: seed)
    let count = 1 + Int(rng.below(8))
    return (0..<count).map { client in
        let key = "k\(rng.below(2))"
        let value = "v\(rng.below(2))"
        let call = rng.below(10)
        let returned: UInt64? = rng.below(3) == 0 ? nil : call + rng.below(5)
        let observed: String? = rng.below(3) == 0 ? nil : "v\(rng.below(2))"
        let (input, output): (KVInput, KVOutput) =
            switch rng.below(3) {
            case 0: (.put(key: key, value: value), .ok)
            case 1: (.get(key: key), .value(observed))
            default: (.cas(key: key, expected: observed, new: value), .cas(rng.below(2) == 0))
            }
        return HistoryOperation(
            client: client, input: input, call: call, returned: returned, output: returned == nil ? nil : output)
    }
}

/// Why the checker's verdict on `history` differs from brute force's (`linearizable` if already known),
/// or nil if they agree. A violation must name the first key, in sorted order, that brute force cannot
/// linearize on its own; `.unknown` is a disagreement too (these histories are far below the budget).
private func disagreement(_ history: [HistoryOperation], linearizable: Bool? = nil) -> String? {
    let expected = linearizable ?? bruteForceLinearizable(history)
    let result = checker.check(history)
    if expected {
        return result == .linearizable ? nil : "brute force linearizes it, the checker says \(result)"
    }
    let keys = Set(history.map(\.input.key)).sorted()
    guard let key = keys.first(where: { key in !bruteForceLinearizable(history.filter { $0.input.key == key }) })
    else { return "brute force linearizes every key alone but not the whole history (locality broken)" }
    return isViolation(result, key: key) ? nil : "brute force cannot linearize key \(key), the checker says \(result)"
}

/// Drops operations one at a time while `fails` still holds, so a failure shows a history small
/// enough to reason about by hand.
private func minimized(_ history: [HistoryOperation], while fails: ([HistoryOperation]) -> Bool)
    -> [HistoryOperation]
{
    var current = history
    var index = 0
    while index < current.count {
        var smaller = current
        smaller.remove(at: index)
        if fails(smaller) {
            current = smaller
            index = 0
        } else {
            index += 1
        }
    }
    return current
}

/// Compares the checker with brute force on `history`, recording an issue with a minimized history
/// when they disagree. Returns brute force's verdict.
private func crossCheck(_ history: [HistoryOperation], seed: UInt64) -> Bool {
    let linearizable = bruteForceLinearizable(history)
    if let reason = disagreement(history, linearizable: linearizable) {
        let small = minimized(history) { disagreement($0) != nil }
        Issue.record("seed=\(seed): \(reason); minimized: \(small); \(disagreement(small) ?? "")")
    }
    return linearizable
}

@Test func agreesWithBruteForceOnSmallHistories() {
    var verdicts = [0, 0]
    for seed in UInt64(1)...3_000 {
        verdicts[crossCheck(randomSmallHistory(seed: seed), seed: seed) ? 1 : 0] += 1
    }
    // Both verdicts must be well represented, or the comparison proves little.
    #expect(verdicts[0] > 300 && verdicts[1] > 300, "verdicts \(verdicts)")
}

// MARK: - Agreement with brute force on pending-heavy histories

/// `count` operations by `clients` clients, each running one operation at a time, so at most `clients`
/// client intervals overlap at any instant (a pending one ends when its client gives up, though it
/// may still take effect later). About half end pending: the case the checker's reductions are for.
/// Each pending operation takes effect at its own linearization point, at a later operation's point
/// (after its client gave up), or never. Three in four histories then get one to three perturbations,
/// so both verdicts are common.
private func pendingHeavyHistory(seed: UInt64, count: Int, clients: Int) -> [HistoryOperation] {
    var rng = SplitMix64(state: seed)
    let keys: UInt64 = rng.below(3) == 0 ? 2 : 1
    var store: [String: String] = [:]
    var free = Array(repeating: UInt64(0), count: clients)
    var point: UInt64 = 0
    var late: [(due: Int, input: KVInput)] = []
    var history: [HistoryOperation] = []
    for index in 0..<count {
        point = max(point + 1 + rng.below(3), free.min()!)
        for effect in late where effect.due == index { _ = apply(effect.input, to: &store) }
        let ready = (0..<clients).filter { free[$0] <= point }
        let client = ready[Int(rng.below(UInt64(ready.count)))]
        let call = point - rng.below(min(point - free[client], 6) + 1)
        let input = randomInput(&rng, key: "k\(rng.below(keys))", store: store)
        if rng.below(2) == 0 {
            switch rng.below(3) {
            case 0: _ = apply(input, to: &store)
            case 1: late.append((index + 1 + Int(rng.below(UInt64(count))), input))
            default: break
            }
            history.append(.pending(client: client, input: input, call: call))
            free[client] = point + 1 + rng.below(5)
        } else {
            let output = apply(input, to: &store)
            let returned = point + rng.below(6)
            history.append(
                HistoryOperation(client: client, input: input, call: call, returned: returned, output: output))
            free[client] = returned + 1
        }
    }
    if rng.below(4) != 0 {
        for _ in 0...rng.below(3) { perturb(&history, &rng) }
    }
    return history
}

/// Changes one completed operation's answer (another value read, the other cas outcome) or shrinks its
/// interval to one end. The result is often, not always, non-linearizable: brute force decides.
private func perturb(_ history: inout [HistoryOperation], _ rng: inout SplitMix64) {
    let completed = history.indices.filter { !history[$0].isPending }
    guard !completed.isEmpty else { return }
    let victim = completed[Int(rng.below(UInt64(completed.count)))]
    switch (history[victim].output, rng.below(2)) {
    case (.value(let observed)?, 0):
        let others = [nil, "v0", "v1", "v2", "v3"].filter { $0 != observed }
        history[victim].output = .value(others[Int(rng.below(UInt64(others.count)))])
    case (.cas(let succeeded)?, 0):
        history[victim].output = .cas(!succeeded)
    default:
        if rng.below(2) == 0 {
            history[victim].call = history[victim].returned!
        } else {
            history[victim].returned = history[victim].call
        }
    }
}

/// Cross-checks `pendingHeavyHistory(seed:count:clients:)` for each seed; returns how many histories
/// brute force found not linearizable ([0]) and linearizable ([1]).
private func crossCheckPendingHeavy(seeds: ClosedRange<UInt64>, count: Int, clients: Int) -> [Int] {
    var verdicts = [0, 0]
    for seed in seeds {
        let history = pendingHeavyHistory(seed: seed, count: count, clients: clients)
        verdicts[crossCheck(history, seed: seed) ? 1 : 0] += 1
    }
    return verdicts
}

/// The checker's pending-operation reductions (classes, subsumption in the memo, dropped and looping
/// pending moves) are only exercised when several pending operations overlap, which the small
/// histories above rarely have. Seeded and fast enough for every CI run.
@Test func agreesWithBruteForceOnPendingHeavyHistories() {
    let seeds: ClosedRange<UInt64> = 1...400
    let clock = ContinuousClock()
    var verdicts = [0, 0]
    let elapsed = clock.measure { verdicts = crossCheckPendingHeavy(seeds: seeds, count: 12, clients: 4) }
    print("LinearizabilityTests: \(seeds.count) pending-heavy histories, verdicts \(verdicts) in \(elapsed)")
    // Both verdicts must be well represented, or the comparison proves little.
    #expect(verdicts.allSatisfy { $0 >= seeds.count / 5 }, "verdicts \(verdicts)")
}

/// `ROOST_SLOW_TESTS=1` turns on sweeps too slow for every CI run.
private let slowTestsEnabled = ProcessInfo.processInfo.environment["ROOST_SLOW_TESTS"] == "1"

/// The same comparison on many more histories with one more client, for a change to the checker.
/// About a minute in a debug build: `ROOST_SLOW_TESTS=1 swift test --filter Linearizability`.
@Test(.enabled(if: slowTestsEnabled, "set ROOST_SLOW_TESTS=1 to run"))
func agreesWithBruteForceOnManyPendingHeavyHistories() {
    let seeds: ClosedRange<UInt64> = 1_000_001...1_020_000
    let clock = ContinuousClock()
    var verdicts = [0, 0]
    let elapsed = clock.measure { verdicts = crossCheckPendingHeavy(seeds: seeds, count: 12, clients: 5) }
    print("LinearizabilityTests: \(seeds.count) pending-heavy histories, verdicts \(verdicts) in \(elapsed)")
    #expect(verdicts.allSatisfy { $0 >= seeds.count / 5 }, "verdicts \(verdicts)")
}
