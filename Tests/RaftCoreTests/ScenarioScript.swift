import Foundation

/// A text scenario file in the etcd-io/raft datadriven shape:
///
///     command arg key=value key=(1,2,3)
///     ----
///     expected output lines
///
/// blocks separated by a blank line; `#` lines are comments.
struct ScenarioScript {
    struct Block {
        var command: String
        var positional: [String]
        var arguments: [String: String]
        var line: String
        var expected: String
        /// Comment lines just above the command, kept when the file is rewritten.
        var comments: [String] = []
    }

    var blocks: [Block] = []

    init(text: String) throws {
        var lines = text.components(separatedBy: "\n")[...]
        var comments: [String] = []
        while let line = lines.first {
            lines.removeFirst()
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty {
                comments = []
                continue
            }
            if trimmed.hasPrefix("#") {
                comments.append(line)
                continue
            }
            guard lines.first == "----" else { throw ScenarioError("expected ---- after \(line)") }
            lines.removeFirst()
            var output: [String] = []
            while let next = lines.first, !next.isEmpty {
                output.append(next)
                lines.removeFirst()
            }
            var block = try Self.parse(command: trimmed, expected: output.joined(separator: "\n"))
            block.comments = comments
            comments = []
            blocks.append(block)
        }
    }

    static func parse(command line: String, expected: String) throws -> Block {
        var words = line.split(separator: " ").map(String.init)
        let command = words.removeFirst()
        var positional: [String] = []
        var arguments: [String: String] = [:]
        for word in words {
            if let equals = word.firstIndex(of: "=") {
                arguments[String(word[..<equals])] = String(word[word.index(after: equals)...])
            } else {
                positional.append(word)
            }
        }
        return Block(command: command, positional: positional, arguments: arguments, line: line, expected: expected)
    }

    /// The file with `actual` outputs in place of the expected ones.
    static func render(_ blocks: [(block: Block, output: String)], header: String) -> String {
        header
            + blocks.map { item in
                item.block.comments.map { $0 + "\n" }.joined()
                    + "\(item.block.line)\n----\n\(item.output.isEmpty ? "ok" : item.output)\n"
            }.joined(separator: "\n")
    }
}

struct ScenarioError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension ScenarioScript.Block {
    func ids(_ key: String) -> [UInt64] {
        guard let value = arguments[key] else { return [] }
        return value.trimmingCharacters(in: CharacterSet(charactersIn: "()")).split(separator: ",").compactMap {
            UInt64($0.trimmingCharacters(in: .whitespaces))
        }
    }

    func int(_ key: String, default value: Int) -> Int { arguments[key].flatMap { Int($0) } ?? value }
    func bool(_ key: String, default value: Bool) -> Bool { arguments[key].map { $0 == "true" } ?? value }
    func id(_ position: Int) throws -> UInt64 {
        guard position < positional.count, let id = UInt64(positional[position]) else {
            throw ScenarioError("\(line): expected a node id at position \(position + 1)")
        }
        return id
    }
}
