import RoostAPI

/// The durable, checksummed, segmented write-ahead log behind `propose()` (later Raft's log).
///
/// Entries live in segment files `segment-<first index>.log` in one directory; the last segment is
/// the active one, the only one ever appended to. The record layout is documented on `LogRecord`.
///
/// Ordering contract for callers: `append` only writes; an entry is durable — and may be
/// acknowledged, voted on or applied — only after a later `sync()` returns. Call `sync()` once
/// per batch of appends (group commit). `compact` and `truncateSuffix` are durable when they return.
///
/// Durability rules it keeps, and why:
/// - A new segment's name is durable only after its directory is fsynced (fsyncing a file does not
///   persist its directory entry), so `sync()` fsyncs the directory when a segment was created
///   since the last sync, and removals fsync the directory before returning.
/// - Rolling to a new segment first fsyncs the old one (and the directory, when the old segment's
///   own entry is not durable yet). So every segment but the last is whole and durable: damage
///   found there on open is corruption, never a torn write, and refuses to start.
/// - Segments are removed one at a time with a directory fsync after each (oldest first when
///   compacting, newest first when truncating), so a crash part way leaves a contiguous log; and
///   only once the names of the segments that stay are durable, so it never leaves an empty one.
/// - Each record carries the active segment's size at its last successful fsync (`activeSyncedEnd`,
///   the record's *synced end*): a record that survives a crash intact proves everything before
///   that point was durable. Recovery uses it to cut an unsynced batch that a power loss wrote back
///   out of order (a middle page lost, a later one kept) while still refusing to start when durable
///   data is damaged; see `SegmentScan`. Damage in a synced batch that no later surviving record
///   vouches for cannot be told from such a torn batch, and is cut.
/// - After any failed write or fsync the log is poisoned: every later call throws. A failed fsync
///   cannot be retried safely (the kernel may have dropped the dirty pages and report success next
///   time), and a failed write leaves a partial record; reopening the log recovers from the files.
///
/// Not `Sendable`: one actor owns it.
public final class DurableLog {
    /// Limits of the log, validated at `init`.
    public struct Options: Sendable, Hashable {
        /// Largest size of a segment file; the log rolls to a new segment before exceeding it.
        public var segmentMaxBytes: Int
        /// Largest payload of one entry; bigger entries are rejected by `append`.
        public var entryMaxBytes: Int

        /// Upper bound of `segmentMaxBytes`: a segment is read whole when the log opens.
        public static let segmentMaxBytesLimit = 1 << 30
        /// Lower bound of `segmentMaxBytes`, so tests can roll often but not absurdly.
        public static let segmentMinBytes = 256

        public init(segmentMaxBytes: Int = 16 << 20, entryMaxBytes: Int = 4 << 20) {
            self.segmentMaxBytes = segmentMaxBytes
            self.entryMaxBytes = entryMaxBytes
        }

        public func validate() throws(RoostError) {
            guard segmentMaxBytes >= Self.segmentMinBytes, segmentMaxBytes <= Self.segmentMaxBytesLimit else {
                throw .badRequest(
                    "Log segmentMaxBytes must be in \(Self.segmentMinBytes)...\(Self.segmentMaxBytesLimit), got \(segmentMaxBytes)"
                )
            }
            guard entryMaxBytes >= 1 else {
                throw .badRequest("Log entryMaxBytes must be at least 1, got \(entryMaxBytes)")
            }
            guard LogRecord.encodedSize(payloadCount: entryMaxBytes) <= segmentMaxBytes else {
                throw .badRequest(
                    "Log entryMaxBytes (\(entryMaxBytes)) plus a \(LogRecord.headerSize)-byte header must fit in segmentMaxBytes (\(segmentMaxBytes))"
                )
            }
        }
    }

    /// What opening the log found, for the daemon to log.
    public struct Recovery: Sendable, Hashable {
        /// Segment files read.
        public var segmentCount = 0
        /// Name of the last segment when its torn tail was cut away.
        public var truncatedSegment: String?
        /// Offset the torn tail was cut at, and how many bytes were dropped.
        public var truncatedOffset = 0
        public var truncatedBytes = 0
    }

    /// One segment file as indexed in memory.
    struct Segment {
        let firstIndex: UInt64
        let name: String
        /// Start offset of each record; entry `firstIndex + i` starts at `offsets[i]`.
        var offsets: [Int]
        var size: Int

        /// `firstIndex - 1` when empty (only the last segment may be empty).
        var lastIndex: UInt64 { firstIndex + UInt64(offsets.count) - 1 }
    }

    /// Appends are handed to the file layer in chunks of at most this many bytes.
    static let writeChunkBytes = 1 << 20

    let directory: String
    let files: any FileLayer
    public let options: Options
    public internal(set) var recovery = Recovery()

    var segments: [Segment] = []
    /// Open handle on the last segment; nil only when there is no segment or after `close()`.
    var activeHandle: FileLayerHandle?
    /// The active segment holds bytes that were not fsynced yet.
    var activeUnsynced = false
    /// Size of the active segment at its last successful fsync (0 when it was created since): every
    /// byte before it is durable. Written into each record appended (the record's synced end).
    var activeSyncedEnd = 0
    /// A segment was created since the directory was last fsynced.
    var directoryUnsynced = false
    /// The first failed write or fsync; once set, every call throws.
    var failure: RoostError?
    var isClosed = false

    /// Opens (creating if needed) the log in `directory`, verifying every record; see `recover()`.
    public init(directory: String, files: any FileLayer, options: Options = .init()) throws(RoostError) {
        try options.validate()
        self.directory = directory
        self.files = files
        self.options = options
        do {
            try recover()
        } catch {
            if let activeHandle { files.close(activeHandle) }
            activeHandle = nil
            throw error
        }
        checkInvariants()
    }

    deinit {
        if let activeHandle { files.close(activeHandle) }
    }

    /// First retained entry; `lastIndex + 1` when the log is empty.
    public var firstIndex: UInt64 { segments.first?.firstIndex ?? 1 }

    /// Last entry written (durable or not); 0 for a brand-new log.
    public var lastIndex: UInt64 { segments.last?.lastIndex ?? 0 }

    /// Writes `entries` after `lastIndex`; they are durable only after the next `sync()`.
    ///
    /// Indexes must be consecutive and follow `lastIndex`; a brand-new log (no segment yet)
    /// accepts any first index from 1. Nothing is written when any entry is rejected.
    public func append(_ entries: [LogEntry]) throws(RoostError) {
        try checkUsable()
        guard let first = entries.first else { return }
        try validate(entries)
        if segments.isEmpty {
            try poisoning { () throws(RoostError) in try createSegment(firstIndex: first.index) }
        }
        var buffer: [UInt8] = []
        var offsets: [Int] = []
        for entry in entries {
            let recordSize = LogRecord.encodedSize(payloadCount: entry.payload.count)
            let activeSize = segments[segments.count - 1].size + buffer.count
            if activeSize > 0 && activeSize + recordSize > options.segmentMaxBytes {
                try writeToActive(&buffer, &offsets)
                try roll(firstIndex: entry.index)
            }
            offsets.append(segments[segments.count - 1].size + buffer.count)
            LogRecord.encode(entry, syncedEnd: activeSyncedEnd, into: &buffer)
            if buffer.count >= Self.writeChunkBytes {
                try writeToActive(&buffer, &offsets)
            }
        }
        try writeToActive(&buffer, &offsets)
        checkInvariants()
    }

    /// Makes everything appended so far durable: fsyncs the active segment, then the directory
    /// when a segment was created since the last sync. Cheap when nothing is pending.
    public func sync() throws(RoostError) {
        try checkUsable()
        try syncPending()
    }

    /// After a failed write or fsync: cuts the active segment back to its last successful fsync
    /// through a fresh descriptor and syncs that. Without it a restart could replay records whose
    /// fsync failed: Linux may keep their bytes in the page cache, marked clean, while the disk
    /// holds something else, and later acknowledged entries would then sit on top of a hole. The
    /// records cut were never acknowledged (their proposers learned the outcome is unknown), and
    /// earlier segments were synced when the log rolled past them. Does nothing on a healthy log.
    public func discardUnsynced() throws(RoostError) {
        guard failure != nil, let last = segments.last else { return }
        let handle = try files.openForAppend(path(of: last.name))
        defer { files.close(handle) }
        try files.truncate(handle, toSize: activeSyncedEnd)
        try files.sync(handle)
    }

    /// Releases the open file; later calls throw. Does not sync: call `sync()` first to keep
    /// what was appended.
    public func close() {
        if let activeHandle { files.close(activeHandle) }
        activeHandle = nil
        isClosed = true
    }

    // MARK: Internals shared with the other DurableLog files

    func path(of name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    func checkUsable() throws(RoostError) {
        if let failure {
            throw .internalError(
                "Log is unusable after an earlier I/O failure; restart to recover", cause: failure.description)
        }
        if isClosed { throw RoostError(.unavailable, "Log is closed") }
    }

    /// Runs a mutating file operation; if it fails, poisons the log and rethrows.
    func poisoning<T>(_ body: () throws(RoostError) -> T) throws(RoostError) -> T {
        do {
            return try body()
        } catch {
            failure = error
            throw error
        }
    }

    func syncPending() throws(RoostError) {
        if activeUnsynced, let activeHandle {
            try poisoning { () throws(RoostError) in try files.sync(activeHandle) }
            activeUnsynced = false
            activeSyncedEnd = segments[segments.count - 1].size
        }
        try syncDirectoryIfNeeded()
    }

    func syncDirectoryIfNeeded() throws(RoostError) {
        if directoryUnsynced {
            try poisoning { () throws(RoostError) in try files.syncDirectory(directory) }
            directoryUnsynced = false
        }
    }

    /// Internal invariants; `precondition` stays on in release builds.
    func checkInvariants() {
        for (position, segment) in segments.enumerated() {
            precondition(segment.firstIndex >= 1, "segment starts at index 0")
            precondition(segment.offsets.first.map { $0 == 0 } ?? (segment.size == 0), "segment does not start at 0")
            precondition(segment.offsets.last.map { $0 < segment.size } ?? true, "record offset beyond segment end")
            guard position > 0 else { continue }
            let previous = segments[position - 1]
            precondition(!previous.offsets.isEmpty, "empty segment before the last one")
            precondition(segment.firstIndex == previous.lastIndex + 1, "segments not contiguous")
        }
        precondition(isClosed || failure != nil || segments.isEmpty == (activeHandle == nil), "active handle mismatch")
        if let last = segments.last, failure == nil {
            precondition(activeSyncedEnd >= 0 && activeSyncedEnd <= last.size, "synced end beyond the active segment")
            precondition(activeUnsynced || activeSyncedEnd == last.size, "unsynced bytes not flagged")
        }
    }

    private func validate(_ entries: [LogEntry]) throws(RoostError) {
        var expected = segments.isEmpty ? entries[0].index : lastIndex + 1
        guard expected >= 1 else { throw .badRequest("Log indexes start at 1") }
        for entry in entries {
            guard entry.index == expected else {
                throw .badRequest("Log append not contiguous: got index \(entry.index), expected \(expected)")
            }
            guard entry.payload.count <= options.entryMaxBytes else {
                throw RoostError(
                    .payloadTooLarge,
                    "Log entry \(entry.index) is \(entry.payload.count) bytes, more than entryMaxBytes (\(options.entryMaxBytes))"
                )
            }
            expected += 1
        }
    }

    private func writeToActive(_ buffer: inout [UInt8], _ offsets: inout [Int]) throws(RoostError) {
        guard !buffer.isEmpty else { return }
        guard let activeHandle else { preconditionFailure("append without an active segment") }
        let bytes = buffer
        try poisoning { () throws(RoostError) in try files.write(activeHandle, bytes) }
        activeUnsynced = true
        segments[segments.count - 1].offsets.append(contentsOf: offsets)
        segments[segments.count - 1].size += buffer.count
        buffer.removeAll(keepingCapacity: true)
        offsets.removeAll(keepingCapacity: true)
    }

    /// Seals the active segment (durable, name included) and starts a new one at `firstIndex`.
    private func roll(firstIndex: UInt64) throws(RoostError) {
        precondition(firstIndex == lastIndex + 1, "roll index not contiguous")
        try syncPending()
        if let activeHandle { files.close(activeHandle) }
        activeHandle = nil
        try poisoning { () throws(RoostError) in try createSegment(firstIndex: firstIndex) }
    }

    private func createSegment(firstIndex: UInt64) throws(RoostError) {
        precondition(activeHandle == nil, "creating a segment while one is active")
        let name = SegmentName.make(firstIndex: firstIndex)
        activeHandle = try files.createFile(path(of: name))
        segments.append(Segment(firstIndex: firstIndex, name: name, offsets: [], size: 0))
        activeSyncedEnd = 0
        directoryUnsynced = true
    }
}
