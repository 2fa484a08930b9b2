import ArgumentParser
import ClusterDB
import ClusterNode
import Foundation
import RoostAPI

/// `roost-bench`: the performance goals of the REST core and the state path, measured against a
/// real `roostd` process over its unix socket with a keep-alive connection (as LXD was measured),
/// plus the raw throughput of `propose`. Prints medians and p99; asserts nothing.
@main
struct RoostBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roost-bench",
        abstract: "Measure roostd's API latency, start-up, memory and propose throughput.",
        discussion:
            "Build with -c release for meaningful numbers. Starts its own roostd in a temporary state directory.")

    @Option(help: "Requests per latency measurement.") var iterations = 2000
    @Option(help: "Instance records for the recursion=2 list.") var instances = 1000
    @Option(help: "Iterations of the recursion=2 list.") var listIterations = 100
    @Option(help: "Proposals per propose-throughput run.") var proposals = 20000
    @Option(help: "Path of roostd (default: next to roost-bench).") var roostd: String?
    @Option(help: "Which benchmarks: api (daemon and propose), raft (core and simulator), all.") var suite = "all"
    @Option(help: "Proposals committed by the Raft core benchmark.") var raftProposals = 1_000_000
    @Option(
        help: ArgumentHelp(
            "Also measure an already running LXD-compatible daemon at this unix socket, and print ratios.",
            discussion: """
                The same client and requests run against it (GET /1.0, GET and PATCH of a profile the \
                bench creates and deletes, and the recursion=2 list of whatever instances it has), \
                for example Debian's lxd started by hand. Never used in CI.
                """))
    var socket: String?

    func run() async throws {
        if suite == "api" || suite == "all" {
            let binary =
                roostd
                ?? URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
                .deletingLastPathComponent().appendingPathComponent("roostd").path
            let roost = try await benchDaemon(binary: binary)
            if let socket {
                var other = try measureRequests(socket: socket, label: "other daemon")
                other.merge(try measureList(socket: socket)) { _, new in new }
                printRatios(roost: roost, other: other, socket: socket)
            }
            try await benchPropose()
        }
        if suite == "raft" || suite == "all" {
            let seconds = try RaftBench.commitThroughput(count: raftProposals, size: 100, batch: 256)
            print(
                "RaftCore: 3 in-memory nodes commit \(raftProposals) x 100 B in \(Self.fixed(seconds, 2)) s "
                    + "(\(Int(Double(raftProposals) / seconds)) /s)   goal <= 5 s for 1M")
            let (events, simSeconds) = try RaftBench.simulatorThroughput(seeds: 1...15)
            print(
                "simulator: \(events) events in \(Self.fixed(simSeconds, 2)) s = \(Int(Double(events) / simSeconds)) events/s"
                    + "   goal >= 200000")
        }
    }

    static func fixed(_ value: Double, _ digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        return String((value * scale).rounded() / scale)
    }

    /// Starts roostd, measures start-up and idle memory, fills it with instance records, then
    /// measures the requests; returns their samples for the comparison with `--socket`.
    private func benchDaemon(binary: String) async throws -> [String: Samples] {
        let stateDir = "/tmp/roost-bench-" + String(UUID().uuidString.prefix(8)).lowercased()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--state-dir", stateDir, "--log-level", "error"]
        let started = DispatchTime.now().uptimeNanoseconds
        try process.run()
        defer {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
        let socket = stateDir + "/unix.socket"
        var client: KeepAliveClient?
        while client == nil {
            if let candidate = try? KeepAliveClient(socketPath: socket),
                (try? candidate.request("GET", "/1.0"))?.status == 200
            {
                client = candidate
            } else {
                usleep(1000)
            }
            guard DispatchTime.now().uptimeNanoseconds - started < 10_000_000_000 else {
                throw BenchError("roostd not ready")
            }
        }
        let ready = Double(DispatchTime.now().uptimeNanoseconds - started) / 1_000_000
        print(String(format: "%-44@ %8.1f ms   goal <= 500 ms", "roostd start to first answer" as NSString, ready))
        try await Task.sleep(for: .seconds(1))
        print(
            "idle RSS after start                         \(Self.rss(process.processIdentifier)) MiB   goal <= 30 MiB")
        guard client != nil else { return [:] }
        var results = try measureRequests(socket: socket, label: "roostd")
        try createInstances(socket: socket, count: instances)
        // Let the member-local reconciler finish writing the new instances' files (fsyncs) so
        // the list is measured on an idle daemon, as the other requests are.
        try await Task.sleep(for: .seconds(5))
        results.merge(try measureList(socket: socket)) { _, new in new }
        print("RSS after the runs                           \(Self.rss(process.processIdentifier)) MiB")
        return results
    }

    /// The request latencies, over one keep-alive connection to `socket`, by request name.
    /// PATCH goes to a profile the bench creates (and deletes), so another daemon's profiles are
    /// left as they were.
    private func measureRequests(socket: String, label: String) throws -> [String: Samples] {
        let http = try KeepAliveClient(socketPath: socket)
        print("== \(label) at \(socket)")
        var results: [String: Samples] = [:]
        var info = Samples()
        for _ in 0..<iterations { try info.measure { _ = try http.request("GET", "/1.0") } }
        print(info.line("GET /1.0", goal: "-"))
        results["GET /1.0"] = info
        var get = Samples()
        for _ in 0..<iterations { try get.measure { _ = try http.request("GET", "/1.0/profiles/default") } }
        print(get.line("GET /1.0/profiles/default", goal: "<= 0.3 ms (LXD 5.0.2: 3.1 ms)"))
        results["GET /1.0/profiles/default"] = get
        let profile = "roost-bench-" + String(UUID().uuidString.prefix(8)).lowercased()
        let created = try http.request("POST", "/1.0/profiles", body: Array(#"{"name":"\#(profile)"}"#.utf8))
        guard created.status == 201 || created.status == 200 else {
            throw BenchError("creating profile \(profile) failed: \(created.status)")
        }
        defer { _ = try? http.request("DELETE", "/1.0/profiles/\(profile)") }
        var patch = Samples()
        for index in 0..<iterations {
            let body = Array(#"{"config":{"user.bench":"\#(index)"}}"#.utf8)
            try patch.measure {
                let response = try http.request("PATCH", "/1.0/profiles/\(profile)", body: body)
                guard response.status == 200 else { throw BenchError("PATCH failed: \(response.status)") }
            }
        }
        print(patch.line("PATCH /1.0/profiles/NAME", goal: "<= 2 ms (LXD 5.0.2: 36 ms)"))
        results["PATCH /1.0/profiles/NAME"] = patch
        return results
    }

    /// The recursion=2 list of whatever instances the daemon holds.
    private func measureList(socket: String) throws -> [String: Samples] {
        let http = try KeepAliveClient(socketPath: socket)
        var list = Samples()
        var bytes = 0
        var count = 0
        for _ in 0..<listIterations {
            try list.measure { bytes = try http.request("GET", "/1.0/instances?recursion=2").body.count }
        }
        if let body = try? http.request("GET", "/1.0/instances").body,
            case .array(let items) = try? JSONDecoder().decode(AnyResponseEnvelope.self, from: Data(body)).metadata
        {
            count = items.count
        }
        print(list.line("GET /1.0/instances?recursion=2 (\(count))", goal: "<= 20 ms") + "   \(bytes / 1024) KiB")
        return ["GET /1.0/instances?recursion=2": list]
    }

    /// One line per request: both medians and how many times faster Roost is.
    private func printRatios(roost: [String: Samples], other: [String: Samples], socket: String) {
        print("== roostd vs \(socket) (median; ratio = other / roostd)")
        for name in roost.keys.sorted() {
            guard let mine = roost[name], let theirs = other[name] else { continue }
            let (a, b) = (mine.percentile(0.5), theirs.percentile(0.5))
            print(
                name.padding(toLength: 44, withPad: " ", startingAt: 0)
                    + String(format: " %8.3f ms vs %8.3f ms   x%.1f", a, b, a > 0 ? b / a : 0))
        }
        print("(the instance lists compare only if both daemons hold the same number of instances)")
    }

    /// Creates the instance records over several connections, then waits until all are listed.
    private func createInstances(socket: String, count: Int) throws {
        let workers = 8
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            guard let client = try? KeepAliveClient(socketPath: socket) else { return }
            for index in stride(from: worker, to: count, by: workers) {
                let body = Array(
                    #"{"name":"bench\#(index)","source":{"type":"none"},"config":{"user.index":"\#(index)","limits.cpu":"2"}}"#
                        .utf8)
                _ = try? client.request("POST", "/1.0/instances", body: body)
            }
        }
        let client = try KeepAliveClient(socketPath: socket)
        for _ in 0..<3000 {
            let body = try client.request("GET", "/1.0/instances").body
            if case .array(let items) = try JSONDecoder().decode(AnyResponseEnvelope.self, from: Data(body)).metadata,
                items.count >= count
            {
                return
            }
            usleep(10_000)
        }
        throw BenchError("instances were not all created")
    }

    /// Throughput of the state path alone: the real log on disk with fsync, and SQLite apply.
    private func benchPropose() async throws {
        let directory = "/tmp/roost-bench-propose-" + String(UUID().uuidString.prefix(8)).lowercased()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let node = try SingleMemberNode(
            logDirectory: directory + "/log", state: StateMachine(path: directory + "/db.sqlite"),
            files: POSIXFileLayer())
        var sequential = Samples()
        for _ in 0..<min(proposals, 2000) {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try await node.propose(Command(timestamp: .epoch, origin: "bench", action: .noop))
            sequential.append(DispatchTime.now().uptimeNanoseconds - start)
        }
        print(sequential.line("propose, one proposer at a time", goal: "-"))
        let concurrency = 64
        let perTask = max(1, proposals / concurrency)
        let start = DispatchTime.now().uptimeNanoseconds
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<concurrency {
                group.addTask {
                    for index in 0..<perTask {
                        let action = Command.Action.createProfile(ProfilesPost(name: "t\(task)-\(index)"))
                        _ = try await node.propose(Command(timestamp: .epoch, origin: "bench", action: action))
                    }
                }
            }
            try await group.waitForAll()
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let total = Double(perTask * concurrency)
        print(
            String(
                format: "%-44@ %8.0f commands/s (%d proposers, %.0f commands)", "propose throughput" as NSString,
                total / seconds, concurrency, total))
    }

    static func rss(_ pid: Int32) -> String {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return "?" }
        let kib = Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        return String(format: "%.1f", kib / 1024)
    }
}

extension Samples {
    mutating func append(_ nanoseconds: UInt64) { appendValue(nanoseconds) }
}
