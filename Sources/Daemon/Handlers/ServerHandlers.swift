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

    /// Validates everything first, then, under one gate (so concurrent updates of the
    /// member-local part cannot interleave): compares `If-Match` with the combined config,
    /// proposes the cluster part with its own ETag compared again inside apply, writes the
    /// member-local part, and only then publishes `config-updated`.
    static func update(
        _ context: HandlerContext, _ request: APIRequest, config: [String: String], merge: Bool
    ) async throws -> APIResponse {
        try ConfigKeys.validate(config.filter { !$0.value.isEmpty }, scope: .server)
        let published = try await context.serverConfigGate.withGate {
            // Inside the gate: a retry that overlapped its first attempt sees it remembered.
            let retry = try await context.isRetry(request)
            let cluster = try await context.reader.clusterConfig()
            let local = try await context.local.localConfigAsync()
            let combined = cluster.merging(local) { _, localValue in localValue }
            if !retry, let ifMatch = request.ifMatch, ifMatch != "*", ifMatch != ETag.of(serverConfig: combined) {
                throw RoostError(.preconditionFailed, "ETag doesn't match")
            }
            let (clusterPart, localPart) = ServerConfigScope.split(config)
            let expected = retry ? nil : ETag.of(serverConfig: cluster)
            let action: ClusterDBAction =
                merge
                ? .patchServerConfig(config: clusterPart, ifMatch: expected)
                : .replaceServerConfig(config: clusterPart, ifMatch: expected)
            try await context.proposer.propose(action, for: request)
            // A retry (or a replayed old request) changes nothing: the member-local part was
            // written by the first attempt, and writing it again could revert later changes.
            if !retry {
                try await context.local.replaceLocalConfigAsync(
                    merge ? local.merging(localPart) { _, new in new } : localPart)
            }
            return !retry
        }
        // A retry changes nothing: the first attempt published the event.
        if published { context.events.publishLifecycle(LifecycleEvent(action: "config-updated", source: "/1.0")) }
        return try .emptySync()
    }
}

typealias ClusterDBAction = Command.Action
