import RoostAPI
import Testing

/// An instance as the filter sees it: field path → string value.
private let c1: [String: String] = [
    "name": "c1",
    "status": "Running",
    "architecture": "x86_64",
    "config.image.os": "Ubuntu",
    "expanded_config.limits.cpu": "2",
    "expanded_devices.eth-0.type": "nic",
    "description": "my web server",
]

private func parse(_ text: String) throws(RoostError) -> FilterExpression {
    guard let expression = try FilterExpression.parse(text) else {
        throw RoostError.internalError("filter unexpectedly empty")
    }
    return expression
}

/// Whether `text` matches `object`.
private func matches(_ text: String, _ object: [String: String] = c1) throws(RoostError) -> Bool {
    try parse(text).matches { object[$0] }
}

private func eq(_ field: String, _ value: String) -> FilterExpression {
    .compare(field: field, op: .eq, value: value)
}

private func invalid(_ reason: String) -> RoostError {
    .badRequest("Invalid filter: \(reason)")
}

@Suite struct FilterTests {
    @Test(arguments: ["", " ", "\t\n  "])
    func emptyFilterMeansNoFiltering(text: String) throws {
        #expect(try FilterExpression.parse(text) == nil)
    }

    @Test func singleEq() throws {
        #expect(try parse("name eq c1") == eq("name", "c1"))
        #expect(try matches("name eq c1"))
        #expect(try !matches("name eq c2"))
    }

    @Test func singleNe() throws {
        #expect(
            try parse("status ne Stopped") == .compare(field: "status", op: .ne, value: "Stopped"))
        #expect(try matches("status ne Stopped"))
        #expect(try !matches("status ne Running"))
    }

    @Test func andChain() throws {
        #expect(try matches("name eq c1 and status eq Running and architecture eq x86_64"))
        #expect(try !matches("name eq c1 and status eq Running and architecture eq i686"))
        #expect(try !matches("name eq c2 and status eq Running"))
    }

    @Test func orChain() throws {
        #expect(try matches("name eq c2 or name eq c3 or name eq c1"))
        #expect(try !matches("name eq c2 or name eq c3"))
    }

    /// LXD folds clauses left to right with no precedence: `a or b and c` is `(a or b) and c`.
    @Test func andOrFoldLeftToRightWithoutPrecedence() throws {
        let a = eq("name", "c1")
        let b = eq("name", "c2")
        let c = eq("status", "Stopped")
        #expect(try parse("name eq c1 or name eq c2 and status eq Stopped") == .and(.or(a, b), c))
        // With `and` binding tighter this would be true (name eq c1 holds).
        #expect(try !matches("name eq c1 or name eq c2 and status eq Stopped"))
        #expect(
            try parse("name eq c1 and name eq c2 or status eq Running")
                == .or(.and(a, b), eq("status", "Running")))
        #expect(try matches("name eq c1 and name eq c2 or status eq Running"))
    }

    @Test func notAppliesToTheNextClauseOnly() throws {
        #expect(
            try parse("not name eq c2 and status eq Stopped")
                == .and(.not(eq("name", "c2")), eq("status", "Stopped")))
        #expect(try matches("not name eq c2"))
        #expect(try !matches("not name eq c1"))
        #expect(try matches("not not name eq c1"))
        #expect(try !matches("not name eq c2 and status eq Stopped"))
    }

    /// LXD matches `not` case-insensitively (`strings.EqualFold`), `and`/`or`/`eq`/`ne` exactly.
    @Test func keywordCase() throws {
        #expect(try parse("NOT name eq c1") == .not(eq("name", "c1")))
        #expect(throws: invalid("expected 'and' or 'or' after a clause, found 'AND'")) {
            try FilterExpression.parse("name eq c1 AND status eq Running")
        }
        #expect(throws: invalid("unknown operator 'EQ' after field 'name' (expected 'eq' or 'ne')")) {
            try FilterExpression.parse("name EQ c1")
        }
    }

    @Test func parenthesesGroup() throws {
        let text = "name eq c1 or (name eq c2 and status eq Stopped)"
        #expect(
            try parse(text)
                == .or(eq("name", "c1"), .and(eq("name", "c2"), eq("status", "Stopped"))))
        #expect(try matches(text))
        #expect(try matches("not (name eq c2 or name eq c3)"))
        #expect(try !matches("not(name eq c1 or name eq c3)"))
        #expect(try matches("((name eq c1)) and ( status ne Stopped )"))
    }

    @Test func quotedValues() throws {
        #expect(try parse(#"description eq "my web server""#) == eq("description", "my web server"))
        #expect(try matches(#"description eq "my web server" and name eq c1"#))
        #expect(try matches("description eq 'my web server'"))
        #expect(try parse(#"description eq 'say "hi"'"#) == eq("description", #"say "hi""#))
        #expect(try parse(#"description eq "  padded ""#) == eq("description", "  padded "))
        #expect(try parse(#"(description eq "a) b")"#) == eq("description", "a) b"))
    }

    @Test func emptyQuotedValueAndKeywordsAsValues() throws {
        #expect(try parse(#"config.user.x eq """#) == eq("config.user.x", ""))
        #expect(try parse("name eq and") == eq("name", "and"))
        #expect(try parse("name eq not or name eq (x") == .or(eq("name", "not"), eq("name", "(x")))
    }

    @Test func nestedConfigKeys() throws {
        #expect(try matches("config.image.os eq Ubuntu"))
        #expect(
            try matches("expanded_config.limits.cpu eq 2 and expanded_devices.eth-0.type eq nic"))
        #expect(try !matches("config.image.os eq Debian"))
        var seen: [String] = []
        _ = try parse("expanded_config.limits.cpu ne 4").matches {
            seen.append($0)
            return nil
        }
        #expect(seen == ["expanded_config.limits.cpu"])
    }

    /// An absent field reads as "" (what LXD does for a missing config key).
    @Test func absentFieldsCompareAsEmpty() throws {
        #expect(try matches(#"config.user.missing eq """#))
        #expect(try !matches("config.user.missing eq yes"))
        #expect(try matches("config.user.missing ne yes"))
        #expect(try !matches(#"config.image.os eq """#))
    }

    /// Values compare case-insensitively like LXD, but never as regular expressions.
    @Test func caseInsensitiveMatchNoRegex() throws {
        #expect(try matches("status eq running"))
        #expect(try !matches("status ne RUNNING"))
        #expect(try !matches("name eq c.*"))
        #expect(try !matches("name eq ^c1$"))
        #expect(try matches("name eq c.*", ["name": "c.*"]))
        #expect(try matches("name eq [web]-1", ["name": "[web]-1"]))
    }

    /// At top level a `)` belongs to an unquoted value, as in LXD; inside a group it closes it.
    @Test func closingParenthesisInValues() throws {
        #expect(try parse("name eq c1)") == eq("name", "c1)"))
        #expect(try parse("(name eq c1)") == eq("name", "c1"))
    }

    @Test func anyWhitespaceSeparates() throws {
        #expect(
            try parse("\tname\neq  c1\r\nand\tstatus eq Running ")
                == .and(eq("name", "c1"), eq("status", "Running")))
    }

    @Test(arguments: [
        ("name eq c1 and", "missing clause after 'and'"),
        ("name eq c1 or  ", "missing clause after 'or'"),
        ("not", "missing clause after 'not'"),
        ("name eq c1 and not", "missing clause after 'not'"),
        ("name", "missing operator after field 'name'"),
        ("(name)", "missing operator after field 'name'"),
        ("name gt 3", "unknown operator 'gt' after field 'name' (expected 'eq' or 'ne')"),
        ("name == c1", "unknown operator '==' after field 'name' (expected 'eq' or 'ne')"),
        ("name eq", "missing value after 'name eq'"),
        ("(name ne)", "missing value after 'name ne'"),
        (#"name eq "c1"#, #"unterminated quote (") in value of 'name eq'"#),
        ("description eq 'my web", "unterminated quote (') in value of 'description eq'"),
        (#"name eq "c1"x"#, #"unexpected character 'x' after closing quote in value of 'name eq'"#),
        ("(name eq c1", "unbalanced parentheses: missing ')'"),
        ("((name eq c1) or name eq c2", "unbalanced parentheses: missing ')'"),
        ("(name eq c1))", "unbalanced parentheses: ')' without a matching '('"),
        ("name eq \"c1\")", "unbalanced parentheses: ')' without a matching '('"),
        (") name eq c1", "unbalanced parentheses: ')' without a matching '('"),
        ("name eq c1 and )", "missing clause after 'and'"),
        ("()", "missing clause after '('"),
        ("name eq c1 (", "expected 'and' or 'or' after a clause, found '('"),
        ("name eq c1 status eq Running", "expected 'and' or 'or' after a clause, found 'status'"),
        ("name eq c1 andy eq 2", "expected 'and' or 'or' after a clause, found 'andy'"),
        ("name=c1", "invalid character '=' after field name 'name'"),
        ("= c1", "expected a field name, found '='"),
    ])
    func malformedFilters(text: String, reason: String) {
        #expect(throws: invalid(reason)) { try FilterExpression.parse(text) }
    }

    @Test func errorsAreBadRequests() {
        do {
            _ = try FilterExpression.parse("name eq")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .badRequest)
            #expect(error.httpStatus == 400)
            #expect(error.message.hasPrefix("Invalid filter: "))
        }
    }

    @Test func inputLengthLimit() throws {
        let max = FilterExpression.inputLengthMax
        #expect(max == 4096)
        let prefix = "name eq "
        let atLimit = prefix + String(repeating: "x", count: max - prefix.utf8.count)
        #expect(
            try parse(atLimit) == eq("name", String(repeating: "x", count: max - prefix.utf8.count))
        )
        #expect(throws: invalid("longer than 4096 bytes (4097 bytes)")) {
            try FilterExpression.parse(atLimit + "x")
        }
        // Whitespace counts too: the limit bounds the work before anything else.
        #expect(throws: invalid("longer than 4096 bytes (5000 bytes)")) {
            try FilterExpression.parse(String(repeating: " ", count: 5000))
        }
    }

    @Test func nestingDepthLimit() throws {
        let max = FilterExpression.nestingDepthMax
        #expect(max == 32)
        func nested(_ n: Int) -> String {
            String(repeating: "(", count: n) + "name eq c1" + String(repeating: ")", count: n)
        }
        #expect(try parse(nested(max)) == eq("name", "c1"))
        let tooDeep = invalid("nested deeper than 32 levels (parentheses and 'not' count)")
        #expect(throws: tooDeep) { try FilterExpression.parse(nested(max + 1)) }
        #expect(throws: tooDeep) { try FilterExpression.parse(String(repeating: "(", count: 2000)) }
        let nots = { (n: Int) in String(repeating: "not ", count: n) + "name eq c1" }
        #expect(try matches(nots(max)))
        #expect(throws: tooDeep) { try FilterExpression.parse(nots(max + 1)) }
        #expect(throws: tooDeep) { try FilterExpression.parse("not " + nested(max)) }
    }

    /// The longest possible and/or chain parses and evaluates (chains are not nesting).
    @Test func longChainWithinLimits() throws {
        let clause = "a eq 1"
        let count = (FilterExpression.inputLengthMax + 5) / (clause.count + 5)
        let ors = Array(repeating: clause, count: count).joined(separator: " or ")
        let ands = Array(repeating: clause, count: count).joined(separator: " and ")
        #expect(ands.utf8.count <= FilterExpression.inputLengthMax)
        #expect(try matches(ors, ["a": "1"]))
        #expect(try !matches(ors, ["a": "2"]))
        #expect(try matches(ands, ["a": "1"]))
        #expect(try !matches(ands + "x", ["a": "1"]))
    }
}
