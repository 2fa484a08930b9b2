// KeySearch: the Wing & Gong linearizability search with Lowe's memoization (as in Porcupine) over
// the sub-history of one key, extended with reductions for pending operations.

/// Searches for a linearization of one key's operations.
///
/// Depth-first. In a configuration (the operations linearized so far and the model state after
/// them), the candidates to take effect next are the completed operations called before the first
/// unlinearized return ("the blocker"), then the pending operations called no later than it. A
/// candidate is taken if the model accepts its output and ``FailureMemo`` does not already prove the
/// new configuration a failure; the walk then restarts from the first event. When no candidate is
/// left the configuration is a dead end: the blocker cannot be placed in time. The latest choice is
/// undone, its configuration recorded as failed, and the walk resumes at the candidate after it.
///
/// Pending operations have no return event (their return is at +∞), so no deadline ever forces them
/// in: they may take effect at any point after their call, with whatever output the model gives, or
/// never. The search succeeds once every completed operation is linearized: the pending ones left
/// take effect after everything else, which nothing observes, the same as never. Each of these
/// reductions only skips a move whose result is subsumed (in the sense of ``FailureMemo``) by a
/// configuration the search visits anyway, so none changes the verdict:
/// - pending operations are tried only after every completed candidate of a configuration failed;
/// - only the earliest-called unlinearized member of a ``PendingClasses`` class is tried;
/// - a pending operation that would leave the state unchanged is never tried (drop it);
/// - a pending `put` is never tried right after another pending operation (drop that one: the put
///   overwrites whatever it did). This makes "the last move was pending" part of the configuration;
/// - a run of consecutive pending moves never returns to a state it passed (cut the loop out).
///
/// With `reusePending`, a pending operation may take effect any number of times. That admits more
/// linearizations, never fewer, and collapses the pending part of the configuration; a failure
/// there proves the history not linearizable at a fraction of the cost.
struct KeySearch {
    /// The deepest dead end reached, in local operation numbers.
    struct Violation {
        /// Operations linearized, in order (with `reusePending`, a pending one may appear repeatedly).
        var prefix: [Int]
        /// The operation whose return was reached with no way to linearize it.
        var blocked: Int
        /// The model state after `prefix`.
        var state: Int32
    }

    enum Outcome {
        case linearizable
        case violation(Violation)
        case gaveUp(reason: String)
    }

    /// Where the walk over candidates is: a node of `completed`, or a class of `pending` while
    /// `blocker` (a return node of `completed`) is the first unlinearized return.
    private enum Cursor {
        case completed(node: Int)
        case pending(class: Int, blocker: Int)
    }

    /// One choice on the search path, with what undoing it needs.
    private struct Frame {
        var cursor: Cursor
        var operation: Int
        var stateBefore: Int32
    }

    private let steps: [KVModel.Step]
    private let reusePending: Bool
    private var completed: EntryList
    private var pending: PendingClasses
    /// Completed operations linearized so far (pending ones are counted in `pending`).
    private var linearized: Bitset
    private var memo = FailureMemo()
    private var stack: [Frame] = []
    private var state = ValueTable.absent
    private var deepest: Violation?
    private(set) var stepsTaken = 0

    /// One entry per operation: its compiled step, call time and return time (nil when pending).
    init(steps: [KVModel.Step], calls: [UInt64], returned: [UInt64?], reusePending: Bool) {
        precondition(steps.count == calls.count, "KeySearch: steps and calls differ in length")
        self.steps = steps
        self.reusePending = reusePending
        let completedOperations = steps.indices.filter { returned[$0] != nil }
        completed = EntryList(calls: calls, returned: returned, including: completedOperations)
        pending = PendingClasses(steps: steps, calls: calls, returned: returned)
        linearized = Bitset(count: steps.count)
        stack.reserveCapacity(steps.count)
    }

    /// Runs until a verdict, or until `maxSteps` loop iterations or `memoWordsMax` memo words are spent.
    mutating func run(maxSteps: Int, memoWordsMax: Int) -> Outcome {
        var cursor = Cursor.completed(node: completed.first)
        while completed.first != completed.tail {
            guard stepsTaken < maxSteps else {
                return .gaveUp(reason: "step limit \(maxSteps) reached (\(memo.count) failed configurations)")
            }
            guard memo.words <= memoWordsMax else {
                return .gaveUp(reason: "memo limit \(memoWordsMax) words reached after \(stepsTaken) steps")
            }
            stepsTaken += 1
            if let next = advance(cursor) {
                cursor = next
                continue
            }
            guard let top = stack.popLast() else { return .violation(deepest!) }
            let failed = FailureMemo.Key(linearized: linearized, state: state)
            memo.recordFailure(failed, taken: pending.taken, restricted: Self.isPending(top.cursor))
            undo(top)
            cursor = after(top.cursor)
        }
        return .linearizable
    }

    /// Tries the candidate at `cursor`; returns where to look next, or nil at a dead end.
    private mutating func advance(_ cursor: Cursor) -> Cursor? {
        switch cursor {
        case .completed(let node):
            // Invariant: the list is not empty, so it holds a return, which the walk meets first.
            precondition(node != completed.tail, "KeySearch: ran off the event list with operations left")
            guard completed.isCall[node] else { return .pending(class: 0, blocker: node) }
            return tryCompleted(node) ? .completed(node: completed.first) : after(cursor)
        case .pending(let index, let blocker):
            guard index < pending.classCount else {
                recordDeadEnd(blockedBy: completed.operation[blocker])
                return nil
            }
            guard let call = pending.nextCall(of: index), call <= completed.time[blocker] else {
                return after(cursor)
            }
            return tryPending(cursor, class: index) ? .completed(node: completed.first) : after(cursor)
        }
    }

    private func after(_ cursor: Cursor) -> Cursor {
        switch cursor {
        case .completed(let node):
            return .completed(node: completed.next[node])
        case .pending(let index, let blocker):
            return .pending(class: index + 1, blocker: blocker)
        }
    }

    /// Linearizes the completed operation called at `node` next, if the model and the memo allow it.
    private mutating func tryCompleted(_ node: Int) -> Bool {
        let operation = completed.operation[node]
        guard let next = KVModel.apply(steps[operation], to: state) else { return false }
        var candidate = linearized
        candidate.insert(operation)
        let key = FailureMemo.Key(linearized: candidate, state: next)
        guard !memo.subsumes(key, taken: pending.taken, restricted: false) else { return false }
        stack.append(Frame(cursor: .completed(node: node), operation: operation, stateBefore: state))
        linearized = candidate
        state = next
        completed.lift(node)
        return true
    }

    /// Linearizes the next member of pending class `index` next, if the reductions, the model and the
    /// memo allow it.
    private mutating func tryPending(_ cursor: Cursor, class index: Int) -> Bool {
        let operation = pending.nextOperation(of: index)!
        if let last = stack.last, Self.isPending(last.cursor), case .put = steps[operation] { return false }
        guard let next = KVModel.apply(steps[operation], to: state), next != state else { return false }
        guard !revisitsRunState(next) else { return false }
        if !reusePending { pending.take(from: index) }
        guard
            !memo.subsumes(FailureMemo.Key(linearized: linearized, state: next), taken: pending.taken, restricted: true)
        else {
            if !reusePending { pending.putBack(to: index) }
            return false
        }
        stack.append(Frame(cursor: cursor, operation: operation, stateBefore: state))
        state = next
        return true
    }

    private mutating func undo(_ top: Frame) {
        switch top.cursor {
        case .completed(let node):
            completed.unlift(node)
            linearized.remove(top.operation)
        case .pending(let index, _):
            if !reusePending { pending.putBack(to: index) }
        }
        state = top.stateBefore
    }

    /// True if `next` is a state already reached in the current run of pending moves, which would
    /// make the run a loop.
    private func revisitsRunState(_ next: Int32) -> Bool {
        for frame in stack.reversed() {
            guard Self.isPending(frame.cursor) else { return false }
            if frame.stateBefore == next { return true }
        }
        return false
    }

    private static func isPending(_ cursor: Cursor) -> Bool {
        if case .pending = cursor { return true }
        return false
    }

    /// Keeps the first dead end of greatest depth, for the explanation.
    private mutating func recordDeadEnd(blockedBy operation: Int) {
        if let deepest, deepest.prefix.count >= stack.count { return }
        deepest = Violation(prefix: stack.map(\.operation), blocked: operation, state: state)
    }
}
