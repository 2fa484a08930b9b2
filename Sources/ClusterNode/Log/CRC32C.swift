/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of every log record.
///
/// Chosen over CRC-32 (zlib) because it detects more error patterns at the record sizes we write
/// and is the checksum of iSCSI, ext4 metadata and etcd's WAL. Check value: "123456789" → 0xE3069283.
public struct CRC32C: Sendable, Hashable {
    private var state: UInt32 = 0xFFFF_FFFF

    public init() {}

    /// The checksum of everything passed to `update` so far.
    public var value: UInt32 { ~state }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var crc = state
        crc32cTable.withUnsafeBufferPointer { table in
            for byte in bytes {
                crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
            }
        }
        state = crc
    }

    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// The checksum of `bytes`.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc = CRC32C()
        crc.update(bytes)
        return crc.value
    }
}

private let crc32cTable: [UInt32] = (0..<256).map { (byte: UInt32) -> UInt32 in
    var crc = byte
    for _ in 0..<8 {
        crc = (crc & 1) == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1
    }
    return crc
}
