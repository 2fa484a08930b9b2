import RoostAPI

extension DurableLog {
    /// Opens the log: reads every segment in index order and verifies every record.
    ///
    /// - Damage (incomplete record, bad magic, checksum mismatch) at offset X of the **last**
    ///   segment is a write torn by a crash when no valid record after it has a synced end beyond X:
    ///   X was not durable yet, so nothing from X on was ever acknowledged. It is cut away with
    ///   `ftruncate` + fsync (valid but unsynced records after it included), and the log opens;
    ///   `recovery` records what was cut. This covers a power loss that wrote an unsynced batch back
    ///   out of order, losing a middle page but keeping a later one.
    /// - Damage at X followed by a valid record whose synced end is beyond X is corruption: that
    ///   record was written after an fsync had made X durable (an fsync makes a whole prefix
    ///   durable), so X held acknowledged data. Opening throws rather than dropping it.
    /// - Damage in a segment that is not the last (segments are fsynced before the log rolls past
    ///   them), or a valid record with an unexpected index or an impossible synced end, is
    ///   corruption too. The reasoning is on `SegmentScan`.
    /// - A segment in format version 1 (magic "RLOG") refuses to start: no such log was deployed,
    ///   and this version no longer reads it.
    /// - Segments whose indexes do not follow each other (a gap) refuse to start.
    /// - What was recovered is then fsynced (last segment and directory): after a process crash it
    ///   may still be only in the page cache, and nothing may be built on it before it is durable.
    func recover() throws(RoostError) {
        try files.makeDirectories(directory)
        let found = try files.listDirectory(directory).compactMap { name in
            SegmentName.parse(name).map { (firstIndex: $0, name: name) }
        }.sorted { $0.firstIndex < $1.firstIndex }
        recovery.segmentCount = found.count
        for (position, file) in found.enumerated() {
            guard file.firstIndex >= 1 else { throw corrupted("segment starting at index 0", in: file.name, at: 0) }
            let bytes = try files.readFile(path(of: file.name))
            if bytes.starts(with: LogRecord.legacyMagic) {
                throw .internalError(
                    "Log segment \(file.name) is in record format version 1 (magic RLOG), which this version no longer reads; "
                        + "move the log directory aside to start a new log",
                    cause: "directory \(directory)")
            }
            let scan = SegmentScan(bytes, firstIndex: file.firstIndex)
            let isLast = position == found.count - 1
            var segment = Segment(
                firstIndex: file.firstIndex, name: file.name, offsets: scan.offsets, size: scan.validBytes)
            if let previous = segments.last, segment.firstIndex != previous.lastIndex + 1 {
                throw .internalError(
                    "Log corrupted: gap between \(previous.name) (last index \(previous.lastIndex)) and \(file.name)",
                    cause: "directory \(directory)")
            }
            if let damage = scan.damage {
                guard isLast, damage.isTornTail else {
                    throw corrupted(damage, in: file.name)
                }
                try cutTornTail(of: &segment, fileSize: bytes.count, damage: damage)
            }
            segments.append(segment)
        }
        guard let last = segments.last else { return }
        if activeHandle == nil {
            activeHandle = try files.openForAppend(path(of: last.name))
        }
        guard let activeHandle else { preconditionFailure("no active handle after recovery") }
        try files.sync(activeHandle)
        try files.syncDirectory(directory)
        activeSyncedEnd = last.size
    }

    private func cutTornTail(of segment: inout Segment, fileSize: Int, damage: SegmentScan.Damage) throws(RoostError) {
        precondition(damage.offset == segment.size, "torn tail must start after the last valid record")
        let handle = try files.openForAppend(path(of: segment.name))
        activeHandle = handle
        try files.truncate(handle, toSize: segment.size)
        try files.sync(handle)
        recovery.truncatedSegment = segment.name
        recovery.truncatedOffset = segment.size
        recovery.truncatedBytes = fileSize - segment.size
    }

    private func corrupted(_ damage: SegmentScan.Damage, in name: String) -> RoostError {
        var error = corrupted(damage.reason, in: name, at: damage.offset)
        if let proof = damage.provenDurableBy {
            error.cause =
                (error.cause ?? "")
                + "; the valid record at offset \(proof) was written after offset \(damage.offset) had been fsynced"
        }
        return error
    }

    func corrupted(_ reason: String, in name: String, at offset: Int) -> RoostError {
        .internalError("Log corrupted: \(reason) in \(name) at offset \(offset)", cause: "directory \(directory)")
    }
}
