import Foundation
import RoostAPI
import Testing

@testable import Daemon

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

/// The state directory and the socket are not trusted blindly.
@Suite struct StateDirectorySafetyTests {
    @Test func aSymlinkInTheStateDirectoryIsRefusedAndItsTargetUntouched() throws {
        let root = "/tmp/roost-symlink-" + String(UUID().uuidString.prefix(8)).lowercased()
        let target = root + "-target"
        defer {
            try? FileManager.default.removeItem(atPath: root)
            try? FileManager.default.removeItem(atPath: target)
        }
        try FileManager.default.createDirectory(
            atPath: target, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root + "/database", withDestinationPath: target)
        Self.expectStartRefused(stateDir: root, saying: "must be a directory, not a symlink")
        let mode = try FileManager.default.attributesOfItem(atPath: target)[.posixPermissions] as? Int
        #expect(mode == 0o755, "the symlink's target was chmodded")
    }

    @Test func theSocketIsPrivateToItsUserUnlessAGroupOrRootUsesIt() {
        #expect(RoostDaemon.socketMode(group: nil, euid: 1000) == 0o600)
        #expect(RoostDaemon.socketMode(group: 100, euid: 1000) == 0o660)
        #expect(RoostDaemon.socketMode(group: nil, euid: 0) == 0o660)
    }
}

extension StateDirectorySafetyTests {
    @Test(.enabled(if: getuid() == 0, "chowns a directory"))
    func aStateDirectoryOwnedBySomeoneElseIsRefused() throws {
        let root = "/tmp/roost-owner-" + String(UUID().uuidString.prefix(8)).lowercased()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/database", withIntermediateDirectories: true)
        #expect(chown(root + "/database", 65534, 65534) == 0)
        Self.expectStartRefused(stateDir: root, saying: "is owned by uid 65534")
    }

    /// Opening a daemon on `stateDir` fails with a message containing `text`.
    static func expectStartRefused(stateDir: String, saying text: String) {
        var config = DaemonConfig()
        config.stateDir = stateDir
        config.memberName = "m1"
        #expect {
            _ = try RoostDaemon(config: config)
        } throws: { error in
            (error as? RoostError)?.message.contains(text) == true
        }
    }
}
