// PendingClasses: the pending operations of one key, grouped by what they would do.

/// Pending operations grouped into classes of identical compiled steps, each class in call order.
///
/// Members of a class are interchangeable once called (none has a deadline), so the search only
/// ever linearizes the earliest-called unlinearized member: a class's linearized members are a
/// prefix and its state is a count. Classes are ordered by their earliest call (ties by operation
/// number), which never depends on hashing.
struct PendingClasses {
    /// Operation numbers per class, in `(call, operation)` order.
    private let members: [[Int]]
    /// Call times matching `members`.
    private let calls: [[UInt64]]
    /// How many members of each class are linearized (a prefix of each class, in call order).
    private(set) var taken: [Int32]

    /// `returned[i] == nil` marks operation `i` pending; the others are ignored.
    init(steps: [KVModel.Step], calls: [UInt64], returned: [UInt64?]) {
        precondition(steps.count < Int(Int32.max), "PendingClasses: too many operations")
        let pending = steps.indices.filter { returned[$0] == nil }.sorted { (calls[$0], $0) < (calls[$1], $1) }
        var classOf: [KVModel.Step: Int] = [:]
        var members: [[Int]] = []
        for operation in pending {
            if let index = classOf[steps[operation]] {
                members[index].append(operation)
            } else {
                classOf[steps[operation]] = members.count
                members.append([operation])
            }
        }
        self.members = members
        self.calls = members.map { $0.map { calls[$0] } }
        taken = Array(repeating: 0, count: members.count)
    }

    var classCount: Int { members.count }

    /// The next member of class `index` to linearize, or nil when all are.
    func nextOperation(of index: Int) -> Int? {
        Int(taken[index]) < members[index].count ? members[index][Int(taken[index])] : nil
    }

    /// The call time of ``nextOperation(of:)``.
    func nextCall(of index: Int) -> UInt64? {
        Int(taken[index]) < members[index].count ? calls[index][Int(taken[index])] : nil
    }

    /// Marks ``nextOperation(of:)`` linearized.
    mutating func take(from index: Int) {
        precondition(Int(taken[index]) < members[index].count, "PendingClasses: class \(index) exhausted")
        taken[index] += 1
    }

    /// Undoes the latest ``take(from:)`` of class `index`.
    mutating func putBack(to index: Int) {
        precondition(taken[index] > 0, "PendingClasses: nothing taken from class \(index)")
        taken[index] -= 1
    }
}
