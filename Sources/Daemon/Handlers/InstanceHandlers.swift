import ClusterDB
import Foundation
import RoostAPI

/// `/1.0/instances` and `/1.0/instances/{name}`: instance *records*. Writes that LXD runs as
/// operations (create, update, rename, delete) return 202 and finish after apply.
enum InstanceHandlers {
    static func register(_ router: inout Router, _ context: HandlerContext) {
        router.add("GET", "/1.0/instances") { request, _ in try await list(context, request) }
        router.add("POST", "/1.0/instances") { request, _ in try await create(context, request) }
        router.add("GET", "/1.0/instances/{}") { _, captures in
            let instance = try await context.reader.instance(captures[0])
            return try .sync(instance, etag: ETag.of(instance.writable))
        }
        router.add("PUT", "/1.0/instances/{}") { request, captures in
            let put = try request.decode(InstancePut.self)
            return try await update(
                context, request, name: captures[0],
                action: .replaceInstance(name: captures[0], put: put, ifMatch: request.ifMatch), config: put.config)
        }
        router.add("PATCH", "/1.0/instances/{}") { request, captures in
            let patch = try request.decode(InstancePatch.self)
            try ConfigKeys.validate(patch.config?.filter { !$0.value.isEmpty } ?? [:], scope: .instance)
            if let devices = patch.devices { try Devices.validate(devices, forProfile: false) }
            if let architecture = patch.architecture { try Architectures.validate(architecture) }
            try await context.unlessRetry(request) { () async throws(RoostError) in
                let current = try await context.reader.instance(captures[0])
                try checkETag(request, current.writable)
            }
            try await context.proposer.propose(
                .patchInstance(name: captures[0], patch: patch, ifMatch: request.ifMatch), for: request)
            return try .emptySync()
        }
        router.add("POST", "/1.0/instances/{}") { request, captures in
            try await rename(context, request, name: captures[0])
        }
        router.add("DELETE", "/1.0/instances/{}") { request, captures in
            let name = captures[0]
            try await context.unlessRetry(request) { () async throws(RoostError) in
                _ = try await context.reader.instance(name)
            }
            return try await operation(context, "Deleting instance", name: name) {
                try await context.proposer.propose(.deleteInstance(name: name), for: request)
            }
        }
        router.add("GET", "/1.0/instances/{}/state") { _, captures in
            _ = try await context.reader.instance(captures[0])
            return try .sync(InstanceState.stopped)
        }
        router.add("PUT", "/1.0/instances/{}/state") { _, captures in
            _ = try await context.reader.instance(captures[0])
            throw RoostError(.notImplemented, "Changing the state of an instance is not implemented yet")
        }
    }

    static func list(_ context: HandlerContext, _ request: APIRequest) async throws(RoostError) -> APIResponse {
        let filter = try FilterExpression.parse(request.query["filter"] ?? "")
        var instances = try await context.reader.instances()
        if let filter { instances = instances.filter { filter.matches(lookup(for: $0)) } }
        switch request.recursion {
        case ..<1: return try .sync(instances.map { ResourcePath.instance($0.name) })
        case 1: return try .sync(instances)
        default:
            return try .sync(
                instances.map { instance in
                    var full = instance
                    full.isFull = true
                    full.state = .stopped
                    return full
                })
        }
    }

    static func create(_ context: HandlerContext, _ request: APIRequest) async throws(RoostError) -> APIResponse {
        let post = try request.decode(InstancesPost.self)
        try Names.validateInstance(post.name)
        let type = post.type.isEmpty ? "container" : post.type
        guard type == "container" else { throw RoostError.badRequest("Instance type \"\(type)\" is not supported") }
        switch post.source.type {
        case "none": break
        case "": throw RoostError.badRequest("Source type is required (Roost supports \"none\" for now)")
        default: throw RoostError(.notImplemented, "Source type \"\(post.source.type)\" is not supported yet")
        }
        try ConfigKeys.validate(post.config.filter { !$0.value.isEmpty }, scope: .instance)
        try Devices.validate(post.devices, forProfile: false)
        try Architectures.validate(post.architecture)
        let profiles = post.profiles ?? ["default"]
        try await context.unlessRetry(request) { () async throws(RoostError) in
            let known = Set(try await context.reader.profileNames())
            for profile in profiles where !known.contains(profile) {
                throw RoostError.badRequest("Requested profile \"\(profile)\" doesn't exist")
            }
            if (try? await context.reader.instance(post.name)) != nil {
                throw RoostError.conflict("Instance \"\(post.name)\" already exists")
            }
        }
        // The instance's identity is the daemon's to choose: a client-sent volatile.uuid (say,
        // copied from another instance) is replaced (`InstanceCreate.init`, here at the edge; apply
        // refuses a uuid another instance has). It is derived from the request id,
        // so a retry, on any member, derives the first attempt's uuid, and a client that sends
        // another instance's uuid as its request id still gets a different one.
        let uuid = NameBasedUUID.instance(forRequest: request.requestID).uuidString.lowercased()
        let config = post.config
        let put = InstancePut(
            architecture: post.architecture.isEmpty ? HostInfo.architecture : post.architecture, config: config,
            devices: post.devices, ephemeral: post.ephemeral, profiles: profiles, stateful: post.stateful,
            description: post.description)
        let create = InstanceCreate(
            name: post.name, type: type, put: put, location: context.proposer.memberName, uuid: uuid)
        return try await operation(context, "Creating instance", name: post.name) {
            try await context.proposer.propose(.createInstance(create), for: request)
        }
    }

    static func update(
        _ context: HandlerContext, _ request: APIRequest, name: String, action: ClusterDBAction,
        config: [String: String]
    ) async throws(RoostError) -> APIResponse {
        try ConfigKeys.validate(config.filter { !$0.value.isEmpty }, scope: .instance)
        if case .replaceInstance(_, let put, _) = action {
            try Devices.validate(put.devices, forProfile: false)
            try Architectures.validate(put.architecture)
        }
        try await context.unlessRetry(request) { () async throws(RoostError) in
            let current = try await context.reader.instance(name)
            try checkETag(request, current.writable)
        }
        return try await operation(context, "Updating instance", name: name) {
            try await context.proposer.propose(action, for: request)
        }
    }

    static func rename(_ context: HandlerContext, _ request: APIRequest, name: String) async throws(RoostError)
        -> APIResponse
    {
        let post = try request.decode(InstancePost.self)
        guard !post.migration else { throw RoostError(.notImplemented, "Instance migration is not implemented yet") }
        try Names.validateInstance(post.name)
        try await context.unlessRetry(request) { () async throws(RoostError) in
            _ = try await context.reader.instance(name)
            if (try? await context.reader.instance(post.name)) != nil {
                throw RoostError.conflict("Name \"\(post.name)\" already in use")
            }
        }
        return try await operation(context, "Renaming instance", name: name) {
            try await context.proposer.propose(.renameInstance(from: name, to: post.name), for: request)
        }
    }

    /// The handler-side ETag check gives the client its 412 synchronously (LXD does the same
    /// before creating the operation); apply compares again to close the race.
    static func checkETag(_ request: APIRequest, _ put: InstancePut) throws(RoostError) {
        if let ifMatch = request.ifMatch, ifMatch != "*", ifMatch != ETag.of(put) {
            throw RoostError(.preconditionFailed, "ETag doesn't match")
        }
    }

    static func operation(
        _ context: HandlerContext, _ description: String, name: String,
        work: @escaping @Sendable () async throws -> Void
    ) async throws(RoostError) -> APIResponse {
        let resources = ["instances": [ResourcePath.instance(name)], "containers": [ResourcePath.container(name)]]
        let operation = try await context.operations.start(description: description, resources: resources) {
            try await work()
            return nil
        }
        return try .async(operation)
    }

    private static func configLookup(_ instance: Instance, _ field: String) -> String? {
        if field.hasPrefix("config.") { return instance.config[String(field.dropFirst("config.".count))] }
        if field.hasPrefix("expanded_config.") {
            return instance.expandedConfig[String(field.dropFirst("expanded_config.".count))]
        }
        return nil
    }

    static func lookup(for instance: Instance) -> (String) -> String? {
        { field in
            switch field {
            case "name": instance.name
            case "status": instance.status
            case "status_code": String(instance.statusCode)
            case "type": instance.type
            case "location": instance.location
            case "description": instance.description
            case "architecture": instance.architecture
            case "project": instance.project
            case "ephemeral": String(instance.ephemeral)
            case "stateful": String(instance.stateful)
            default:
                configLookup(instance, field)
            }
        }
    }
}
