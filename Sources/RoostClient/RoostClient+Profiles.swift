import RoostAPI

extension RoostClient {
    /// `GET /1.0/profiles` (recursion 0): the names of all profiles.
    public func profileNames() async throws(RoostError) -> [String] {
        try await sync([String].self, .get, "/1.0/profiles").value.map(PathEncoding.lastSegment(of:))
    }

    /// `GET /1.0/profiles?recursion=1`.
    public func profiles() async throws(RoostError) -> [Profile] {
        try await sync([Profile].self, .get, "/1.0/profiles?recursion=1").value
    }

    /// `GET /1.0/profiles/{name}`, with its ETag.
    public func profile(_ name: String) async throws(RoostError) -> Tagged<Profile> {
        try await sync(Profile.self, .get, Self.profilePath(name))
    }

    /// `POST /1.0/profiles`.
    public func createProfile(_ post: ProfilesPost) async throws(RoostError) {
        try await mutate(method: .post, path: "/1.0/profiles", body: try Self.encode(post))
    }

    /// `PUT /1.0/profiles/{name}`: replaces config, description and devices.
    public func updateProfile(_ name: String, _ put: ProfilePut, ifMatch: String? = nil) async throws(RoostError) {
        try await mutate(method: .put, path: Self.profilePath(name), body: try Self.encode(put), ifMatch: ifMatch)
    }

    /// `PATCH /1.0/profiles/{name}`: changes only the fields set in `patch`; config and devices
    /// merge key by key.
    public func patchProfile(_ name: String, _ patch: ProfilePatch, ifMatch: String? = nil) async throws(RoostError) {
        var fields: [String: JSONValue] = [:]
        if let value = patch.config { fields["config"] = .object(value.mapValues(JSONValue.string)) }
        if let value = patch.description { fields["description"] = .string(value) }
        if let value = patch.devices { fields["devices"] = Self.json(value) }
        let body = try Self.encode(JSONValue.object(fields))
        try await mutate(method: .patch, path: Self.profilePath(name), body: body, ifMatch: ifMatch)
    }

    /// `POST /1.0/profiles/{name}` with a new name.
    public func renameProfile(_ name: String, to newName: String) async throws(RoostError) {
        try await mutate(method: .post, path: Self.profilePath(name), body: try Self.encode(ProfilePost(name: newName)))
    }

    /// `DELETE /1.0/profiles/{name}`.
    public func deleteProfile(_ name: String) async throws(RoostError) {
        try await mutate(method: .delete, path: Self.profilePath(name))
    }

    static func profilePath(_ name: String) -> String { "/1.0/profiles/" + PathEncoding.segment(name) }
}
