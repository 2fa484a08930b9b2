import RaftCore

/// The replicated state machine of the simulation: a string key-value store with put, get and
/// compare-and-set. Commands travel in log entries; reads can also be served by ReadIndex.
struct KVStore {
    private(set) var values: [String: String] = [:]

    /// A command in a log entry: who asked (client, sequence) and what.
    struct Command: Hashable {
        var client: Int
        var sequence: UInt64
        var input: KVInput
    }

    mutating func apply(_ input: KVInput) -> KVOutput {
        switch input {
        case .put(let key, let value):
            values[key] = value
            return .ok
        case .get(let key):
            return .value(values[key])
        case .cas(let key, let expected, let new):
            guard values[key] == expected else { return .cas(false) }
            values[key] = new
            return .cas(true)
        }
    }

    func read(_ key: String) -> String? { values[key] }

    /// Deterministic bytes (sorted keys) for snapshots.
    func encoded() -> [UInt8] {
        var out: [UInt8] = []
        for key in values.keys.sorted() {
            Self.write(key, into: &out)
            Self.write(values[key] ?? "", into: &out)
        }
        return out
    }

    static func decoded(_ bytes: [UInt8]) -> KVStore {
        var store = KVStore()
        var reader = ByteReader(bytes: bytes)
        while !reader.isAtEnd {
            guard let key = reader.string(), let value = reader.string() else { break }
            store.values[key] = value
        }
        return store
    }

    static func encode(_ command: Command) -> [UInt8] {
        var out: [UInt8] = []
        let (tag, key, first, second): (UInt8, String, String?, String?) =
            switch command.input {
            case .put(let key, let value): (1, key, value, nil)
            case .get(let key): (2, key, nil, nil)
            case .cas(let key, let expected, let new): (3, key, new, expected)
            }
        out.append(tag)
        write(UInt64(command.client), into: &out)
        write(command.sequence, into: &out)
        write(key, into: &out)
        write(first ?? "", into: &out)
        out.append(second == nil ? 0 : 1)
        write(second ?? "", into: &out)
        return out
    }

    static func decode(_ bytes: [UInt8]) -> Command? {
        var reader = ByteReader(bytes: bytes)
        guard let tag = reader.byte(), let client = reader.number(), let sequence = reader.number(),
            let key = reader.string(), let first = reader.string(), let hasSecond = reader.byte(),
            let second = reader.string()
        else { return nil }
        let input: KVInput
        switch tag {
        case 1: input = .put(key: key, value: first)
        case 2: input = .get(key: key)
        case 3: input = .cas(key: key, expected: hasSecond == 1 ? second : nil, new: first)
        default: return nil
        }
        return Command(client: Int(client), sequence: sequence, input: input)
    }

    /// Appends `number` little-endian (what `ByteReader.number` reads).
    static func write(_ number: UInt64, into out: inout [UInt8]) {
        for shift in stride(from: 0, to: 64, by: 8) { out.append(UInt8(truncatingIfNeeded: number >> UInt64(shift))) }
    }

    private static func write(_ text: String, into out: inout [UInt8]) {
        write(UInt64(text.utf8.count), into: &out)
        out.append(contentsOf: text.utf8)
    }
}

struct ByteReader {
    let bytes: [UInt8]
    var position = 0

    var isAtEnd: Bool { position >= bytes.count }

    mutating func byte() -> UInt8? {
        guard position < bytes.count else { return nil }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func number() -> UInt64? {
        guard position + 8 <= bytes.count else { return nil }
        var value: UInt64 = 0
        for offset in 0..<8 { value |= UInt64(bytes[position + offset]) << UInt64(8 * offset) }
        position += 8
        return value
    }

    mutating func string() -> String? {
        guard let count = number(), count <= UInt64(bytes.count - position) else { return nil }
        defer { position += Int(count) }
        return String(decoding: bytes[position..<position + Int(count)], as: UTF8.self)
    }
}
