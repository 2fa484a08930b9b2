import ClusterDB
import Foundation
import RoostAPI
import Testing

/// Apply judges each command by the validation rules of its version, so released tables must not
/// change under it (members of mixed versions replay the same log).
@Suite struct ValidationTablesTests {
    /// The digest of `ValidationTables.text` for the rules of `Command.currentVersion`.
    static let pinned = "62e85e08ce79213874c9ca1934fb839595bee9b010214004b6876808f396b487"

    @Test func tablesMatchThePinnedRulesVersion() {
        #expect(
            ValidationTables.digest == Self.pinned,
            """
            A validation table changed (digest \(ValidationTables.digest)). Apply must judge old \
            commands by their version's rules: keep the old tables, make a new rules version in \
            ValidationRules, bump Command.currentVersion, then pin the new digest here.
            """)
    }

    @Test func textIsStableAcrossCalls() {
        #expect(ValidationTables.text == ValidationTables.text)
        #expect(ValidationTables.text.contains("config instance limits.memory="))
        #expect(ValidationTables.text.contains("device disk path="))
    }

    /// A command from a version this binary has no rules for is refused, never judged by the
    /// newest rules.
    @Test func commandsOfUnknownVersionsAreNotJudgedByNewerRules() throws {
        let machine = try TemporaryStateMachine()
        var command = Command(
            timestamp: Timestamp(nanosecondsSinceEpoch: 1), origin: "m1",
            action: .createProfile(ProfilesPost(name: "v0", put: ProfilePut())))
        command.version = 0
        #expect(throws: RoostError.self) { _ = try machine.machine.apply([(1, command)]) }
        #expect(machine.machine.appliedIndex == 0)
    }
}
