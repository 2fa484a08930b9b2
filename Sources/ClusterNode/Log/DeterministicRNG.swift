import RaftCore

/// A small seeded pseudo-random generator (SplitMix64) for simulators and fault injection.
///
/// The same seed always yields the same sequence, on every platform and Swift version, so a failing
/// simulation replays from its printed seed. Draw numbers through `uniform(_:)`, `int(in:)` and
/// `chance(_:)` rather than the standard library's `random(in:using:)`, whose algorithm is not
/// promised to stay the same across releases. Not for cryptography.
public struct DeterministicRNG: RandomNumberGenerator, Sendable, Hashable {
    /// The one SplitMix64 implementation (RaftCore's); this type adds the drawing helpers.
    private var core: SplitMix64

    /// The generator's whole state; a copy continues the same sequence.
    public var state: UInt64 { core.state }

    public init(seed: UInt64) {
        core = SplitMix64(seed: seed)
    }

    public mutating func next() -> UInt64 { core.next() }

    /// A uniformly distributed value in `0..<upperBound` (Lemire's method, without bias).
    public mutating func uniform(_ upperBound: UInt64) -> UInt64 {
        precondition(upperBound > 0, "uniform(_:) needs a positive upper bound")
        var product = next().multipliedFullWidth(by: upperBound)
        if product.low < upperBound {
            let threshold = (0 &- upperBound) % upperBound
            while product.low < threshold {
                product = next().multipliedFullWidth(by: upperBound)
            }
        }
        return product.high
    }

    /// A uniformly distributed integer in `range`.
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        let span = UInt64(bitPattern: Int64(range.upperBound &- range.lowerBound))
        precondition(span < UInt64.max, "int(in:) range too wide")
        return range.lowerBound &+ Int(truncatingIfNeeded: uniform(span + 1))
    }

    /// True with probability `probability` (0 never, 1 always).
    public mutating func chance(_ probability: Double) -> Bool {
        precondition(probability >= 0 && probability <= 1, "chance(_:) needs a probability in 0...1")
        return Double(next() >> 11) * 0x1p-53 < probability
    }

    /// `count` random bytes.
    public mutating func bytes(_ count: Int) -> [UInt8] {
        precondition(count >= 0, "bytes(_:) needs a non-negative count")
        var result: [UInt8] = []
        result.reserveCapacity(count)
        while result.count < count {
            var word = next()
            for _ in 0..<min(8, count - result.count) {
                result.append(UInt8(truncatingIfNeeded: word))
                word >>= 8
            }
        }
        return result
    }
}
