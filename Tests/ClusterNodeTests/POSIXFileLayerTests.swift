import Foundation
import RoostAPI
import Testing

@testable import ClusterNode

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The real file layer against a real temporary directory, with real fsyncs.
@Suite struct POSIXFileLayerTests {
    let files = POSIXFileLayer()

    /// Runs `body` with a fresh directory under the system temp directory, removed afterwards.
    func withTemporaryDirectory(_ body: (String) throws -> Void) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("roost-log-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        try body(root)
    }

    @Test func fileOperationsBehaveAsDocumented() throws {
        try withTemporaryDirectory { root in
            let directory = root + "/a/b"
            try files.makeDirectories(directory)
            try files.makeDirectories(directory)  // idempotent
            let handle = try files.createFile(directory + "/one")
            #expect(throws: RoostError.self) { try files.createFile(directory + "/one") }
            try files.write(handle, [1, 2, 3, 4, 5])
            try files.sync(handle)
            try files.truncate(handle, toSize: 4)
            try files.write(handle, [9])
            files.close(handle)
            #expect(try files.readFile(directory + "/one") == [1, 2, 3, 4, 9])
            #expect(try files.read(directory + "/one", offset: 3, count: 10) == [4, 9])
            try files.rename(directory + "/one", to: directory + "/two")
            try files.syncDirectory(directory)
            #expect(try files.listDirectory(directory) == ["two"])
            try files.remove(directory + "/two")
            #expect(try files.listDirectory(directory).isEmpty)
            let error = #expect(throws: RoostError.self) { try files.readFile(directory + "/two") }
            #expect(error?.code == .notFound)
        }
    }

    @Test func logSurvivesReopenOnDisk() throws {
        try withTemporaryDirectory { root in
            let directory = root + "/log"
            let options = DurableLog.Options(segmentMaxBytes: 4096, entryMaxBytes: 1024)
            let log = try DurableLog(directory: directory, files: files, options: options)
            let written = LogFixture.entries(1...100, term: 5, size: 192)
            try log.append(written)
            try log.sync()
            log.close()
            #expect(try LogFixture.segmentNames(files, directory).count == 6)  // 17 records of 228 bytes each
            let reopened = try DurableLog(directory: directory, files: files, options: options)
            #expect(reopened.recovery.truncatedSegment == nil)
            #expect(try LogFixture.all(reopened) == written)
            try reopened.compact(through: 50)
            try reopened.truncateSuffix(after: 90)
            reopened.close()
            let third = try DurableLog(directory: directory, files: files, options: options)
            #expect(third.firstIndex == 35)
            #expect(try LogFixture.all(third) == Array(written[34..<90]))
        }
    }

    @Test func tornTailOnDiskIsCutAndAppendingContinues() throws {
        try withTemporaryDirectory { root in
            let directory = root + "/log"
            let log = try DurableLog(directory: directory, files: files)
            try log.append(LogFixture.entries(1...10, size: 92))  // 128-byte records
            try log.sync()
            log.close()
            let segment = directory + "/" + SegmentName.make(firstIndex: 1)
            #expect(truncateFile(segment, toSize: 10 * 128 - 7) == 0)
            let reopened = try DurableLog(directory: directory, files: files)
            #expect(reopened.lastIndex == 9)
            #expect(reopened.recovery.truncatedBytes == 128 - 7)
            try reopened.append([LogFixture.entry(10, term: 2, size: 92)])
            try reopened.sync()
            reopened.close()
            let third = try DurableLog(directory: directory, files: files)
            #expect(
                try LogFixture.all(third) == LogFixture.entries(1...9, size: 92) + [
                    LogFixture.entry(10, term: 2, size: 92)
                ])
        }
    }

    /// A power loss wrote the unsynced entries 4...12 back out of order: a zeroed middle page,
    /// later pages intact. Nothing unsynced was acknowledged, so the log cuts at the damage.
    @Test func tornMiddlePageOnDiskIsCut() throws {
        try withTemporaryDirectory { root in
            let directory = root + "/log"
            let log = try DurableLog(directory: directory, files: files)
            try log.append(LogFixture.entries(1...3, size: 92))  // 128-byte records
            try log.sync()
            try log.append(LogFixture.entries(4...12, size: 92))
            log.close()
            let segment = directory + "/" + SegmentName.make(firstIndex: 1)
            #expect(overwrite(segment, at: 512, with: [UInt8](repeating: 0, count: 512)) == 512)  // entries 5...8
            let reopened = try DurableLog(directory: directory, files: files)
            #expect(reopened.lastIndex == 4)
            #expect(reopened.recovery.truncatedOffset == 512)
            #expect(reopened.recovery.truncatedBytes == 12 * 128 - 512)
            #expect(try files.readFile(segment).count == 512)
            #expect(try LogFixture.all(reopened) == LogFixture.entries(1...4, size: 92))
        }
    }

    @Test func flippedByteOnDiskRefusesToStart() throws {
        try withTemporaryDirectory { root in
            let directory = root + "/log"
            let log = try DurableLog(directory: directory, files: files)
            try log.append(LogFixture.entries(1...5, size: 92))  // 128-byte records
            try log.sync()
            try log.append(LogFixture.entries(6...10, size: 92))  // these records vouch for 1...5
            try log.sync()
            log.close()
            let segment = directory + "/" + SegmentName.make(firstIndex: 1)
            #expect(overwriteByte(segment, at: 4 * 128 + 60) == 1)
            let error = #expect(throws: RoostError.self) { try DurableLog(directory: directory, files: files) }
            #expect(
                error?.message == "Log corrupted: checksum mismatch in segment-00000000000000000001.log at offset 512")
        }
    }

    /// Prints appends+syncs per second on this machine's disk; never asserts on timing.
    @Test func measureAppendAndSyncThroughput() throws {
        try withTemporaryDirectory { root in
            let clock = ContinuousClock()
            let single = try DurableLog(directory: root + "/single", files: files)
            let singleTime = try clock.measure {
                for index in 1...1000 as ClosedRange<UInt64> {
                    try single.append([LogFixture.entry(index, size: 200)])
                    try single.sync()
                }
            }
            let batched = try DurableLog(directory: root + "/batched", files: files)
            let batchedTime = try clock.measure {
                var next: UInt64 = 1
                while next <= 1000 {
                    let last = min(next + 63, 1000)
                    try batched.append(LogFixture.entries(next...last, size: 200))
                    try batched.sync()
                    next = last + 1
                }
            }
            func rate(_ duration: Duration) -> Int {
                let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
                return Int(1000 / seconds)
            }
            print(
                "DurableLog on \(root): 1000 × (append 200 B + sync) in \(singleTime) = \(rate(singleTime)) entries/s")
            print(
                "DurableLog on \(root): 1000 entries of 200 B, 64 per sync, in \(batchedTime) = \(rate(batchedTime)) entries/s"
            )
            #expect(single.lastIndex == 1000)
            #expect(batched.lastIndex == 1000)
        }
    }
}

// File-scope wrappers: inside the suite, `files` methods would shadow these C functions.
private func truncateFile(_ path: String, toSize size: Int) -> Int32 {
    truncate(path, off_t(size))
}

private func overwriteByte(_ path: String, at offset: Int) -> Int {
    overwrite(path, at: offset, with: [0x5A])
}

private func overwrite(_ path: String, at offset: Int, with bytes: [UInt8]) -> Int {
    let fd = open(path, O_WRONLY)
    defer { _ = close(fd) }
    return bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(offset)) }
}
