import ClusterDB
import RoostAPI

/// `GET /`, `GET/PUT/PATCH /1.0`.
enum ServerHandlers {
    static func register(_ router: inout Router, _ context: HandlerContext) {
        router.add("GET", "/") { _, _ in try .sync(["/1.0"]) }
        router.add("GET", "/1.0") { _, _ in try await get(context) }
        router.add("PUT", "/1.0") { request, _ in
            try await update(context, request, config: try request.decode(ServerPut.self).config, merge: false)
        }
        router.add("PATCH", "/1.0") { request, _ in
            try await update(context, request, config: try request.decode(ServerPatch.self).config ?? [:], merge: true)
        }
    }

    static func get(_ context: HandlerContext) async throws(RoostError) -> APIResponse {
        let config = try await context.reader.serverConfig()
        let server = Server(config: config, environment: context.environment)
        return try .sync(server, etag: ETag.of(serverConfig: config))
    }

    /// Validates everything first; member-local keys go to the local database, the rest through
    /// the state path with the cluster part's ETag compared inside apply.
    static func update(
        _ context: HandlerContext, _ request: APIRequest, config: [String: String], merge: Bool
    ) async throws(RoostError) -> APIResponse {
        try ConfigKeys.validate(config.filter { !$0.value.isEmpty }, scope: .server)
        let current = try await context.reader.serverConfig()
        if let ifMatch = request.ifMatch, ifMatch != ETag.of(serverConfig: current) {
            throw RoostError(.preconditionFailed, "ETag doesn't match")
        }
        let (cluster, local) = ServerConfigScope.split(config)
        let action: ClusterActionBuilder.ServerAction = merge ? .patch(cluster) : .replace(cluster)
        try await context.proposer.propose(ClusterActionBuilder.server(action), requestID: request.requestID)
        let currentLocal = try context.local.localConfig()
        try context.local.replaceLocalConfig(merge ? currentLocal.merging(local) { _, new in new } : local)
        return try .emptySync()
    }
}

/// Small helpers that keep handler bodies free of command plumbing.
enum ClusterActionBuilder {
    enum ServerAction {
        case replace([String: String])
        case patch([String: String])
    }

    static func server(_ action: ServerAction) -> ClusterDBAction {
        switch action {
        case .replace(let config): .replaceServerConfig(config: config, ifMatch: nil)
        case .patch(let config): .patchServerConfig(config: config, ifMatch: nil)
        }
    }
}

typealias ClusterDBAction = Command.Action
