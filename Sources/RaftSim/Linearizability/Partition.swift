// Partition: P-compositionality. Linearizability is local, so a history of a key-value store is
// linearizable iff each key's sub-history is; checking keys separately shrinks the search space.

/// One key's operations, compiled for ``KeySearch`` and numbered locally from 0.
struct KeyHistory {
    let key: String
    /// Local operation number -> index in the full history.
    private(set) var origin: [Int] = []
    private(set) var steps: [KVModel.Step] = []
    private(set) var calls: [UInt64] = []
    /// nil for a pending operation.
    private(set) var returned: [UInt64?] = []
    private(set) var values = ValueTable()

    /// Compiles `history[i]` for each `i` in `indices`, in that order. Pending `get`s are dropped: they
    /// constrain nothing and change nothing.
    init(key: String, indices: [Int], of history: [HistoryOperation]) {
        self.key = key
        for index in indices {
            let operation = history[index]
            guard let step = KVModel.compile(operation, values: &values) else { continue }
            origin.append(index)
            steps.append(step)
            calls.append(operation.call)
            returned.append(operation.returned)
        }
    }

    var hasPending: Bool { returned.contains(nil) }

    /// Splits `history` by key. The result is sorted by key so that the order keys are checked in (and
    /// so which violation is reported first) never depends on hashing.
    static func partition(_ history: [HistoryOperation]) -> [KeyHistory] {
        var groups: [String: [Int]] = [:]
        for (index, operation) in history.enumerated() {
            groups[operation.input.key, default: []].append(index)
        }
        return groups.keys.sorted().map { KeyHistory(key: $0, indices: groups[$0]!, of: history) }
    }

    func search(reusePending: Bool) -> KeySearch {
        KeySearch(steps: steps, calls: calls, returned: returned, reusePending: reusePending)
    }
}
