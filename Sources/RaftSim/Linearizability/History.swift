// History: the operations the simulator's clients record against the replicated key-value store.

/// What a client asked the key-value store to do.
public enum KVInput: Sendable, Hashable {
    /// Set `key` to `value`.
    case put(key: String, value: String)
    /// Read `key`; the answer is its value or nil when absent.
    case get(key: String)
    /// Compare-and-set: set `key` to `new` iff its current value equals `expected` (nil means "absent").
    case cas(key: String, expected: String?, new: String)

    /// The key the operation touches; each key is an independent object for the checker.
    public var key: String {
        switch self {
        case .put(let key, _), .get(let key), .cas(let key, _, _):
            return key
        }
    }
}

/// What the store answered.
public enum KVOutput: Sendable, Hashable {
    /// A `put` was applied.
    case ok
    /// A `get` saw this value (nil: the key was absent).
    case value(String?)
    /// A `cas` succeeded (true) or found a different value (false).
    case cas(Bool)
}

/// One operation of a history, as a client saw it.
///
/// Times are simulated ticks. A completed operation took effect at one instant in `call...returned`
/// (inclusive). A pending operation (`returned == nil`, the client timed out) may have taken effect at
/// any instant after `call`, or never: the checker treats it as returning at +∞ with an unknown output.
///
/// Invariants (checked with `precondition` by ``LinearizabilityChecker/check(_:)``): `returned >= call`
/// when present, and `output` is nil exactly when `returned` is nil.
public struct HistoryOperation: Sendable, Hashable {
    public var client: Int
    public var input: KVInput
    public var call: UInt64
    /// nil = pending/indeterminate (never returned).
    public var returned: UInt64?
    /// nil when pending.
    public var output: KVOutput?

    public init(client: Int, input: KVInput, call: UInt64, returned: UInt64?, output: KVOutput?) {
        self.client = client
        self.input = input
        self.call = call
        self.returned = returned
        self.output = output
    }

    /// An operation whose client gave up waiting: it may or may not take effect, at any time after `call`.
    public static func pending(client: Int, input: KVInput, call: UInt64) -> HistoryOperation {
        HistoryOperation(client: client, input: input, call: call, returned: nil, output: nil)
    }

    /// True when the client never saw an answer.
    public var isPending: Bool { returned == nil }
}

/// The verdict of ``LinearizabilityChecker``.
public enum LinearizabilityResult: Sendable, Hashable {
    /// Every key's sub-history has a linearization.
    case linearizable
    /// `key`'s sub-history has none; `explanation` names the longest linearizable prefix found and the
    /// operation that could not be placed after it.
    case notLinearizable(key: String, explanation: String)
    /// The search gave up (a step or memory limit) before reaching a verdict; no violation was found.
    case unknown(reason: String)
}

extension HistoryOperation {
    /// A short, deterministic rendering for explanations, e.g. `#12 c3 get() -> "a" [10,15]`.
    /// The key is left out: explanations are always about one key.
    func summary(index: Int) -> String {
        let end = returned.map { String($0) } ?? "pending"
        return "#\(index) c\(client) \(Self.describe(input)) -> \(Self.describe(output)) [\(call),\(end)]"
    }

    static func describe(_ value: String?) -> String {
        value.map { String(reflecting: $0) } ?? "nil"
    }

    private static func describe(_ input: KVInput) -> String {
        switch input {
        case .put(_, let value):
            return "put(\(describe(value)))"
        case .get:
            return "get()"
        case .cas(_, let expected, let new):
            return "cas(\(describe(expected)), \(describe(new)))"
        }
    }

    private static func describe(_ output: KVOutput?) -> String {
        switch output {
        case nil:
            return "?"
        case .ok:
            return "ok"
        case .value(let value):
            return describe(value)
        case .cas(let succeeded):
            return String(succeeded)
        }
    }
}
