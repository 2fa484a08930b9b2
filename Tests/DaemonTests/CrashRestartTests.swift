import Foundation
import RoostAPI
import Testing

/// A real `roostd` process killed with SIGKILL right after acknowledging changes keeps them.
@Suite(.serialized) struct CrashRestartTests {
    final class DaemonProcess {
        let stateDir: String
        let process = Process()

        init(binary: String, stateDir: String, stderr: FileHandle = .nullDevice) throws {
            self.stateDir = stateDir
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["--state-dir", stateDir, "--member-name", "crash", "--log-level", "error"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = stderr
            try process.run()
        }

        /// Waits for the process to exit by itself (polling, so a hang fails the test instead of
        /// blocking it); true when it did.
        func waitForExit(seconds: Int) async throws -> Bool {
            for _ in 0..<(seconds * 20) {
                if !process.isRunning { return true }
                try await Task.sleep(for: .milliseconds(50))
            }
            return false
        }

        /// Waits until the socket answers `GET /1.0`.
        func waitReady() async throws {
            let http = RawHTTP(socketPath: stateDir + "/unix.socket")
            // Generous: a debug build on two busy cores.
            for _ in 0..<800 {
                if let response = try? await http.request("GET", "/1.0"), response.status == 200 { return }
                try await Task.sleep(for: .milliseconds(25))
            }
            throw TestFailure("roostd did not become ready")
        }

        func kill9() {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    @Test func sigkillAfterAcknowledgementKeepsEveryChange() async throws {
        let binary = try Subprocess.builtProduct("roostd")
        let stateDir = "/tmp/roost-kill-" + String(UUID().uuidString.prefix(8)).lowercased()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        let http = RawHTTP(socketPath: stateDir + "/unix.socket")
        var acknowledged: [String] = []
        for round in 0..<3 {
            let daemon = try DaemonProcess(binary: binary, stateDir: stateDir)
            do {
                try await daemon.waitReady()
                for name in acknowledged {
                    let response = try await http.request("GET", "/1.0/profiles/\(name)")
                    #expect(response.status == 200, "round \(round): acknowledged profile \(name) lost")
                }
                // A burst of concurrent writes; SIGKILL right after the last acknowledgement.
                let names = (0..<20).map { "r\(round)p\($0)" }
                let results = try await withThrowingTaskGroup(of: (String, Int).self) { group in
                    for name in names {
                        group.addTask {
                            (name, try await http.text("POST", "/1.0/profiles", #"{"name":"\#(name)"}"#).status)
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                daemon.kill9()
                for (name, status) in results where status == 201 { acknowledged.append(name) }
            } catch {
                daemon.kill9()
                throw error
            }
        }
        #expect(acknowledged.count == 60)
        let last = try DaemonProcess(binary: binary, stateDir: stateDir)
        defer { last.kill9() }
        try await last.waitReady()
        let list = try await http.request("GET", "/1.0/profiles")
        guard case .array(let urls) = list.metadata else { throw TestFailure("no profile list") }
        #expect(urls.count == 61)
    }

    @Test func sigtermShutsDownCleanlyAndRemovesTheSocket() async throws {
        let binary = try Subprocess.builtProduct("roostd")
        let stateDir = "/tmp/roost-term-" + String(UUID().uuidString.prefix(8)).lowercased()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        let daemon = try DaemonProcess(binary: binary, stateDir: stateDir)
        do {
            try await daemon.waitReady()
            let attributes = try FileManager.default.attributesOfItem(atPath: stateDir + "/unix.socket")
            #expect((attributes[.posixPermissions] as? Int) == 0o660)
        } catch {
            daemon.kill9()
            throw error
        }
        kill(daemon.process.processIdentifier, SIGTERM)
        daemon.process.waitUntilExit()
        #expect(daemon.process.terminationStatus == 0)
        #expect(!FileManager.default.fileExists(atPath: stateDir + "/unix.socket"))
    }

    /// Crash-only: the log's disk fills up, the fsync path fails, and the daemon exits with a
    /// failure status instead of answering 503 forever. Once there is space again a restart
    /// replays the log and every acknowledged change is there.
    @Test(.enabled(if: getuid() == 0, "mounts a tmpfs"))
    func fullLogDiskHaltsTheDaemonAndARestartKeepsEveryAcknowledgedChange() async throws {
        let binary = try Subprocess.builtProduct("roostd")
        let stateDir = "/tmp/roost-full-" + String(UUID().uuidString.prefix(8)).lowercased()
        let logDir = stateDir + "/database/log"
        try FileManager.default.createDirectory(
            atPath: logDir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let mounted = try await Subprocess.run(
            "/bin/mount", ["-t", "tmpfs", "-o", "size=512k,mode=0700", "tmpfs", logDir])
        try #require(mounted.status == 0, "mount tmpfs: \(mounted.stderr)")
        defer {
            _ = umount2(logDir, Int32(MNT_DETACH))
            try? FileManager.default.removeItem(atPath: stateDir)
        }
        let stderrPath = stateDir + "/stderr.log"
        FileManager.default.createFile(atPath: stderrPath, contents: nil)
        let stderr = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        defer { try? stderr.close() }
        let http = RawHTTP(socketPath: stateDir + "/unix.socket")
        let daemon = try DaemonProcess(binary: binary, stateDir: stateDir, stderr: stderr)
        var acknowledged: [String] = []
        do {
            try await daemon.waitReady()
            let description = String(repeating: "d", count: 60 << 10)
            for n in 0..<40 {
                let body = #"{"name":"big\#(n)","description":"\#(description)"}"#
                guard let response = try? await http.text("POST", "/1.0/profiles", body), response.status == 201 else {
                    break
                }
                acknowledged.append("big\(n)")
            }
        } catch {
            daemon.kill9()
            throw error
        }
        let exited = try await daemon.waitForExit(seconds: 30)
        if !exited { daemon.kill9() }
        try #require(exited, "roostd kept running after its log disk filled up")
        #expect(daemon.process.terminationStatus != 0)
        let log = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
        #expect(log.contains("halted"), "stderr: \(log)")
        #expect(acknowledged.count >= 2 && acknowledged.count < 40, "\(acknowledged.count) acknowledged")

        let grown = try await Subprocess.run("/bin/mount", ["-o", "remount,size=64m", logDir])
        try #require(grown.status == 0, "remount: \(grown.stderr)")
        let again = try DaemonProcess(binary: binary, stateDir: stateDir)
        defer { again.kill9() }
        try await again.waitReady()
        for name in acknowledged {
            #expect(try await http.request("GET", "/1.0/profiles/\(name)").status == 200, "\(name) lost")
        }
    }

    /// `Cluster/supervise.sh` (what `Cluster/up.sh` runs roostd under) starts a crashed roostd
    /// again, and SIGTERM to it stops roostd cleanly and ends the loop.
    @Test func superviseRestartsACrashedDaemonAndStopsOnSIGTERM() async throws {
        let binary = try Subprocess.builtProduct("roostd")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Cluster/supervise.sh").path
        let stateDir = "/tmp/roost-sup-" + String(UUID().uuidString.prefix(8)).lowercased()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        let supervisor = Process()
        // This test process ignores SIGTERM (in-process daemons watch it through a dispatch
        // source), the disposition is inherited through exec, and bash cannot trap a signal
        // that was ignored on entry: start the script with the default disposition, as a shell
        // or systemd would.
        supervisor.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        supervisor.arguments = [
            "--default-signal=TERM,INT", script, binary, "--state-dir", stateDir, "--member-name", "sup",
            "--log-level", "error",
        ]
        supervisor.standardOutput = FileHandle.nullDevice
        supervisor.standardError = FileHandle.nullDevice
        try supervisor.run()
        let supervisorPID = supervisor.processIdentifier
        func child() -> pid_t? {
            let path = "/proc/\(supervisorPID)/task/\(supervisorPID)/children"
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            return text.split(separator: " ").compactMap { pid_t($0) }.first
        }
        func stopAll() {
            if let pid = child() { kill(pid, SIGKILL) }
            kill(supervisorPID, SIGKILL)
            supervisor.waitUntilExit()
        }
        let http = RawHTTP(socketPath: stateDir + "/unix.socket")
        func waitAnswering() async throws {
            for _ in 0..<800 {
                if let response = try? await http.request("GET", "/1.0"), response.status == 200 { return }
                try await Task.sleep(for: .milliseconds(25))
            }
            throw TestFailure("roostd did not answer")
        }
        do {
            try await waitAnswering()
            let first = try #require(child())
            #expect(try await http.text("POST", "/1.0/profiles", #"{"name":"kept"}"#).status == 201)
            kill(first, SIGKILL)
            var second: pid_t?
            for _ in 0..<400 {
                if let pid = child(), pid != first,
                    (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?
                        .hasPrefix("roostd") == true
                {
                    second = pid
                    break
                }
                try await Task.sleep(for: .milliseconds(25))
            }
            try #require(second != nil, "supervise.sh did not start roostd again")
            try await waitAnswering()
            #expect(try await http.request("GET", "/1.0/profiles/kept").status == 200)
        } catch {
            stopAll()
            throw error
        }
        kill(supervisorPID, SIGTERM)
        for _ in 0..<600 where supervisor.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        if supervisor.isRunning { stopAll() }
        #expect(!supervisor.isRunning)
        #expect(supervisor.terminationStatus == 0)
        #expect(!FileManager.default.fileExists(atPath: stateDir + "/unix.socket"))
    }
}
