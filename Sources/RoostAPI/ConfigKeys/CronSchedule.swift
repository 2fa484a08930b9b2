/// Snapshot schedules (`snapshots.schedule`) as LXD's `validate.IsCron` accepts them.
///
/// A schedule is one or more triggers joined by `", "`. Each trigger is an alias (`@daily`, …) or
/// a standard 5-field cron expression `<minute> <hour> <day-of-month> <month> <day-of-week>` with
/// fields separated by single spaces. A field is a comma-separated list of `*`, `?`, `N` or `N-M`,
/// each optionally followed by `/step`; months and weekdays may be given by their three-letter
/// English names. The whole value is matched case-insensitively.
enum CronSchedule {
    /// The aliases LXD accepts for instance snapshot schedules.
    static let aliases: Set<String> = [
        "@hourly", "@daily", "@midnight", "@weekly", "@monthly", "@annually", "@yearly", "@startup",
        "@never",
    ]

    /// One cron field: its name in messages, its bounds and its optional names.
    struct Field: Sendable {
        var name: String
        var min: Int
        var max: Int
        var names: [String: Int] = [:]
    }

    static let fields: [Field] = [
        Field(name: "minute", min: 0, max: 59),
        Field(name: "hour", min: 0, max: 23),
        Field(name: "day-of-month", min: 1, max: 31),
        Field(
            name: "month", min: 1, max: 12,
            names: [
                "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
                "sep": 9, "oct": 10, "nov": 11, "dec": 12,
            ]),
        Field(
            name: "day-of-week", min: 0, max: 6,
            names: ["sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6]),
    ]

    /// Why `value` is not a valid schedule, or nil when it is.
    static func invalidReason(_ value: String) -> String? {
        let lowered = value.lowercased()
        for trigger in lowered.split(separator: ", ", omittingEmptySubsequences: false) {
            if let reason = invalidTriggerReason(String(trigger)) { return reason }
        }
        return nil
    }

    private static func invalidTriggerReason(_ trigger: String) -> String? {
        if aliases.contains(trigger) { return nil }
        let parts = trigger.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == fields.count else {
            return
                "Schedule must be of the form: <minute> <hour> <day-of-month> <month> <day-of-week>"
        }
        for (part, field) in zip(parts, fields) {
            if let reason = invalidFieldReason(String(part), field) {
                return "Error parsing schedule: \(reason)"
            }
        }
        return nil
    }

    private static func invalidFieldReason(_ text: String, _ field: Field) -> String? {
        if text.isEmpty { return "empty \(field.name) field" }
        for expr in text.split(separator: ",", omittingEmptySubsequences: false) {
            let rangeAndStep = expr.split(separator: "/", omittingEmptySubsequences: false)
            guard rangeAndStep.count <= 2 else { return "too many slashes: \(expr)" }
            let range = rangeAndStep[0]
            var start: Int
            var end: Int
            let isSingle: Bool
            if range == "*" || range == "?" {
                start = field.min
                end = field.max
                isSingle = false
            } else {
                let bounds = range.split(separator: "-", omittingEmptySubsequences: false)
                guard bounds.count <= 2 else { return "too many hyphens: \(expr)" }
                guard let low = number(bounds[0], field) else {
                    return "invalid \(field.name) value: \(expr)"
                }
                start = low
                end = low
                isSingle = bounds.count == 1
                if bounds.count == 2 {
                    guard let high = number(bounds[1], field) else {
                        return "invalid \(field.name) value: \(expr)"
                    }
                    end = high
                }
            }
            if rangeAndStep.count == 2 {
                guard let step = unsigned(rangeAndStep[1]), step > 0 else {
                    return "step of range should be a positive number: \(expr)"
                }
                if isSingle { end = field.max }
            }
            if start < field.min {
                return "beginning of range (\(start)) below minimum (\(field.min)): \(expr)"
            }
            if end > field.max {
                return "end of range (\(end)) above maximum (\(field.max)): \(expr)"
            }
            if start > end {
                return "beginning of range (\(start)) beyond end of range (\(end)): \(expr)"
            }
        }
        return nil
    }

    private static func number(_ text: Substring, _ field: Field) -> Int? {
        if let named = field.names[String(text)] { return named }
        return unsigned(text)
    }

    private static func unsigned(_ text: Substring) -> Int? {
        guard !text.isEmpty,
            text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        return Int(text)
    }
}
