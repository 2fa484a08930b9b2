/// Parsing of `KEY=VALUE...` arguments, with `lxc`'s backward-compatible `KEY VALUE` form.
enum KeyValueArguments {
    /// `["a=1", "b=2"]` → `[a: 1, b: 2]`; `["a", "1"]` (exactly two words, the first without `=`)
    /// → `[a: 1]`. The value is everything after the first `=`, so values may contain `=`.
    static func parse(_ arguments: [String]) throws(CLIError) -> [(key: String, value: String)] {
        if arguments.count == 2, !arguments[0].contains("=") {
            return [(arguments[0], arguments[1])]
        }
        guard !arguments.isEmpty else { throw CLIError("Missing KEY=VALUE") }
        var pairs: [(key: String, value: String)] = []
        for argument in arguments {
            guard let equals = argument.firstIndex(of: "=") else {
                throw CLIError("Invalid key=value configuration: \(argument)")
            }
            let key = String(argument[..<equals])
            guard !key.isEmpty else { throw CLIError("Invalid key=value configuration: \(argument)") }
            pairs.append((key, String(argument[argument.index(after: equals)...])))
        }
        return pairs
    }

    /// Whether `config set` arguments address the server rather than an instance: all of them are
    /// `KEY=VALUE`, or the first is a key (server keys have a dot; instance names cannot).
    static func addressesServer(_ arguments: [String]) -> Bool {
        guard let first = arguments.first else { return true }
        return arguments.allSatisfy { $0.contains("=") } || first.contains(".")
    }
}
