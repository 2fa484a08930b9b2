import Foundation
import RoostAPI
import Testing

@testable import ClusterNode

/// Damage found on open: torn tails are cut, everything else refuses to start.
@Suite struct DurableLogCorruptionTests {
    let files = SimulatedFileLayer()
    let options = DurableLog.Options(segmentMaxBytes: 256, entryMaxBytes: 64)
    let directory = LogFixture.directory

    /// Ten 78-byte records in segments 1-3, 4-6, 7-9 and 10, all durable.
    func writeTen() throws {
        let log = try DurableLog(directory: directory, files: files, options: options)
        try log.append(LogFixture.entries(1...10, size: 50))
        try log.sync()
        log.close()
    }

    func path(_ first: UInt64) -> String { directory + "/" + SegmentName.make(firstIndex: first) }

    func openError() -> RoostError? {
        #expect(throws: RoostError.self) { try DurableLog(directory: directory, files: files, options: options) }
    }

    @Test func checksumMismatchInANonLastSegmentRefusesToStart() throws {
        try writeTen()
        try files.corruptByte(path(4), at: 78 + 40)  // payload of entry 5
        let error = openError()
        #expect(error?.code == .internalError)
        #expect(error?.message == "Log corrupted: checksum mismatch in segment-00000000000000000004.log at offset 78")
    }

    @Test func checksumMismatchFollowedByAValidRecordRefusesToStart() throws {
        let log = try DurableLog(directory: directory, files: files)
        try log.append(LogFixture.entries(1...5, size: 50))
        try log.sync()
        log.close()
        try files.corruptByte(path(1), at: 3 * 78 + 30)  // entry 4 of 5, in the last segment
        #expect(
            openError()?.message == "Log corrupted: checksum mismatch in segment-00000000000000000001.log at offset 234"
        )
    }

    @Test func damagedLengthInTheMiddleIsNotMistakenForATornTail() throws {
        let log = try DurableLog(directory: directory, files: files)
        try log.append(LogFixture.entries(1...5, size: 50))
        try log.sync()
        log.close()
        try files.corruptByte(path(1), at: 78 + 6, xor: 0x40)  // entry 2 claims a huge payload
        #expect(openError()?.message.hasPrefix("Log corrupted: incomplete record in segment-") == true)
    }

    @Test func damagedLastRecordIsCutAndTheLogOpens() throws {
        try writeTen()
        try files.corruptByte(path(10), at: 50)
        let log = try DurableLog(directory: directory, files: files, options: options)
        #expect(log.lastIndex == 9)
        #expect(log.recovery.truncatedSegment == SegmentName.make(firstIndex: 10))
        #expect(log.recovery.truncatedOffset == 0)
        #expect(log.recovery.truncatedBytes == 78)
        #expect(try files.readFile(path(10)).isEmpty)
        try log.append([LogFixture.entry(10, term: 2, size: 50)])
        try log.sync()
        let reopened = try DurableLog(directory: directory, files: files, options: options)
        #expect(
            try LogFixture.all(reopened) == LogFixture.entries(1...9, size: 50) + [
                LogFixture.entry(10, term: 2, size: 50)
            ])
    }

    @Test func tornNonLastSegmentRefusesToStart() throws {
        try writeTen()
        let handle = try files.openForAppend(path(4))
        try files.truncate(handle, toSize: 200)
        try files.sync(handle)
        files.close(handle)
        #expect(
            openError()?.message == "Log corrupted: incomplete record in segment-00000000000000000004.log at offset 156"
        )
    }

    @Test func missingMiddleSegmentIsAGap() throws {
        try writeTen()
        try files.remove(path(4))
        let message = openError()?.message ?? ""
        #expect(message.hasPrefix("Log corrupted: gap between segment-00000000000000000001.log (last index 3)"))
    }

    @Test func unrelatedFilesAreIgnored() throws {
        try writeTen()
        files.close(try files.createFile(directory + "/notes.txt"))
        let log = try DurableLog(directory: directory, files: files, options: options)
        #expect(log.lastIndex == 10)
    }
}

/// The simulated layer itself keeps its promises.
@Suite struct SimulatedFileLayerTests {
    @Test func syncedFileAndDirectorySurviveEveryCrash() throws {
        for seed in 0..<50 as Range<UInt64> {
            let files = SimulatedFileLayer()
            try files.makeDirectories("/d")
            let handle = try files.createFile("/d/a")
            try files.write(handle, [1, 2, 3])
            try files.sync(handle)
            try files.syncDirectory("/d")
            try files.write(handle, [4, 5, 6])
            var rng = DeterministicRNG(seed: seed)
            files.crash(using: &rng)
            let content = try files.readFile("/d/a")
            #expect(Array(content.prefix(3)) == [1, 2, 3], "seed=\(seed)")
            #expect(content.count <= 6, "seed=\(seed)")
            #expect(throws: RoostError.self) { try files.write(handle, [7]) }
        }
    }

    @Test func unsyncedDirectoryOperationsMayOrMayNotSurvive() throws {
        var outcomes: Set<[String]> = []
        for seed in 0..<64 as Range<UInt64> {
            let files = SimulatedFileLayer()
            try files.makeDirectories("/d")
            for name in ["old", "gone"] {
                let handle = try files.createFile("/d/" + name)
                try files.sync(handle)
                files.close(handle)
            }
            try files.syncDirectory("/d")
            files.close(try files.createFile("/d/new"))
            try files.rename("/d/old", to: "/d/renamed")
            try files.remove("/d/gone")
            var rng = DeterministicRNG(seed: seed)
            files.crash(using: &rng)
            let names = try files.listDirectory("/d")
            #expect(names.contains("old") != names.contains("renamed"), "seed=\(seed): rename must be atomic")
            outcomes.insert(names)
        }
        #expect(outcomes.count == 8)  // each of the three operations independently kept or undone
    }

    @Test func crashIsDeterministicForASeed() throws {
        func run(_ seed: UInt64) throws -> [UInt8] {
            let files = SimulatedFileLayer()
            try files.makeDirectories("/d")
            let handle = try files.createFile("/d/a")
            try files.syncDirectory("/d")
            try files.write(handle, Array(0..<200))
            var rng = DeterministicRNG(seed: seed)
            files.crash(using: &rng)
            return try files.readFile("/d/a")
        }
        for seed in 0..<20 as Range<UInt64> {
            #expect(try run(seed) == run(seed), "seed=\(seed)")
        }
        let results = try Set((0..<20 as Range<UInt64>).map { try run($0).count })
        #expect(results.count > 3)  // torn at different points
    }
}

/// Random appends, syncs, compactions, truncations and injected I/O errors, then a crash (power
/// loss, or a process crash that a later power loss may follow) and a reopen, several times per
/// seed. Replay one seed with `ROOST_LOG_SEED=<seed> swift test`.
@Suite struct DurableLogCrashTests {
    static let seedCount: UInt64 = 300
    static let cyclesPerSeed = 6

    /// What the test knows the log must contain.
    struct Model {
        /// Latest version written at each index (truncateSuffix is durable, so older ones never return).
        var latest: [UInt64: LogEntry] = [:]
        /// Highest index known durable (acknowledged by sync, truncateSuffix or recovery).
        var ackedLast: UInt64 = 0
        /// Highest index that may exist.
        var maxLast: UInt64 = 0
        /// `firstIndex` as last known; nil before the very first append.
        var first: UInt64?
        /// The first segment's directory entry is known durable.
        var positionDurable = false
        /// A compaction failed part way: `firstIndex` is known only from below.
        var firstUncertain = false
        var term: UInt64 = 1
        var faultArmed = false
    }

    /// What the run exercised, printed so a weakened generator shows up.
    struct Stats {
        var crashes = 0
        var appended = 0
        var acknowledged = 0
        var tornTailsCut = 0
        var injectedFailures = 0
        var segmentsAtCrash = 0
    }

    @Test func everyAcknowledgedEntrySurvivesCrashes() throws {
        let replay = ProcessInfo.processInfo.environment["ROOST_LOG_SEED"].flatMap { UInt64($0) }
        var stats = Stats()
        for seed in replay.map({ [$0] }) ?? Array(0..<Self.seedCount) {
            try runSeed(seed, &stats)
        }
        print(
            "DurableLog crash test: \(stats.crashes) crashes, \(stats.appended) entries appended, "
                + "\(stats.acknowledged) acknowledged by sync, \(stats.tornTailsCut) torn tails cut, "
                + "\(stats.injectedFailures) injected I/O failures, \(stats.segmentsAtCrash) segment files at crash time"
        )
        #expect(stats.tornTailsCut > 0 && stats.injectedFailures > 0)
    }

    func runSeed(_ seed: UInt64, _ stats: inout Stats) throws {
        var rng = DeterministicRNG(seed: seed)
        let files = SimulatedFileLayer()
        let options = DurableLog.Options(segmentMaxBytes: rng.int(in: 256...2048), entryMaxBytes: 200)
        var model = Model()
        var log = try DurableLog(directory: LogFixture.directory, files: files, options: options)
        for cycle in 0..<Self.cyclesPerSeed {
            let context = "seed=\(seed) cycle=\(cycle)"
            runSteps(log, files, &model, &rng, context, &stats)
            log.close()
            stats.crashes += 1
            stats.segmentsAtCrash += try LogFixture.segmentNames(files).count
            if rng.chance(0.25) {
                files.restart()  // a process crash: unsynced data stays readable, for now
            } else {
                files.crash(using: &rng)
            }
            model.faultArmed = false
            do {
                log = try DurableLog(directory: LogFixture.directory, files: files, options: options)
            } catch {
                Issue.record("\(context): reopen failed: \(error)")
                return
            }
            guard check(log, model, context) else { return }
            if log.recovery.truncatedSegment != nil { stats.tornTailsCut += 1 }
            model.ackedLast = log.lastIndex
            model.maxLast = log.lastIndex
            model.first = log.firstIndex
            model.positionDurable = log.lastIndex > 0 || log.firstIndex > 1
            model.firstUncertain = false
            #expect(files.openHandleCount <= 1, "\(context): leaked handles")
        }
    }

    /// Invariants after a crash and reopen; false stops the seed (the first failure is the story).
    func check(_ log: DurableLog, _ model: Model, _ context: String) -> Bool {
        let first = log.firstIndex
        let last = log.lastIndex
        let brandNew = first == 1 && last == 0
        var ok = true
        func expect(_ condition: Bool, _ message: String) {
            if !condition {
                Issue.record(
                    "\(context): \(message) (first=\(first) last=\(last) model=\(model.first.map(String.init) ?? "nil")/\(model.ackedLast)/\(model.maxLast))"
                )
                ok = false
            }
        }
        expect(last >= model.ackedLast, "lost acknowledged entries")
        expect(last <= model.maxLast, "entries beyond anything written, or a durable truncation undone")
        if let modelFirst = model.first {
            if model.firstUncertain {
                expect(first >= modelFirst, "compacted entries came back")
            } else if model.positionDurable {
                expect(first == modelFirst, "first index moved")
            } else {
                expect(first == modelFirst || brandNew, "first index moved")
            }
        } else {
            expect(brandNew, "entries appeared in a log never written")
        }
        guard ok, last >= first else { return ok }
        do {
            let entries = try log.entries(from: first, through: last, maxBytes: .max)
            expect(entries.map(\.index) == Array(first...last), "indexes not contiguous")
            for entry in entries where entry != model.latest[entry.index] {
                expect(false, "entry \(entry.index) differs from what was written")
                break
            }
        } catch {
            expect(false, "reading recovered entries failed: \(error)")
        }
        return ok
    }

    func runSteps(
        _ log: DurableLog, _ files: SimulatedFileLayer, _ model: inout Model, _ rng: inout DeterministicRNG,
        _ context: String, _ stats: inout Stats
    ) {
        for _ in 0..<rng.int(in: 1...30) {
            let choice = rng.uniform(100)
            do {
                if choice < 50 {
                    stats.appended += try appendBatch(log, &model, &rng)
                } else if choice < 72 {
                    try log.sync()
                    stats.acknowledged += Int(
                        log.lastIndex - min(max(model.ackedLast, log.firstIndex - 1), log.lastIndex))
                    model.ackedLast = log.lastIndex
                    if model.first != nil { model.positionDurable = true }
                } else if choice < 82 {
                    try compact(log, &model, &rng)
                } else if choice < 90 {
                    try truncate(log, &model, &rng)
                } else if choice < 93 {
                    model.faultArmed = true
                    files.failNextSync()
                } else if choice < 95 {
                    model.faultArmed = true
                    files.failNextWrite(keepingBytes: rng.int(in: 0...100))
                } else {
                    try readBack(log, model, &rng, context)
                }
            } catch {
                if !model.faultArmed { Issue.record("\(context): unexpected failure: \(error)") }
                stats.injectedFailures += 1
                #expect(throws: RoostError.self, "\(context): log not poisoned") { try log.sync() }
                if choice >= 72 && choice < 82 { model.firstUncertain = true }
                return
            }
        }
    }

    func appendBatch(_ log: DurableLog, _ model: inout Model, _ rng: inout DeterministicRNG) throws -> Int {
        let start: UInt64
        if let first = model.first {
            start = max(log.lastIndex + 1, first)
        } else {
            start = rng.chance(0.5) ? 1 : UInt64(rng.int(in: 2...1000))
            model.first = start
        }
        if rng.chance(0.1) { model.term += 1 }
        let batch = (0..<UInt64(rng.int(in: 1...8))).map { offset in
            LogEntry(index: start + offset, term: model.term, payload: rng.bytes(rng.int(in: 0...200)))
        }
        for entry in batch { model.latest[entry.index] = entry }
        model.maxLast = max(model.maxLast, batch[batch.count - 1].index)
        try log.append(batch)
        return batch.count
    }

    func compact(_ log: DurableLog, _ model: inout Model, _ rng: inout DeterministicRNG) throws {
        let before = log.firstIndex
        let through = UInt64(rng.int(in: Int(before) - 1...Int(max(log.lastIndex, before))))
        try log.compact(through: through)
        if log.firstIndex != before { model.positionDurable = true }
        if model.first != nil { model.first = log.firstIndex }
    }

    func truncate(_ log: DurableLog, _ model: inout Model, _ rng: inout DeterministicRNG) throws {
        guard log.lastIndex >= log.firstIndex else { return }
        let after = UInt64(rng.int(in: Int(log.firstIndex) - 1...Int(log.lastIndex) - 1))
        model.ackedLast = min(model.ackedLast, after)
        try log.truncateSuffix(after: after)
        model.ackedLast = after
        model.maxLast = after
        model.positionDurable = true
    }

    func readBack(_ log: DurableLog, _ model: Model, _ rng: inout DeterministicRNG, _ context: String) throws {
        guard log.lastIndex >= log.firstIndex else { return }
        let from = UInt64(rng.int(in: Int(log.firstIndex)...Int(log.lastIndex)))
        let entries = try log.entries(from: from, through: log.lastIndex, maxBytes: rng.int(in: 0...1000))
        #expect(!entries.isEmpty, "\(context): entries returned nothing")
        #expect(entries.allSatisfy { $0 == model.latest[$0.index] }, "\(context): read back differs")
    }
}
