import Dispatch
import RaftCore
import RaftSim

/// Throughput of the Raft core alone (three in-memory nodes, no I/O) and of the simulator.
enum RaftBench {
    /// Commits `count` proposals of `size` bytes through a three-node group, proposing in batches
    /// of `batch`, and returns the seconds taken.
    static func commitThroughput(count: Int, size: Int, batch: Int) throws -> Double {
        let membership = Membership(voters: [1, 2, 3])
        var storages: [MemoryStorage] = []
        var nodes: [RawNode] = []
        for id in UInt64(1)...3 {
            let storage = MemoryStorage(membership: membership)
            var config = RaftConfig(id: id)
            config.inflightMessagesMax = 4096
            config.appendBytesMax = 4 << 20
            config.uncommittedBytesMax = 1 << 30
            config.committedBytesPerReadyMax = 64 << 20
            config.proposalBatchMax = max(batch, 1024)
            storages.append(storage)
            nodes.append(try RawNode(config: config, storage: storage))
        }
        nodes[0].campaign()
        var committed = 0
        var mailbox: [Message] = []
        func pump() {
            var progress = true
            while progress {
                progress = false
                for position in nodes.indices where nodes[position].hasReady {
                    progress = true
                    let ready = nodes[position].ready()
                    if let snapshot = ready.snapshot { storages[position].applySnapshot(snapshot) }
                    storages[position].append(ready.entries)
                    if let hard = ready.hardState { storages[position].setHardState(hard) }
                    mailbox.append(contentsOf: ready.messages)
                    if position == 0 { committed += ready.committedEntries.filter { !$0.data.isEmpty }.count }
                    nodes[position].advance(ready)
                    // Keep memory flat: the application compacts what it applied.
                    let applied = nodes[position].appliedIndex
                    if applied > storages[position].firstIndex() + 100_000 {
                        storages[position].compact(to: applied - 1_000)
                    }
                }
                if !mailbox.isEmpty {
                    progress = true
                    let delivering = mailbox
                    mailbox.removeAll(keepingCapacity: true)
                    for message in delivering { nodes[Int(message.to) - 1].step(message) }
                }
            }
        }
        pump()
        let payload = [UInt8](repeating: 0x61, count: size)
        let start = DispatchTime.now().uptimeNanoseconds
        var proposed = 0
        while committed < count {
            if proposed < count {
                let n = min(batch, count - proposed)
                nodes[0].propose([[UInt8]](repeating: payload, count: n))
                proposed += n
            }
            pump()
        }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    static func simulatorThroughput(seeds: ClosedRange<UInt64>) throws -> (events: Int, seconds: Double) {
        var events = 0
        let start = DispatchTime.now().uptimeNanoseconds
        for seed in seeds {
            var options = SimOptions(seed: seed)
            options.nodes = [3, 5, 7][Int(seed % 3)]
            events += try Simulation(options: options).run().events
        }
        return (events, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
}
