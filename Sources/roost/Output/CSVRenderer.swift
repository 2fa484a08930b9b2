/// CSV as Go's `encoding/csv` writes it (what `lxc --format csv` prints): no header row, fields
/// quoted only when they hold a comma, a quote, a line break or start with a space, quotes doubled.
enum CSVRenderer {
    static func render(rows: [[String]]) -> String {
        rows.map { row in row.map(field).joined(separator: ",") + "\n" }.joined()
    }

    static func field(_ text: String) -> String {
        guard needsQuotes(text) else { return text }
        return "\"" + text.replacingAll("\"", with: "\"\"") + "\""
    }

    private static func needsQuotes(_ text: String) -> Bool {
        if text.isEmpty { return false }
        if text == "\\." { return true }
        if text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) { return true }
        return text.first == " " || text.first == "\t"
    }
}

extension String {
    /// Every occurrence of `target` replaced (no Foundation needed).
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var output = ""
        for character in self {
            if character == target { output += replacement } else { output.append(character) }
        }
        return output
    }
}
