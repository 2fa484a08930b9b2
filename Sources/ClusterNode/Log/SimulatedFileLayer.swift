import RoostAPI
import Synchronization

/// An in-memory `FileLayer` that models what a crash can leave on a real disk, to prove the log's
/// durability (and, later, Raft's) under the simulator.
///
/// Each file has **durable** bytes and **current** bytes (what reads see: the page cache). Writes
/// and truncations change only the current bytes; `sync(_:)` makes the file's current bytes
/// durable. Each directory has durable and current entries plus the list of operations (create,
/// remove, rename) not yet made durable by `syncDirectory(_:)`.
///
/// `crash(using:)` throws the volatile state away, the way a power loss would:
/// - each unsynced directory operation survives with probability `Faults.directoryOperationSurvives`,
///   independently, and is replayed only when it still applies: an unsynced new file may vanish
///   (even if its bytes were fsynced), an unsynced remove may come back, an unsynced rename may
///   revert (atomically: the file is never under both names or neither);
/// - each file keeps its durable bytes plus a random prefix of the bytes appended since its last
///   fsync (none, all, or a uniform cut point, which tears a record anywhere), sometimes followed
///   by junk (zeros or random bytes) standing for sectors whose size was recorded but whose data
///   was not;
/// - or, sometimes, the bytes appended since its last fsync are written back out of order: split
///   into pages aligned to file offsets, a random page that is not the last is lost (and maybe
///   others), while the last page and so the file's full size survive. The file then keeps a
///   non-prefix subset of what was written — valid records after a damaged one — as a real disk
///   may after a power loss, since the kernel writes dirty pages back in no particular order;
/// - an unsynced truncation may be undone (the durable bytes come back);
/// - every handle becomes invalid and injected faults are cleared.
/// `restart()` models a process crash instead: nothing is lost, but the handles die.
///
/// Directories themselves are created durable at once (`makeDirectories`); the model is about the
/// files in them. Deterministic for a given sequence of calls and RNG: no dictionary order is
/// ever observed (keys are sorted).
public final class SimulatedFileLayer: FileLayer {
    /// Fault rates, in one place.
    public struct Faults: Sendable, Hashable {
        /// Probability that one unsynced create, remove or rename survives a crash.
        public var directoryOperationSurvives = 0.5
        /// Probability that all bytes appended since the last fsync survive a crash.
        public var unsyncedBytesAllKept = 0.25
        /// Probability that none of them survive (otherwise a uniform random prefix survives).
        public var unsyncedBytesAllLost = 0.25
        /// Probability that junk follows a kept prefix that is shorter than what was written.
        public var tornTailJunk = 0.3
        /// Of those junk tails, the share that is zeros rather than random bytes.
        public var junkIsZeros = 0.5
        /// Probability that a truncation not yet fsynced is undone.
        public var truncationUndone = 0.5
        /// Probability that the bytes appended since the last fsync are written back out of order
        /// (when they touch at least two pages): one random page other than the last is lost, each
        /// other page but the last is lost with probability `otherPageLost`, and the last page is
        /// kept, so the file keeps its full size. A lost page reads as zeros (`junkIsZeros`) or
        /// random bytes. Only the unsynced bytes of a page are lost; its durable bytes stay.
        public var unsyncedPagesOutOfOrder = 0.2
        /// See `unsyncedPagesOutOfOrder`.
        public var otherPageLost = 0.3
        /// Size of a page for `unsyncedPagesOutOfOrder`; pages start at multiples of it.
        public var pageBytes = 512

        public init() {}
    }

    struct File {
        var durable: [UInt8] = []
        var current: [UInt8] = []
        /// Truncated since the last fsync, so `current` may not extend `durable`.
        var truncatedSinceSync = false
    }

    enum DirectoryOperation {
        case create(name: String, file: Int)
        case remove(name: String, file: Int)
        case rename(from: String, to: String, file: Int)
    }

    struct Directory {
        var durable: [String: Int] = [:]
        var current: [String: Int] = [:]
        var pending: [DirectoryOperation] = []
    }

    struct State {
        var faults: Faults
        var files: [Int: File] = [:]
        var directories: [String: Directory] = ["/": Directory()]
        var handles: [Int32: Int] = [:]
        var nextFile = 1
        var nextHandle: Int32 = 3
        var failNextSync = false
        var failNextWrite: Int?
        var syncCount = 0
        var directorySyncCount = 0
        var crashCount = 0
    }

    let state: Mutex<State>

    public init(faults: Faults = .init()) {
        state = Mutex(State(faults: faults))
    }

    // MARK: Fault injection and observation

    /// The next `sync` or `syncDirectory` fails with EIO without making anything durable.
    public func failNextSync() {
        state.withLock { $0.failNextSync = true }
    }

    /// The next `write` appends only its first `keepingBytes` bytes, then fails with EIO.
    public func failNextWrite(keepingBytes: Int = 0) {
        precondition(keepingBytes >= 0, "keepingBytes must not be negative")
        state.withLock { $0.failNextWrite = keepingBytes }
    }

    /// File fsyncs attempted so far (including failed ones).
    public var syncCount: Int { state.withLock { $0.syncCount } }
    /// Directory fsyncs attempted so far (including failed ones).
    public var directorySyncCount: Int { state.withLock { $0.directorySyncCount } }
    public var crashCount: Int { state.withLock { $0.crashCount } }
    /// Handles currently open (a leak detector for tests).
    public var openHandleCount: Int { state.withLock { $0.handles.count } }

    /// XORs one byte of a file, durably: bit rot, not a crash effect.
    public func corruptByte(_ path: String, at offset: Int, xor mask: UInt8 = 0xFF) throws(RoostError) {
        try state.withLock { (state: inout State) throws(RoostError) in
            let id = try Self.lookup(path, in: state)
            guard offset >= 0, offset < state.files[id]!.current.count else {
                throw .badRequest("Offset \(offset) outside \(path)")
            }
            state.files[id]!.current[offset] ^= mask
            if offset < state.files[id]!.durable.count { state.files[id]!.durable[offset] ^= mask }
        }
    }

    /// Power loss: see the type's documentation. Handles opened before the crash become invalid.
    public func crash(using rng: inout DeterministicRNG) {
        var random = rng
        state.withLock { state in
            var live: Set<Int> = []
            for path in state.directories.keys.sorted() {
                var entries = state.directories[path]!.durable
                for operation in state.directories[path]!.pending
                where random.chance(state.faults.directoryOperationSurvives) {
                    Self.replay(operation, on: &entries)
                }
                state.directories[path] = Directory(durable: entries, current: entries, pending: [])
                live.formUnion(entries.values)
            }
            var files: [Int: File] = [:]
            for id in live.sorted() {
                let content = Self.contentAfterCrash(state.files[id]!, faults: state.faults, rng: &random)
                files[id] = File(durable: content, current: content)
            }
            state.files = files
            state.handles = [:]
            state.failNextSync = false
            state.failNextWrite = nil
            state.crashCount += 1
        }
        rng = random
    }

    /// Process crash (kill -9): the kernel keeps every write and directory change, durable or
    /// not; only the handles die. Injected faults are cleared.
    public func restart() {
        state.withLock { state in
            state.handles = [:]
            state.failNextSync = false
            state.failNextWrite = nil
            state.crashCount += 1
        }
    }

    static func replay(_ operation: DirectoryOperation, on entries: inout [String: Int]) {
        switch operation {
        case .create(let name, let file):
            if entries[name] == nil { entries[name] = file }
        case .remove(let name, let file):
            if entries[name] == file { entries[name] = nil }
        case .rename(let from, let to, let file):
            if entries[from] == file {
                entries[from] = nil
                entries[to] = file
            }
        }
    }

    static func contentAfterCrash(_ file: File, faults: Faults, rng: inout DeterministicRNG) -> [UInt8] {
        if file.truncatedSinceSync {
            if rng.chance(faults.truncationUndone) { return file.durable }
            let common = zip(file.durable, file.current).prefix { $0 == $1 }.count
            return Array(file.current[..<rng.int(in: common...file.current.count)])
        }
        precondition(file.current.count >= file.durable.count, "file shrank without a truncation")
        let unsynced = file.current.count - file.durable.count
        guard unsynced > 0 else { return file.durable }
        precondition(faults.pageBytes > 0, "pageBytes must be positive")
        let firstPage = file.durable.count / faults.pageBytes
        let lastPage = (file.current.count - 1) / faults.pageBytes
        if lastPage > firstPage && rng.chance(faults.unsyncedPagesOutOfOrder) {
            return writtenBackOutOfOrder(file, pages: firstPage..<lastPage, faults: faults, rng: &rng)
        }
        var kept = rng.int(in: 0...unsynced)
        if rng.chance(faults.unsyncedBytesAllKept) {
            kept = unsynced
        } else if rng.chance(faults.unsyncedBytesAllLost) {
            kept = 0
        }
        var content = Array(file.current[..<(file.durable.count + kept)])
        if kept < unsynced && rng.chance(faults.tornTailJunk) {
            let junk = rng.int(in: 1...(unsynced - kept))
            content += rng.chance(faults.junkIsZeros) ? [UInt8](repeating: 0, count: junk) : rng.bytes(junk)
        }
        return content
    }

    /// The current bytes with some unsynced pages among `pages` (which excludes the last page)
    /// lost: one chosen at random, each other with probability `otherPageLost`.
    static func writtenBackOutOfOrder(
        _ file: File, pages: Range<Int>, faults: Faults, rng: inout DeterministicRNG
    ) -> [UInt8] {
        var content = file.current
        let chosen = rng.int(in: pages.lowerBound...(pages.upperBound - 1))
        for page in pages where page == chosen || rng.chance(faults.otherPageLost) {
            let start = max(page * faults.pageBytes, file.durable.count)
            let end = (page + 1) * faults.pageBytes
            let junk =
                rng.chance(faults.junkIsZeros) ? [UInt8](repeating: 0, count: end - start) : rng.bytes(end - start)
            content.replaceSubrange(start..<end, with: junk)
        }
        return content
    }
}
