import RoostAPI

extension CommandApplier {
    func createInstance(_ create: InstanceCreate) throws(RoostError) -> AppliedChange {
        try rules.instanceName(create.name)
        guard UUIDText.isValid(create.uuid) else { throw RoostError.badRequest("Invalid instance UUID") }
        guard create.type == "container" else {
            throw RoostError.badRequest("Invalid instance type \"\(create.type)\"")
        }
        guard try InstanceQueries.get(db, name: create.name) == nil else {
            throw RoostError.conflict("Instance \"\(create.name)\" already exists")
        }
        guard try !InstanceQueries.uuidExists(db, create.uuid) else {
            throw RoostError.conflict("An instance with UUID \(create.uuid) already exists")
        }
        let put = try validated(create.put)
        let profileIDs = try resolveProfiles(put.profiles)
        try db.prepare(
            """
            INSERT INTO instances (project, name, type, architecture, ephemeral, stateful, description, config, devices,
                                   location, created_at, last_used_at, uuid)
            VALUES ('default', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)
            """
        ).bind(
            .text(create.name), .text(create.type), .text(put.architecture), .integer(put.ephemeral ? 1 : 0),
            .integer(put.stateful ? 1 : 0), .text(put.description), .blob(MapCodec.encode(put.config)),
            .blob(MapCodec.encode(put.devices)), .text(create.location),
            .integer(command.timestamp.nanosecondsSinceEpoch), .text(create.uuid)
        ).run()
        guard let row = try InstanceQueries.get(db, name: create.name) else {
            throw RoostError.internalError("Instance vanished after insert")
        }
        try linkProfiles(instanceID: row.id, profileIDs: profileIDs)
        return AppliedChange(
            lifecycle: [
                LifecycleRecord(
                    action: "instance-created", source: ResourcePath.instance(create.name),
                    context: ["type": create.type])
            ],
            etag: ETag.of(put), touchedInstances: [create.name])
    }

    func updateInstance(
        _ name: String, ifMatch: String?, change: (InstancePut) -> InstancePut
    ) throws(RoostError) -> AppliedChange {
        guard let row = try InstanceQueries.get(db, name: name) else { throw RoostError.notFound("Instance not found") }
        try Self.checkETag(ifMatch, current: ETag.of(row.put))
        var changed = change(row.put)
        // A PUT that omits volatile.* keys keeps them (clients often drop them when editing);
        // unsetting one takes an explicit "". volatile.uuid is the instance's identity: fixed.
        for (key, value) in row.put.config where key.hasPrefix("volatile.") && changed.config[key] == nil {
            changed.config[key] = value
        }
        changed.config["volatile.uuid"] = row.put.config["volatile.uuid"]
        var put = try validated(changed)
        if put.architecture.isEmpty { put.architecture = row.put.architecture }
        let profileIDs = try resolveProfiles(put.profiles)
        try db.prepare(
            "UPDATE instances SET architecture = ?, ephemeral = ?, stateful = ?, description = ?, config = ?, devices = ? WHERE id = ?"
        ).bind(
            .text(put.architecture), .integer(put.ephemeral ? 1 : 0), .integer(put.stateful ? 1 : 0),
            .text(put.description),
            .blob(MapCodec.encode(put.config)), .blob(MapCodec.encode(put.devices)), .integer(row.id)
        ).run()
        try db.prepare("DELETE FROM instances_profiles WHERE instance_id = ?").bind(.integer(row.id)).run()
        try linkProfiles(instanceID: row.id, profileIDs: profileIDs)
        return AppliedChange(
            lifecycle: [LifecycleRecord(action: "instance-updated", source: ResourcePath.instance(name))],
            etag: ETag.of(put), touchedInstances: [name])
    }

    func renameInstance(_ from: String, to: String) throws(RoostError) -> AppliedChange {
        try rules.instanceName(to)
        guard let row = try InstanceQueries.get(db, name: from) else { throw RoostError.notFound("Instance not found") }
        guard try InstanceQueries.get(db, name: to) == nil else {
            throw RoostError.conflict("Name \"\(to)\" already in use")
        }
        try db.prepare("UPDATE instances SET name = ? WHERE id = ?").bind(.text(to), .integer(row.id)).run()
        return AppliedChange(
            lifecycle: [
                LifecycleRecord(
                    action: "instance-renamed", source: ResourcePath.instance(to), context: ["old_name": from])
            ],
            touchedInstances: [from, to])
    }

    func deleteInstance(_ name: String) throws(RoostError) -> AppliedChange {
        guard let row = try InstanceQueries.get(db, name: name) else { throw RoostError.notFound("Instance not found") }
        if Self.isTrue(row.put.config["security.protection.delete"]) {
            throw RoostError.badRequest("Instance is protected from being deleted")
        }
        try db.prepare("DELETE FROM instances WHERE id = ?").bind(.integer(row.id)).run()
        return AppliedChange(
            lifecycle: [LifecycleRecord(action: "instance-deleted", source: ResourcePath.instance(name))],
            touchedInstances: [name])
    }

    /// Config and device checks every instance write passes; empty values are dropped (unset).
    private func validated(_ put: InstancePut) throws(RoostError) -> InstancePut {
        var put = put
        put.config = Self.dropEmpty(put.config)
        // Aliases (amd64, arm64, …) are stored under LXD's canonical name.
        put.architecture = try rules.canonicalArchitecture(put.architecture)
        try rules.config(put.config, scope: .instance)
        try rules.devices(put.devices, forProfile: false)
        try rules.architecture(put.architecture)
        var seen: Set<String> = []
        for profile in put.profiles where !seen.insert(profile).inserted {
            throw RoostError.badRequest("Duplicate profile \"\(profile)\"")
        }
        return put
    }

    private func resolveProfiles(_ names: [String]) throws(RoostError) -> [Int64] {
        var ids: [Int64] = []
        for name in names {
            guard let profile = try ProfileQueries.get(db, name: name) else {
                throw RoostError.notFound("Profile \"\(name)\" not found")
            }
            ids.append(profile.id)
        }
        return ids
    }

    private func linkProfiles(instanceID: Int64, profileIDs: [Int64]) throws(RoostError) {
        for (order, profileID) in profileIDs.enumerated() {
            try db.prepare("INSERT INTO instances_profiles (instance_id, profile_id, apply_order) VALUES (?, ?, ?)")
                .bind(.integer(instanceID), .integer(profileID), .integer(Int64(order)))
                .run()
        }
    }

    static func isTrue(_ value: String?) -> Bool {
        guard let value = value?.lowercased() else { return false }
        return ["true", "1", "yes", "on"].contains(value)
    }
}
