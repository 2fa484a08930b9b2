import RaftCore

/// Driving the nodes: ticks, message delivery, and the Ready cycle with simulated fsync.
extension Simulation {
    func handle(_ event: SimEvent) {
        switch event {
        case .tick(let id, let incarnation, let nominal):
            guard let node = node(id), node.incarnation == incarnation else { return }
            trace.add(1)
            trace.add(id)
            trace.add(now)
            if node.pausedUntil != 0 {
                // Paused (even at the very instant its thaw is due, before the thaw ran).
                node.missedTicks += 1
            } else if node.isUp {
                node.raw!.tick()
                drive(node)
                maybePauseAfterQuorumCheck(node)
            }
            let next = nominal + rates.tickInterval
            queue.schedule(at: next + random.uniform(rates.tickJitter + 1), .tick(id, incarnation, nominal: next))
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
            if deferIfPaused(target.id, event) { return }
            target.raw!.step(message)
            drive(target)
        case .fsyncDone(let id, let incarnation, let generation):
            guard let node = node(id), node.incarnation == incarnation, node.syncGeneration == generation, node.isUp
            else { return }
            if deferIfPaused(id, event) { return }
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
        guard node.isRunning else { return }
        observeRole(node)
        retryReadsOnLeaderChange(node)
        guard node.syncing == nil, node.raw!.hasReady else { return }
        let ready = node.raw!.ready()
        let installing = node.stage(ready)
        node.installing = installing
        if let installing { node.storage.applySnapshot(installing) }
        if let first = ready.entries.first {
            checker.persisted(ready.entries, previousTerm: try? node.storage.term(first.index - 1), node: node.id)
            node.storage.append(ready.entries)
        }
        if let hard = ready.hardState { node.storage.setHardState(hard) }
        if installing != nil || !ready.entries.isEmpty || ready.hardState != nil {
            node.disk.write(.ready(snapshot: installing, entries: ready.entries, hardState: ready.hardState))
        }
        // Anything unsynced (this Ready's record, or a compaction written since the last one)
        // makes this Ready wait for an fsync.
        let writes = node.disk.pendingCount > 0
        if options.bugs.contains(.acknowledgeBeforePersist) {
            send(ready.messages, from: node.id)
            node.sentEarly = true
        }
        if options.bugs.contains(.applyUncommitted) {
            // The bug: apply entries as soon as they are written, before they are committed
            // (the key-value store changes and waiting clients get their answers).
            for entry in ready.entries where entry.index == node.applied + 1 { apply(entry, on: node) }
        }
        node.syncing = ready
        node.syncGeneration += 1
        // Applying the committed entries takes time per entry (a slow state machine, in some
        // shapes), after the fsync if there is one.
        let applying = UInt64(ready.committedEntries.count { $0.index > node.applied })
        let applyTime = rates.applyCostPerEntry.upperBound > 0 ? applying * uniform(rates.applyCostPerEntry) : 0
        // A Ready that persists nothing (messages, entries to apply) waits for no fsync.
        guard writes else {
            queue.schedule(
                at: now + uniform(rates.readyCost) + applyTime,
                .fsyncDone(node.id, node.incarnation, node.syncGeneration))
            return
        }
        let slow = options.diskFaults && faultsActive && chance(rates.slowFsync)
        let latency = uniform(slow ? rates.fsyncSlow : rates.fsyncFast)
        queue.schedule(at: now + latency + applyTime, .fsyncDone(node.id, node.incarnation, node.syncGeneration))
        let grantsVote = ready.messages.contains { $0.kind == .voteResponse && !$0.reject }
        let crashRate = grantsVote ? rates.crashDuringVoteFsync : rates.crashDuringFsync
        if options.diskFaults && faultsActive && chance(crashRate) {
            queue.schedule(at: now + random.uniform(latency), .crashNode(node.id, node.incarnation))
        }
    }

    /// Election safety and leader completeness, checked whenever a node's role may have changed
    /// (every step and tick drives the node), even while its Ready waits for an fsync: a leader
    /// elected and deposed during one slow fsync is still seen.
    func observeRole(_ node: SimNode) {
        guard let raw = node.raw, raw.role == .leader, node.observedLeaderTerm != raw.term else { return }
        node.observedLeaderTerm = raw.term
        checker.leaderElected(node.id, term: raw.term)
        checker.leaderLogComplete(node.id, term: raw.term, log: raw)
        node.firstCommitWatch = (raw.term, raw.committedIndex)
        maybeIsolate(node, chance: rates.isolateNewLeader, within: 1...rates.isolateNewLeaderDelayMax)
    }

    /// A node that learns of a new leader (or becomes leader) asks again for the reads it is
    /// still waiting on: the old leader may never answer them.
    func retryReadsOnLeaderChange(_ node: SimNode) {
        let leader = node.raw!.leader
        guard leader != node.knownLeader else { return }
        node.knownLeader = leader
        guard leader != noNode else { return }
        for (key, asked) in node.askedReads.sorted(by: { $0.key < $1.key }) where asked.leader != leader {
            // A read its client gave up on is not asked again.
            guard node.waiting.contains(key), clients[key.client].current?.key == key else {
                node.askedReads[key] = nil
                continue
            }
            askRead(key, at: node)
        }
    }

    /// Asks the node's core for a read point for `key`, as a new attempt with its own context.
    func askRead(_ key: OperationKey, at node: SimNode) {
        node.readAttempts += 1
        node.askedReads[key] = (node.raw!.leader, node.readAttempts)
        node.raw!.readIndex(context: ReadContext(key: key, asker: node.id, attempt: node.readAttempts).bytes)
    }

    /// The fsync finished: now send, apply, answer reads, advance, and maybe compact.
    func finishReady(_ node: SimNode) {
        guard let ready = node.syncing else { return }
        node.disk.sync()
        if !node.sentEarly { send(ready.messages, from: node.id) }
        node.sentEarly = false
        if let snapshot = node.installing {
            node.kv = KVStore.decoded(snapshot.data)
            node.applied = snapshot.index
            node.installing = nil
        }
        for entry in ready.committedEntries where entry.index > node.applied { apply(entry, on: node) }
        for state in ready.readStates {
            // An answer to any attempt serves the read.
            if let key = ReadContext(bytes: state.context)?.key, node.waiting.contains(key),
                node.askedReads.removeValue(forKey: key) != nil
            {
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
            // A refusal counts only for the newest attempt (an older one's leader is gone).
            if let read = ReadContext(bytes: context), node.askedReads[read.key]?.attempt == read.attempt,
                node.askedReads.removeValue(forKey: read.key) != nil, node.waiting.remove(read.key) != nil
            {
                reply(read.key, .redirect(node.raw!.leader))
            }
        }
        node.raw!.advance(ready)
        node.storage.releaseSnapshots(keeping: node.raw!.snapshotsInUse)
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
        // Only what the core knows is applied (the apply-uncommitted bug runs ahead of it).
        guard node.applied >= snapshotIndex + rates.snapshotEvery, node.applied <= node.storage.lastIndex(),
            node.applied <= node.raw!.appliedIndex
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
