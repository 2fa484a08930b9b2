import Foundation
import Testing

/// The stock `lxc` client from Debian's `lxd-client` (5.0.2) against roostd, with `LXD_DIR`
/// pointing at the daemon's state directory. The test command installs `lxd-client`.
@Suite(.serialized) struct StockLXCClientTests {
    static let lxc = "/usr/bin/lxc"

    static func run(_ daemon: TestDaemon, _ arguments: [String], stdin: String? = nil) async throws -> Subprocess.Output
    {
        guard FileManager.default.isExecutableFile(atPath: lxc) else {
            throw TestFailure(
                "the stock lxc client is missing: apt-get install lxd-client (the README's test command does)")
        }
        let home = daemon.stateDir + "/lxc-home"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        return try await Subprocess.run(
            lxc, arguments, environment: ["LXD_DIR": daemon.stateDir, "HOME": home, "LXD_SOCKET": ""], stdin: stdin)
    }

    @discardableResult
    static func ok(
        _ daemon: TestDaemon, _ arguments: String..., stdin: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> String {
        let output = try await run(daemon, arguments, stdin: stdin)
        #expect(
            output.status == 0, "lxc \(arguments.joined(separator: " ")): \(output.stderr)",
            sourceLocation: sourceLocation)
        return output.stdout
    }

    @Test func infoListAndOperations() async throws {
        try await TestDaemon.with { daemon in
            let info = try await Self.ok(daemon, "info")
            #expect(info.contains("api_extensions:"))
            #expect(info.contains("- instances"))
            #expect(info.contains("server_name: test"))
            let emptyList = try await Self.ok(daemon, "list")
            #expect(emptyList.contains("| NAME | STATE | IPV4 | IPV6 | TYPE | SNAPSHOTS |"))
            try await Self.ok(daemon, "init", "--empty", "c1")
            let csv = try await Self.ok(daemon, "list", "--format", "csv")
            #expect(csv == "c1,STOPPED,,,CONTAINER,0\n")
            let operations = try await Self.ok(daemon, "operation", "list")
            #expect(operations.contains("Creating instance"))
            #expect(operations.contains("SUCCESS"))
        }
    }

    @Test func profileCommands() async throws {
        try await TestDaemon.with { daemon in
            #expect(try await Self.ok(daemon, "profile", "list").contains("| default |"))
            try await Self.ok(daemon, "profile", "create", "p1")
            try await Self.ok(daemon, "profile", "set", "p1", "limits.memory", "256MiB")
            let shown = try await Self.ok(daemon, "profile", "show", "p1")
            #expect(shown.contains("limits.memory: 256MiB"))
            #expect(shown.contains("used_by: []"))
            let edited = shown.replacingOccurrences(of: "256MiB", with: "1GiB")
                .replacingOccurrences(of: "description: \"\"", with: "description: edited")
            try await Self.ok(daemon, "profile", "edit", "p1", stdin: edited)
            let after = try await Self.ok(daemon, "profile", "show", "p1")
            #expect(after.contains("limits.memory: 1GiB"))
            #expect(after.contains("description: edited"))
            let bad = try await Self.run(daemon, ["profile", "set", "p1", "limits.memory", "lots"])
            #expect(bad.status != 0)
            #expect(bad.stderr.contains("Error: Invalid value for configuration key \"limits.memory\""))
            try await Self.ok(daemon, "profile", "delete", "p1")
            #expect(!(try await Self.ok(daemon, "profile", "list")).contains("p1"))
        }
    }

    /// Names that look like escapes or hold a `?` survive the stock client both ways.
    @Test func profileNamesWithEscapesAndQuestionMarks() async throws {
        try await TestDaemon.with { daemon in
            for name in ["a%20b", "a?b"] {
                try await Self.ok(daemon, "profile", "create", name)
                #expect(try await Self.ok(daemon, "profile", "show", name).contains("name: \(name)"))
            }
            let list = try await Self.ok(daemon, "profile", "list", "--format", "csv")
            #expect(list.contains("a%20b,"))
            #expect(list.contains("a?b,"))
            for name in ["a%20b", "a?b"] { try await Self.ok(daemon, "profile", "delete", name) }
        }
    }

    @Test func configShowSetAndInstanceConfig() async throws {
        try await TestDaemon.with { daemon in
            #expect(try await Self.ok(daemon, "config", "show") == "config: {}\n")
            try await Self.ok(daemon, "config", "set", "user.owner", "ops")
            #expect(try await Self.ok(daemon, "config", "show").contains("user.owner: ops"))
            try await Self.ok(daemon, "init", "--empty", "c1")
            try await Self.ok(daemon, "config", "set", "c1", "limits.cpu", "2")
            let instance = try await Self.ok(daemon, "config", "show", "c1")
            #expect(instance.contains("limits.cpu: \"2\""))
            try await Self.ok(daemon, "rename", "c1", "c2")
            try await Self.ok(daemon, "delete", "c2")
            #expect(try await Self.ok(daemon, "list", "--format", "csv") == "")
        }
    }
}
