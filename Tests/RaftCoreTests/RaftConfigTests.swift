import Testing

@testable import RaftCore

@Suite struct RaftConfigTests {
    @Test func limitsAreValidatedAtConstruction() {
        var config = RaftConfig(id: 1)
        #expect(throws: Never.self) { try config.validate() }
        config.electionTicks = 1
        #expect(throws: RaftError.self) { try config.validate() }
        config = RaftConfig(id: 0)
        #expect(throws: RaftError.self) { try config.validate() }
        config = RaftConfig(id: 1)
        config.inflightMessagesMax = 0
        #expect(throws: RaftError.self) { _ = try RawNode(config: config, storage: MemoryStorage()) }
        config = RaftConfig(id: 1)
        config.checkQuorum = false
        config.leaseReads = true
        #expect(throws: RaftError.self) { try config.validate() }
    }

    @Test func electionTimeoutsDependOnlyOnTheSeed() throws {
        func timeouts(seed: UInt64) throws -> [Int] {
            var config = RaftConfig(id: 2)
            config.seed = seed
            var raft = try Raft(config: config, storage: MemoryStorage(membership: Membership(voters: [1, 2, 3])))
            return (0..<5).map { _ in
                raft.reset(term: raft.term)
                return raft.randomizedElectionTimeout
            }
        }
        #expect(try timeouts(seed: 7) == timeouts(seed: 7))
        #expect(try timeouts(seed: 7) != timeouts(seed: 8))
        #expect(try timeouts(seed: 7).allSatisfy { (10..<20).contains($0) })
    }

    @Test func membershipChangesFollowTheRules() throws {
        let membership = Membership(voters: [1, 2, 3])
        #expect(throws: RaftError.self) { _ = try membership.applying(.promote(4)) }
        let withLearner = try membership.applying(.addLearner(4))
        #expect(withLearner.learners == [4])
        #expect(try withLearner.applying(.promote(4)).voters == [1, 2, 3, 4])
        #expect(throws: RaftError.self) { _ = try Membership(voters: [1]).applying(.remove(1)) }
        #expect(ConfigChange(encoded: ConfigChange.demote(9).encoded) == .demote(9))
        // A removed id is remembered (through demotions and promotions) and never admitted again.
        let without3 = try membership.applying(.remove(3))
        #expect(without3.removed == [3])
        #expect(throws: RaftError.self) { _ = try without3.applying(.addLearner(3)) }
        let later = try without3.applying(.addLearner(5)).applying(.promote(5)).applying(.demote(1))
        #expect(later.removed == [3])
        #expect(later.voters == [2, 5])
    }

    @Test func singleVoterCommitsAndReadsAtOnce() throws {
        let storage = MemoryStorage(membership: Membership(voters: [1]))
        var node = try RawNode(config: RaftConfig(id: 1), storage: storage)
        node.campaign()
        var ready = node.ready()
        storage.append(ready.entries)
        if let hard = ready.hardState { storage.setHardState(hard) }
        node.advance(ready)
        #expect(node.role == .leader)
        node.propose(Array("x".utf8))
        node.readIndex(context: [1])
        ready = node.ready()
        #expect(ready.committedEntries.map(\.data).contains(Array("x".utf8)))
        #expect(ready.readStates.first?.context == [1])
        storage.append(ready.entries)
        node.advance(ready)
        #expect(node.appliedIndex == 2)
    }
}
