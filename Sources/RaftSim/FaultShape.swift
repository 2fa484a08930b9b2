/// A named shape of faults aimed at a narrow window (`FaultRates.aimAtLeaseExpiry`,
/// `aimAtStaleMembership`). A bug's mode turns on the shape that shows it; `roost-sim --shape`
/// runs the correct core under a shape, which must pass like any other seed.
public enum FaultShape: String, Sendable, Hashable, CaseIterable, Comparable {
    case leaseExpiry = "lease-expiry"
    case staleMembership = "stale-membership"

    public static func < (a: FaultShape, b: FaultShape) -> Bool { a.rawValue < b.rawValue }

    /// Applies the shape; rates pinned with `--rate` keep their values.
    func apply(to rates: inout FaultRates) {
        switch self {
        case .leaseExpiry: rates.aimAtLeaseExpiry()
        case .staleMembership: rates.aimAtStaleMembership()
        }
    }
}
