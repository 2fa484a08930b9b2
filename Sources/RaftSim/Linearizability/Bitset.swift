// Bitset: the set of linearized operations, part of the memoization key.

/// A fixed-size set of small integers, hashable so it can key the search's memo.
struct Bitset: Hashable {
    private(set) var words: [UInt64]

    init(count: Int) {
        precondition(count >= 0, "Bitset: negative count")
        words = Array(repeating: 0, count: (count + 63) / 64)
    }

    mutating func insert(_ bit: Int) {
        words[bit >> 6] |= 1 << UInt64(bit & 63)
    }

    mutating func remove(_ bit: Int) {
        words[bit >> 6] &= ~(1 << UInt64(bit & 63))
    }
}
