/// Encoding of one log record, format version 1. All integers are little-endian:
///
///     offset  size  field
///          0     4  magic "RLOG" (0x52 0x4C 0x4F 0x47); a new format gets a new magic
///          4     4  payload length n (UInt32)
///          8     8  index (UInt64)
///         16     8  term (UInt64)
///         24     4  CRC-32C over bytes 4..<24 then the payload (length, index, term, payload)
///         28     n  payload
///
/// Records are packed back to back without padding in segment files named
/// `segment-<index of the first record, 20 digits>.log`. The checksum also covers the length, so a
/// flipped length bit is caught rather than sending the reader off into the payload. A zero-filled
/// or half-written tail fails the magic, the length bound or the checksum.
enum LogRecord {
    static let magic: [UInt8] = [0x52, 0x4C, 0x4F, 0x47]
    static let headerSize = 28

    static func encodedSize(payloadCount: Int) -> Int {
        headerSize + payloadCount
    }

    /// Appends the encoding of `entry` to `buffer`.
    static func encode(_ entry: LogEntry, into buffer: inout [UInt8]) {
        precondition(entry.payload.count <= Int(UInt32.max), "payload too large for a record")
        let start = buffer.count
        buffer.append(contentsOf: magic)
        appendLittleEndian(UInt32(entry.payload.count), to: &buffer)
        appendLittleEndian(entry.index, to: &buffer)
        appendLittleEndian(entry.term, to: &buffer)
        var crc = CRC32C()
        buffer.withUnsafeBytes { crc.update(UnsafeRawBufferPointer(rebasing: $0[(start + 4)..<(start + 24)])) }
        crc.update(entry.payload)
        appendLittleEndian(crc.value, to: &buffer)
        buffer.append(contentsOf: entry.payload)
    }

    enum Decoded: Equatable {
        /// A whole record whose checksum matches; `size` is its encoded length.
        case valid(LogEntry, size: Int)
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
        let stored = bytes.loadUnaligned(fromByteOffset: offset + 24, as: UInt32.self).littleEndian
        let payloadStart = offset + headerSize
        var crc = CRC32C()
        crc.update(UnsafeRawBufferPointer(rebasing: bytes[(offset + 4)..<(offset + 24)]))
        let payload = UnsafeRawBufferPointer(rebasing: bytes[payloadStart..<(payloadStart + length)])
        crc.update(payload)
        guard crc.value == stored else { return .invalid(reason: "checksum mismatch") }
        let entry = LogEntry(index: index, term: term, payload: Array(payload))
        return .valid(entry, size: headerSize + length)
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
struct SegmentScan {
    /// Where the problem starts, what it is, and whether it can be a torn final write.
    struct Damage {
        var offset: Int
        var reason: String
        /// True when nothing valid follows the damage: the signature of a write cut short by a
        /// crash. False when a valid record follows (or a valid record has the wrong index): that is
        /// corruption of data that was once written whole, and dropping it could drop committed
        /// entries.
        var isTornTail: Bool
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
                case .valid(let entry, let size):
                    guard entry.index == expected else {
                        let reason = "unexpected index \(entry.index) (expected \(expected))"
                        damage = Damage(offset: validBytes, reason: reason, isTornTail: false)
                        return
                    }
                    offsets.append(validBytes)
                    validBytes += size
                    expected += 1
                case .incomplete:
                    damage = Self.damage(in: buffer, at: validBytes, reason: "incomplete record")
                    return
                case .invalid(let reason):
                    damage = Self.damage(in: buffer, at: validBytes, reason: reason)
                    return
                }
            }
        }
    }

    private static func damage(in buffer: UnsafeRawBufferPointer, at offset: Int, reason: String) -> Damage {
        Damage(offset: offset, reason: reason, isTornTail: !containsValidRecord(buffer, after: offset))
    }

    /// Whether any whole record with a matching checksum starts after `offset`. A torn write leaves
    /// only a prefix of what was written, so nothing valid can follow it.
    private static func containsValidRecord(_ buffer: UnsafeRawBufferPointer, after offset: Int) -> Bool {
        var candidate = offset + 1
        while candidate + LogRecord.headerSize <= buffer.count {
            if buffer[candidate] == LogRecord.magic[0], case .valid = LogRecord.decode(buffer, at: candidate) {
                return true
            }
            candidate += 1
        }
        return false
    }
}
