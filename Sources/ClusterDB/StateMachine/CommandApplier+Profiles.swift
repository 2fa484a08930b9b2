import RoostAPI

extension CommandApplier {
    func createProfile(_ post: ProfilesPost) throws(RoostError) -> AppliedChange {
        try rules.profileName(post.name)
        try rules.config(post.put.config, scope: .profile)
        try rules.devices(post.put.devices, forProfile: true)
        guard try ProfileQueries.get(db, name: post.name) == nil else {
            throw RoostError.conflict("Profile \"\(post.name)\" already exists")
        }
        let put = ProfilePut(
            config: Self.dropEmpty(post.put.config), description: post.put.description, devices: post.put.devices)
        try db.prepare(
            "INSERT INTO profiles (project, name, description, config, devices) VALUES ('default', ?, ?, ?, ?)"
        )
        .bind(
            .text(post.name), .text(put.description), .blob(MapCodec.encode(put.config)),
            .blob(MapCodec.encode(put.devices))
        )
        .run()
        return AppliedChange(
            lifecycle: [LifecycleRecord(action: "profile-created", source: ResourcePath.profile(post.name))],
            etag: ETag.of(put))
    }

    func updateProfile(
        _ name: String, ifMatch: String?, change: (ProfilePut) -> ProfilePut
    ) throws(RoostError) -> AppliedChange {
        guard let row = try ProfileQueries.get(db, name: name) else { throw RoostError.notFound("Profile not found") }
        try Self.checkETag(ifMatch, current: ETag.of(row.put))
        var put = change(row.put)
        put.config = Self.dropEmpty(put.config)
        try rules.config(put.config, scope: .profile)
        try rules.devices(put.devices, forProfile: true)
        try db.prepare("UPDATE profiles SET description = ?, config = ?, devices = ? WHERE id = ?")
            .bind(
                .text(put.description), .blob(MapCodec.encode(put.config)), .blob(MapCodec.encode(put.devices)),
                .integer(row.id)
            )
            .run()
        let users = try ProfileQueries.users(db, profileID: row.id)
        return AppliedChange(
            lifecycle: [LifecycleRecord(action: "profile-updated", source: ResourcePath.profile(name))],
            etag: ETag.of(put), touchedInstances: users)
    }

    func renameProfile(_ from: String, to: String) throws(RoostError) -> AppliedChange {
        guard from != "default" else { throw RoostError.badRequest("The \"default\" profile cannot be renamed") }
        try rules.profileName(to)
        guard let row = try ProfileQueries.get(db, name: from) else { throw RoostError.notFound("Profile not found") }
        guard try ProfileQueries.get(db, name: to) == nil else {
            throw RoostError.conflict("Name \"\(to)\" already in use")
        }
        try db.prepare("UPDATE profiles SET name = ? WHERE id = ?").bind(.text(to), .integer(row.id)).run()
        let users = try ProfileQueries.users(db, profileID: row.id)
        return AppliedChange(
            lifecycle: [
                LifecycleRecord(
                    action: "profile-renamed", source: ResourcePath.profile(to), context: ["old_name": from])
            ],
            touchedInstances: users)
    }

    func deleteProfile(_ name: String) throws(RoostError) -> AppliedChange {
        guard name != "default" else { throw RoostError.badRequest("The \"default\" profile cannot be deleted") }
        guard let row = try ProfileQueries.get(db, name: name) else { throw RoostError.notFound("Profile not found") }
        guard try ProfileQueries.users(db, profileID: row.id).isEmpty else {
            throw RoostError.badRequest("Profile is currently in use")
        }
        try db.prepare("DELETE FROM profiles WHERE id = ?").bind(.integer(row.id)).run()
        return AppliedChange(lifecycle: [LifecycleRecord(action: "profile-deleted", source: ResourcePath.profile(name))]
        )
    }
}
