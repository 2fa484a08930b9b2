/// Encoding of one log record, format version 2. All integers are little-endian:
///
///     offset  size  field
///          0     4  magic "RLG2" (0x52 0x4C 0x47 0x32); a new format gets a new magic
///          4     4  payload length n (UInt32)
///          8     8  index (UInt64)
///         16     8  term (UInt64)
///         24     8  synced end (UInt64), see below
///         32     4  CRC-32C over bytes 4..<32 then the payload (length, index, term, synced end, payload)
///         36     n  payload
///
/// Records are packed back to back without padding in segment files named
/// `segment-<index of the first record, 20 digits>.log`. The checksum also covers the length, so a
/// flipped length bit is caught rather than sending the reader off into the payload. A zero-filled
/// or half-written tail fails the magic, the length bound or the checksum.
///
/// **Synced end.** The byte offset, within the record's segment, where the unsynced region began
/// when the record was written: the segment's size at its last successful fsync (by `sync()`, a
/// truncation or recovery), or 0 when the segment was created since. Every byte before it was
/// durable when the record was written, so it is never beyond the record's own offset. Recovery
/// uses it to tell a crash that wrote back an unsynced batch out of order from bit rot in durable
/// data: see `SegmentScan`.
///
/// Format version 1 (magic "RLOG", a 28-byte header without the synced end) is not read: no log in
/// that format was ever deployed, and reading it would need the old, stricter recovery rule. Opening
/// a directory holding such a segment refuses to start with a message saying so (`legacyMagic`).
enum LogRecord {
    static let magic: [UInt8] = [0x52, 0x4C, 0x47, 0x32]
    /// Magic of format version 1, recognized only to refuse it clearly.
    static let legacyMagic: [UInt8] = [0x52, 0x4C, 0x4F, 0x47]
    static let headerSize = 36

    static func encodedSize(payloadCount: Int) -> Int {
        headerSize + payloadCount
    }

    /// Appends the encoding of `entry` to `buffer`; `syncedEnd` is the segment's durable size when
    /// the record is written (see the type's documentation).
    static func encode(_ entry: LogEntry, syncedEnd: Int, into buffer: inout [UInt8]) {
        precondition(entry.payload.count <= Int(UInt32.max), "payload too large for a record")
        precondition(syncedEnd >= 0, "negative synced end")
        let start = buffer.count
        buffer.append(contentsOf: magic)
        appendLittleEndian(UInt32(entry.payload.count), to: &buffer)
        appendLittleEndian(entry.index, to: &buffer)
        appendLittleEndian(entry.term, to: &buffer)
        appendLittleEndian(UInt64(syncedEnd), to: &buffer)
        var crc = CRC32C()
        buffer.withUnsafeBytes { crc.update(UnsafeRawBufferPointer(rebasing: $0[(start + 4)..<(start + 32)])) }
        crc.update(entry.payload)
        appendLittleEndian(crc.value, to: &buffer)
        buffer.append(contentsOf: entry.payload)
    }

    enum Decoded: Equatable {
        /// A whole record whose checksum matches; `size` is its encoded length, `syncedEnd` its
        /// synced end (clamped to `Int.max`).
        case valid(LogEntry, size: Int, syncedEnd: Int)
        /// The bytes end before the record does (a torn write, or a damaged length).
        case incomplete
        /// The record is damaged; `reason` is e.g. "checksum mismatch".
        case invalid(reason: String)
    }

    /// Decodes the record starting at `offset` of `bytes`.
    static func decode(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Decoded {
        precondition(offset >= 0 && offset <= bytes.count, "record offset outside the buffer")
        let remaining = bytes.count - offset
        guard remaining >= headerSize else { return .incomplete }
        for (position, byte) in magic.enumerated() where bytes[offset + position] != byte {
            return .invalid(reason: "bad record magic")
        }
        let length = Int(bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self).littleEndian)
        guard remaining - headerSize >= length else { return .incomplete }
        let index = bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self).littleEndian
        let term = bytes.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self).littleEndian
        let syncedEnd = bytes.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self).littleEndian
        let stored = bytes.loadUnaligned(fromByteOffset: offset + 32, as: UInt32.self).littleEndian
        let payloadStart = offset + headerSize
        var crc = CRC32C()
        crc.update(UnsafeRawBufferPointer(rebasing: bytes[(offset + 4)..<(offset + 32)]))
        let payload = UnsafeRawBufferPointer(rebasing: bytes[payloadStart..<(payloadStart + length)])
        crc.update(payload)
        guard crc.value == stored else { return .invalid(reason: "checksum mismatch") }
        let entry = LogEntry(index: index, term: term, payload: Array(payload))
        return .valid(entry, size: headerSize + length, syncedEnd: Int(clamping: syncedEnd))
    }

    private static func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to buffer: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) }
    }
}

/// Names of segment files: `segment-` + first index in 20 decimal digits (UInt64.max has 20) +
/// `.log`, so that sorting names sorts segments by index.
enum SegmentName {
    static let prefix = "segment-"
    static let suffix = ".log"
    static let digits = 20

    static func make(firstIndex: UInt64) -> String {
        let number = String(firstIndex)
        return prefix + String(repeating: "0", count: digits - number.count) + number + suffix
    }

    /// The first index encoded in `name`, or nil when `name` is not a segment file name.
    static func parse(_ name: String) -> UInt64? {
        guard name.hasPrefix(prefix), name.hasSuffix(suffix) else { return nil }
        let number = name.dropFirst(prefix.count).dropLast(suffix.count)
        guard number.count == digits, number.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return UInt64(number)
    }
}

/// What reading one segment file found.
///
/// **Torn or corrupt.** Damage (bad magic, incomplete record, checksum mismatch) at offset X of
/// the last segment is either a crash tearing writes that were never fsynced — never acknowledged,
/// safe to cut — or damage to durable, possibly acknowledged data, which must refuse to start. A
/// power loss may write an unsynced batch back out of order (a middle page lost, a later one
/// kept), so "a valid record follows the damage" does not by itself mean corruption. What does:
/// `sync()` makes a whole prefix of the file durable, and each record carries the end of that
/// prefix as it stood when the record was written (its *synced end*, see `LogRecord`). So if any
/// valid record after X has a synced end beyond X, X was already durable when that record was
/// written, and damage there is corruption. If none does (no valid record follows, or all of
/// them were written while X was still unsynced), X lies in the final unsynced region: torn.
///
/// The rule cannot see a sync that no surviving record recorded: bit rot in the records written
/// before the last fsync, when nothing was written after it (or what was is lost), looks exactly
/// like a torn unsynced batch and is cut. Damage anywhere in a segment that is not the last is
/// always corruption (segments are fsynced before the log rolls past them); the caller decides.
struct SegmentScan {
    /// Where the problem starts, what it is, and whether it can be a torn final write.
    struct Damage {
        var offset: Int
        var reason: String
        /// True when no valid record after the damage proves that `offset` was durable (see the
        /// type's documentation): the damage lies in the final unsynced region. False when one
        /// does, or when a valid record has the wrong index or an impossible synced end: that is
        /// corruption of data that was written whole, and dropping it could drop committed entries.
        var isTornTail: Bool
        /// Offset of the valid record whose synced end proves `offset` was durable, if found.
        var provenDurableBy: Int?
        /// Valid records found after the damage that were written while `offset` was unsynced
        /// (counted up to the proof, if any); cut with the tail when it is torn.
        var unsyncedRecordsAfter = 0
    }

    /// Start offset of each valid record, in index order.
    var offsets: [Int] = []
    /// Bytes up to the end of the last valid record.
    var validBytes = 0
    var damage: Damage?

    /// Verifies every record of `bytes`, expecting consecutive indexes from `firstIndex`.
    init(_ bytes: [UInt8], firstIndex: UInt64) {
        bytes.withUnsafeBytes { buffer in
            var expected = firstIndex
            while validBytes < buffer.count {
                switch LogRecord.decode(buffer, at: validBytes) {
                case .valid(let entry, let size, let syncedEnd):
                    guard entry.index == expected else {
                        let reason = "unexpected index \(entry.index) (expected \(expected))"
                        damage = Damage(offset: validBytes, reason: reason, isTornTail: false)
                        return
                    }
                    guard syncedEnd <= validBytes else {
                        let reason = "synced end \(syncedEnd) beyond the record"
                        damage = Damage(offset: validBytes, reason: reason, isTornTail: false)
                        return
                    }
                    offsets.append(validBytes)
                    validBytes += size
                    expected += 1
                case .incomplete:
                    damage = Self.damage(
                        in: buffer, at: validBytes, expectedIndex: expected, reason: "incomplete record")
                    return
                case .invalid(let reason):
                    damage = Self.damage(in: buffer, at: validBytes, expectedIndex: expected, reason: reason)
                    return
                }
            }
        }
    }

    /// Classifies damage at `offset`, where entry `expectedIndex` should start, by searching the
    /// rest of the segment, byte by byte (record boundaries after damage are unknown), for a valid
    /// record written once `offset` was durable. A candidate counts only if it could have been
    /// written after the damaged record: a later index and a synced end not beyond its own offset
    /// (which rules out most records that merely appear inside another record's payload).
    private static func damage(
        in buffer: UnsafeRawBufferPointer, at offset: Int, expectedIndex: UInt64, reason: String
    ) -> Damage {
        var result = Damage(offset: offset, reason: reason, isTornTail: true)
        var candidate = offset + 1
        while candidate + LogRecord.headerSize <= buffer.count {
            if buffer[candidate] == LogRecord.magic[0],
                case .valid(let entry, _, let syncedEnd) = LogRecord.decode(buffer, at: candidate),
                entry.index > expectedIndex, syncedEnd <= candidate
            {
                if syncedEnd > offset {
                    result.isTornTail = false
                    result.provenDurableBy = candidate
                    return result
                }
                result.unsyncedRecordsAfter += 1
            }
            candidate += 1
        }
        return result
    }
}
