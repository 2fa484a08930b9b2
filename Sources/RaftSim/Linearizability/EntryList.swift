// EntryList: the call and return events of one key's operations, in time order, as an array-backed
// doubly linked list from which the search lifts linearized operations and puts them back.

/// Events sorted by `(time, kind, operation)` where a call sorts before a return at the same time.
///
/// Ordering rule: operation A precedes B in real time only if A *strictly* returned before B was
/// called (`A.returned < B.call`). At equal times the call is placed first, so the two operations are
/// concurrent and may be linearized in either order. This is the permissive reading: a tick is the
/// simulator's unit of time and two events in one tick are not ordered.
///
/// A pending operation has a call event and no return event (its return is at +∞).
///
/// Node 0 is the head sentinel and the last node the tail sentinel. Lifting unlinks a call and its
/// return; unlinked nodes keep their own links, so ``unlift(_:)`` in reverse order of ``lift(_:)``
/// restores the list exactly (dancing links).
struct EntryList {
    let head = 0
    let tail: Int
    /// For each node: the operation it belongs to (-1 for sentinels).
    let operation: [Int]
    /// For each call node: its return node, or -1 if the operation is pending. -1 for return nodes.
    let returnNode: [Int]
    /// For each node: true for a call event.
    let isCall: [Bool]
    /// For each node: the time of its event (0 for sentinels).
    let time: [UInt64]
    private(set) var next: [Int]
    private(set) var prev: [Int]

    /// Lists the events of operations `including` (numbers in `0..<calls.count`, each at most once).
    /// `returned[i] == nil` marks operation `i` pending. Requires `returned[i]! >= calls[i]`.
    init(calls: [UInt64], returned: [UInt64?], including: [Int]) {
        precondition(calls.count == returned.count, "EntryList: calls and returns differ in length")
        var events: [(time: UInt64, kind: Int, operation: Int)] = []
        events.reserveCapacity(including.count * 2)
        for index in including {
            let call = calls[index]
            events.append((call, 0, index))
            if let end = returned[index] {
                precondition(end >= call, "EntryList: operation returned before its call")
                events.append((end, 1, index))
            }
        }
        events.sort { ($0.time, $0.kind, $0.operation) < ($1.time, $1.kind, $1.operation) }

        let count = events.count + 2
        tail = count - 1
        var operation = Array(repeating: -1, count: count)
        var isCall = Array(repeating: false, count: count)
        var time = Array(repeating: UInt64(0), count: count)
        var returnNode = Array(repeating: -1, count: count)
        var callNode = Array(repeating: -1, count: calls.count)
        for (offset, event) in events.enumerated() {
            let node = offset + 1
            operation[node] = event.operation
            isCall[node] = event.kind == 0
            time[node] = event.time
            if event.kind == 0 {
                callNode[event.operation] = node
            } else {
                returnNode[callNode[event.operation]] = node
            }
        }
        self.operation = operation
        self.isCall = isCall
        self.time = time
        self.returnNode = returnNode
        next = (0..<count).map { min($0 + 1, count - 1) }
        prev = (0..<count).map { max($0 - 1, 0) }
    }

    /// The first event still in the list (the tail sentinel when empty).
    var first: Int { next[head] }

    /// Unlinks the call node `call` and its return node, if any.
    mutating func lift(_ call: Int) {
        precondition(isCall[call], "EntryList.lift: not a call node")
        unlink(call)
        if returnNode[call] >= 0 { unlink(returnNode[call]) }
    }

    /// Relinks what ``lift(_:)`` unlinked. Must undo lifts in reverse order.
    mutating func unlift(_ call: Int) {
        precondition(isCall[call], "EntryList.unlift: not a call node")
        if returnNode[call] >= 0 { relink(returnNode[call]) }
        relink(call)
    }

    private mutating func unlink(_ node: Int) {
        next[prev[node]] = next[node]
        prev[next[node]] = prev[node]
    }

    private mutating func relink(_ node: Int) {
        next[prev[node]] = node
        prev[next[node]] = node
    }
}
