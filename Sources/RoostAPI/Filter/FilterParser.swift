/// Recursive-descent parser for ``FilterExpression`` (grammar and rules in its doc comment).
///
/// It scans on demand rather than tokenising first, because what a word means depends on where
/// it stands: after an operator any word (even `and` or `(x`) is a value, as in LXD. Recursion
/// happens only for `not` and `(`, and both count against `FilterExpression.nestingDepthMax`, so
/// the call depth is bounded whatever the input.
struct FilterParser {
    private let input: [Unicode.Scalar]
    private var position = 0
    /// Parenthesised groups open at `position`; while any is, an unquoted value ends at `)`.
    private var openGroups = 0
    /// Open groups plus pending `not`s at `position`.
    private var depth = 0

    private init(_ input: [Unicode.Scalar]) {
        self.input = input
    }

    static func parse(_ text: String) throws(RoostError) -> FilterExpression? {
        let length = text.utf8.count
        guard length <= FilterExpression.inputLengthMax else {
            throw invalid(
                "longer than \(FilterExpression.inputLengthMax) bytes (\(length) bytes)")
        }
        var parser = FilterParser(Array(text.unicodeScalars))
        parser.skipWhitespace()
        guard !parser.atEnd else { return nil }
        // At top level no group is open, so this returns only at the end of the input.
        return try parser.parseExpression(after: nil)
    }

    // MARK: Grammar

    /// `expr := term (("and" | "or") term)*`, folded left to right without precedence.
    /// Returns at the end of input or before a `)` that closes an open group.
    private mutating func parseExpression(after context: String?) throws(RoostError)
        -> FilterExpression
    {
        var result = try parseTerm(after: context)
        while true {
            skipWhitespace()
            guard let next = peek() else { return result }
            if next == ")" {
                guard openGroups > 0 else {
                    throw Self.invalid("unbalanced parentheses: ')' without a matching '('")
                }
                return result
            }
            switch wordAhead() {
            case "and":
                position += 3
                result = .and(result, try parseTerm(after: "and"))
            case "or":
                position += 2
                result = .or(result, try parseTerm(after: "or"))
            default:
                throw Self.invalid(
                    "expected 'and' or 'or' after a clause, found '\(nextWordForMessage())'")
            }
        }
    }

    /// `term := "not" term | "(" expr ")" | field op value`.
    private mutating func parseTerm(after context: String?) throws(RoostError) -> FilterExpression {
        skipWhitespace()
        guard let next = peek(), next != ")" else {
            // Without context this is the very start of the filter, so a `)` there is unmatched.
            throw Self.invalid(
                context.map { "missing clause after '\($0)'" }
                    ?? "unbalanced parentheses: ')' without a matching '('")
        }
        if next == "(" {
            position += 1
            try enterNesting()
            openGroups += 1
            let inner = try parseExpression(after: "(")
            guard peek() == ")" else {
                throw Self.invalid("unbalanced parentheses: missing ')'")
            }
            position += 1
            openGroups -= 1
            depth -= 1
            return inner
        }
        if let word = wordAhead(), word.lowercased() == "not" {
            position += word.unicodeScalars.count
            try enterNesting()
            let inner = try parseTerm(after: word)
            depth -= 1
            return .not(inner)
        }
        return try parseClause()
    }

    /// `field op value`.
    private mutating func parseClause() throws(RoostError) -> FilterExpression {
        let field = try readField()
        let op = try readOperator(field: field)
        let value = try readValue(clause: "\(field) \(op.rawValue)")
        return .compare(field: field, op: op, value: value)
    }

    private mutating func enterNesting() throws(RoostError) {
        depth += 1
        guard depth <= FilterExpression.nestingDepthMax else {
            throw Self.invalid(
                "nested deeper than \(FilterExpression.nestingDepthMax) levels"
                    + " (parentheses and 'not' count)")
        }
    }

    // MARK: Words

    private mutating func readField() throws(RoostError) -> String {
        let start = position
        while let c = peek(), Self.isFieldCharacter(c) { position += 1 }
        guard position > start else {
            throw Self.invalid("expected a field name, found '\(nextWordForMessage())'")
        }
        let field = text(start..<position)
        if let c = peek(), !c.properties.isWhitespace, c != ")" {
            throw Self.invalid("invalid character '\(c)' after field name '\(field)'")
        }
        return field
    }

    private mutating func readOperator(field: String) throws(RoostError) -> FilterOperator {
        skipWhitespace()
        let start = position
        while let c = peek(), !c.properties.isWhitespace, c != ")" { position += 1 }
        guard position > start else {
            throw Self.invalid("missing operator after field '\(field)'")
        }
        let word = text(start..<position)
        guard let op = FilterOperator(rawValue: word) else {
            throw Self.invalid(
                "unknown operator '\(word)' after field '\(field)' (expected 'eq' or 'ne')")
        }
        return op
    }

    /// A quoted value runs to the next identical quote and must be followed by whitespace, `)`
    /// or the end; an unquoted one ends at whitespace, or at `)` inside a group.
    private mutating func readValue(clause: String) throws(RoostError) -> String {
        skipWhitespace()
        guard let first = peek() else {
            throw Self.invalid("missing value after '\(clause)'")
        }
        if first == "\"" || first == "'" {
            let start = position + 1
            guard let close = input[start...].firstIndex(of: first) else {
                throw Self.invalid("unterminated quote (\(first)) in value of '\(clause)'")
            }
            position = close + 1
            if let c = peek(), !c.properties.isWhitespace, c != ")" {
                throw Self.invalid(
                    "unexpected character '\(c)' after closing quote in value of '\(clause)'")
            }
            return text(start..<close)
        }
        let start = position
        while let c = peek(), !c.properties.isWhitespace, !(c == ")" && openGroups > 0) {
            position += 1
        }
        guard position > start else {
            throw Self.invalid("missing value after '\(clause)'")
        }
        return text(start..<position)
    }

    /// The run of ASCII letters at `position` when it is a whole word (not followed by another
    /// field character), without consuming it; used to recognise `not`, `and` and `or`.
    private func wordAhead() -> String? {
        var end = position
        while end < input.count, Self.isASCIILetter(input[end]) { end += 1 }
        guard end > position else { return nil }
        if end < input.count, Self.isFieldCharacter(input[end]) { return nil }
        return text(position..<end)
    }

    /// The next whitespace-delimited word, shortened, for error messages.
    private func nextWordForMessage() -> String {
        let limit = 32
        var end = position
        while end < input.count, !input[end].properties.isWhitespace { end += 1 }
        if end - position > limit { return text(position..<position + limit) + "…" }
        return text(position..<end)
    }

    // MARK: Characters

    private var atEnd: Bool { position >= input.count }

    private func peek() -> Unicode.Scalar? {
        position < input.count ? input[position] : nil
    }

    private mutating func skipWhitespace() {
        while let c = peek(), c.properties.isWhitespace { position += 1 }
    }

    private func text(_ range: Range<Int>) -> String {
        String(String.UnicodeScalarView(input[range]))
    }

    private static func isASCIILetter(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("A"..."Z").contains(c)
    }

    /// Field names: ASCII letters and digits, `.`, `_` and `-`.
    private static func isFieldCharacter(_ c: Unicode.Scalar) -> Bool {
        isASCIILetter(c) || ("0"..."9").contains(c) || c == "." || c == "_" || c == "-"
    }

    private static func invalid(_ reason: String) -> RoostError {
        .badRequest("Invalid filter: \(reason)")
    }
}
