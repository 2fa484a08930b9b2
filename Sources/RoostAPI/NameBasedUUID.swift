import Foundation

/// RFC 9562 name-based UUIDs, version 5 (SHA-1 of namespace and name; SHA-1's weakness does not
/// matter here: the name is not secret and a collision buys nothing but a refused create).
///
/// An instance's uuid is derived from the request id that created it, in Roost's namespace: a
/// retry of the create, on any member, derives the same uuid, while no client can choose the
/// uuid of an instance (sending another instance's uuid as a request id yields a different one).
public enum NameBasedUUID {
    /// Roost's namespace for instance uuids: the v5 uuid of "roost.instance" in the RFC's URL
    /// namespace. Fixed forever: changing it would change the uuid a retried create derives.
    public static let instanceNamespace = UUID(uuidString: "6e6fb48a-7356-5762-a340-f37f6567a657")!

    public static func v5(namespace: UUID, name: [UInt8]) -> UUID {
        var hasher = SHA1()
        hasher.update(withUnsafeBytes(of: namespace.uuid) { Array($0) })
        hasher.update(name)
        var bytes = Array(hasher.finalize().prefix(16))
        bytes[6] = (bytes[6] & 0x0f) | 0x50
        bytes[8] = (bytes[8] & 0x3f) | 0x80
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9],
                bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }

    /// The uuid of the instance a create request with this id makes.
    public static func instance(forRequest requestID: UUID) -> UUID {
        v5(namespace: instanceNamespace, name: withUnsafeBytes(of: requestID.uuid) { Array($0) })
    }
}

/// SHA-1 (FIPS 180-4), only for name-based UUIDs (RFC 9562 fixes the hash).
struct SHA1 {
    private var state: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0]
    private var buffer: [UInt8] = []
    private var length: UInt64 = 0

    mutating func update(_ bytes: [UInt8]) {
        for byte in bytes {
            buffer.append(byte)
            length &+= 1
            if buffer.count == 64 {
                compress(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
    }

    mutating func finalize() -> [UInt8] {
        let bitLength = length &* 8
        update([0x80])
        while buffer.count != 56 { update([0]) }
        for shift in stride(from: 56, through: 0, by: -8) {
            buffer.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
        }
        compress(buffer)
        buffer.removeAll()
        return state.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> UInt32(24 - $0 * 8)) } }
    }

    private mutating func compress(_ block: [UInt8]) {
        var w = [UInt32](repeating: 0, count: 80)
        for i in 0..<16 {
            w[i] =
                UInt32(block[i * 4]) << 24 | UInt32(block[i * 4 + 1]) << 16 | UInt32(block[i * 4 + 2]) << 8
                | UInt32(block[i * 4 + 3])
        }
        for i in 16..<80 {
            let x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]
            w[i] = x << 1 | x >> 31
        }
        var (a, b, c, d, e) = (state[0], state[1], state[2], state[3], state[4])
        for i in 0..<80 {
            let (f, k): (UInt32, UInt32) =
                switch i {
                case 0..<20: ((b & c) | (~b & d), 0x5A82_7999)
                case 20..<40: (b ^ c ^ d, 0x6ED9_EBA1)
                case 40..<60: ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC)
                default: (b ^ c ^ d, 0xCA62_C1D6)
                }
            let temp = (a << 5 | a >> 27) &+ f &+ e &+ k &+ w[i]
            (e, d, c, b, a) = (d, c, b << 30 | b >> 2, a, temp)
        }
        state[0] &+= a
        state[1] &+= b
        state[2] &+= c
        state[3] &+= d
        state[4] &+= e
    }
}
