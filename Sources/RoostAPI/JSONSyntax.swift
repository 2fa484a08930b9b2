/// A strict RFC 8259 syntax check run before decoding request bodies. Foundation's decoder
/// accepts trailing commas (`{"a":1,}`) that LXD's Go decoder rejects; a client must get the
/// same 400 from Roost. It also bounds nesting depth, so no body can drive deep recursion.
public enum JSONSyntax {
    public static let depthMax = 64

    public static func validate(_ bytes: [UInt8]) throws(RoostError) {
        var scanner = Scanner(bytes: bytes)
        try scanner.value(depth: 0)
        scanner.skipWhitespace()
        guard scanner.position == bytes.count else { throw scanner.failure("unexpected data after the JSON value") }
    }

    struct Scanner {
        let bytes: [UInt8]
        var position = 0

        mutating func value(depth: Int) throws(RoostError) {
            guard depth < JSONSyntax.depthMax else { throw failure("nested deeper than \(JSONSyntax.depthMax) levels") }
            skipWhitespace()
            guard position < bytes.count else { throw failure("unexpected end of input") }
            switch bytes[position] {
            case UInt8(ascii: "{"): try object(depth: depth)
            case UInt8(ascii: "["): try array(depth: depth)
            case UInt8(ascii: "\""): try string()
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            default: try number()
            }
        }

        mutating func object(depth: Int) throws(RoostError) {
            position += 1
            skipWhitespace()
            if consume(UInt8(ascii: "}")) { return }
            while true {
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                    throw failure("expected a string key")
                }
                try string()
                skipWhitespace()
                guard consume(UInt8(ascii: ":")) else { throw failure("expected ':'") }
                try value(depth: depth + 1)
                skipWhitespace()
                if consume(UInt8(ascii: "}")) { return }
                guard consume(UInt8(ascii: ",")) else { throw failure("expected ',' or '}'") }
            }
        }

        mutating func array(depth: Int) throws(RoostError) {
            position += 1
            skipWhitespace()
            if consume(UInt8(ascii: "]")) { return }
            while true {
                try value(depth: depth + 1)
                skipWhitespace()
                if consume(UInt8(ascii: "]")) { return }
                guard consume(UInt8(ascii: ",")) else { throw failure("expected ',' or ']'") }
            }
        }

        mutating func string() throws(RoostError) {
            position += 1
            while position < bytes.count {
                let byte = bytes[position]
                position += 1
                switch byte {
                case UInt8(ascii: "\""): return
                case UInt8(ascii: "\\"):
                    guard position < bytes.count else { throw failure("unterminated escape") }
                    let escaped = bytes[position]
                    position += 1
                    if escaped == UInt8(ascii: "u") {
                        for _ in 0..<4 {
                            guard position < bytes.count, isHex(bytes[position]) else {
                                throw failure("bad \\u escape")
                            }
                            position += 1
                        }
                    } else if !Array(#""\/bfnrt"#.utf8).contains(escaped) {
                        throw failure("bad escape")
                    }
                case 0..<0x20: throw failure("control character in string")
                default: continue
                }
            }
            throw failure("unterminated string")
        }

        mutating func number() throws(RoostError) {
            let start = position
            _ = consume(UInt8(ascii: "-"))
            guard digits() > 0 else { throw failure("invalid value") }
            if bytes[start..<position].drop(while: { $0 == UInt8(ascii: "-") }).count > 1,
                bytes[start..<position].drop(while: { $0 == UInt8(ascii: "-") }).first == UInt8(ascii: "0")
            {
                throw failure("leading zero in number")
            }
            if consume(UInt8(ascii: ".")) { guard digits() > 0 else { throw failure("invalid number") } }
            if consume(UInt8(ascii: "e")) || consume(UInt8(ascii: "E")) {
                if !consume(UInt8(ascii: "+")) { _ = consume(UInt8(ascii: "-")) }
                guard digits() > 0 else { throw failure("invalid number") }
            }
        }

        mutating func literal(_ word: String) throws(RoostError) {
            for byte in word.utf8 {
                guard consume(byte) else { throw failure("invalid literal") }
            }
        }

        mutating func digits() -> Int {
            var count = 0
            while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") {
                position += 1
                count += 1
            }
            return count
        }

        mutating func consume(_ byte: UInt8) -> Bool {
            guard position < bytes.count, bytes[position] == byte else { return false }
            position += 1
            return true
        }

        mutating func skipWhitespace() {
            while position < bytes.count, [0x20, 0x09, 0x0a, 0x0d].contains(bytes[position]) { position += 1 }
        }

        func isHex(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x66)
        }

        func failure(_ reason: String) -> RoostError {
            RoostError.badRequest("Invalid JSON in request body: \(reason) at offset \(position)")
        }
    }
}
