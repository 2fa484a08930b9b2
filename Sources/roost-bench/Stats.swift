import Foundation

/// Latency samples in nanoseconds, summarized as median and p99.
struct Samples {
    private(set) var values: [UInt64] = []

    mutating func measure(_ body: () throws -> Void) rethrows {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        values.append(DispatchTime.now().uptimeNanoseconds - start)
    }

    mutating func appendValue(_ nanoseconds: UInt64) { values.append(nanoseconds) }

    func percentile(_ p: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let index = min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)
        return Double(sorted[max(0, index)]) / 1_000_000
    }

    func line(_ name: String, goal: String) -> String {
        name.padding(toLength: max(44, name.count), withPad: " ", startingAt: 0)
            + String(
                format: " median %8.3f ms   p99 %8.3f ms   (n=%d)   goal %@", percentile(0.5), percentile(0.99),
                values.count, goal as NSString)
    }
}
