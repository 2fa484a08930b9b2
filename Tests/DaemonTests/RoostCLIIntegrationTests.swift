import Foundation
import Testing

/// The `roost` CLI binary against a real daemon over its unix socket.
@Suite(.serialized) struct RoostCLIIntegrationTests {
    static func roost(_ daemon: TestDaemon, _ arguments: [String], stdin: String? = nil) async throws
        -> Subprocess.Output
    {
        try await Subprocess.run(
            try Subprocess.builtProduct("roost"), arguments, environment: ["ROOST_SOCKET": daemon.socketPath],
            stdin: stdin)
    }

    @discardableResult
    static func ok(
        _ daemon: TestDaemon, _ arguments: String..., stdin: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> String {
        let output = try await roost(daemon, arguments, stdin: stdin)
        #expect(
            output.status == 0, "roost \(arguments.joined(separator: " ")): \(output.stderr)",
            sourceLocation: sourceLocation)
        return output.stdout
    }

    @Test func instancesAndListFormats() async throws {
        try await TestDaemon.with { daemon in
            #expect(try await Self.ok(daemon, "info").contains("server_name: test"))
            #expect(try await Self.ok(daemon, "init", "c1") == "Creating c1\n")
            try await Self.ok(daemon, "init", "c2", "-c", "limits.cpu=2")
            #expect(
                try await Self.ok(daemon, "list", "--format", "csv")
                    == "c1,STOPPED,,,CONTAINER,0\nc2,STOPPED,,,CONTAINER,0\n")
            let table = try await Self.ok(daemon, "list", "c2")
            #expect(table.contains("| c2   |"))
            #expect(!table.contains("c1"))
            let json = try await Self.ok(daemon, "list", "--format", "json")
            #expect(json.contains("\"name\":\"c1\"") || json.contains("\"name\" : \"c1\""))
            #expect(try await Self.ok(daemon, "config", "get", "c2", "limits.cpu") == "2\n")
            try await Self.ok(daemon, "rename", "c1", "c3")
            try await Self.ok(daemon, "delete", "c3", "c2")
            #expect(try await Self.ok(daemon, "list", "--format", "csv") == "")
        }
    }

    @Test func profilesDevicesAndErrors() async throws {
        try await TestDaemon.with { daemon in
            try await Self.ok(daemon, "profile", "create", "web")
            try await Self.ok(daemon, "profile", "set", "web", "limits.memory=256MiB")
            try await Self.ok(daemon, "profile", "device", "add", "web", "root", "disk", "path=/", "pool=default")
            let shown = try await Self.ok(daemon, "profile", "show", "web")
            #expect(shown.contains("limits.memory: 256MiB"))
            #expect(shown.contains("pool: default"))
            try await Self.ok(daemon, "profile", "copy", "web", "web2")
            try await Self.ok(daemon, "profile", "rename", "web2", "web3")
            #expect(try await Self.ok(daemon, "profile", "list").contains("web3"))
            let bad = try await Self.roost(daemon, ["profile", "set", "web", "limits.memory=lots"])
            #expect(bad.status == 1)
            #expect(bad.stderr.hasPrefix("Error: Invalid value for configuration key \"limits.memory\""))
            try await Self.ok(daemon, "profile", "delete", "web3")
        }
    }

    @Test func serverConfigEditAndOperations() async throws {
        try await TestDaemon.with { daemon in
            try await Self.ok(daemon, "config", "set", "user.owner", "ops")
            #expect(try await Self.ok(daemon, "config", "show").contains("user.owner: ops"))
            try await Self.ok(daemon, "config", "edit", stdin: "config:\n  user.owner: dev\n")
            #expect(try await Self.ok(daemon, "config", "get", "user.owner") == "dev\n")
            try await Self.ok(daemon, "init", "c1")
            #expect(try await Self.ok(daemon, "operation", "list").contains("Creating instance"))
        }
    }
}
