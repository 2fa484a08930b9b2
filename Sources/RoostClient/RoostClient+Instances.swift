import RoostAPI

extension RoostClient {
    /// `GET /1.0/instances` (recursion 0): the names of all instances.
    public func instanceNames() async throws(RoostError) -> [String] {
        try await sync([String].self, .get, "/1.0/instances").value.map(PathEncoding.lastSegment(of:))
    }

    /// `GET /1.0/instances?recursion=1`, or `recursion=2` when `full` (adding `state`,
    /// `snapshots` and `backups`, LXD's `InstanceFull`).
    ///
    /// - Parameter filter: an LXD `filter=` expression (`name eq c1`), sent as is.
    public func instances(full: Bool = false, filter: String? = nil) async throws(RoostError) -> [Instance] {
        var query = [("recursion", full ? "2" : "1")]
        if let filter, !filter.isEmpty { query.append(("filter", filter)) }
        return try await sync([Instance].self, .get, PathEncoding.withQuery("/1.0/instances", query)).value
    }

    /// `GET /1.0/instances/{name}`, with its ETag.
    public func instance(_ name: String) async throws(RoostError) -> Tagged<Instance> {
        try await sync(Instance.self, .get, Self.instancePath(name))
    }

    /// `GET /1.0/instances/{name}/state`.
    public func instanceState(_ name: String) async throws(RoostError) -> InstanceState {
        try await sync(InstanceState.self, .get, Self.instancePath(name) + "/state").value
    }

    /// `POST /1.0/instances`, waiting for the creation to finish.
    ///
    /// - Parameter target: the cluster member to place the instance on (`?target=`).
    @discardableResult
    public func createInstance(_ post: InstancesPost, target: String? = nil) async throws(RoostError) -> Operation? {
        let path = PathEncoding.withQuery("/1.0/instances", target.map { [("target", $0)] } ?? [])
        return try await mutate(method: .post, path: path, body: try Self.encode(post))
    }

    /// `PUT /1.0/instances/{name}`: replaces the writable fields.
    public func updateInstance(_ name: String, _ put: InstancePut, ifMatch: String? = nil) async throws(RoostError) {
        try await mutate(method: .put, path: Self.instancePath(name), body: try Self.encode(put), ifMatch: ifMatch)
    }

    /// `PATCH /1.0/instances/{name}`: changes only the fields set in `patch`; config and devices
    /// merge key by key.
    public func patchInstance(_ name: String, _ patch: InstancePatch, ifMatch: String? = nil) async throws(RoostError) {
        var fields: [String: JSONValue] = [:]
        if let value = patch.architecture { fields["architecture"] = .string(value) }
        if let value = patch.config { fields["config"] = .object(value.mapValues(JSONValue.string)) }
        if let value = patch.devices { fields["devices"] = Self.json(value) }
        if let value = patch.ephemeral { fields["ephemeral"] = .bool(value) }
        if let value = patch.profiles { fields["profiles"] = .array(value.map(JSONValue.string)) }
        if let value = patch.stateful { fields["stateful"] = .bool(value) }
        if let value = patch.description { fields["description"] = .string(value) }
        let body = try Self.encode(JSONValue.object(fields))
        try await mutate(method: .patch, path: Self.instancePath(name), body: body, ifMatch: ifMatch)
    }

    /// `POST /1.0/instances/{name}` with a new name.
    public func renameInstance(_ name: String, to newName: String) async throws(RoostError) {
        let body = try Self.encode(InstancePost(name: newName))
        try await mutate(method: .post, path: Self.instancePath(name), body: body)
    }

    /// `DELETE /1.0/instances/{name}`.
    public func deleteInstance(_ name: String) async throws(RoostError) {
        try await mutate(method: .delete, path: Self.instancePath(name))
    }

    /// `PUT /1.0/instances/{name}/state`: `start`, `stop`, `restart`, `freeze` or `unfreeze`.
    ///
    /// - Parameter timeout: seconds to wait for a clean stop; `-1` waits as long as needed.
    public func changeInstanceState(
        _ name: String, action: String, force: Bool = false, stateful: Bool = false, timeout: Int = -1
    ) async throws(RoostError) {
        let body: JSONValue = [
            "action": .string(action), "timeout": .number(Double(timeout)), "force": .bool(force),
            "stateful": .bool(stateful),
        ]
        try await mutate(method: .put, path: Self.instancePath(name) + "/state", body: try Self.encode(body))
    }

    static func instancePath(_ name: String) -> String { "/1.0/instances/" + PathEncoding.segment(name) }

    static func json(_ devices: DeviceMap) -> JSONValue {
        .object(devices.mapValues { .object($0.mapValues(JSONValue.string)) })
    }
}
