import RoostAPI

/// Dates the way `lxc` tables print them: `2026/11/27 15:40 UTC`.
enum DateText {
    static func short(_ timestamp: Timestamp) -> String {
        guard timestamp != .epoch else { return "" }
        let text = timestamp.rfc3339
        guard text.count >= 16 else { return text }
        let minutes = text.prefix(16)
        return String(minutes.map { $0 == "-" ? "/" : ($0 == "T" ? " " : $0) }) + " UTC"
    }
}
