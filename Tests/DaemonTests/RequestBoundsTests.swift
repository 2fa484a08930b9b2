import Foundation
import RoostAPI
import Testing

@testable import Daemon

/// The request path's bounds: slow clients are cut off, body bytes and handlers are bounded
/// daemon-wide with 503 + Retry-After, and a small trusted request is still answered.
@Suite struct RequestBoundsTests {
    /// Runs blocking socket work on a GCD thread, never on the cooperative pool the in-process
    /// daemon needs.
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Reads until the server closes the connection; nil if it is still open after `seconds`.
    static func readUntilClosed(_ fd: Int32, seconds: Int) -> [UInt8]? {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count == 0 { return out }
            if count < 0 { return errno == ECONNRESET ? out : nil }
            out += buffer[0..<count]
        }
    }

    /// Sends `prefix`, then one header line every 200 ms and never the blank line that ends the
    /// head; true once the server has closed the connection (within 20 s).
    static func trickleHeadUntilClosed(_ path: String, prefix: String) throws -> Bool {
        let fd = try UnixSocket.connect(path)
        defer { close(fd) }
        try UnixSocket.writeAll(fd, Array(prefix.utf8))
        for n in 0..<100 {
            usleep(200_000)
            let line = Array("X-Slow-\(n): y\r\n".utf8)
            if line.withUnsafeBytes({ send(fd, $0.baseAddress!, line.count, Int32(MSG_NOSIGNAL)) }) < 0 { return true }
            var probe: UInt8 = 0
            if recv(fd, &probe, 1, Int32(MSG_DONTWAIT)) == 0 { return true }
        }
        return false
    }

    @Test func aTrickledFirstHeadIsCutOff() async throws {
        try await TestDaemon.with(configure: { $0.timeouts.requestReadSeconds = 1 }) { daemon in
            let path = daemon.socketPath
            let closed = try await Self.blocking {
                try Self.trickleHeadUntilClosed(path, prefix: "GET /1.0 HTTP/1.1\r\nHost: roost\r\n")
            }
            #expect(closed, "a client trickling its first head for 20 s kept its connection")
        }
    }

    @Test func aTrickledBodyGets408AndTheConnectionCloses() async throws {
        try await TestDaemon.with(configure: { $0.timeouts.requestReadSeconds = 1 }) { daemon in
            let path = daemon.socketPath
            let answer = try await Self.blocking { () -> [UInt8]? in
                let fd = try UnixSocket.connect(path)
                defer { close(fd) }
                let head = "POST /1.0/profiles HTTP/1.1\r\nHost: roost\r\nContent-Length: 100\r\n\r\n{"
                try UnixSocket.writeAll(fd, Array(head.utf8))
                let trickle = Thread {
                    for _ in 0..<50 {
                        usleep(200_000)
                        if send(fd, " ", 1, Int32(MSG_NOSIGNAL)) < 0 { return }
                    }
                }
                trickle.start()
                return Self.readUntilClosed(fd, seconds: 60)
            }
            let text = String(decoding: try #require(answer, "the connection stayed open"), as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 408"), "\(text.prefix(200))")
            #expect(text.components(separatedBy: "HTTP/1.1 ").count == 2, "more than one response: \(text)")
            #expect(text.lowercased().contains("connection: close"))
        }
    }

    @Test func bodyBytesInFlightAreBoundedAndAGetIsStillAnswered() async throws {
        try await TestDaemon.with(configure: {
            $0.limits.requestBodyMaxBytes = 4096
            $0.limits.requestBytesInFlightMax = 8192
        }) { daemon in
            let path = daemon.socketPath
            // Two uploads that send 4 KiB less one byte each and stall: they hold the budget.
            let holders = try await Self.blocking { () -> [Int32] in
                try (0..<2).map { _ in
                    let fd = try UnixSocket.connect(path)
                    let head = "PUT /1.0/profiles/default HTTP/1.1\r\nHost: roost\r\nContent-Length: 4096\r\n\r\n"
                    try UnixSocket.writeAll(fd, Array(head.utf8) + [UInt8](repeating: 0x20, count: 4095))
                    return fd
                }
            }
            defer { for fd in holders { close(fd) } }
            for _ in 0..<500 where daemon.daemon.admission.counters.bytesInFlight < 8190 {
                try await Task.sleep(for: .milliseconds(10))
            }
            try #require(daemon.daemon.admission.counters.bytesInFlight == 8190, "the stalled uploads hold no bytes")
            var refused: RawHTTP.Response?
            for _ in 0..<200 {
                let response = try await daemon.http.request(
                    "POST", "/1.0/profiles", body: Array(#"{"name":"third"}"#.utf8))
                if response.status == 503 {
                    refused = response
                    break
                }
                #expect(response.status != 201, "a body was accepted beyond the in-flight bytes bound")
                try await Task.sleep(for: .milliseconds(20))
            }
            let busy = try #require(refused, "never refused")
            #expect(busy.headers["retry-after"] == "1")
            #expect(busy.text.contains("Too many request bytes in flight"))
            #expect(daemon.daemon.admission.counters.bytesInFlight == 8190)
            // A GET reads no body: it is answered while the budget is exhausted.
            #expect(try await daemon.http.request("GET", "/1.0").status == 200)
            for fd in holders { shutdown(fd, Int32(SHUT_RDWR)) }
            var created = false
            for _ in 0..<200 where !created {
                created = try await daemon.http.text("POST", "/1.0/profiles", #"{"name":"later"}"#).status == 201
                if !created { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(created, "the budget was not released when the stalled uploads went away")
        }
    }

    /// The parser skips blank lines before a request; they must not count as a head.
    @Test func leadingBlankLinesDoNotCancelTheFirstHeadDeadline() async throws {
        try await TestDaemon.with(configure: { $0.timeouts.requestReadSeconds = 1 }) { daemon in
            let path = daemon.socketPath
            let closed = try await Self.blocking {
                try Self.trickleHeadUntilClosed(path, prefix: "\r\n\r\nGET /1.0 HTTP/1.1\r\n")
            }
            #expect(closed, "blank lines before a trickled head kept the connection open")
        }
    }

    /// A route that takes no body drops a small one and keeps the connection; a body it would
    /// have to drain forever (trickled, chunked) ends the connection after the answer.
    @Test func aBodyOnAGetIsDroppedWithinBounds() async throws {
        try await TestDaemon.with(configure: { $0.timeouts.requestReadSeconds = 1 }) { daemon in
            let path = daemon.socketPath
            let (small, trickled) = try await Self.blocking { () -> (String, String?) in
                let fd = try UnixSocket.connect(path)
                defer { close(fd) }
                try UnixSocket.writeAll(fd, Array("GET /1.0 HTTP/1.1\r\nHost: r\r\nContent-Length: 2\r\n\r\n{}".utf8))
                let small = String(decoding: try UnixSocket.readSome(fd), as: UTF8.self)
                let slow = try UnixSocket.connect(path)
                defer { close(slow) }
                try UnixSocket.writeAll(
                    slow, Array("GET /1.0 HTTP/1.1\r\nHost: r\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{\r\n".utf8))
                let trickle = Thread {
                    for _ in 0..<50 {
                        usleep(200_000)
                        if send(slow, "1\r\n \r\n", 6, Int32(MSG_NOSIGNAL)) < 0 { return }
                    }
                }
                trickle.start()
                return (small, Self.readUntilClosed(slow, seconds: 20).map { String(decoding: $0, as: UTF8.self) })
            }
            #expect(small.hasPrefix("HTTP/1.1 200"), "\(small.prefix(100))")
            #expect(!small.lowercased().contains("connection: close"))
            let answer = try #require(trickled, "a trickled body on a GET kept the connection open")
            #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer.prefix(100))")
            #expect(answer.lowercased().contains("connection: close"))
        }
    }

    @Test func handlerSlotsAreBoundedWithRetryAfter() throws {
        let admission = RequestAdmission(handlersMax: 2, bytesMax: 10)
        try admission.enterHandler()
        try admission.enterHandler()
        #expect(throws: RoostError(.unavailable, "Too many requests in progress, try again")) {
            try admission.enterHandler()
        }
        // Long polls have their own slots: waiting clients cannot take the ordinary ones.
        try admission.enterHandler(.longPoll)
        try admission.enterHandler(.longPoll)
        #expect(throws: RoostError.self) { try admission.enterHandler(.longPoll) }
        admission.exitHandler()
        try admission.enterHandler()
        #expect(admission.counters.refusedForHandlers == 2)
        #expect(APIResponse.error(RoostError(.unavailable, "busy")).headers.contains { $0 == ("Retry-After", "1") })
        // An unknown outcome is not an invitation to retry blindly.
        #expect(!APIResponse.error(RoostError(.outcomeUnknown, "?")).headers.contains { $0.0 == "Retry-After" })
        #expect(throws: RoostError.self) { try admission.reserve(bytes: 11) }
        try admission.reserve(bytes: 10)
        admission.release(bytes: 10)
        #expect(admission.counters.bytesInFlight == 0)
    }

}

/// Database work that blocks never occupies the cooperative pool (one thread per core here).
@Suite struct BlockingDatabaseWorkTests {
    /// The reconciler holds the member-local database across fsyncs. While it does, requests
    /// that need that database wait on a dedicated thread, so other requests are still answered.
    @Test func requestsAreAnsweredWhileTheLocalDatabaseIsHeld() async throws {
        final class Holder: @unchecked Sendable {
            let held = DispatchSemaphore(value: 0)
            let release = DispatchSemaphore(value: 0)
            let done = DispatchSemaphore(value: 0)
            var releasedInTime = false
        }
        try await TestDaemon.with { daemon in
            let holder = Holder()
            let blocked = ProcessInfo.processInfo.activeProcessorCount + 2
            let local = daemon.daemon.local
            DispatchQueue.global().async {
                try? local.with { _ throws(RoostError) in
                    holder.held.signal()
                    holder.releasedInTime = holder.release.wait(timeout: .now() + 60) == .success
                }
                holder.done.signal()
            }
            await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    holder.held.wait()
                    continuation.resume()
                }
            }
            // More requests that need the held database than there are cooperative threads. (Each
            // blocked client thread costs this test process about a second: GCD adds threads
            // slowly once its workers block.)
            let waiting = Task {
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<blocked { group.addTask { try await daemon.http.request("GET", "/1.0").status } }
                    return try await group.reduce(into: [Int]()) { $0.append($1) }
                }
            }
            try await Task.sleep(for: .milliseconds(300))
            // Without the dedicated thread, the blocked handlers hold every cooperative thread and
            // this request is answered only when the holder gives up after 60 s (generous: the
            // whole suite runs in parallel in this process, and its blocked client threads slow
            // GCD down).
            let asked = ContinuousClock.now
            let profiles = try await daemon.http.request("GET", "/1.0/profiles")
            print(
                "BlockingDatabaseWork: GET /1.0/profiles answered in \(ContinuousClock.now - asked) while the lock was held"
            )
            holder.release.signal()
            await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    holder.done.wait()
                    continuation.resume()
                }
            }
            #expect(profiles.status == 200)
            #expect(holder.releasedInTime, "GET /1.0/profiles waited for the member-local database lock")
            #expect(try await waiting.value == Array(repeating: 200, count: blocked))
        }
    }
}

/// Uploads stream to disk with their own limit; the small JSON cap does not apply to them.
@Suite struct SpooledBodyTests {
    static func uploadRoute(_ router: inout Router) {
        router.add("POST", "/test/upload", body: .spool(maxBytes: 1 << 20)) { request, _ in
            let path = try #require(request.bodyFile)
            let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? -1
            return try .sync(["size": String(size), "path": path, "in_memory": String(request.body.count)])
        }
    }

    @Test func anUploadIsSpooledToDiskBeyondTheJSONCapAndRemovedAfterwards() async throws {
        try await TestDaemon.with(configure: { $0.limits.requestBodyMaxBytes = 4096 }, routes: Self.uploadRoute) {
            daemon in
            let upload = [UInt8](repeating: 0x61, count: 512 << 10)
            let response = try await daemon.http.request("POST", "/test/upload", body: upload)
            #expect(response.status == 200, "\(response.text.prefix(200))")
            guard case .object(let fields) = response.metadata else {
                Issue.record("no metadata: \(response.text.prefix(200))")
                return
            }
            #expect(fields["size"] == .string(String(512 << 10)))
            #expect(fields["in_memory"] == .string("0"))
            if case .string(let path) = fields["path"] {
                #expect(path.hasPrefix(daemon.stateDir + "/spool/"))
                #expect(!FileManager.default.fileExists(atPath: path), "the spooled upload was left behind")
            }
            // The JSON cap still holds for JSON routes.
            let json = try await daemon.http.request(
                "PUT", "/1.0/profiles/default", body: [UInt8](repeating: 0x20, count: 8192))
            #expect(json.status == 413)
            // An upload over the route's own limit is refused before it is read.
            let big = try await daemon.http.request(
                "POST", "/test/upload", body: [UInt8](repeating: 0x61, count: 2 << 20))
            #expect(big.status == 413)
            let left = try FileManager.default.contentsOfDirectory(atPath: daemon.stateDir + "/spool")
            #expect(left.isEmpty, "spool not empty: \(left)")
        }
    }
}

/// The first-request deadline ends once a head is parsed: connections that did send one (a
/// keep-alive client between requests, an events websocket) outlive it.
@Suite struct FirstRequestDeadlineCancellationTests {
    @Test func keepAliveConnectionsAndWebsocketsOutliveTheFirstHeadDeadline() async throws {
        try await TestDaemon.with(configure: { $0.timeouts.requestReadSeconds = 1 }) { daemon in
            let path = daemon.socketPath
            let events = try await RawWebSocket.connect(socketPath: path, path: "/1.0/events?type=lifecycle")
            let keptAlive = try await RequestBoundsTests.blocking { () -> Int32 in
                let fd = try UnixSocket.connect(path)
                try UnixSocket.writeAll(fd, Array("GET /1.0 HTTP/1.1\r\nHost: r\r\n\r\n".utf8))
                _ = try UnixSocket.readSome(fd)
                return fd
            }
            defer { close(keptAlive) }
            try await Task.sleep(for: .seconds(3))
            // The keep-alive connection still serves requests...
            let second = try await RequestBoundsTests.blocking { () -> String in
                try UnixSocket.writeAll(keptAlive, Array("GET /1.0 HTTP/1.1\r\nHost: r\r\n\r\n".utf8))
                return String(decoding: try UnixSocket.readSome(keptAlive), as: UTF8.self)
            }
            #expect(second.hasPrefix("HTTP/1.1 200"), "keep-alive connection closed: \(second.prefix(80))")
            // ...and the websocket still delivers events.
            #expect(try await daemon.http.text("POST", "/1.0/profiles", #"{"name":"late"}"#).status == 201)
            let message = try await events.nextText()
            #expect(message.contains("profile-created"))
        }
    }
}

/// Uploads cut off half-way leave nothing behind; the spool's disk budget holds.
@Suite struct SpoolFailureTests {
    @Test func anUploadCutOffMidStreamIsRemovedAndTheBudgetReleased() async throws {
        try await TestDaemon.with(routes: SpooledBodyTests.uploadRoute) { daemon in
            let path = daemon.socketPath
            // Chunked, so nothing is refused up front: 2 MiB against a 1 MiB limit.
            let answer = try await RequestBoundsTests.blocking { () -> String? in
                let fd = try UnixSocket.connect(path)
                defer { close(fd) }
                try UnixSocket.writeAll(
                    fd, Array("POST /test/upload HTTP/1.1\r\nHost: r\r\nTransfer-Encoding: chunked\r\n\r\n".utf8))
                let chunk = Array("10000\r\n".utf8) + [UInt8](repeating: 0x61, count: 0x10000) + Array("\r\n".utf8)
                for _ in 0..<32 { try UnixSocket.writeAll(fd, chunk) }
                return RequestBoundsTests.readUntilClosed(fd, seconds: 20).map { String(decoding: $0, as: UTF8.self) }
            }
            let text = try #require(answer, "the connection stayed open after the refused upload")
            #expect(text.hasPrefix("HTTP/1.1 413"), "\(text.prefix(100))")
            let left = try FileManager.default.contentsOfDirectory(atPath: daemon.stateDir + "/spool")
            #expect(left.isEmpty, "a cut-off upload was left behind: \(left)")
            #expect(daemon.daemon.spool.bytesSpooled == 0)
        }
    }

    @Test func theSpoolBudgetRefusesUploadsBeyondIt() async throws {
        try await TestDaemon.with(
            configure: { $0.limits.uploadSpoolMaxBytes = 256 << 10 }, routes: SpooledBodyTests.uploadRoute
        ) { daemon in
            // Larger than the whole budget: refused as too large, before it is read.
            let huge = try await daemon.http.request(
                "POST", "/test/upload", body: [UInt8](repeating: 0x61, count: 512 << 10))
            #expect(huge.status == 413, "\(huge.text.prefix(120))")
            // An upload that sends 200 KiB and stalls holds most of the budget...
            let path = daemon.socketPath
            let holder = try await RequestBoundsTests.blocking { () -> Int32 in
                let fd = try UnixSocket.connect(path)
                try UnixSocket.writeAll(
                    fd, Array("POST /test/upload HTTP/1.1\r\nHost: r\r\nTransfer-Encoding: chunked\r\n\r\n".utf8))
                let chunk = Array("32000\r\n".utf8) + [UInt8](repeating: 0x61, count: 0x32000) + Array("\r\n".utf8)
                try UnixSocket.writeAll(fd, chunk)
                return fd
            }
            for _ in 0..<500 where daemon.daemon.spool.bytesSpooled < 0x32000 {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(daemon.daemon.spool.bytesSpooled == 0x32000)
            // ...so the next one is refused for now...
            let busy = try await daemon.http.request(
                "POST", "/test/upload", body: [UInt8](repeating: 0x61, count: 100 << 10))
            #expect(busy.status == 503, "\(busy.text.prefix(120))")
            // ...and accepted once the stalled upload is gone.
            close(holder)
            for _ in 0..<500 where daemon.daemon.spool.bytesSpooled > 0 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(daemon.daemon.spool.bytesSpooled == 0)
            let small = try await daemon.http.request(
                "POST", "/test/upload", body: [UInt8](repeating: 0x61, count: 1024))
            #expect(small.status == 200)
        }
    }

    /// A refused request with a body it never read closes its connection (no endless drain).
    @Test func aMalformedRequestIDWithABodyClosesTheConnection() async throws {
        try await TestDaemon.with { daemon in
            let path = daemon.socketPath
            let answer = try await RequestBoundsTests.blocking { () -> String? in
                let fd = try UnixSocket.connect(path)
                defer { close(fd) }
                try UnixSocket.writeAll(
                    fd,
                    Array(
                        "POST /1.0/profiles HTTP/1.1\r\nHost: r\r\nX-Roost-Request-Id: x\r\nContent-Length: 100000000\r\n\r\n{"
                            .utf8))
                return RequestBoundsTests.readUntilClosed(fd, seconds: 20).map { String(decoding: $0, as: UTF8.self) }
            }
            let text = try #require(answer, "the connection stayed open")
            #expect(text.hasPrefix("HTTP/1.1 400"))
        }
    }
}
