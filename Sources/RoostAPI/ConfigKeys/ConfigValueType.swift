/// The kind of value a configuration key holds, and so how its value is checked.
///
/// Each case mirrors one LXD validator (`shared/validate` or a key-specific check in LXD 5.0).
/// Values are always strings on the wire; an empty value means "unset" and is accepted for every
/// type before any of these checks run.
enum ConfigValueType: Sendable, Hashable {
    /// Anything (LXD `validate.IsAny`): free text, blobs, raw.* overrides.
    case string
    /// `true`/`false`/`yes`/`no`/`on`/`off`/`1`/`0`, case-insensitive (`validate.IsBool`).
    case bool
    /// A signed 64-bit integer (`validate.IsInt64`).
    case int64
    /// An unsigned 32-bit integer (`validate.IsUint32`).
    case uint32
    /// An integer within `min...max` inclusive (`validate.IsInRange`).
    case integerRange(min: Int64, max: Int64)
    /// An integer from 0 to 10 (`validate.IsPriority`).
    case priority
    /// A byte size such as `256MiB` (`validate.IsSize`, see `ByteSize`).
    case byteSize
    /// `limits.memory`: a non-zero byte size or a non-zero percentage of host memory (`50%`).
    case memoryLimit
    /// `limits.cpu`: a CPU count (`2`) or a set of CPU ids and ranges (`0-3,5`).
    case cpuSet
    /// `limits.cpu.allowance`: a percentage (`50%`) or a time slice (`25ms/100ms`).
    case cpuAllowance
    /// One of a fixed set of words, case-sensitive (`validate.IsOneOf`).
    case oneOf([String])
    /// A comma-separated list whose items are each one of a fixed set (`IsListOf(IsOneOf(...))`).
    case listOf([String])
    /// A snapshot schedule: a 5-field cron expression or an alias, several joined by `, `.
    case cronSchedule
    /// An expiry expression such as `1M 2H 3d 4w 5m 6y`.
    case expiry
    /// A UUID in its canonical 8-4-4-4-12 hexadecimal form.
    case uuid
    /// A process resource limit for `limits.kernel.*`: `unlimited` or a number, optionally as
    /// `soft:hard`.
    case kernelLimit
    /// A listen address: `host`, `host:port`, `[ipv6]:port`, `:port`, an IP or a DNS name.
    case listenAddress(allowWildcard: Bool)
    /// A dotted-quad IPv4 address (`core.bgp_routerid`).
    case ipv4Address
    /// A compression command for images and backups (`gzip`, `xz -9`, `none`, …).
    case compressionAlgorithm
    /// An LXD architecture name (`x86_64`, `aarch64`, …).
    case architecture
    /// A log level name (`info`, `debug`, …) as logrus parses it.
    case logLevel
    /// `cluster.max_voters`: an odd integer of at least 3.
    case oddAtLeastThree
    /// `cluster.offline_threshold`: an integer greater than 10 (seconds).
    case offlineThreshold
    /// `cluster.images_minimal_replica`: `-1` (all members) or an integer of at least 1.
    case imageReplicaCount
}
