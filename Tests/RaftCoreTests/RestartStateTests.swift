import Testing

@testable import RaftCore

/// What a node believes after a restart, from whatever its disk kept.
@Suite struct RestartStateTests {
    static func restarted(hardState: HardState, lastTerm: UInt64) throws -> RawNode {
        let storage = MemoryStorage(membership: Membership(voters: [1, 2, 3]))
        storage.append((1...3).map { Entry(term: min($0, lastTerm), index: $0) })
        storage.setHardState(hardState)
        return try RawNode(config: RaftConfig(id: 1), storage: storage)
    }

    /// A torn write kept the entries of a Ready but not the hard state written after them: the
    /// term is raised to the last entry's (found by the simulator's whole-cluster power loss: a
    /// node at term 0 holding entries of term 3 answered a pre-vote with a term-0 rejection).
    @Test func termIsAtLeastTheLastLogTerm() throws {
        let blank = try Self.restarted(hardState: HardState(), lastTerm: 3)
        #expect(blank.term == 3)
        #expect(blank.hardState.vote == noNode)
        let behind = try Self.restarted(hardState: HardState(term: 2, vote: 2, commit: 1), lastTerm: 3)
        #expect(behind.term == 3)
        #expect(behind.hardState.vote == noNode)
        #expect(behind.committedIndex == 1)
    }

    /// A hard state at or beyond the log's last term is kept as written, vote included.
    @Test func hardStateAheadOfTheLogIsKept() throws {
        let ahead = try Self.restarted(hardState: HardState(term: 5, vote: 2, commit: 2), lastTerm: 3)
        #expect(ahead.term == 5)
        #expect(ahead.hardState.vote == 2)
        let equal = try Self.restarted(hardState: HardState(term: 3, vote: 3, commit: 2), lastTerm: 3)
        #expect(equal.term == 3)
        #expect(equal.hardState.vote == 3)
    }
}
