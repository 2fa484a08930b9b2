import RaftCore

/// Driving the nodes: ticks, message delivery, and the Ready cycle with simulated fsync.
extension Simulation {
    func handle(_ event: SimEvent) {
        switch event {
        case .tick(let id, let incarnation):
            guard let node = node(id), node.incarnation == incarnation else { return }
            trace.add(1)
            trace.add(id)
            trace.add(now)
            if node.isUp {
                node.raw!.tick()
                drive(node)
            }
            let jitter = rates.tickJitter
            let next = rates.tickInterval - jitter + random.uniform(2 * jitter + 1)
            queue.schedule(at: now + max(1, next), .tick(id, incarnation))
        case .deliver(let message, let sender):
            trace.add(2)
            trace.add(sender)
            trace.add(message.from)
            trace.add(message.to)
            trace.add(message.term)
            trace.add(message.index)
            trace.add(message.kind.rawValue)
            guard let target = node(message.to), target.isUp,
                !isCut(sender, message.to)
            else { return }
            target.raw!.step(message)
            drive(target)
        case .fsyncDone(let id, let incarnation, let generation):
            guard let node = node(id), node.incarnation == incarnation, node.syncGeneration == generation, node.isUp
            else { return }
            trace.add(3)
            trace.add(id)
            finishReady(node)
        default:
            handleOther(event)
        }
    }

    /// Takes the node's Ready and writes it to the (volatile) disk; the fsync completes later.
    /// Contract of `Ready`: nothing is sent or applied before that fsync (unless a bug is injected).
    func drive(_ node: SimNode) {
        guard node.isUp, node.syncing == nil, node.raw!.hasReady else { return }
        let ready = node.raw!.ready()
        if let soft = ready.softState, soft.role == .leader {
            checker.leaderElected(node.id, term: node.raw!.term)
            checker.leaderLogComplete(node.id, term: node.raw!.term, log: node.raw!)
            node.firstCommitWatch = (node.raw!.term, node.raw!.committedIndex)
            maybeIsolate(node, chance: rates.isolateNewLeader, within: 1...rates.isolateNewLeaderDelayMax)
        }
        if let snapshot = ready.snapshot {
            node.storage.applySnapshot(snapshot)
            node.disk.write(.installSnapshot(snapshot))
        }
        if let first = ready.entries.first {
            checker.persisted(ready.entries, previousTerm: try? node.storage.term(first.index - 1), node: node.id)
            node.storage.append(ready.entries)
            node.disk.write(.entries(ready.entries))
        }
        if let hard = ready.hardState {
            node.storage.setHardState(hard)
            node.disk.write(.hardState(hard))
        }
        if options.bugs.contains(.acknowledgeBeforePersist) {
            send(ready.messages, from: node.id)
            node.sentEarly = true
        }
        if options.bugs.contains(.applyUncommitted) {
            for entry in ready.entries where entry.kind == .normal && !entry.data.isEmpty {
                checker.applied(entry, node: node.id)
            }
        }
        node.syncing = ready
        node.syncGeneration += 1
        let slow = options.diskFaults && faultsActive && chance(rates.slowFsync)
        let latency = uniform(slow ? rates.fsyncSlow : rates.fsyncFast)
        queue.schedule(at: now + latency, .fsyncDone(node.id, node.incarnation, node.syncGeneration))
        let grantsVote = ready.messages.contains { $0.kind == .voteResponse && !$0.reject }
        let crashRate = grantsVote ? rates.crashDuringVoteFsync : rates.crashDuringFsync
        if options.diskFaults && faultsActive && chance(crashRate) {
            queue.schedule(at: now + random.uniform(latency), .crashNode(node.id, node.incarnation))
        }
    }

    /// The fsync finished: now send, apply, answer reads, advance, and maybe compact.
    func finishReady(_ node: SimNode) {
        guard let ready = node.syncing else { return }
        node.disk.sync()
        if !node.sentEarly { send(ready.messages, from: node.id) }
        node.sentEarly = false
        if let snapshot = ready.snapshot {
            node.kv = KVStore.decoded(snapshot.data)
            node.applied = snapshot.index
        }
        for entry in ready.committedEntries { apply(entry, on: node) }
        for state in ready.readStates {
            if let key = OperationKey(context: state.context), node.waiting.contains(key) {
                node.pendingReads.append((state.index, key))
            }
        }
        serveReads(node)
        for dropped in ready.droppedProposals {
            for entry in dropped.entries {
                guard let command = KVStore.decode(entry.data) else { continue }
                let key = OperationKey(client: command.client, sequence: command.sequence)
                if node.waiting.remove(key) != nil { reply(key, .redirect(dropped.leader)) }
            }
        }
        for context in ready.droppedReads {
            if let key = OperationKey(context: context), node.waiting.remove(key) != nil {
                reply(key, .redirect(node.raw!.leader))
            }
        }
        node.raw!.advance(ready)
        node.syncing = nil
        watchFirstCommit(node)
        compactIfDue(node)
        drive(node)
    }

    /// A leader's first commit in its term has reached it but maybe no follower yet: cutting it
    /// off now leaves the others to elect a successor without knowing what was committed.
    func watchFirstCommit(_ node: SimNode) {
        guard let watch = node.firstCommitWatch else { return }
        guard node.raw!.role == .leader, node.raw!.term == watch.term else {
            node.firstCommitWatch = nil
            return
        }
        guard node.raw!.committedIndex > watch.commit else { return }
        node.firstCommitWatch = nil
        maybeIsolate(node, chance: rates.isolateAtFirstCommit, within: 0...2)
    }

    func apply(_ entry: Entry, on node: SimNode) {
        checker.applied(entry, node: node.id)
        node.applied = entry.index
        if entry.kind == .configChange, case .remove(let removed)? = ConfigChange(encoded: entry.data) {
            scheduleRetirement(of: removed)
        }
        guard entry.kind == .normal, let command = KVStore.decode(entry.data) else { return }
        let output = node.kv.apply(command.input)
        let key = OperationKey(client: command.client, sequence: command.sequence)
        if node.waiting.remove(key) != nil { reply(key, .output(output)) }
    }

    func serveReads(_ node: SimNode) {
        var remaining: [(index: UInt64, key: OperationKey)] = []
        for read in node.pendingReads {
            guard read.index <= node.applied, case .get(let key)? = inputs[read.key] else {
                remaining.append(read)
                continue
            }
            if node.waiting.remove(read.key) != nil { reply(read.key, .output(.value(node.kv.read(key)))) }
        }
        node.pendingReads = remaining
    }

    func compactIfDue(_ node: SimNode) {
        let snapshotIndex = node.storage.currentSnapshot.index
        guard node.applied >= snapshotIndex + rates.snapshotEvery, node.applied <= node.storage.lastIndex()
        else {
            return
        }
        let membership = node.raw!.membership
        guard
            (try? node.storage.createSnapshot(at: node.applied, membership: membership, data: node.kv.encoded())) != nil
        else { return }
        node.disk.write(.compaction(node.storage.currentSnapshot))
    }

    /// Puts messages on the network: dropped, delayed (which reorders) or duplicated.
    func send(_ messages: [Message], from sender: NodeID) {
        for message in messages {
            guard node(message.to) != nil else { continue }  // Retired: nobody listens.
            if isCut(sender, message.to) { continue }
            let faulty = options.networkFaults && faultsActive
            if faulty && chance(rates.drop) { continue }
            let stalled = faulty && chance(rates.longDelay)
            let delay = uniform(
                rates.delayMin...(stalled ? rates.longDelayMax : rates.delayMax))
            queue.schedule(at: now + delay, .deliver(message, sender: sender))
            if faulty && chance(rates.duplicate) {
                queue.schedule(
                    at: now + uniform(rates.delayMin...rates.delayMax), .deliver(message, sender: sender))
            }
        }
    }
}
