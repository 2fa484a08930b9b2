import Foundation
import RoostAPI
import Synchronization
import Testing

/// A real `roostd` under 1,000 concurrent slow or oversized requests: its memory stays bounded
/// (by the body bytes budget, not by what clients send) and a small request is still answered.
/// Prints the figures (RSS before and at peak, refusals) for the notes.
@Suite(.serialized) struct SlowClientLoadTests {
    static func rssKiB(_ pid: Int32) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? -1
    }

    /// Opens a connection and sends `bytes` (blocking, with a send timeout); the fd stays open.
    static func openAndSend(_ path: String, _ bytes: [UInt8]) -> Int32? {
        guard let fd = try? UnixSocket.connect(path) else { return nil }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var written = 0
        while written < bytes.count {
            let sent = bytes.withUnsafeBytes {
                send(fd, $0.baseAddress! + written, bytes.count - written, Int32(MSG_NOSIGNAL))
            }
            if sent <= 0 { break }  // refused and closed (EPIPE), or the server stopped reading
            written += sent
        }
        return fd
    }

    @Test func thousandSlowOrOversizedRequestsKeepMemoryBoundedAndAGetAnswered() async throws {
        let binary = try Subprocess.builtProduct("roostd")
        let stateDir = "/tmp/roost-load-" + String(UUID().uuidString.prefix(8)).lowercased()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        let daemon = try CrashRestartTests.DaemonProcess(binary: binary, stateDir: stateDir)
        defer { daemon.kill9() }
        try await daemon.waitReady()
        let pid = daemon.process.processIdentifier
        let socket = stateDir + "/unix.socket"
        let http = RawHTTP(socketPath: socket)
        for _ in 0..<50 { _ = try await http.request("GET", "/1.0") }
        let baseline = Self.rssKiB(pid)

        let slowHead = Array("GET /1.0 HTTP/1.1\r\nHost: roost\r\nX-Slow: ".utf8)
        let oversized = Array(
            "PUT /1.0/profiles/default HTTP/1.1\r\nHost: roost\r\nContent-Length: 104857600\r\n\r\n{".utf8)
        // Declares the largest allowed body (4 MiB), sends 1 MiB of it, then stalls.
        let slowBody =
            Array("PUT /1.0/profiles/default HTTP/1.1\r\nHost: roost\r\nContent-Length: 4194304\r\n\r\n".utf8)
            + [UInt8](repeating: 0x20, count: 1 << 20)
        // One dedicated thread opens them all, one after the other: GCD's workers (which this
        // process's cooperative pool shares on Linux) stay free for the tests running beside it.
        let fds = await withCheckedContinuation { (continuation: CheckedContinuation<[Int32], Never>) in
            let opener = Thread {
                var opened: [Int32] = []
                for n in 0..<1000 {
                    let bytes = n % 10 < 4 ? slowHead : (n % 10 < 7 ? slowBody : oversized)
                    if let fd = Self.openAndSend(socket, bytes) { opened.append(fd) }
                }
                continuation.resume(returning: opened)
            }
            opener.start()
        }
        defer { for fd in fds { close(fd) } }
        try await Task.sleep(for: .milliseconds(500))
        let peak = Self.rssKiB(pid)
        let started = ContinuousClock.now
        let get = try await http.request("GET", "/1.0")
        let latency = ContinuousClock.now - started
        print(
            "SlowClientLoad: \(fds.count) connections open; roostd RSS \(baseline / 1024) MiB before, "
                + "\(peak / 1024) MiB with them (+\((peak - baseline) / 1024) MiB); GET /1.0 answered \(get.status) "
                + "in \(latency)")
        #expect(fds.count >= 990)
        #expect(get.status == 200)
        // The body budget is 64 MiB; the rest is connection state. Without the bounds the 300
        // slow bodies alone would hold 300 MiB, and the oversized ones would be read whole.
        #expect(peak - baseline < 160 * 1024, "RSS grew by \((peak - baseline) / 1024) MiB")
    }
}
