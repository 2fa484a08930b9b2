/// Natural ordering (`c2` before `c10`), as `lxc` sorts list rows.
enum NaturalOrder {
    static func less(_ lhs: String, _ rhs: String) -> Bool {
        let left = chunks(lhs)
        let right = chunks(rhs)
        for (a, b) in zip(left, right) where a != b {
            if let x = UInt64(a), let y = UInt64(b) {
                if x != y { return x < y }
                return a.count < b.count
            }
            return a < b
        }
        return left.count < right.count
    }

    /// Rows compared cell by cell.
    static func less(_ lhs: [String], _ rhs: [String]) -> Bool {
        for (a, b) in zip(lhs, rhs) where a != b { return less(a, b) }
        return lhs.count < rhs.count
    }

    /// Runs of digits and runs of other characters.
    private static func chunks(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        var currentIsDigit = false
        for character in text {
            let isDigit = character.isASCII && character.isNumber
            if !current.isEmpty, isDigit != currentIsDigit {
                result.append(current)
                current = ""
            }
            current.append(character)
            currentIsDigit = isDigit
        }
        if !current.isEmpty { result.append(current) }
        return result
    }
}
