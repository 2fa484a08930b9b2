import Foundation
import RoostAPI
import Testing

/// A real `roostd` process killed with SIGKILL right after acknowledging changes keeps them.
@Suite(.serialized) struct CrashRestartTests {
    final class DaemonProcess {
        let stateDir: String
        let process = Process()

        init(binary: String, stateDir: String) throws {
            self.stateDir = stateDir
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["--state-dir", stateDir, "--member-name", "crash", "--log-level", "error"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
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
}
