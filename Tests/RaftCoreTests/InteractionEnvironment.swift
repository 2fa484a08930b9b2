import Foundation
import RaftCore

/// Drives several `RawNode`s over in-memory storage and queues, one command at a time, and
/// describes what happened as text (etcd-io/raft's `rafttest.InteractionEnv`).
final class InteractionEnvironment {
    struct Node {
        var raw: RawNode
        let storage: MemoryStorage
        var applied: [Entry] = []
        let config: RaftConfig
        /// The snapshot being received, staged from `Ready.snapshotChunks`.
        var staging: Snapshot?
        /// Bugs injected into this node (`add-nodes ... bugs=(name,...)`), kept across restarts.
        var bugs = ScenarioBugs(bugs: [])
    }

    var nodes: [UInt64: Node] = [:]
    /// Messages waiting for delivery, per recipient, in send order.
    var inbox: [UInt64: [Message]] = [:]
    /// Partition groups: a message between different groups is dropped at delivery.
    var groups: [[UInt64]] = []
    var verbose = true

    var sortedIDs: [UInt64] { nodes.keys.sorted() }

    func handle(_ block: ScenarioScript.Block) throws -> String {
        switch block.command {
        case "add-nodes": return try addNodes(block)
        case "campaign":
            try with(block.id(0)) { $0.raw.campaign() }
            return ""
        case "propose":
            let id = try block.id(0)
            let batch = block.positional.dropFirst().map { Array($0.utf8) }
            try with(id) { $0.raw.propose(batch) }
            return ""
        case "propose-conf-change": return try proposeConfigChange(block)
        case "transfer-leadership":
            let from = UInt64(block.arguments["from"] ?? "") ?? 0
            let to = UInt64(block.arguments["to"] ?? "") ?? 0
            try with(from) { $0.raw.transferLeadership(to: to) }
            return ""
        case "read-index":
            let context = block.positional.count > 1 ? block.positional[1] : "read"
            try with(block.id(0)) { $0.raw.readIndex(context: Array(context.utf8)) }
            return ""
        case "inject-msg":
            // Delivers a hand-made message now, as a late duplicate or a reordered one would
            // arrive: inject-msg from=2 to=1 kind=appendResponse index=3 reject=true hint=2.
            let to = UInt64(block.int("to", default: 0))
            guard let kind = block.arguments["kind"].flatMap(Message.Kind.init(rawValue:)), let node = nodes[to] else {
                throw ScenarioError(
                    "usage: inject-msg from=ID to=ID kind=KIND [term= index= reject= hint= commit= offset= bytes=]")
            }
            var message = Message(
                kind: kind, from: UInt64(block.int("from", default: 0)), to: to,
                term: UInt64(block.int("term", default: Int(node.raw.term))),
                logTerm: UInt64(block.int("logterm", default: 0)), index: UInt64(block.int("index", default: 0)),
                commit: UInt64(block.int("commit", default: 0)), reject: block.bool("reject", default: false),
                rejectHint: UInt64(block.int("hint", default: 0)))
            message.round = UInt64(block.int("round", default: 0))
            message.context = Array((block.arguments["context"] ?? "").utf8)
            if let index = block.arguments["snapindex"].flatMap(UInt64.init) {
                message.snapshot = Snapshot(index: index, term: UInt64(block.int("snapterm", default: 0)))
            }
            if kind == .snapshot, message.snapshot != nil {
                // snapindex=I snapterm=T: a chunk of an older snapshot the sender no longer
                // holds (a late duplicate): bytes=N zero bytes at offset=O.
                message.offset = UInt64(block.int("offset", default: 0))
                message.snapshot?.data = Array(repeating: 0, count: block.int("bytes", default: 16))
                message.done = false
            } else if kind == .snapshot {
                // A chunk of the sender's newest snapshot, as its leader would stream it:
                // offset=O bytes=N (default: the sender's chunk size).
                guard let sender = nodes[message.from] else { throw ScenarioError("no node \(message.from)") }
                let metadata = try sender.storage.snapshotMetadata()
                message.offset = UInt64(block.int("offset", default: 0))
                let data = try sender.storage.snapshotData(
                    index: metadata.index, offset: message.offset,
                    maxBytes: block.int("bytes", default: sender.config.snapshotChunkBytesMax))
                message.snapshot = Snapshot(
                    index: metadata.index, term: metadata.term, membership: metadata.membership, data: data)
                message.done = message.offset + UInt64(data.count) >= metadata.size
            }
            try with(to) { $0.raw.step(message) }
            return verbose ? message.description : ""
        case "report-unreachable":
            // The transport of node ID gave up sending to PEER.
            let peer = try block.id(1)
            try with(block.id(0)) { $0.raw.reportUnreachable(peer) }
            return ""
        case "tick":
            let count = block.positional.count > 1 ? Int(block.positional[1]) ?? 1 : 1
            try with(block.id(0)) { node in for _ in 0..<count { node.raw.tick() } }
            return ""
        case "tick-election":
            let id = try block.id(0)
            let ticks = nodes[id].map { 2 * $0.config.electionTicks } ?? 0
            try with(id) { node in for _ in 0..<ticks { node.raw.tick() } }
            return ""
        case "tick-heartbeat":
            let id = try block.id(0)
            let ticks = nodes[id]?.config.heartbeatTicks ?? 1
            try with(id) { node in for _ in 0..<ticks { node.raw.tick() } }
            return ""
        case "process-ready": return try processReady(ids(block))
        case "deliver-msgs": return deliver(ids(block), drop: block.bool("drop", default: false))
        case "stabilize": return try stabilize(ids(block))
        case "partition":
            groups = block.positional.map { group in
                group.trimmingCharacters(in: CharacterSet(charactersIn: "()")).split(separator: ",").compactMap {
                    UInt64($0)
                }
            }
            return ""
        case "heal":
            groups = []
            return ""
        case "restart":
            // Crash and restart: only what was persisted survives; messages to it are lost.
            let id = try block.id(0)
            guard let node = nodes[id] else { throw ScenarioError("no node \(id)") }
            nodes[id] = Node(
                raw: try RawNode(config: node.config, storage: node.storage, bugs: node.bugs), storage: node.storage,
                config: node.config, bugs: node.bugs)
            inbox[id] = []
            return raftState()
        case "set-log":
            // Test setup: replace a node's persisted log with entries of the given terms, or
            // with a copy of another node's persisted entries `1...last` (`from=N last=I`: a
            // disk that kept what a Ready wrote but lost a later hard state, say).
            let id = try block.id(0)
            guard let node = nodes[id] else { throw ScenarioError("no node \(id)") }
            var terms = block.ids("terms")
            if let source = block.ids("from").first {
                guard let donor = nodes[source] else { throw ScenarioError("no node \(source)") }
                let last = UInt64(block.int("last", default: Int(donor.storage.lastIndex())))
                let copied = try donor.storage.entries(1, last + 1, maxBytes: .max)
                node.storage.append(copied)
                terms = copied.map(\.term)
            } else {
                node.storage.append(terms.enumerated().map { Entry(term: $0.element, index: UInt64($0.offset + 1)) })
            }
            node.storage.setHardState(
                HardState(
                    term: UInt64(block.int("term", default: Int(terms.last ?? 0))),
                    commit: UInt64(block.int("commit", default: 0))))
            nodes[id] = Node(
                raw: try RawNode(config: node.config, storage: node.storage, bugs: node.bugs), storage: node.storage,
                config: node.config, bugs: node.bugs)
            if block.arguments["from"] != nil { return try raftLog(id) }
            return try raftLog(id).components(separatedBy: "\n").map {
                $0.split(separator: " ").first.map(String.init) ?? ""
            }.joined(separator: " ")
        case "raft-state": return raftState()
        case "raft-log": return try raftLog(block.id(0))
        case "status": return try status(block.id(0))
        case "compact": return try compact(block)
        case "log-level":
            verbose = block.positional.first != "none"
            return ""
        default:
            throw ScenarioError("unknown command \(block.command)")
        }
    }

    private func ids(_ block: ScenarioScript.Block) -> [UInt64] {
        let listed = block.positional.compactMap { UInt64($0) }
        return listed.isEmpty ? sortedIDs : listed
    }

    private func with(_ id: UInt64, _ body: (inout Node) throws -> Void) throws {
        guard var node = nodes[id] else { throw ScenarioError("no node \(id)") }
        try body(&node)
        nodes[id] = node
    }

    private func addNodes(_ block: ScenarioScript.Block) throws -> String {
        let count = try UInt64(block.positional.first.flatMap { Int($0) } ?? 1)
        let first = UInt64(nodes.count) + 1
        let membership = Membership(voters: block.ids("voters"), learners: block.ids("learners"))
        for id in first..<first + count {
            let storage = MemoryStorage(membership: membership)
            let index = UInt64(block.int("index", default: 0))
            if index > 0 {
                storage.applySnapshot(
                    Snapshot(index: index, term: 1, membership: membership, data: Array("initial".utf8)))
            }
            var config = RaftConfig(id: id)
            config.preVote = block.bool("prevote", default: true)
            config.checkQuorum = block.bool("checkquorum", default: true)
            config.leaseReads = block.bool("lease", default: false)
            config.forwardProposals = block.bool("forward", default: false)
            config.inflightMessagesMax = block.int("inflight", default: 256)
            config.appendBytesMax = block.int("appendbytes", default: 1 << 20)
            config.snapshotChunkBytesMax = block.int("chunk", default: 1 << 20)
            config.electionTicks = block.int("election", default: 10)
            config.seed = UInt64(block.int("seed", default: 0))
            let names = block.arguments["bugs"].map {
                $0.trimmingCharacters(in: CharacterSet(charactersIn: "()")).split(separator: ",").map(String.init)
            }
            var injected: Set<InjectedBug> = []
            for name in names ?? [] {
                guard let bug = InjectedBug(rawValue: name) else { throw ScenarioError("unknown bug \(name)") }
                injected.insert(bug)
            }
            let bugs = ScenarioBugs(bugs: injected)
            nodes[id] = Node(
                raw: try RawNode(config: config, storage: storage, bugs: bugs), storage: storage, config: config,
                bugs: bugs)
        }
        return raftState()
    }

    private func proposeConfigChange(_ block: ScenarioScript.Block) throws -> String {
        guard block.positional.count >= 3, let target = UInt64(block.positional[2]) else {
            throw ScenarioError("usage: propose-conf-change ID add-learner|promote|demote|remove NODE")
        }
        let change: ConfigChange
        switch block.positional[1] {
        case "add-learner": change = .addLearner(target)
        case "promote": change = .promote(target)
        case "demote": change = .demote(target)
        case "remove": change = .remove(target)
        default: throw ScenarioError("unknown change \(block.positional[1])")
        }
        try with(block.id(0)) { $0.raw.proposeConfigChange(change) }
        return ""
    }

    /// Persists, sends, applies and advances one Ready per node (the `Ready` contract order).
    func processReady(_ ids: [UInt64]) throws -> String {
        var lines: [String] = []
        for id in ids {
            guard var node = nodes[id], node.raw.hasReady else { continue }
            let ready = node.raw.ready()
            lines.append("> \(id) handling Ready")
            if let soft = ready.softState { lines.append("  Lead:\(soft.leader) State:\(soft.role.rawValue)") }
            for chunk in ready.snapshotChunks {
                if chunk.offset == 0 { node.staging = Snapshot(index: chunk.index, term: chunk.term) }
                node.staging?.data += chunk.data
                lines.append("  SnapshotChunk \(chunk.term)/\(chunk.index) offset:\(chunk.offset) \(chunk.data.count)B")
            }
            if var snapshot = ready.snapshot {
                snapshot.data = node.staging?.data ?? []
                node.staging = nil
                node.storage.applySnapshot(snapshot)
                lines.append(
                    "  Snapshot Index:\(snapshot.index) Term:\(snapshot.term) \(snapshot.membership) \(snapshot.data.count)B"
                )
            }
            node.storage.append(ready.entries)
            if let hard = ready.hardState {
                node.storage.setHardState(hard)
                lines.append("  HardState Term:\(hard.term) Vote:\(hard.vote) Commit:\(hard.commit)")
            }
            if !ready.entries.isEmpty {
                lines.append("  Entries:"); lines += ready.entries.map { "  " + Self.describe($0) }
            }
            if !ready.messages.isEmpty { lines.append("  Messages:"); lines += ready.messages.map { "  \($0)" } }
            for message in ready.messages { inbox[message.to, default: []].append(message) }
            if !ready.committedEntries.isEmpty {
                lines.append("  CommittedEntries:")
                lines += ready.committedEntries.map { "  " + Self.describe($0) }
                node.applied += ready.committedEntries
            }
            if !ready.readStates.isEmpty {
                lines.append(
                    "  ReadStates: "
                        + ready.readStates.map { "\(String(decoding: $0.context, as: UTF8.self))@\($0.index)" }.joined(
                            separator: " "))
            }
            for dropped in ready.droppedProposals {
                lines.append("  DroppedProposal (\(dropped.reason), leader \(dropped.leader))")
            }
            for dropped in ready.droppedReads {
                lines.append("  DroppedRead \(String(decoding: dropped, as: UTF8.self))")
            }
            node.raw.advance(ready)
            node.storage.releaseSnapshots(keeping: node.raw.snapshotsInUse)
            nodes[id] = node
        }
        return verbose ? lines.joined(separator: "\n") : ""
    }

    func deliver(_ ids: [UInt64], drop: Bool) -> String {
        var lines: [String] = []
        for id in ids {
            let queued = inbox[id] ?? []
            inbox[id] = []
            for message in queued {
                if drop || isPartitioned(message.from, message.to) {
                    lines.append("dropped: \(message)")
                    continue
                }
                lines.append(message.description)
                nodes[id]?.raw.step(message)
            }
        }
        return verbose ? lines.joined(separator: "\n") : ""
    }

    func isPartitioned(_ a: UInt64, _ b: UInt64) -> Bool {
        guard !groups.isEmpty else { return false }
        let groupA = groups.firstIndex { $0.contains(a) }
        let groupB = groups.firstIndex { $0.contains(b) }
        return groupA != groupB
    }

    func stabilize(_ ids: [UInt64]) throws -> String {
        var lines: [String] = []
        for _ in 0..<(ProcessInfo.processInfo.environment["ROOST_STABILIZE_MAX"].flatMap { Int($0) } ?? 1000) {
            let ready = try processReady(ids)
            let delivered = deliver(ids, drop: false)
            if ready.isEmpty && delivered.isEmpty && !ids.contains(where: { nodes[$0]?.raw.hasReady == true }) {
                return lines.joined(separator: "\n")
            }
            if !ready.isEmpty { lines.append(ready) }
            if !delivered.isEmpty { lines.append(delivered) }
        }
        throw ScenarioError("stabilize did not converge; last output:\n" + lines.suffix(12).joined(separator: "\n"))
    }

    func raftState() -> String {
        sortedIDs.map { id in
            let raw = nodes[id]!.raw
            let kind = raw.membership.isVoter(id) ? "" : raw.membership.isLearner(id) ? " (learner)" : " (non-member)"
            return
                "\(id): \(raw.role.rawValue) Term:\(raw.term) Lead:\(raw.leader) Commit:\(raw.committedIndex) Applied:\(raw.appliedIndex) Last:\(raw.lastIndex)\(kind)"
        }.joined(separator: "\n")
    }

    func raftLog(_ id: UInt64) throws -> String {
        guard let node = nodes[id] else { throw ScenarioError("no node \(id)") }
        let storage = node.storage
        var lines: [String] = []
        if storage.currentSnapshot.index > 0 {
            lines.append(
                "snapshot \(storage.currentSnapshot.term)/\(storage.currentSnapshot.index) \(storage.currentSnapshot.membership)"
            )
        }
        if storage.lastIndex() >= storage.firstIndex() {
            let entries = try storage.entries(storage.firstIndex(), storage.lastIndex() + 1, maxBytes: .max)
            lines += entries.map(Self.describe)
        }
        return lines.isEmpty ? "log is empty" : lines.joined(separator: "\n")
    }

    func status(_ id: UInt64) throws -> String {
        guard let node = nodes[id] else { throw ScenarioError("no node \(id)") }
        return node.raw.replication.map { "\($0.id): \($0.state) match=\($0.match)" }.joined(separator: "\n")
    }

    func compact(_ block: ScenarioScript.Block) throws -> String {
        let id = try block.id(0)
        guard block.positional.count > 1, let index = UInt64(block.positional[1]), let node = nodes[id] else {
            throw ScenarioError("usage: compact ID INDEX")
        }
        try node.storage.createSnapshot(
            at: index, membership: node.raw.membership,
            data: Array("snapshot@\(index) ".utf8) + Array(repeating: UInt8(ascii: "x"), count: 40))
        return try raftLog(id)
    }

    static func describe(_ entry: Entry) -> String {
        let kind =
            entry.kind == .configChange
            ? "EntryConfChange " + (ConfigChange(encoded: entry.data)?.description ?? "invalid")
            : "EntryNormal \"\(String(decoding: entry.data, as: UTF8.self))\""
        return "\(entry.term)/\(entry.index) \(kind)"
    }
}

/// Bugs a scenario injects into a node's core.
struct ScenarioBugs: BugInjection {
    let bugs: Set<InjectedBug>
    func isInjected(_ bug: InjectedBug) -> Bool { bugs.contains(bug) }
}
