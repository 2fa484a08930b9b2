import Daemon
import Foundation
import RoostAPI
import Testing

@Suite struct DaemonConfigTests {
    static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    @Test func shippedConfigFileEqualsBuiltInDefaults() throws {
        let text = try String(contentsOfFile: Self.repositoryRoot + "/Config/roostd.yaml", encoding: .utf8)
        var defaults = DaemonConfig()
        defaults.memberName = "x"
        var loaded = try DaemonConfig.load(yaml: text)
        loaded.memberName = "x"
        #expect(loaded == defaults)
        try loaded.validate()
    }

    @Test func overridesApplyAndUnknownKeysAreRejected() throws {
        let config = try DaemonConfig.load(yaml: "limits:\n  request_body_max_bytes: 1024\nlog:\n  level: debug\n")
        #expect(config.limits.requestBodyMaxBytes == 1024)
        #expect(config.limits.operationsMax == DaemonConfig().limits.operationsMax)
        #expect(config.log.level == "debug")
        #expect(throws: RoostError.self) { _ = try DaemonConfig.load(yaml: "limits:\n  request_body_max: 1\n") }
        #expect(throws: RoostError.self) { _ = try DaemonConfig.load(yaml: "bogus: 1\n") }
        #expect(throws: RoostError.self) { _ = try DaemonConfig.load(yaml: "limits:\n  operations_max: many\n") }
    }

    @Test func validationRejectsNonPositiveLimitsAndBadPaths() throws {
        var config = DaemonConfig()
        config.memberName = "m1"
        config.limits.eventBufferMax = 0
        #expect(throws: RoostError.self) { try config.validate() }
        config = DaemonConfig()
        config.memberName = "m1"
        config.stateDir = "relative/path"
        #expect(throws: RoostError.self) { try config.validate() }
        config.stateDir = "/" + String(repeating: "x", count: 120)
        #expect(throws: RoostError.self) { try config.validate() }
    }

    @Test func secondDaemonOnTheSameStateDirectoryIsRefused() async throws {
        try await TestDaemon.with { daemon in
            var config = DaemonConfig()
            config.stateDir = daemon.stateDir
            config.memberName = "test"
            #expect(throws: RoostError.self) { _ = try RoostDaemon(config: config) }
        }
    }

    /// The socket appears with mode 0660 and the configured group, never with the umask's mode
    /// (it is bound in a private directory first); an unknown group is refused at start.
    @Test func theSocketAppearsWithItsModeAndGroup() async throws {
        try await TestDaemon.with(configure: { $0.socketGroup = "daemon" }) { daemon in
            var info = stat()
            #expect(stat(daemon.socketPath, &info) == 0)
            #expect(info.st_mode & 0o777 == 0o660)
            #expect(info.st_gid == getgrnam("daemon")!.pointee.gr_gid)
            var staging = stat()
            #expect(stat(daemon.stateDir + "/.socket", &staging) == 0)
            #expect(staging.st_mode & 0o777 == 0o700)
            let answer = try await daemon.http.request("GET", "/1.0")
            #expect(answer.status == 200)
        }
        var config = DaemonConfig()
        config.stateDir = "/tmp/roost-test-group"
        config.socketGroup = "no-such-group-roost"
        #expect(throws: RoostError.self) { try config.validate() }
        #expect(try DaemonConfig.load(yaml: "socket_group: daemon").socketGroup == "daemon")
    }
}
