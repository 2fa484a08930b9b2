import Foundation
import RoostAPI
import Testing

@testable import ClusterNode

/// Damage found on open: torn tails are cut, everything else refuses to start.
///
/// Records here are 78 bytes (36-byte header, 42-byte payload).
@Suite struct DurableLogCorruptionTests {
    let files = SimulatedFileLayer()
    let options = DurableLog.Options(segmentMaxBytes: 256, entryMaxBytes: 64)
    let directory = LogFixture.directory

    /// Ten 78-byte records in segments 1-3, 4-6, 7-9 and 10, all durable.
    func writeTen() throws {
        let log = try DurableLog(directory: directory, files: files, options: options)
        try log.append(LogFixture.entries(1...10, size: 42))
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

    /// Appends `batches` to a log with default options (one segment), syncing after each.
    func writeSynced(_ batches: [ClosedRange<UInt64>], thenUnsynced unsynced: ClosedRange<UInt64>? = nil) throws {
        let log = try DurableLog(directory: directory, files: files)
        for batch in batches {
            try log.append(LogFixture.entries(batch, size: 42))
            try log.sync()
        }
        if let unsynced { try log.append(LogFixture.entries(unsynced, size: 42)) }
        log.close()
    }

    @Test func bitRotInASyncedRecordBeforeALaterSyncPointRefusesToStart() throws {
        try writeSynced([1...4, 5...6], thenUnsynced: 7...8)  // entry 5 records that 1...4 were durable
        try files.corruptByte(path(1), at: 78 + 50)  // payload of entry 2, in the last segment
        let error = openError()
        #expect(error?.message == "Log corrupted: checksum mismatch in segment-00000000000000000001.log at offset 78")
        #expect(
            error?.cause?.contains("valid record at offset 312 was written after offset 78 had been fsynced") == true)
    }

    @Test func checksumMismatchFollowedByARecordWrittenAfterASyncRefusesToStart() throws {
        try writeSynced([1...4, 5...5])
        try files.corruptByte(path(1), at: 3 * 78 + 40)  // entry 4 of 5, the last synced before 5 was written
        #expect(
            openError()?.message == "Log corrupted: checksum mismatch in segment-00000000000000000001.log at offset 234"
        )
    }

    @Test func damagedLengthInTheMiddleIsNotMistakenForATornTail() throws {
        try writeSynced([1...2, 3...5])
        try files.corruptByte(path(1), at: 78 + 6, xor: 0x40)  // entry 2 claims a huge payload
        #expect(
            openError()?.message == "Log corrupted: incomplete record in segment-00000000000000000001.log at offset 78")
    }

    /// A power loss wrote the unsynced batch 4...12 back out of order: a middle page is lost, the
    /// pages after it survived. None of 4...12 was acknowledged, so the log cuts at the damage.
    @Test func tornMiddlePageOfAnUnsyncedBatchIsCut() throws {
        try writeSynced([1...3], thenUnsynced: 4...12)  // unsynced region 234..<936
        for offset in 512..<768 { try files.corruptByte(path(1), at: offset) }  // inside entries 7...10
        let bytes = try files.readFile(path(1))
        let scan = SegmentScan(bytes, firstIndex: 1)
        #expect(scan.damage?.offset == 6 * 78)
        #expect(scan.damage?.unsyncedRecordsAfter == 2)  // entries 11 and 12 are intact
        let log = try DurableLog(directory: directory, files: files)
        #expect(log.lastIndex == 6)
        #expect(log.recovery.truncatedSegment == SegmentName.make(firstIndex: 1))
        #expect(log.recovery.truncatedOffset == 6 * 78)
        #expect(log.recovery.truncatedBytes == 936 - 6 * 78)
        #expect(try LogFixture.all(log) == LogFixture.entries(1...6, size: 42))
        try log.append([LogFixture.entry(7, term: 2, size: 42)])
        try log.sync()
        log.close()
        var rng = DeterministicRNG(seed: 1)
        files.crash(using: &rng)
        let reopened = try DurableLog(directory: directory, files: files)
        #expect(
            try LogFixture.all(reopened) == LogFixture.entries(1...6, size: 42) + [
                LogFixture.entry(7, term: 2, size: 42)
            ])
    }

    /// The same, produced by the simulator's out-of-order fault, for every lost page it may pick.
    @Test func outOfOrderWritebackAfterACrashIsCut() throws {
        var faults = SimulatedFileLayer.Faults()
        faults.unsyncedPagesOutOfOrder = 1
        faults.otherPageLost = 0
        faults.pageBytes = 128
        var lostAt: Set<Int> = []
        var validAfterDamage = 0
        for seed in 0..<40 as Range<UInt64> {
            let files = SimulatedFileLayer(faults: faults)
            let log = try DurableLog(directory: directory, files: files)
            try log.append(LogFixture.entries(1...3, size: 42))
            try log.sync()
            try log.append(LogFixture.entries(4...12, size: 42))
            log.close()
            var rng = DeterministicRNG(seed: seed)
            files.crash(using: &rng)
            let bytes = try files.readFile(path(1))
            #expect(bytes.count == 936, "seed=\(seed): the last page keeps the full size")
            let damage = SegmentScan(bytes, firstIndex: 1).damage
            #expect(damage?.isTornTail == true, "seed=\(seed)")
            if (damage?.unsyncedRecordsAfter ?? 0) > 0 { validAfterDamage += 1 }
            let reopened = try DurableLog(directory: directory, files: files)
            #expect(reopened.lastIndex >= 3 && reopened.lastIndex < 12, "seed=\(seed)")
            #expect(
                try LogFixture.all(reopened) == LogFixture.entries(1...reopened.lastIndex, size: 42), "seed=\(seed)")
            lostAt.insert(reopened.recovery.truncatedOffset)
        }
        #expect(lostAt.count > 3)
        #expect(validAfterDamage > 10)
    }

    /// The limit of the rule, pinned: bit rot in the last synced batch, with no record written
    /// after the sync that made it durable, looks exactly like a torn unsynced batch. It is cut.
    @Test func damageInTheLastSyncedBatchWithoutALaterSyncPointIsCutAsTorn() throws {
        try writeSynced([1...5])
        try files.corruptByte(path(1), at: 78 + 50)  // entry 2; entries 3...5 carry synced end 0
        let log = try DurableLog(directory: directory, files: files)
        #expect(log.lastIndex == 1)
        #expect(log.recovery.truncatedOffset == 78)
    }

    @Test func recordClaimingAnImpossibleSyncedEndRefusesToStart() throws {
        try files.makeDirectories(directory)
        let handle = try files.createFile(path(1))
        var bytes: [UInt8] = []
        LogRecord.encode(LogFixture.entry(1), syncedEnd: 0, into: &bytes)
        LogRecord.encode(LogFixture.entry(2), syncedEnd: bytes.count + 1, into: &bytes)
        try files.write(handle, bytes)
        files.close(handle)
        #expect(
            openError()?.message
                == "Log corrupted: synced end 53 beyond the record in segment-00000000000000000001.log at offset 52")
    }

    @Test func formatVersion1RefusesToStartWithAClearMessage() throws {
        try files.makeDirectories(directory)
        let handle = try files.createFile(path(1))
        try files.write(handle, Array("RLOG".utf8) + [UInt8](repeating: 0, count: 40))
        files.close(handle)
        let error = openError()
        #expect(
            error?.message
                == "Log segment segment-00000000000000000001.log is in record format version 1 (magic RLOG), which this version no longer reads; move the log directory aside to start a new log"
        )
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
        try log.append([LogFixture.entry(10, term: 2, size: 42)])
        try log.sync()
        let reopened = try DurableLog(directory: directory, files: files, options: options)
        #expect(
            try LogFixture.all(reopened) == LogFixture.entries(1...9, size: 42) + [
                LogFixture.entry(10, term: 2, size: 42)
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

    @Test func outOfOrderWritebackLosesAMiddlePageAndKeepsTheLastOne() throws {
        var faults = SimulatedFileLayer.Faults()
        faults.unsyncedPagesOutOfOrder = 1
        faults.otherPageLost = 0
        faults.pageBytes = 100
        let written = (0..<1000).map { UInt8($0 % 251 + 1) }  // no zero byte
        var lostPages: Set<Int> = []
        var zeroFilled = 0
        for seed in 0..<60 as Range<UInt64> {
            let files = SimulatedFileLayer(faults: faults)
            try files.makeDirectories("/d")
            let handle = try files.createFile("/d/a")
            try files.syncDirectory("/d")
            try files.write(handle, Array(written[..<250]))
            try files.sync(handle)
            try files.write(handle, Array(written[250...]))
            var rng = DeterministicRNG(seed: seed)
            files.crash(using: &rng)
            let content = try files.readFile("/d/a")
            #expect(content.count == 1000, "seed=\(seed)")
            #expect(content[..<250] == written[..<250], "seed=\(seed): durable bytes changed")
            #expect(content[900...] == written[900...], "seed=\(seed): last page not kept")
            let differing = content.indices.filter { content[$0] != written[$0] }
            guard let first = differing.first else {
                Issue.record("seed=\(seed): no page lost")
                continue
            }
            #expect(differing.allSatisfy { $0 / 100 == first / 100 }, "seed=\(seed): more than one page lost")
            lostPages.insert(first / 100)
            if content[first] == 0 { zeroFilled += 1 }
        }
        #expect(lostPages == Set(2...8))  // page 2 only from offset 250, after the durable bytes
        #expect(zeroFilled > 10 && zeroFilled < 50)
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
        /// `ackedLast` when each index was last appended: every entry up to it was durable then, so
        /// the record of that index vouches for those of its segment (its synced end covers them).
        var ackedAtAppend: [UInt64: UInt64] = [:]
    }

    /// What the run exercised, printed so a weakened generator shows up.
    struct Stats {
        var crashes = 0
        var appended = 0
        var acknowledged = 0
        var tornTailsCut = 0
        /// Torn tails cut although valid (unsynced) records followed the damage.
        var outOfOrderTailsCut = 0
        /// Bit rot injected into a durable entry after a crash, and refused as corruption.
        var bitRotRefused = 0
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
                + "\(stats.acknowledged) acknowledged by sync, \(stats.tornTailsCut) torn tails cut "
                + "(\(stats.outOfOrderTailsCut) with valid records after the damage), "
                + "\(stats.bitRotRefused) bit rots refused, "
                + "\(stats.injectedFailures) injected I/O failures, \(stats.segmentsAtCrash) segment files at crash time"
        )
        #expect(stats.tornTailsCut > 0 && stats.injectedFailures > 0)
        #expect(stats.outOfOrderTailsCut > 0 && stats.bitRotRefused > 0)
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
            if try tornWithValidRecordsAfter(files) { stats.outOfOrderTailsCut += 1 }
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
            if rng.chance(0.5) {
                guard let reopened = try injectBitRot(log, files, options, model, &rng, context, &stats) else { return }
                log = reopened
            }
        }
    }

    /// Whether the last segment ends in damage that recovery will cut although valid records
    /// follow it (out-of-order writeback): the new fault at work.
    func tornWithValidRecordsAfter(_ files: SimulatedFileLayer) throws -> Bool {
        guard let name = try LogFixture.segmentNames(files).last, let first = SegmentName.parse(name) else {
            return false
        }
        let damage = SegmentScan(try files.readFile(LogFixture.directory + "/" + name), firstIndex: first).damage
        return damage.map { $0.isTornTail && $0.unsyncedRecordsAfter > 0 } ?? false
    }

    /// Flips a byte of a durable entry of the last segment that a later entry was appended after
    /// (the model knows it was acknowledged then), expects the log to refuse to start, naming the
    /// entry's offset, then restores the byte and reopens. Returns nil when the seed must stop.
    func injectBitRot(
        _ log: DurableLog, _ files: SimulatedFileLayer, _ options: DurableLog.Options, _ model: Model,
        _ rng: inout DeterministicRNG, _ context: String, _ stats: inout Stats
    ) throws -> DurableLog? {
        guard let segment = log.segments.last, !segment.offsets.isEmpty else { return log }
        // vouched[slot]: some later entry of the segment was appended once this one was acknowledged.
        var vouched = [Bool](repeating: false, count: segment.offsets.count)
        var highestAckedAtAppend: UInt64 = 0
        for slot in segment.offsets.indices.reversed() {
            let index = segment.firstIndex + UInt64(slot)
            vouched[slot] = highestAckedAtAppend >= index
            highestAckedAtAppend = max(highestAckedAtAppend, model.ackedAtAppend[index] ?? 0)
        }
        let candidates = vouched.indices.filter { vouched[$0] }
        guard !candidates.isEmpty else { return log }
        let slot = candidates[rng.int(in: 0...(candidates.count - 1))]
        let start = segment.offsets[slot]
        let end = slot + 1 < segment.offsets.count ? segment.offsets[slot + 1] : segment.size
        let offset = rng.int(in: start...(end - 1))
        let path = LogFixture.directory + "/" + segment.name
        let index = segment.firstIndex + UInt64(slot)
        log.close()
        try files.corruptByte(path, at: offset)
        do {
            let opened = try DurableLog(directory: LogFixture.directory, files: files, options: options)
            Issue.record(
                "\(context): bit rot at offset \(offset) (entry \(index)) not refused: opened with last index \(opened.lastIndex)"
            )
            return nil
        } catch {
            let suffix = " in \(segment.name) at offset \(start)"
            guard error.message.hasPrefix("Log corrupted: ") && error.message.hasSuffix(suffix) else {
                Issue.record("\(context): bit rot in entry \(index) at offset \(offset) gave: \(error)")
                return nil
            }
            stats.bitRotRefused += 1
        }
        try files.corruptByte(path, at: offset)
        let reopened = try DurableLog(directory: LogFixture.directory, files: files, options: options)
        #expect(reopened.lastIndex == log.lastIndex && reopened.recovery.truncatedSegment == nil, "\(context)")
        return reopened
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
        for entry in batch {
            model.latest[entry.index] = entry
            model.ackedAtAppend[entry.index] = model.ackedLast
        }
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
