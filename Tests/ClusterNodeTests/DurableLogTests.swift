import RoostAPI
import Testing

@testable import ClusterNode

/// Shared helpers for the log tests (used by the crash and POSIX tests too).
enum LogFixture {
    static let directory = "/var/lib/roost/log"

    /// A deterministic entry whose payload depends on index, term and size.
    static func entry(_ index: UInt64, term: UInt64 = 1, size: Int = 16) -> LogEntry {
        LogEntry(
            index: index, term: term, payload: (0..<size).map { UInt8(truncatingIfNeeded: Int(index) &* 31 &+ $0) })
    }

    static func entries(_ range: ClosedRange<UInt64>, term: UInt64 = 1, size: Int = 16) -> [LogEntry] {
        range.map { entry($0, term: term, size: size) }
    }

    static func segmentNames(_ files: any FileLayer, _ directory: String = directory) throws -> [String] {
        try files.listDirectory(directory).filter { $0.hasPrefix("segment-") }
    }

    static func all(_ log: DurableLog) throws -> [LogEntry] {
        try log.entries(from: log.firstIndex, through: log.lastIndex, maxBytes: .max)
    }
}

@Suite struct LogRecordTests {
    @Test func crc32cMatchesTheStandardCheckValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([]) == 0)
    }

    @Test func recordRoundTripsAndDocumentsItsLayout() throws {
        let entry = LogEntry(index: 0x0102, term: 7, payload: [0xAA, 0xBB, 0xCC])
        var bytes: [UInt8] = []
        LogRecord.encode(entry, syncedEnd: 0x0304, into: &bytes)
        #expect(bytes.count == 36 + 3)
        #expect(Array(bytes[0..<4]) == Array("RLG2".utf8))
        #expect(Array(bytes[4..<8]) == [3, 0, 0, 0])
        #expect(Array(bytes[8..<16]) == [0x02, 0x01, 0, 0, 0, 0, 0, 0])
        #expect(Array(bytes[16..<24]) == [7, 0, 0, 0, 0, 0, 0, 0])
        #expect(Array(bytes[24..<32]) == [0x04, 0x03, 0, 0, 0, 0, 0, 0])
        let crc = CRC32C.checksum(Array(bytes[4..<32]) + [0xAA, 0xBB, 0xCC])
        #expect(Array(bytes[32..<36]) == (0..<4).map { UInt8(truncatingIfNeeded: crc >> (8 * $0)) })
        #expect(Array(bytes[36...]) == [0xAA, 0xBB, 0xCC])
        let decoded = bytes.withUnsafeBytes { LogRecord.decode($0, at: 0) }
        #expect(decoded == .valid(entry, size: 39, syncedEnd: 0x0304))
    }

    @Test func damagedRecordsAreReportedNotReturned() {
        var bytes: [UInt8] = []
        LogRecord.encode(LogFixture.entry(1), syncedEnd: 0, into: &bytes)
        for position in [4, 9, 17, 25, 33, 40] {
            var damaged = bytes
            damaged[position] ^= 0x01
            let decoded = damaged.withUnsafeBytes { LogRecord.decode($0, at: 0) }
            #expect(decoded == .invalid(reason: "checksum mismatch") || decoded == .incomplete, "byte \(position)")
        }
        let torn = Array(bytes.dropLast())
        #expect(torn.withUnsafeBytes { LogRecord.decode($0, at: 0) } == .incomplete)
        let zeros = [UInt8](repeating: 0, count: 64)
        #expect(zeros.withUnsafeBytes { LogRecord.decode($0, at: 0) } == .invalid(reason: "bad record magic"))
    }

    @Test func segmentNamesSortByIndex() {
        #expect(SegmentName.make(firstIndex: 42) == "segment-00000000000000000042.log")
        #expect(SegmentName.parse("segment-00000000000000000042.log") == 42)
        #expect(SegmentName.parse(SegmentName.make(firstIndex: .max)) == .max)
        #expect(SegmentName.parse("segment-42.log") == nil)
        #expect(SegmentName.parse("segment-0000000000000000004x.log") == nil)
        #expect(SegmentName.make(firstIndex: 9) < SegmentName.make(firstIndex: 10))
    }

    @Test func rngIsDeterministicAndBounded() {
        var first = DeterministicRNG(seed: 7)
        var second = DeterministicRNG(seed: 7)
        #expect((0..<100).map { _ in first.next() } == (0..<100).map { _ in second.next() })
        var rng = DeterministicRNG(seed: 1)
        for _ in 0..<1000 {
            #expect((3...9).contains(rng.int(in: 3...9)))
            #expect(rng.uniform(5) < 5)
        }
        #expect(rng.chance(0) == false)
        #expect(rng.chance(1) == true)
    }
}

@Suite struct DurableLogTests {
    let files = SimulatedFileLayer()

    func open(_ options: DurableLog.Options = .init()) throws -> DurableLog {
        try DurableLog(directory: LogFixture.directory, files: files, options: options)
    }

    @Test func brandNewLogIsEmpty() throws {
        let log = try open()
        #expect(log.firstIndex == 1)
        #expect(log.lastIndex == 0)
        #expect(try log.entries(from: 1, through: 0, maxBytes: 100).isEmpty)
        try log.sync()
        #expect(try LogFixture.segmentNames(files).isEmpty)
    }

    @Test func appendedEntriesRoundTrip() throws {
        let log = try open()
        let written = LogFixture.entries(1...10, term: 3, size: 100) + [LogEntry(index: 11, term: 4, payload: [])]
        try log.append(written)
        try log.sync()
        #expect(log.firstIndex == 1)
        #expect(log.lastIndex == 11)
        #expect(try LogFixture.all(log) == written)
        #expect(try log.entries(from: 4, through: 6, maxBytes: .max) == Array(written[3...5]))
    }

    @Test func brandNewLogAcceptsAnyFirstIndex() throws {
        let log = try open()
        try log.append(LogFixture.entries(100...102))
        try log.sync()
        #expect(log.firstIndex == 100)
        #expect(log.lastIndex == 102)
        let reopened = try open()
        #expect(reopened.firstIndex == 100)
        #expect(try LogFixture.all(reopened) == LogFixture.entries(100...102))
    }

    @Test func rollsOverAcrossSegments() throws {
        // 36-byte header + 42-byte payload = 78 bytes: three records per 256-byte segment.
        let options = DurableLog.Options(segmentMaxBytes: 256, entryMaxBytes: 64)
        let log = try open(options)
        try log.append(LogFixture.entries(1...5, size: 42))
        try log.append(LogFixture.entries(6...10, size: 42))
        try log.sync()
        let names = try LogFixture.segmentNames(files)
        #expect(names.map { SegmentName.parse($0) } == [1, 4, 7, 10])
        for name in names {
            #expect(try files.readFile(LogFixture.directory + "/" + name).count <= 256)
        }
        #expect(try LogFixture.all(log) == LogFixture.entries(1...10, size: 42))
        let reopened = try open(options)
        #expect(reopened.lastIndex == 10)
        #expect(try LogFixture.all(reopened) == LogFixture.entries(1...10, size: 42))
    }

    @Test func entriesRespectsMaxBytesButReturnsAtLeastOne() throws {
        let log = try open(.init(segmentMaxBytes: 512, entryMaxBytes: 256))
        try log.append(LogFixture.entries(1...10, size: 92))
        #expect(try log.entries(from: 1, through: 10, maxBytes: 250).map(\.index) == [1, 2])
        #expect(try log.entries(from: 3, through: 10, maxBytes: 0).map(\.index) == [3])
        #expect(try log.entries(from: 3, through: 10, maxBytes: 91).map(\.index) == [3])
        // Crosses segment boundaries (four 128-byte records per 512-byte segment).
        #expect(try log.entries(from: 3, through: 9, maxBytes: 500).map(\.index) == [3, 4, 5, 6, 7])
        #expect(try log.entries(from: 3, through: 9, maxBytes: .max).map(\.index) == Array(3...9))
        #expect(try log.entries(from: 5, through: 4, maxBytes: .max).isEmpty)
        #expect(throws: RoostError.self) { try log.entries(from: 1, through: 11, maxBytes: .max) }
    }

    @Test func compactDropsWholeSegmentsButKeepsTheActiveOne() throws {
        let options = DurableLog.Options(segmentMaxBytes: 256, entryMaxBytes: 64)
        let log = try open(options)
        try log.append(LogFixture.entries(1...10, size: 42))  // segments 1, 4, 7, 10
        try log.compact(through: 0)
        #expect(log.firstIndex == 1)
        try log.compact(through: 5)  // only segment 1-3 lies wholly at or below 5
        #expect(log.firstIndex == 4)
        let error = #expect(throws: RoostError.self) { try log.entries(from: 3, through: 5, maxBytes: .max) }
        #expect(error?.code == .notFound)
        try log.compact(through: 100)
        #expect(log.firstIndex == 10)
        #expect(log.lastIndex == 10)
        #expect(try LogFixture.segmentNames(files) == [SegmentName.make(firstIndex: 10)])
        try log.append(LogFixture.entries(11...12, size: 42))
        try log.sync()
        let reopened = try open(options)
        #expect(try LogFixture.all(reopened) == LogFixture.entries(10...12, size: 42))
    }

    @Test func truncateSuffixRemovesLaterEntriesDurably() throws {
        let options = DurableLog.Options(segmentMaxBytes: 256, entryMaxBytes: 64)
        let log = try open(options)
        try log.append(LogFixture.entries(1...10, size: 42))
        try log.truncateSuffix(after: 8)  // inside segment 7-9, removes segment 10
        #expect(log.lastIndex == 8)
        #expect(try LogFixture.segmentNames(files).map { SegmentName.parse($0) } == [1, 4, 7])
        try log.append(LogFixture.entries(9...9, term: 2, size: 42))
        try log.truncateSuffix(after: 3)  // exactly the end of segment 1-3
        #expect(log.lastIndex == 3)
        #expect(try LogFixture.segmentNames(files).map { SegmentName.parse($0) } == [1])
        try log.truncateSuffix(after: 3)  // no-op
        #expect(throws: RoostError.self) { try log.append([LogFixture.entry(5)]) }
        try log.append(LogFixture.entries(4...5, term: 3, size: 42))
        var crashRNG = DeterministicRNG(seed: 1)
        files.crash(using: &crashRNG)  // truncation was durable; 4...5 were never synced
        let reopened = try open(options)
        #expect(Array(try LogFixture.all(reopened).prefix(3)) == LogFixture.entries(1...3, size: 42))
        #expect(reopened.lastIndex <= 5)
    }

    @Test func truncateSuffixCanEmptyTheLogButKeepsItsPosition() throws {
        let options = DurableLog.Options(segmentMaxBytes: 256, entryMaxBytes: 64)
        let log = try open(options)
        try log.append(LogFixture.entries(1...10, size: 42))
        try log.compact(through: 6)
        #expect(log.firstIndex == 7)
        #expect(throws: RoostError.self) { try log.truncateSuffix(after: 5) }
        try log.truncateSuffix(after: 6)
        #expect(log.firstIndex == 7)
        #expect(log.lastIndex == 6)
        let reopened = try open(options)
        #expect(reopened.firstIndex == 7)
        #expect(reopened.lastIndex == 6)
        #expect(throws: RoostError.self) { try reopened.append([LogFixture.entry(100)]) }
        try reopened.append([LogFixture.entry(7)])
        #expect(try LogFixture.all(reopened) == [LogFixture.entry(7)])
    }

    @Test func oversizeEntryIsRejectedAndNothingIsWritten() throws {
        let log = try open(.init(segmentMaxBytes: 1024, entryMaxBytes: 64))
        let error = #expect(throws: RoostError.self) {
            try log.append([LogFixture.entry(1, size: 10), LogFixture.entry(2, size: 65)])
        }
        #expect(error?.code == .payloadTooLarge)
        #expect(log.lastIndex == 0)
        try log.append([LogFixture.entry(1, size: 64)])
        #expect(log.lastIndex == 1)
    }

    @Test func nonContiguousAppendIsRejected() throws {
        let log = try open()
        #expect(throws: RoostError.self) { try log.append([LogFixture.entry(0)]) }
        try log.append(LogFixture.entries(1...3))
        for bad in [[LogFixture.entry(5)], [LogFixture.entry(3)], [LogFixture.entry(4), LogFixture.entry(6)]] {
            let error = #expect(throws: RoostError.self) { try log.append(bad) }
            #expect(error?.code == .badRequest)
        }
        #expect(log.lastIndex == 3)
        try log.append([])
        try log.append(LogFixture.entries(4...5))
        #expect(log.lastIndex == 5)
    }

    @Test(arguments: [
        DurableLog.Options(segmentMaxBytes: 100, entryMaxBytes: 10),
        DurableLog.Options(segmentMaxBytes: 2 << 30, entryMaxBytes: 10),
        DurableLog.Options(segmentMaxBytes: 1024, entryMaxBytes: 0),
        DurableLog.Options(segmentMaxBytes: 1024, entryMaxBytes: 1024),
    ])
    func invalidOptionsAreRejected(options: DurableLog.Options) {
        let error = #expect(throws: RoostError.self) { try options.validate() }
        #expect(error?.code == .badRequest)
        #expect(throws: RoostError.self) { try open(options) }
    }

    @Test func defaultOptionsAreValid() throws {
        try DurableLog.Options().validate()
        #expect(DurableLog.Options().segmentMaxBytes == 16 << 20)
        #expect(DurableLog.Options().entryMaxBytes == 4 << 20)
    }

    @Test func reopensAfterCleanClose() throws {
        let log = try open()
        try log.append(LogFixture.entries(1...20, term: 2))
        try log.sync()
        log.close()
        let error = #expect(throws: RoostError.self) { try log.append([LogFixture.entry(21)]) }
        #expect(error?.code == .unavailable)
        #expect(files.openHandleCount == 0)
        let reopened = try open()
        #expect(reopened.recovery.segmentCount == 1)
        #expect(reopened.recovery.truncatedSegment == nil)
        #expect(try LogFixture.all(reopened) == LogFixture.entries(1...20, term: 2))
        try reopened.append([LogFixture.entry(21)])
        #expect(reopened.lastIndex == 21)
    }

    @Test func syncIsGroupCommitAndSkipsWhenNothingIsPending() throws {
        let log = try open()
        try log.append(LogFixture.entries(1...64))
        try log.sync()  // the file, and the directory for the new segment
        let afterFirst = (files.syncCount, files.directorySyncCount)
        try log.sync()
        #expect(files.syncCount == afterFirst.0)
        #expect(files.directorySyncCount == afterFirst.1)
        try log.append(LogFixture.entries(65...128))
        try log.sync()  // the file only
        #expect(files.syncCount == afterFirst.0 + 1)
        #expect(files.directorySyncCount == afterFirst.1)
    }

    @Test func failedSyncPoisonsTheLog() throws {
        let log = try open()
        try log.append(LogFixture.entries(1...3))
        try log.sync()
        try log.append(LogFixture.entries(4...5))
        files.failNextSync()
        #expect(throws: RoostError.self) { try log.sync() }
        #expect(throws: RoostError.self) { try log.sync() }
        #expect(throws: RoostError.self) { try log.append([LogFixture.entry(6)]) }
        #expect(throws: RoostError.self) { try log.entries(from: 1, through: 3, maxBytes: .max) }
        #expect(throws: RoostError.self) { try log.compact(through: 1) }
        #expect(throws: RoostError.self) { try log.truncateSuffix(after: 1) }
        var rng = DeterministicRNG(seed: 3)
        files.crash(using: &rng)
        let reopened = try open()
        #expect(reopened.lastIndex >= 3)
        #expect(Array(try LogFixture.all(reopened).prefix(3)) == LogFixture.entries(1...3))
    }

    @Test func failedWritePoisonsAndItsPartialRecordIsCutOnOpen() throws {
        let log = try open()
        try log.append(LogFixture.entries(1...3))
        try log.sync()
        files.failNextWrite(keepingBytes: 10)
        #expect(throws: RoostError.self) { try log.append([LogFixture.entry(4)]) }
        #expect(throws: RoostError.self) { try log.sync() }
        log.close()
        let reopened = try open()  // no crash: the partial record is still there
        #expect(reopened.lastIndex == 3)
        #expect(reopened.recovery.truncatedSegment == SegmentName.make(firstIndex: 1))
        #expect(reopened.recovery.truncatedBytes == 10)
        try reopened.append([LogFixture.entry(4)])
        #expect(try LogFixture.all(reopened) == LogFixture.entries(1...4))
    }
}
