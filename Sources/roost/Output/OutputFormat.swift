import ArgumentParser
import Foundation
import Yams

/// The `--format` of list-like commands, as in `lxc`.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case table, csv, json, yaml

    static let help: ArgumentHelp = ArgumentHelp(
        "Format (table|csv|json|yaml).",
        discussion: """
            table draws lxc's bordered table; it is the default and prints the same whether or not \
            stdout is a terminal (no colours, no truncation). csv has no header row. json (sorted \
            keys) and yaml print the full objects.
            """)
}

/// Serialisation of whole objects for `--format json|yaml` and the `show` commands.
enum Serialized {
    /// Compact JSON with sorted keys and a trailing newline, like `lxc --format json`.
    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }

    /// YAML with every mapping's keys sorted, so the same object always prints the same text.
    static func yaml<T: Encodable>(_ value: T) throws -> String {
        let encoder = YAMLEncoder()
        encoder.options.sortKeys = true
        encoder.options.width = -1
        encoder.options.allowUnicode = true
        encoder.options.newLineScalarStyle = .literal
        return try encoder.encode(value)
    }

    /// Renders rows or the objects they came from, per format.
    static func render<T: Encodable>(
        _ format: OutputFormat, headers: [String], rows: [[String]], objects: T
    ) throws -> String {
        switch format {
        case .table: TableRenderer.render(headers: headers, rows: rows)
        case .csv: CSVRenderer.render(rows: rows)
        case .json: try json(objects)
        case .yaml: try yaml(objects)
        }
    }
}
