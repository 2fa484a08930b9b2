import RoostAPI

extension CommandApplier {
    func updateServerConfig(
        ifMatch: String?, change: ([String: String]) -> [String: String]
    ) throws(RoostError) -> AppliedChange {
        let current = try ConfigQueries.all(db)
        try Self.checkETag(ifMatch, current: ETag.of(serverConfig: current))
        let updated = Self.dropEmpty(change(current))
        try rules.config(updated, scope: .server)
        try db.execute("DELETE FROM config")
        let insert = "INSERT INTO config (key, value) VALUES (?, ?)"
        for key in updated.keys.sorted() {
            try db.prepare(insert).bind(.text(key), .text(updated[key] ?? "")).run()
        }
        // No lifecycle record here: the handler publishes `config-updated` once the
        // member-local part of the same request is written too.
        return AppliedChange(etag: ETag.of(serverConfig: updated))
    }
}
