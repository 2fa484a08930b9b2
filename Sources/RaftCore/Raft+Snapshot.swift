/// The leader's side of InstallSnapshot, streamed in chunks of `snapshotChunkBytesMax` read
/// through `RaftStorage.snapshotData`.
///
/// One snapshot is pinned per follower for the whole transfer (a compaction meanwhile does not
/// restart it), the newest chunk sent always starts at the follower's last known position
/// (`snapshotAcked`), and only a response that moves that position sends a chunk (at most one),
/// so duplicated or delayed responses never multiply the traffic. A stale response (another snapshot, or an
/// offset already acknowledged) is ignored. A lost chunk is resent only after the transfer has
/// made no progress for an election timeout (`tickSnapshotStalls`), never on heartbeat
/// responses.
extension Raft {
    mutating func startSnapshot(to member: NodeID) -> Bool {
        guard var entry = progress[member], entry.state != .snapshot else { return false }
        guard let metadata = try? log.storage.snapshotMetadata(), metadata.index > 0 else { return false }
        entry.becomeSnapshot(metadata)
        progress[member] = entry
        sendSnapshotChunk(to: member)
        return true
    }

    /// Sends the chunk at the acknowledged offset.
    mutating func sendSnapshotChunk(to member: NodeID) {
        guard var entry = progress[member], entry.state == .snapshot, let pinned = entry.snapshot else { return }
        let data: [UInt8]
        do {
            data = try log.storage.snapshotData(
                index: pinned.index, offset: entry.snapshotAcked, maxBytes: config.snapshotChunkBytesMax)
        } catch {
            // Storage no longer has the pinned snapshot: start over with the newest (nothing of
            // it was delivered, so resume after what the follower is known to have).
            // Retry on the next heartbeat response, not now: storage may fail again at once.
            progress[member]?.becomeProbe()
            progress[member]?.next = entry.match + 1
            progress[member]?.probeSent = true
            return
        }
        var message = Message(kind: .snapshot, to: member)
        message.snapshot = Snapshot(index: pinned.index, term: pinned.term, membership: pinned.membership, data: data)
        message.offset = entry.snapshotAcked
        message.done = entry.snapshotAcked + UInt64(data.count) >= pinned.size
        entry.snapshotSent = entry.snapshotAcked + UInt64(data.count)
        entry.snapshotStall = 0
        progress[member] = entry
        send(message)
    }

    /// A follower took a chunk (`index` = bytes it now has) or refused one out of order (`reject`,
    /// `index` = bytes it has: less than acknowledged after it restarted).
    mutating func handleSnapshotResponse(_ message: Message) {
        guard var entry = progress[message.from], entry.state == .snapshot, let pinned = entry.snapshot,
            message.snapshot?.index == pinned.index, message.snapshot?.term == pinned.term
        else { return }
        let had = min(message.index, pinned.size)
        if message.reject {
            // The follower says where it is. If that is where the chunk in flight starts, the
            // chunk will answer; otherwise go there (a stale refusal costs a chunk or two: the
            // follower refuses the rewound chunk with its real position and the chunk then in
            // flight is sent again; each refusal names a position, so no livelock).
            if had == entry.snapshotAcked && entry.snapshotSent > had { return }
        } else {
            guard had > entry.snapshotAcked else { return }  // Stale or duplicate.
            // Progress: the stall clock starts over, whether or not a chunk is still in flight.
            // One still in flight (`had < snapshotSent`: the chunk answered was shorter than one
            // resent since, as storage may read fewer bytes than asked) starts below `had`, so the
            // follower will refuse it; waiting for that would stall the transfer (the refusal
            // names `had`, which then reads as "the chunk in flight will answer"). Go on from
            // `had` now.
            entry.snapshotStall = 0
        }
        // The chunk sent next starts at the follower's position: what the check above relies on.
        entry.snapshotAcked = had
        entry.snapshotSent = had
        entry.snapshotStalls = 0
        progress[message.from] = entry
        if entry.snapshotAcked < pinned.size { sendSnapshotChunk(to: message.from) }
    }

    /// Called every leader tick: resends the chunk of a transfer that made no progress for an
    /// election timeout (a chunk or its response was lost). After `snapshotStallsMax` such
    /// timeouts in a row the follower is presumed gone: the transfer is dropped (back to probe,
    /// unpinning its snapshot) and starts afresh with the newest snapshot once it answers again.
    mutating func tickSnapshotStalls() {
        for member in membership.all where member != id && progress[member]?.state == .snapshot {
            progress[member]?.snapshotStall += 1
            guard (progress[member]?.snapshotStall ?? 0) >= config.electionTicks else { continue }
            progress[member]?.snapshotStalls += 1
            if var entry = progress[member], entry.snapshotStalls >= Self.snapshotStallsMax {
                entry.becomeProbe()
                entry.next = entry.match + 1
                progress[member] = entry
            } else {
                sendSnapshotChunk(to: member)
            }
        }
    }

    /// Stall timeouts in a row after which a snapshot transfer is dropped.
    static let snapshotStallsMax = 3

    /// Snapshots being streamed to followers: storage must keep them readable.
    var snapshotsInUse: Set<UInt64> {
        guard role == .leader else { return [] }
        return Set(progress.values.compactMap { $0.state == .snapshot ? $0.snapshot?.index : nil })
    }
}
