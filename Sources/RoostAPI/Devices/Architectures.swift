/// LXD's architecture names (`shared/osarch`), for an instance's `architecture` field.
///
/// LXD 5.0 also accepts a set of aliases (`amd64`, `arm64`, `armhf`, …) wherever it reads an
/// architecture name and stores the canonical name; `validate` accepts them too, and
/// `canonicalName(_:)` gives the name to store.
public enum Architectures {
    /// The canonical names, in LXD's order of architecture ids. `armv6l` and `armv8l` came to LXD
    /// in 2022 (5.0.x), `loongarch64` later; both are accepted so that records from newer
    /// members and images still validate.
    public static let known: [String] = [
        "i686", "x86_64", "armv6l", "armv7l", "armv8l", "aarch64", "ppc", "ppc64", "ppc64le", "s390x",
        "mips", "mips64", "riscv32", "riscv64", "loongarch64",
    ]

    /// Alias → canonical name, as LXD's `architectureAliases` table maps them.
    public static let aliases: [String: String] = [
        "i386": "i686", "i586": "i686", "386": "i686", "x86": "i686", "generic_32": "i686",
        "amd64": "x86_64", "generic_64": "x86_64",
        "armel": "armv6l", "arm": "armv6l",
        "armhf": "armv7l", "armhfp": "armv7l", "armv7a_hardfp": "armv7l", "armv7": "armv7l",
        "armv7a_vfpv3_hardfp": "armv7l",
        "arm64": "aarch64", "arm64_generic": "aarch64",
        "powerpc": "ppc",
        "powerpc64": "ppc64",
        "ppc64el": "ppc64le",
        "mipsel": "mips", "mipsle": "mips",
        "mips64el": "mips64", "mips64le": "mips64",
        "loong64": "loongarch64",
    ]

    private static let knownSet = Set(known)

    /// The canonical name for a name or alias, or nil when LXD does not know it.
    public static func canonicalName(_ name: String) -> String? {
        if knownSet.contains(name) { return name }
        return aliases[name]
    }

    /// `""` is allowed (the host's architecture is used); otherwise the name must be a known name
    /// or alias, else `Architecture isn't supported: <name>` (LXD's `osarch.ArchitectureId`).
    public static func validate(_ name: String) throws(RoostError) {
        if name.isEmpty { return }
        guard canonicalName(name) != nil else {
            throw .badRequest("Architecture isn't supported: \(name)")
        }
    }
}
