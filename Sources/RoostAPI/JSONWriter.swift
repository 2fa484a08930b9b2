/// A direct JSON serializer for the API's hot responses (instance and profile lists). It writes
/// the same document `JSONEncoder` with `.sortedKeys` produces — keys in sorted order, slashes
/// unescaped — without building an intermediate tree, which makes a 1000-instance
/// `recursion=2` list several times cheaper. Types opt in through `JSONWritable`, writing their
/// keys in sorted order (a test compares every writable type against `JSONEncoder`).
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 1024) { bytes.reserveCapacity(capacity) }

    /// A writer that owns no buffer, used as a placeholder while members are written.
    private init(placeholder: Void) {}

    public mutating func null() { bytes.append(contentsOf: "null".utf8) }
    public mutating func bool(_ value: Bool) { bytes.append(contentsOf: value ? "true".utf8 : "false".utf8) }
    public mutating func int<T: BinaryInteger>(_ value: T) { bytes.append(contentsOf: String(value).utf8) }

    public mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5c, 0x22])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5c, 0x5c])
            case 0x0a: bytes.append(contentsOf: [0x5c, UInt8(ascii: "n")])
            case 0x0d: bytes.append(contentsOf: [0x5c, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [0x5c, UInt8(ascii: "t")])
            case 0x08: bytes.append(contentsOf: [0x5c, UInt8(ascii: "b")])
            case 0x0c: bytes.append(contentsOf: [0x5c, UInt8(ascii: "f")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [
                    0x5c, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xf)],
                ])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Writes `{…}`; `body` adds members through `ObjectWriter` in sorted key order.
    public mutating func object(_ body: (inout ObjectWriter) -> Void) {
        bytes.append(UInt8(ascii: "{"))
        var members = ObjectWriter(writer: JSONWriter(placeholder: ()))
        swap(&self, &members.writer)
        body(&members)
        swap(&self, &members.writer)
        bytes.append(UInt8(ascii: "}"))
    }

    public mutating func array<S: Sequence>(_ elements: S, _ element: (inout JSONWriter, S.Element) -> Void) {
        bytes.append(UInt8(ascii: "["))
        var first = true
        for item in elements {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            element(&self, item)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    public mutating func stringMap(_ map: [String: String]) {
        object { members in
            for key in map.keys.sorted() { members.member(key) { $0.string(map[key] ?? "") } }
        }
    }

    public mutating func devices(_ devices: DeviceMap) {
        object { members in
            for name in devices.keys.sorted() { members.member(name) { $0.stringMap(devices[name] ?? [:]) } }
        }
    }

    public mutating func strings(_ values: [String]) { array(values) { $0.string($1) } }

    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: null()
        case .bool(let flag): bool(flag)
        case .number(let number):
            if number.rounded() == number, abs(number) < 9.0e15 {
                int(Int64(number))
            } else {
                bytes.append(contentsOf: "\(number)".utf8)
            }
        case .string(let text): string(text)
        case .array(let items): array(items) { $0.value($1) }
        case .object(let object):
            self.object { members in
                for key in object.keys.sorted() { members.member(key) { $0.value(object[key] ?? .null) } }
            }
        }
    }

    public mutating func write(_ value: some JSONWritable) { value.write(to: &self) }

    /// Adds the members of one object, inserting commas.
    public struct ObjectWriter {
        fileprivate var writer: JSONWriter
        private var first = true

        fileprivate init(writer: JSONWriter) { self.writer = writer }

        public mutating func member(_ key: String, _ value: (inout JSONWriter) -> Void) {
            if !first { writer.bytes.append(UInt8(ascii: ",")) }
            first = false
            writer.string(key)
            writer.bytes.append(UInt8(ascii: ":"))
            value(&writer)
        }
    }
}

/// A type that can write itself with `JSONWriter`, keys in sorted order.
public protocol JSONWritable {
    func write(to writer: inout JSONWriter)
}

extension Array: JSONWritable where Element: JSONWritable {
    public func write(to writer: inout JSONWriter) { writer.array(self) { $1.write(to: &$0) } }
}

extension String: JSONWritable {
    public func write(to writer: inout JSONWriter) { writer.string(self) }
}

extension Timestamp: JSONWritable {
    public func write(to writer: inout JSONWriter) { writer.string(rfc3339) }
}
