/// The leader's side of InstallSnapshot: one chunk in flight per follower, bounded by
/// `snapshotChunkBytesMax`; a lost chunk is resent on the next heartbeat response.
extension Raft {
    mutating func startSnapshot(to member: NodeID) -> Bool {
        guard var entry = progress[member], entry.state != .snapshot else { return false }
        guard let snapshot = try? log.storage.snapshot(), !snapshot.isEmpty else { return false }
        entry.becomeSnapshot(snapshot.index)
        progress[member] = entry
        sendSnapshotChunk(to: member)
        return true
    }

    mutating func sendSnapshotChunk(to member: NodeID) {
        guard let entry = progress[member], entry.state == .snapshot,
            let snapshot = try? log.storage.snapshot(), snapshot.index == entry.pendingSnapshot
        else {
            progress[member]?.becomeProbe()
            return
        }
        let start = Int(min(entry.snapshotOffset, UInt64(snapshot.data.count)))
        let end = min(snapshot.data.count, start + config.snapshotChunkBytesMax)
        var message = Message(kind: .snapshot, to: member)
        message.snapshot = Snapshot(
            index: snapshot.index, term: snapshot.term, membership: snapshot.membership,
            data: Array(snapshot.data[start..<end]))
        message.offset = UInt64(start)
        message.done = end == snapshot.data.count
        send(message)
    }

    mutating func handleSnapshotResponse(_ message: Message) {
        guard let entry = progress[message.from], entry.state == .snapshot,
            message.snapshot?.index == entry.pendingSnapshot
        else { return }
        progress[message.from]?.snapshotOffset = message.index
        sendSnapshotChunk(to: message.from)
    }
}
