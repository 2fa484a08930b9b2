import RaftCore

/// Raft's safety properties, checked incrementally after every step of the simulation (Raft
/// §5.4; Figure 3): election safety, log matching, leader completeness, state machine safety, and
/// that no committed entry is ever lost or changed. Checks use explicit conditions that stay on
/// in release builds and report the first violation.
struct SafetyChecker {
    /// term → the one leader elected in it.
    private var leaders: [UInt64: NodeID] = [:]
    /// (index, term) → (previous entry's term, payload digest): two logs holding an entry with
    /// the same index and term must agree on it and on its predecessor (log matching).
    private var entries: [EntryKey: (previousTerm: UInt64, digest: UInt64)] = [:]
    /// index → (term, digest) of every committed (applied) entry.
    private var committed: [UInt64: (term: UInt64, digest: UInt64)] = [:]
    private(set) var highestCommitted: UInt64 = 0
    private(set) var violation: String?

    struct EntryKey: Hashable {
        var index: UInt64
        var term: UInt64
    }

    mutating func fail(_ message: String) {
        if violation == nil { violation = message }
    }

    /// Election safety: at most one leader per term.
    mutating func leaderElected(_ node: NodeID, term: UInt64) {
        if let existing = leaders[term], existing != node {
            fail("election safety: nodes \(existing) and \(node) both leaders in term \(term)")
        }
        leaders[term] = node
    }

    /// Log matching: entries just persisted by `node`, following `previousTerm`.
    mutating func persisted(_ new: [Entry], previousTerm: UInt64?, node: NodeID) {
        var previous = previousTerm
        for entry in new {
            let key = EntryKey(index: entry.index, term: entry.term)
            let digest = Self.digest(entry.data)
            if let known = entries[key] {
                if known.digest != digest || (previous != nil && known.previousTerm != previous) {
                    fail(
                        "log matching: node \(node) holds \(entry.term)/\(entry.index) differing from another log "
                            + "(previous term \(previous.map(String.init) ?? "?") vs \(known.previousTerm))")
                }
            } else if let previous {
                entries[key] = (previous, digest)
            }
            previous = entry.term
        }
    }

    /// State machine safety and durability of commitment: every node applies, at each index,
    /// the same entry, and a committed entry never changes.
    mutating func applied(_ entry: Entry, node: NodeID) {
        let digest = Self.digest(entry.data)
        if let known = committed[entry.index] {
            if known.term != entry.term || known.digest != digest {
                fail(
                    "state machine safety: node \(node) applied \(entry.term)/\(entry.index) but "
                        + "\(known.term)/\(entry.index) was applied before")
            }
        } else {
            committed[entry.index] = (entry.term, digest)
            highestCommitted = max(highestCommitted, entry.index)
        }
    }

    /// Leader completeness: a new leader's log holds every entry committed so far (those not
    /// already folded into its snapshot).
    mutating func leaderLogComplete(_ node: NodeID, term: UInt64, log: RawNode) {
        let firstIndex = log.firstIndex
        guard highestCommitted >= firstIndex else { return }
        for index in firstIndex...highestCommitted {
            guard let expected = committed[index] else { continue }
            guard let found = log.term(at: index) else {
                fail(
                    "leader completeness: leader \(node) of term \(term) lacks committed entry \(expected.term)/\(index)"
                )
                return
            }
            if found != expected.term {
                fail(
                    "leader completeness: leader \(node) of term \(term) has \(found)/\(index), committed \(expected.term)/\(index)"
                )
                return
            }
        }
    }

    static func digest(_ bytes: [UInt8]) -> UInt64 {
        var hasher = TraceHasher()
        for byte in bytes { hasher.add(UInt64(byte)) }
        hasher.add(UInt64(bytes.count))
        return hasher.value
    }
}
