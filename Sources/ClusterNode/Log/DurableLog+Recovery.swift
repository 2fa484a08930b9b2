import RoostAPI

extension DurableLog {
    /// Opens the log: reads every segment in index order and verifies every record.
    ///
    /// - Damage (incomplete record, bad magic, checksum mismatch) at the tail of the **last**
    ///   segment with nothing valid after it is a write torn by a crash: it is cut away with
    ///   `ftruncate` + fsync, and the log opens. `recovery` records what was cut.
    /// - Damage anywhere else — in a segment that is not the last, or followed by a valid record,
    ///   or a valid record with an unexpected index — is corruption of data that was written whole
    ///   (and possibly committed): opening throws rather than dropping it.
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
                    throw corrupted(damage.reason, in: file.name, at: damage.offset)
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

    func corrupted(_ reason: String, in name: String, at offset: Int) -> RoostError {
        .internalError("Log corrupted: \(reason) in \(name) at offset \(offset)", cause: "directory \(directory)")
    }
}
