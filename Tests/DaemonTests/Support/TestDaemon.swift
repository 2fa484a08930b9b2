import Foundation
import Logging
import RoostAPI
import Testing

@testable import Daemon

/// A real `RoostDaemon` serving a unix socket in a fresh temporary state directory, in this
/// process. `stop()` cancels it and removes the directory.
final class TestDaemon: Sendable {
    let stateDir: String
    let task: Task<Void, any Error>
    let http: RawHTTP
    let daemon: RoostDaemon

    var socketPath: String { stateDir + "/unix.socket" }

    static func start(
        configure: (inout DaemonConfig) -> Void = { _ in },
        routes: @escaping @Sendable (inout Router) -> Void = { _ in }
    ) async throws -> TestDaemon {
        let dir = "/tmp/roost-test-" + String(UUID().uuidString.prefix(8)).lowercased()
        var config = DaemonConfig()
        config.stateDir = dir
        config.memberName = "test"
        configure(&config)
        var logger = Logger(label: "roostd-test")
        logger.logLevel = .critical
        let daemon: RoostDaemon
        do {
            daemon = try RoostDaemon(config: config, logger: logger, extraRoutes: routes)
        } catch {
            try? FileManager.default.removeItem(atPath: dir)
            throw error
        }
        let (ready, signal) = AsyncStream<Bool>.makeStream()
        let task = Task {
            // Finishing the stream wakes `start` even if `run` fails before it is ready.
            defer { signal.finish() }
            try await daemon.run(onReady: { signal.yield(true) })
        }
        var isReady = false
        for await _ in ready {
            isReady = true
            break
        }
        guard isReady else {
            let outcome = await task.result
            try? FileManager.default.removeItem(atPath: dir)
            throw TestFailure("roostd stopped before it was ready: \(outcome)")
        }
        return TestDaemon(stateDir: dir, task: task, daemon: daemon)
    }

    private init(stateDir: String, task: Task<Void, any Error>, daemon: RoostDaemon) {
        self.daemon = daemon
        self.stateDir = stateDir
        self.task = task
        self.http = RawHTTP(socketPath: stateDir + "/unix.socket")
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
        try? FileManager.default.removeItem(atPath: stateDir)
    }

    /// Runs `body` with a started daemon and always stops it.
    static func with(
        configure: (inout DaemonConfig) -> Void = { _ in },
        routes: @escaping @Sendable (inout Router) -> Void = { _ in },
        _ body: (TestDaemon) async throws -> Void
    ) async throws {
        let daemon = try await start(configure: configure, routes: routes)
        do {
            try await body(daemon)
        } catch {
            await daemon.stop()
            throw error
        }
        await daemon.stop()
    }

    /// Waits for an async operation (from a 202) and returns its final state.
    func wait(_ response: RawHTTP.Response) async throws -> Operation {
        #expect(response.status == 202, "expected 202, got \(response.status): \(response.text)")
        guard let location = response.headers["location"] else { throw TestFailure("no Location") }
        let waited = try await http.request("GET", location + "/wait?timeout=30")
        return try JSONDecoder().decode(ResponseEnvelopeOf<Operation>.self, from: Data(waited.body)).metadata
    }
}

struct ResponseEnvelopeOf<T: Decodable>: Decodable {
    var metadata: T
}

typealias Operation = RoostAPI.Operation
