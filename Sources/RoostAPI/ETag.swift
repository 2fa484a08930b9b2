/// ETags as LXD sends them: the hex SHA-256 of the object's writable fields, quoted in the
/// `ETag` header. Roost hashes a canonical byte form (keys sorted, length-prefixed strings), so
/// every member computes the same tag for the same state: the state machine compares tags
/// inside apply (compare-and-set), never in the handler alone.
public enum ETag {
    public static func of(_ put: ProfilePut) -> String {
        var writer = CanonicalWriter()
        writer.map(put.config)
        writer.string(put.description)
        writer.devices(put.devices)
        return writer.digest()
    }

    public static func of(_ put: InstancePut) -> String {
        var writer = CanonicalWriter()
        writer.string(put.architecture)
        writer.map(put.config)
        writer.devices(put.devices)
        writer.bool(put.ephemeral)
        writer.list(put.profiles)
        writer.bool(put.stateful)
        writer.string(put.description)
        return writer.digest()
    }

    public static func of(serverConfig config: [String: String]) -> String {
        var writer = CanonicalWriter()
        writer.map(config)
        return writer.digest()
    }

    /// Strips the quotes (and a weak `W/` prefix) from an `If-Match` value.
    public static func unquote(_ header: String) -> String {
        var value = Substring(header.trimmingSpaces)
        if value.hasPrefix("W/") { value = value.dropFirst(2) }
        if value.count >= 2, value.first == "\"", value.last == "\"" { value = value.dropFirst().dropLast() }
        return String(value)
    }

    public static func quoted(_ tag: String) -> String { "\"\(tag)\"" }
}

struct CanonicalWriter {
    private var hasher = SHA256()

    mutating func string(_ value: String) {
        let bytes = Array(value.utf8)
        length(bytes.count)
        hasher.update(bytes)
    }

    mutating func bool(_ value: Bool) { hasher.update([value ? 1 : 0]) }

    mutating func list(_ values: [String]) {
        length(values.count)
        for value in values { string(value) }
    }

    mutating func map(_ values: [String: String]) {
        length(values.count)
        for key in values.keys.sorted() {
            string(key)
            string(values[key] ?? "")
        }
    }

    mutating func devices(_ devices: DeviceMap) {
        length(devices.count)
        for name in devices.keys.sorted() {
            string(name)
            map(devices[name] ?? [:])
        }
    }

    mutating func digest() -> String {
        let bytes = hasher.finalize()
        return SHA256.hexString(bytes)
    }

    private mutating func length(_ count: Int) {
        let value = UInt64(count)
        hasher.update((0..<8).map { UInt8(truncatingIfNeeded: value >> UInt64(56 - $0 * 8)) })
    }
}

extension SHA256 {
    static func hexString(_ digest: [UInt8]) -> String {
        let table = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(digest.count * 2)
        for byte in digest {
            out.append(table[Int(byte >> 4)])
            out.append(table[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension String {
    var trimmingSpaces: Substring {
        var slice = Substring(self)
        while slice.first == " " || slice.first == "\t" { slice.removeFirst() }
        while slice.last == " " || slice.last == "\t" { slice.removeLast() }
        return slice
    }
}
