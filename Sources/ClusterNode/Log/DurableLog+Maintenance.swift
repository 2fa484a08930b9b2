import RoostAPI

extension DurableLog {
    /// Up to the entries `from...through`, stopping before the payloads exceed `maxBytes` in total,
    /// but always at least one entry when the range is not empty. Records are verified again as
    /// they are read (a checksum mismatch throws).
    ///
    /// Throws `.notFound` when `from` was compacted away (Raft then sends a snapshot), and
    /// `.badRequest` when `through` is beyond `lastIndex`.
    public func entries(from: UInt64, through: UInt64, maxBytes: Int) throws(RoostError) -> [LogEntry] {
        try checkUsable()
        guard from <= through else { return [] }
        guard from >= firstIndex else {
            throw .notFound("Log entries before index \(firstIndex) were compacted (asked for \(from))")
        }
        guard through <= lastIndex else {
            throw .badRequest("Log has no entries after index \(lastIndex) (asked for \(through))")
        }
        var result: [LogEntry] = []
        var budget = max(maxBytes, 0)
        var next = from
        while next <= through {
            let position = segmentPosition(containing: next)
            let (read, budgetLeft) = try readEntries(
                of: segments[position], from: next, through: through, budget: budget, isFirst: result.isEmpty)
            result.append(contentsOf: read)
            budget = budgetLeft
            next += UInt64(read.count)
            if next <= min(through, segments[position].lastIndex) { break }  // budget exhausted
        }
        return result
    }

    /// Drops whole segments whose last index is at most `index`, oldest first. The segment holding
    /// `lastIndex` is never dropped, so `firstIndex` may stay below `index + 1`. Durable on return.
    public func compact(through index: UInt64) throws(RoostError) {
        try checkUsable()
        guard segments.count > 1 && segments[0].lastIndex <= index else { return }
        // The names of the segments that stay must be durable before any is removed: otherwise a
        // crash could keep the removal yet undo the creation of the next segment, emptying the log.
        try syncDirectoryIfNeeded()
        while segments.count > 1 && segments[0].lastIndex <= index {
            let removed = segments.removeFirst()
            try poisoning { () throws(RoostError) in
                try files.remove(path(of: removed.name))
                try files.syncDirectory(directory)
            }
            directoryUnsynced = false
        }
        checkInvariants()
    }

    /// Removes every entry after `index` (Raft conflict resolution), newest segment first, then
    /// cuts the segment holding `index`. Everything up to `index` is durable on return.
    /// `index` may be `firstIndex - 1` (empties the log but keeps its position); below that throws.
    public func truncateSuffix(after index: UInt64) throws(RoostError) {
        try checkUsable()
        guard index < lastIndex else { return }
        guard index >= firstIndex - 1 else {
            throw .badRequest("Log cannot truncate after \(index): entries before \(firstIndex) were compacted")
        }
        while segments.count > 1 && segments[segments.count - 1].firstIndex > index {
            if let activeHandle { files.close(activeHandle) }
            activeHandle = nil
            activeUnsynced = false
            let removed = segments.removeLast()
            activeSyncedEnd = segments[segments.count - 1].size  // sealed, so wholly durable
            try poisoning { () throws(RoostError) in
                try files.remove(path(of: removed.name))
                try files.syncDirectory(directory)
            }
            directoryUnsynced = false
        }
        try poisoning { () throws(RoostError) in try cutLastSegment(after: index) }
        try syncPending()
        checkInvariants()
    }

    private func cutLastSegment(after index: UInt64) throws(RoostError) {
        let last = segments.count - 1
        if activeHandle == nil {
            activeHandle = try files.openForAppend(path(of: segments[last].name))
        }
        guard let handle = activeHandle else { preconditionFailure("no active handle") }
        let kept = Int(index + 1 - segments[last].firstIndex)
        guard kept < segments[last].offsets.count else { return }
        let size = segments[last].offsets[kept]
        try files.truncate(handle, toSize: size)
        segments[last].offsets.removeLast(segments[last].offsets.count - kept)
        segments[last].size = size
        activeSyncedEnd = min(activeSyncedEnd, size)
        activeUnsynced = true
    }

    /// Position in `segments` of the segment holding `index` (which must be retained).
    private func segmentPosition(containing index: UInt64) -> Int {
        precondition(index >= firstIndex && index <= lastIndex, "index outside the log")
        var low = 0
        var high = segments.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if segments[middle].firstIndex <= index { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// Reads consecutive entries of one segment from `from`, within `budget` payload bytes.
    private func readEntries(
        of segment: Segment, from: UInt64, through: UInt64, budget: Int, isFirst: Bool
    ) throws(RoostError) -> ([LogEntry], Int) {
        let start = Int(from - segment.firstIndex)
        let last = Int(min(through, segment.lastIndex) - segment.firstIndex)
        var end = start
        var budget = budget
        while end <= last {
            let payload = recordEnd(of: segment, slot: end) - segment.offsets[end] - LogRecord.headerSize
            if payload > budget && !(isFirst && end == start) { break }
            budget -= min(payload, budget)
            end += 1
        }
        let startOffset = segment.offsets[start]
        let count = recordEnd(of: segment, slot: end - 1) - startOffset
        let bytes = try files.read(path(of: segment.name), offset: startOffset, count: count)
        guard bytes.count == count else {
            throw corrupted("short read (\(bytes.count) of \(count) bytes)", in: segment.name, at: startOffset)
        }
        var entries: [LogEntry] = []
        entries.reserveCapacity(end - start)
        for slot in start..<end {
            entries.append(try decodeRecord(bytes, of: segment, slot: slot, base: startOffset))
        }
        return (entries, budget)
    }

    private func decodeRecord(_ bytes: [UInt8], of segment: Segment, slot: Int, base: Int) throws(RoostError)
        -> LogEntry
    {
        let offset = segment.offsets[slot]
        let decoded = bytes.withUnsafeBytes { LogRecord.decode($0, at: offset - base) }
        let expected = segment.firstIndex + UInt64(slot)
        switch decoded {
        case .valid(let entry, _, _) where entry.index == expected:
            return entry
        case .valid(let entry, _, _):
            throw corrupted("unexpected index \(entry.index) (expected \(expected))", in: segment.name, at: offset)
        case .incomplete:
            throw corrupted("incomplete record", in: segment.name, at: offset)
        case .invalid(let reason):
            throw corrupted(reason, in: segment.name, at: offset)
        }
    }

    private func recordEnd(of segment: Segment, slot: Int) -> Int {
        slot + 1 < segment.offsets.count ? segment.offsets[slot + 1] : segment.size
    }
}
