// LinearizabilityChecker: decides whether a recorded key-value history is linearizable.

/// Checks histories of the simulated key-value store for linearizability.
///
/// The history is partitioned by key (P-compositionality) and each key is searched separately with
/// ``KeySearch`` (Wing & Gong with memoization, as in Porcupine). Keys are checked in sorted order;
/// the first key without a linearization is reported. If no key fails but one exceeded a limit, the
/// result is `.unknown` naming the first such key.
///
/// A key with pending operations is first searched letting pending operations take effect any number
/// of times: cheap, and a failure there is a failure. Only if that finds a linearization does the
/// exact search run, with the rest of the key's step budget.
///
/// Deterministic: no clocks, no randomness, and no hash-table iteration order reaches the search or
/// the explanation, so a seed replays to the same verdict and text in every process.
///
/// Bounded: each key's searches together stop after `maxStepsPerKey` iterations, or once a memo holds
/// ``memoWordsMax`` words, and the verdict is then `.unknown`. Other buffers are linear in the history.
public struct LinearizabilityChecker: Sendable {
    /// Memo size bound per search, in 64-bit words (128 MiB).
    public static let memoWordsMax = 1 << 24
    /// How many operations of the longest prefix an explanation lists (the most recent ones).
    static let explanationPrefixMax = 8

    public let maxStepsPerKey: Int

    public init(maxStepsPerKey: Int = 2_000_000) {
        precondition(maxStepsPerKey > 0, "LinearizabilityChecker: maxStepsPerKey must be positive")
        self.maxStepsPerKey = maxStepsPerKey
    }

    /// Checks `history` (in any order). Traps if an operation breaks the ``HistoryOperation`` invariants.
    public func check(_ history: [HistoryOperation]) -> LinearizabilityResult {
        for (index, operation) in history.enumerated() {
            Self.validate(operation, index: index)
        }
        var firstUnknown: String?
        for part in KeyHistory.partition(history) {
            switch check(part, of: history) {
            case .linearizable:
                continue
            case .notLinearizable(let key, let explanation):
                return .notLinearizable(key: key, explanation: explanation)
            case .unknown(let reason):
                if firstUnknown == nil { firstUnknown = reason }
            }
        }
        return firstUnknown.map { .unknown(reason: $0) } ?? .linearizable
    }

    private static func validate(_ operation: HistoryOperation, index: Int) {
        if let returned = operation.returned {
            precondition(returned >= operation.call, "history operation #\(index) returned before its call")
            precondition(operation.output != nil, "history operation #\(index) returned without an output")
        } else {
            precondition(operation.output == nil, "history operation #\(index) is pending but has an output")
        }
    }

    private func check(_ part: KeyHistory, of history: [HistoryOperation]) -> LinearizabilityResult {
        var budget = maxStepsPerKey
        if part.hasPending {
            var relaxed = part.search(reusePending: true)
            let outcome = relaxed.run(maxSteps: budget, memoWordsMax: Self.memoWordsMax)
            budget -= relaxed.stepsTaken
            switch outcome {
            case .violation(let violation):
                let text = Self.explain(violation, in: part, reusingPending: true, history: history)
                return .notLinearizable(key: part.key, explanation: text)
            case .gaveUp(let reason) where budget <= 0:
                return .unknown(reason: "key \(String(reflecting: part.key)): \(reason)")
            case .linearizable, .gaveUp:
                break
            }
        }
        var exact = part.search(reusePending: false)
        switch exact.run(maxSteps: budget, memoWordsMax: Self.memoWordsMax) {
        case .linearizable:
            return .linearizable
        case .gaveUp(let reason):
            return .unknown(reason: "key \(String(reflecting: part.key)): \(reason)")
        case .violation(let violation):
            let text = Self.explain(violation, in: part, reusingPending: false, history: history)
            return .notLinearizable(key: part.key, explanation: text)
        }
    }

    /// E.g. `longest linearizable prefix 1 of 2 ops: #0 c1 put("a") -> ok [0,10]; value then "a";
    /// cannot linearize #1 c2 get() -> nil [20,30] before it returns`. When found with pending operations
    /// reusable, the prefix may list one several times; the count is of distinct operations.
    private static func explain(
        _ violation: KeySearch.Violation, in part: KeyHistory, reusingPending: Bool, history: [HistoryOperation]
    ) -> String {
        func summary(_ local: Int) -> String {
            history[part.origin[local]].summary(index: part.origin[local])
        }
        let shown = violation.prefix.suffix(explanationPrefixMax).map(summary)
        let elided = violation.prefix.count - shown.count
        var listing = shown.isEmpty ? "(none)" : shown.joined(separator: "; ")
        if elided > 0 { listing = "(\(elided) earlier) " + listing }
        var count = "\(violation.prefix.count) of \(part.steps.count) ops"
        if reusingPending {
            count =
                "\(Set(violation.prefix).count) of \(part.steps.count) ops in \(violation.prefix.count) moves, "
                + "even with pending ops allowed to take effect repeatedly"
        }
        return "longest linearizable prefix \(count): \(listing); "
            + "value then \(part.values.describe(violation.state)); "
            + "cannot linearize \(summary(violation.blocked)) before it returns"
    }
}
