/// Where a configuration map lives; each scope has its own table of known keys.
public enum ConfigScope: Sendable, Hashable, CaseIterable {
    /// An instance's own `config` (containers and virtual machines share one table, as in LXD's
    /// "any instance type" check).
    case instance
    /// A profile's `config`: the instance table, except that `volatile.*` keys are refused.
    case profile
    /// The server configuration (`GET`/`PUT /1.0`).
    case server
}
