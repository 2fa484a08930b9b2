import RoostAPI

/// Applies one command's action inside the caller's savepoint. Every check that decides between
/// applied and rejected happens here, against the committed state (not in the HTTP handler), so
/// racing requests cannot both win: names are claimed and ETags compared at apply time.
struct CommandApplier {
    let db: SQLiteConnection
    let command: Command

    /// The table rules of the command's version, never simply the newest.
    var rules: ValidationRules { get throws(RoostError) { try ValidationRules(version: command.version) } }

    func run() throws(RoostError) -> AppliedChange {
        switch command.action {
        case .noop, .skipEntry:
            return AppliedChange()
        case .createProfile(let post):
            return try createProfile(post)
        case .replaceProfile(let name, let put, let ifMatch):
            return try updateProfile(name, ifMatch: ifMatch) { _ in put }
        case .patchProfile(let name, let patch, let ifMatch):
            return try updateProfile(name, ifMatch: ifMatch) { patch.applied(to: $0) }
        case .renameProfile(let from, let to):
            return try renameProfile(from, to: to)
        case .deleteProfile(let name):
            return try deleteProfile(name)
        case .createInstance(let create):
            return try createInstance(create)
        case .replaceInstance(let name, let put, let ifMatch):
            return try updateInstance(name, ifMatch: ifMatch) { _ in put }
        case .patchInstance(let name, let patch, let ifMatch):
            return try updateInstance(name, ifMatch: ifMatch) { patch.applied(to: $0) }
        case .renameInstance(let from, let to):
            return try renameInstance(from, to: to)
        case .deleteInstance(let name):
            return try deleteInstance(name)
        case .replaceServerConfig(let config, let ifMatch):
            return try updateServerConfig(ifMatch: ifMatch) { _ in config }
        case .patchServerConfig(let config, let ifMatch):
            return try updateServerConfig(ifMatch: ifMatch) { $0.merging(config) { _, new in new } }
        }
    }

    /// LXD stores no empty config values: setting a key to "" unsets it.
    static func dropEmpty(_ config: [String: String]) -> [String: String] { config.filter { !$0.value.isEmpty } }

    static func checkETag(_ ifMatch: String?, current: String) throws(RoostError) {
        guard let ifMatch, !ifMatch.isEmpty, ifMatch != "*" else { return }
        guard ifMatch == current else { throw RoostError(.preconditionFailed, "ETag doesn't match") }
    }
}

/// Canonical UUID text (8-4-4-4-12 hex digits), checked without Foundation's parser so apply stays
/// independent of platform libraries.
enum UUIDText {
    static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (offset, byte) in bytes.enumerated() {
            if [8, 13, 18, 23].contains(offset) {
                guard byte == UInt8(ascii: "-") else { return false }
            } else {
                let lower = byte | 0x20
                guard (byte >= 0x30 && byte <= 0x39) || (lower >= 0x61 && lower <= 0x66) else { return false }
            }
        }
        return true
    }
}
