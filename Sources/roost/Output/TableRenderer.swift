/// Renders rows the way the stock `lxc` does (its tablewriter settings: row lines, left-aligned
/// cells, centred upper-case headers):
/// ```
/// +------+---------+
/// | NAME |  STATE  |
/// +------+---------+
/// | c0   | STOPPED |
/// +------+---------+
/// ```
/// The output is the same on a terminal and in a pipe: no colours, no terminal-width truncation,
/// so scripts and `grep` see exactly what a person sees. A cell may hold several lines (`lxc`
/// puts one address per line in IPV4); the row grows to the tallest cell.
enum TableRenderer {
    static func render(headers: [String], rows: [[String]]) -> String {
        let titles = headers.map(title)
        let columnCount = titles.count
        let cells = rows.map { row in (0..<columnCount).map { $0 < row.count ? lines(row[$0]) : [""] } }
        var widths = titles.map(\.count)
        for row in cells {
            for (index, cell) in row.enumerated() {
                widths[index] = max(widths[index], cell.map(\.count).max() ?? 0)
            }
        }
        let border = "+" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "+") + "+\n"
        var output = border
        output +=
            "|"
            + titles.enumerated().map { " " + centred($0.element, width: widths[$0.offset]) + " " }
            .joined(separator: "|") + "|\n"
        output += border
        for row in cells {
            let height = row.map(\.count).max() ?? 1
            for line in 0..<height {
                output += "|"
                for (index, cell) in row.enumerated() {
                    let text = line < cell.count ? cell[line] : ""
                    output += " " + padded(text, width: widths[index]) + " |"
                }
                output += "\n"
            }
            output += border
        }
        return output
    }

    /// tablewriter's header formatting: `_` and `.` become spaces, then upper case.
    static func title(_ header: String) -> String {
        let spaced = String(header.map { $0 == "_" || $0 == "." ? " " : $0 })
        let trimmed = spaced.trimmingSpaces()
        if trimmed.isEmpty, !header.isEmpty { return " " }
        return trimmed.uppercased()
    }

    private static func lines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    private static func padded(_ text: String, width: Int) -> String {
        text + String(repeating: " ", count: max(width - text.count, 0))
    }

    private static func centred(_ text: String, width: Int) -> String {
        let padding = max(width - text.count, 0)
        let left = padding / 2
        return String(repeating: " ", count: left) + text + String(repeating: " ", count: padding - left)
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
