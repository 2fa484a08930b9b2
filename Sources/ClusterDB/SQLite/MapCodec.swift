import RoostAPI

/// A compact, deterministic byte form for config maps and device maps stored in SQLite:
/// a count, then length-prefixed keys and values in sorted key order. Faster to read back than
/// JSON on the list path, and byte-identical on every member for the same map.
enum MapCodec {
    static func encode(_ map: [String: String]) -> [UInt8] {
        guard !map.isEmpty else { return [] }
        var out: [UInt8] = []
        writeMap(map, into: &out)
        return out
    }

    static func encode(_ devices: DeviceMap) -> [UInt8] {
        guard !devices.isEmpty else { return [] }
        var out: [UInt8] = []
        writeLength(devices.count, into: &out)
        for name in devices.keys.sorted() {
            writeString(name, into: &out)
            writeMap(devices[name] ?? [:], into: &out)
        }
        return out
    }

    static func decodeMap(_ bytes: [UInt8]) throws(RoostError) -> [String: String] {
        guard !bytes.isEmpty else { return [:] }
        var reader = Reader(bytes: bytes)
        let map = try reader.map()
        try reader.finish()
        return map
    }

    static func decodeDevices(_ bytes: [UInt8]) throws(RoostError) -> DeviceMap {
        guard !bytes.isEmpty else { return [:] }
        var reader = Reader(bytes: bytes)
        let count = try reader.length()
        var devices: DeviceMap = [:]
        devices.reserveCapacity(count)
        for _ in 0..<count {
            let name = try reader.string()
            devices[name] = try reader.map()
        }
        try reader.finish()
        return devices
    }

    private static func writeMap(_ map: [String: String], into out: inout [UInt8]) {
        writeLength(map.count, into: &out)
        for key in map.keys.sorted() {
            writeString(key, into: &out)
            writeString(map[key] ?? "", into: &out)
        }
    }

    private static func writeString(_ value: String, into out: inout [UInt8]) {
        let utf8 = value.utf8
        writeLength(utf8.count, into: &out)
        out.append(contentsOf: utf8)
    }

    private static func writeLength(_ value: Int, into out: inout [UInt8]) {
        var remaining = UInt64(value)
        repeat {
            let byte = UInt8(remaining & 0x7f)
            remaining >>= 7
            out.append(remaining == 0 ? byte : byte | 0x80)
        } while remaining != 0
    }

    private struct Reader {
        let bytes: [UInt8]
        var position = 0

        mutating func length() throws(RoostError) -> Int {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard position < bytes.count, shift < 64 else { throw corrupt }
                let byte = bytes[position]
                position += 1
                value |= UInt64(byte & 0x7f) << shift
                if byte & 0x80 == 0 { break }
                shift += 7
            }
            guard value <= UInt64(bytes.count) else { throw corrupt }
            return Int(value)
        }

        mutating func string() throws(RoostError) -> String {
            let count = try length()
            guard position + count <= bytes.count else { throw corrupt }
            defer { position += count }
            return String(decoding: bytes[position..<position + count], as: UTF8.self)
        }

        mutating func map() throws(RoostError) -> [String: String] {
            let count = try length()
            var map: [String: String] = [:]
            map.reserveCapacity(count)
            for _ in 0..<count {
                let key = try string()
                map[key] = try string()
            }
            return map
        }

        func finish() throws(RoostError) {
            guard position == bytes.count else { throw corrupt }
        }

        var corrupt: RoostError { RoostError.internalError("Corrupted map in database") }
    }
}
