import RaftCore

/// Clients: each runs one operation at a time against the cluster and records it in the history.
extension Simulation {
    func issue(_ client: Int) {
        clients[client].sequence += 1
        if rates.clientWander > 0 && chance(rates.clientWander) { clients[client].target = randomNodeID() }
        let key = OperationKey(client: client, sequence: clients[client].sequence)
        let name = "k\(random.uniform(UInt64(options.keys)))"
        let input: KVInput
        switch random.uniform(3) {
        case 0: input = .put(key: name, value: "c\(client).\(key.sequence)")
        case 1: input = .get(key: name)
        default:
            let expected: String? =
                chance(0.3) ? nil : "c\(random.uniform(UInt64(options.clients))).\(random.uniform(key.sequence + 1))"
            input = .cas(key: name, expected: expected, new: "c\(client).\(key.sequence)")
        }
        inputs[key] = input
        history.append(HistoryOperation(client: client, input: input, call: now, returned: nil, output: nil))
        clients[client].current = (key, history.count - 1)
        trace.add(4)
        trace.add(UInt64(client))
        sendRequest(key)
        queue.schedule(at: now + rates.clientTimeout, .clientTimeout(key))
    }

    /// A client whose operation waits on a paused node gives up after `clientPatience` (while
    /// the faults run): as many clients do, and as fresh clients arriving would.
    func giveUpSoon(_ key: OperationKey) {
        guard faultsActive, rates.clientPatience < rates.clientTimeout, clients[key.client].current?.key == key
        else { return }
        queue.schedule(at: now + rates.clientPatience, .clientTimeout(key))
    }

    func sendRequest(_ key: OperationKey) {
        let target = clients[key.client].target
        let readIndexShare = options.modeBugs.contains { $0.readsOnlyThroughReadIndex } ? 1.0 : 0.5
        let viaReadIndex: Bool = if case .get? = inputs[key] { chance(readIndexShare) } else { false }
        clients[key.client].viaReadIndex = viaReadIndex
        queue.schedule(at: now + uniform(1...5), .clientRequest(target, key, useReadIndex: viaReadIndex))
    }

    /// A node receives a client request: the leader proposes it (or starts a ReadIndex); a
    /// follower answers with a redirect to the leader it knows, and so does a node that is not
    /// (or no longer, or not yet) a member. A retired node's address refuses the connection.
    func receiveRequest(_ key: OperationKey, at id: NodeID, useReadIndex: Bool) {
        guard let input = inputs[key], clients[key.client].current?.key == key else { return }
        guard let node = node(id) else {
            queue.schedule(at: now + uniform(1...5), .clientReply(key, .redirect(noNode)))
            return
        }
        guard node.isUp else { return }
        trace.add(5)
        trace.add(id)
        if useReadIndex && node.raw!.membership.contains(id) {
            node.waiting.insert(key)
            askRead(key, at: node)
        } else if node.raw!.role == .leader {
            node.waiting.insert(key)
            node.raw!.propose(KVStore.encode(KVStore.Command(client: key.client, sequence: key.sequence, input: input)))
            if node.proposedInTerm != node.raw!.term {
                node.proposedInTerm = node.raw!.term
                maybeIsolate(node, chance: rates.isolateAtFirstProposal, within: 0...5)
            }
        } else {
            queue.schedule(at: now + uniform(1...5), .clientReply(key, .redirect(node.raw!.leader)))
            return
        }
        drive(node)
    }

    func reply(_ key: OperationKey, _ reply: ClientReply) {
        queue.schedule(at: now + uniform(1...5), .clientReply(key, reply))
    }

    func receiveReply(_ key: OperationKey, _ reply: ClientReply) {
        guard let current = clients[key.client].current, current.key == key else { return }
        trace.add(6)
        trace.add(UInt64(key.client))
        switch reply {
        case .output(let output):
            history[current.historyIndex].returned = now
            history[current.historyIndex].output = output
            clients[key.client].current = nil
            if !faultsActive && history[current.historyIndex].call >= options.faultTime {
                clients[key.client].completedAfterFaults += 1
            }
            // Checked: issued after the deadline, early enough that its timeout could still fire.
            let call = history[current.historyIndex].call
            if !faultsActive && call >= livenessDeadline
                && call + rates.clientTimeout <= options.faultTime + options.settleTime
            {
                livenessChecked += 1
            }
            queue.schedule(at: now + uniform(1...rates.clientThink), .clientIssue(key.client))
        case .redirect(let leader):
            // Not accepted anywhere: safe to send the same operation again.
            clients[key.client].target = leader != noNode ? leader : randomNodeID()
            queue.schedule(
                at: now + uniform(5...30),
                .clientRequest(clients[key.client].target, key, useReadIndex: clients[key.client].viaReadIndex))
        }
    }

    /// The client gives up: the operation stays in the history as pending (it may still apply).
    func timeout(_ key: OperationKey) {
        guard let current = clients[key.client].current, current.key == key else { return }
        let call = history[current.historyIndex].call
        if !faultsActive && call >= livenessDeadline {
            failure =
                "liveness: client \(key.client)'s operation issued at \(call) ms, \(call - options.faultTime) ms after "
                + "the faults stopped (allowed: \(livenessDeadline - options.faultTime) ms), got no answer within "
                + "\(rates.clientTimeout) ms "
                + "(\(inputs[key].map { "\($0)" } ?? "?") at node \(clients[key.client].target)"
                + "\(clients[key.client].viaReadIndex ? " via ReadIndex" : ""); \(clusterState))"
            return
        }
        clients[key.client].current = nil
        clients[key.client].target = randomNodeID()
        queue.schedule(at: now + uniform(1...rates.clientThink), .clientIssue(key.client))
    }

    /// Operations issued from this time on must each complete within `clientTimeout`.
    var livenessDeadline: UInt64 { options.faultTime + rates.recoveryBound + reapplyAllowance }

    /// Each node's role, term, log positions and membership: for failure messages.
    var clusterState: String {
        nodes.map { node in
            guard let raw = node.raw else { return "\(node.id): down" }
            let paused = node.pausedUntil > 0 ? " paused" : ""
            return "\(node.id): \(raw.role) t\(raw.term) last \(raw.lastIndex) commit \(raw.committedIndex) "
                + "applied \(raw.appliedIndex) voters \(raw.membership.voters.sorted())\(paused)"
        }.joined(separator: "; ")
    }
}
