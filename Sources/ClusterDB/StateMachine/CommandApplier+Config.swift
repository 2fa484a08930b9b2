import RoostAPI

extension CommandApplier {
    func updateServerConfig(
        ifMatch: String?, change: ([String: String]) -> [String: String]
    ) throws(RoostError) -> AppliedChange {
        let current = try ConfigQueries.all(db)
        try Self.checkETag(ifMatch, current: ETag.of(serverConfig: current))
        let updated = Self.dropEmpty(change(current))
        try ConfigKeys.validate(updated, scope: .server)
        try db.execute("DELETE FROM config")
        let insert = "INSERT INTO config (key, value) VALUES (?, ?)"
        for key in updated.keys.sorted() {
            try db.prepare(insert).bind(.text(key), .text(updated[key] ?? "")).run()
        }
        return AppliedChange(
            lifecycle: [LifecycleRecord(action: "config-updated", source: "/1.0")],
            etag: ETag.of(serverConfig: updated))
    }
}
