/// LXD is written in Go, whose JSON decoder leaves absent or `null` fields at their zero value and
/// ignores unknown fields. Clients (the stock `lxc`, pylxd) rely on that: `lxc profile edit` sends
/// read-only fields like `used_by`, other clients omit fields. These helpers give request types the
/// same leniency while still rejecting a field of the wrong JSON type.
extension KeyedDecodingContainer {
    func lenient<T: Decodable>(_ key: Key, default value: @autoclosure () -> T) throws -> T {
        try decodeIfPresent(T.self, forKey: key) ?? value()
    }
}

/// A device is a map of string properties (`{"type": "disk", "path": "/", "pool": "default"}`).
public typealias DeviceMap = [String: [String: String]]
