/// A parsed LXD `filter=` query parameter (REST API 1.0, LXD 5.0 `lxd/filter`/`shared/filter`).
///
/// ## Grammar
/// ```
/// expr := term (("and" | "or") term)*
/// term := "not" term | "(" expr ")" | field op value
/// op   := "eq" | "ne"
/// ```
/// - Tokens are separated by whitespace. `and`, `or`, `eq` and `ne` are case-sensitive lower case,
///   as in LXD. `not` is matched case-insensitively, as LXD does (`strings.EqualFold` in `Parse`).
/// - A field is one or more ASCII letters, digits, `.`, `_` or `-` (`name`, `config.image.os`,
///   `expanded_devices.root.pool`). The word `not` in field position is always the keyword.
/// - A value is the word after the operator, whatever it is (`name eq and` compares with "and").
///   It may be quoted with `"` or `'` to hold spaces; the quote ends at the next identical quote
///   (there are no escapes: use the other quote character to include one). Unquoted, it ends at
///   whitespace, or at `)` while a parenthesised group is open; at top level a `)` is part of the
///   value, as in LXD. `""` is the empty value.
///
/// ## `and` / `or`: left to right, no precedence (LXD's rule)
/// LXD parses a filter into a flat list of clauses, each remembering the keyword before it, and
/// folds them left to right starting from `true`: `and` gives `match && clause`, `or` gives
/// `match || clause` (`Match` in `shared/filter/match.go`). So `a or b and c` means
/// `(a or b) and c`, and `not` binds to the single clause after it. The parser builds that same
/// left-leaning tree. Parentheses are a Roost extension (LXD has none) for other groupings.
///
/// ## Comparison
/// `eq` is true when the field's value equals the value ignoring case (both lowercased, then
/// Swift `String` equality, so Unicode canonical equivalence holds), as LXD compares; `ne` is its
/// negation. Values are never regular expressions, whatever the field (so `name eq c.*` matches
/// only an instance named `c.*`): LXD tries the value as an anchored, case-insensitive regular
/// expression first, which Roost does not copy. A field the object lacks compares as the empty string,
/// which is what LXD does for config keys (a missing map key reads as ""): `config.x eq ""` is
/// true when `config.x` is unset, and `config.x ne foo` is true too.
///
/// ## Limits
/// Input longer than ``inputLengthMax`` UTF-8 bytes, or nested (parentheses and `not` together)
/// deeper than ``nestingDepthMax``, is rejected, so parsing and evaluation never recurse without
/// bound. Every malformed filter throws `RoostError.badRequest("Invalid filter: <reason>")`.
public indirect enum FilterExpression: Sendable, Hashable {
    case compare(field: String, op: FilterOperator, value: String)
    case not(FilterExpression)
    case and(FilterExpression, FilterExpression)
    case or(FilterExpression, FilterExpression)
}

/// The comparison operators of an LXD filter clause.
public enum FilterOperator: String, Sendable, Hashable {
    case eq
    case ne
}

extension FilterExpression {
    /// The longest filter accepted, in UTF-8 bytes.
    public static let inputLengthMax = 4096
    /// The deepest nesting accepted, counting each open `(` and each `not` on the path to a clause.
    public static let nestingDepthMax = 32

    /// Parses an LXD filter string. Empty or whitespace-only input returns nil (no filtering).
    public static func parse(_ text: String) throws(RoostError) -> FilterExpression? {
        try FilterParser.parse(text)
    }

    /// Evaluates against an object; `lookup` returns the string value of a field path
    /// (e.g. "name", "status", "config.image.os", "expanded_config.limits.cpu") or nil if absent.
    ///
    /// An absent field compares as "". `and`/`or` short-circuit left to right, which gives the
    /// same result as LXD's full left fold because `lookup` has no effects. Chains of `and`/`or`
    /// are walked iteratively; only `not` and parenthesised groups recurse.
    public func matches(_ lookup: (String) -> String?) -> Bool {
        // Unwind the left spine of an and/or chain: `((a op b) op c)` gives leaf `a`, then
        // (op, b), (op, c) in evaluation order.
        var rest: [(isAnd: Bool, rhs: FilterExpression)] = []
        var leftmost = self
        while true {
            switch leftmost {
            case .and(let lhs, let rhs):
                rest.append((true, rhs))
                leftmost = lhs
                continue
            case .or(let lhs, let rhs):
                rest.append((false, rhs))
                leftmost = lhs
                continue
            case .compare, .not:
                break
            }
            break
        }
        var result = leftmost.matchesTerm(lookup)
        for step in rest.reversed() {
            // `and` can only change a true result, `or` only a false one.
            let canChange = step.isAnd ? result : !result
            if canChange { result = step.rhs.matches(lookup) }
        }
        return result
    }

    /// Evaluates a clause or a `not`; and/or are handled by `matches`.
    private func matchesTerm(_ lookup: (String) -> String?) -> Bool {
        switch self {
        case .compare(let field, let op, let value):
            // LXD compares case-insensitively (`status eq running` matches "Running").
            let equal = (lookup(field) ?? "").lowercased() == value.lowercased()
            switch op {
            case .eq: return equal
            case .ne: return !equal
            }
        case .not(let inner):
            return !inner.matches(lookup)
        case .and, .or:
            return matches(lookup)
        }
    }
}
