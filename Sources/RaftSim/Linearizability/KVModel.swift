// KVModel: the sequential specification of one key of the store, over interned values.

/// Values of one key interned to small integers, so model states compare and hash cheaply.
///
/// Ids are handed out in the order values are first interned, which follows history order, so the
/// numbering (and anything derived from it) is the same in every process.
struct ValueTable {
    /// The state of a key that has no value.
    static let absent: Int32 = -1

    private(set) var values: [String] = []
    private var ids: [String: Int32] = [:]

    mutating func intern(_ value: String?) -> Int32 {
        guard let value else { return Self.absent }
        if let id = ids[value] { return id }
        precondition(values.count < Int(Int32.max), "ValueTable: too many distinct values")
        let id = Int32(values.count)
        values.append(value)
        ids[value] = id
        return id
    }

    func describe(_ id: Int32) -> String {
        id == Self.absent ? "absent" : HistoryOperation.describe(values[Int(id)])
    }
}

/// The sequential key-value specification for one key. State is the interned current value.
enum KVModel {
    /// One operation with its observed output, compiled against a ``ValueTable``.
    enum Step: Hashable {
        /// Sets the value (completed with `.ok`, or pending).
        case put(Int32)
        /// Completed read that observed `observed`.
        case get(observed: Int32)
        /// Compare-and-set; `succeeded` is nil when pending (either outcome is acceptable).
        case cas(expected: Int32, new: Int32, succeeded: Bool?)
        /// The output does not fit the input (e.g. a `put` answered `.value`): never linearizable.
        case impossible
    }

    /// The state after applying `step` to `state`, or nil if the observed output contradicts the model.
    static func apply(_ step: Step, to state: Int32) -> Int32? {
        switch step {
        case .put(let value):
            return value
        case .get(let observed):
            return observed == state ? state : nil
        case .cas(let expected, let new, let succeeded):
            let matches = expected == state
            if let succeeded, succeeded != matches { return nil }
            return matches ? new : state
        case .impossible:
            return nil
        }
    }

    /// Compiles one operation, or returns nil when it cannot constrain anything (a pending `get`).
    static func compile(_ operation: HistoryOperation, values: inout ValueTable) -> Step? {
        switch (operation.input, operation.output) {
        case (.put(_, let value), nil), (.put(_, let value), .ok?):
            return .put(values.intern(value))
        case (.get, nil):
            return nil
        case (.get, .value(let observed)?):
            return .get(observed: values.intern(observed))
        case (.cas(_, let expected, let new), nil):
            return .cas(expected: values.intern(expected), new: values.intern(new), succeeded: nil)
        case (.cas(_, let expected, let new), .cas(let succeeded)?):
            return .cas(expected: values.intern(expected), new: values.intern(new), succeeded: succeeded)
        case (.put, _), (.get, _), (.cas, _):
            return .impossible
        }
    }
}
