import RoostAPI

extension RoostClient {
    /// `GET /1.0`: the server, with the ETag of its writable config.
    public func server() async throws(RoostError) -> Tagged<Server> {
        try await sync(Server.self, .get, "/1.0")
    }

    /// `PUT /1.0`: replaces the server config. With `ifMatch`, fails with `.preconditionFailed`
    /// when the config changed since it was read.
    public func updateServer(_ put: ServerPut, ifMatch: String? = nil) async throws(RoostError) {
        try await mutate(method: .put, path: "/1.0", body: try Self.encode(put), ifMatch: ifMatch)
    }

    /// `PATCH /1.0`: sets the given keys and keeps the others (an empty value unsets a key).
    public func patchServer(config: [String: String], ifMatch: String? = nil) async throws(RoostError) {
        let body = try Self.encode(ServerPut(config: config))
        try await mutate(method: .patch, path: "/1.0", body: body, ifMatch: ifMatch)
    }
}
