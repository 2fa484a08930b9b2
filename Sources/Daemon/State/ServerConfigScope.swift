/// LXD splits server config into member-local keys (addresses a member listens on, local volumes)
/// and cluster-wide keys. Member-local keys live in the local database; the rest are replicated.
enum ServerConfigScope {
    static let memberLocalKeys: Set<String> = [
        "core.https_address", "core.bgp_address", "core.bgp_routerid", "core.debug_address", "core.dns_address",
        "core.metrics_address", "core.storage_buckets_address", "cluster.https_address", "storage.backups_volume",
        "storage.images_volume",
    ]

    static func isMemberLocal(_ key: String) -> Bool { memberLocalKeys.contains(key) }

    static func split(_ config: [String: String]) -> (cluster: [String: String], local: [String: String]) {
        var cluster: [String: String] = [:]
        var local: [String: String] = [:]
        for (key, value) in config {
            if isMemberLocal(key) { local[key] = value } else { cluster[key] = value }
        }
        return (cluster, local)
    }
}
