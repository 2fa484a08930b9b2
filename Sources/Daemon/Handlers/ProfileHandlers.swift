import ClusterDB
import RoostAPI

/// `/1.0/profiles` and `/1.0/profiles/{name}`: synchronous, like LXD's.
enum ProfileHandlers {
    static func register(_ router: inout Router, _ context: HandlerContext) {
        router.add("GET", "/1.0/profiles") { request, _ in try await list(context, request) }
        router.add("POST", "/1.0/profiles") { request, _ in
            let post = try request.decode(ProfilesPost.self)
            try Names.validateNewProfile(post.name)
            try ConfigKeys.validate(post.put.config, scope: .profile)
            try Devices.validate(post.put.devices, forProfile: true)
            try await context.proposer.propose(.createProfile(post), for: request)
            return try .created(location: ResourcePath.profile(post.name))
        }
        router.add("GET", "/1.0/profiles/{}") { _, captures in
            let profile = try await context.reader.profile(captures[0])
            return try .sync(profile, etag: ETag.of(profile.writable))
        }
        router.add("PUT", "/1.0/profiles/{}") { request, captures in
            let put = try request.decode(ProfilePut.self)
            try ConfigKeys.validate(put.config, scope: .profile)
            try Devices.validate(put.devices, forProfile: true)
            try await context.proposer.propose(
                .replaceProfile(name: captures[0], put: put, ifMatch: request.ifMatch), for: request)
            return try .emptySync()
        }
        router.add("PATCH", "/1.0/profiles/{}") { request, captures in
            let patch = try request.decode(ProfilePatch.self)
            try ConfigKeys.validate(patch.config ?? [:], scope: .profile)
            if let devices = patch.devices { try Devices.validate(devices, forProfile: true) }
            try await context.proposer.propose(
                .patchProfile(name: captures[0], patch: patch, ifMatch: request.ifMatch), for: request)
            return try .emptySync()
        }
        router.add("POST", "/1.0/profiles/{}") { request, captures in
            let post = try request.decode(ProfilePost.self)
            try Names.validateNewProfile(post.name)
            try await context.proposer.propose(
                .renameProfile(from: captures[0], to: post.name), for: request)
            return try .created(location: ResourcePath.profile(post.name))
        }
        router.add("DELETE", "/1.0/profiles/{}") { request, captures in
            try await context.proposer.propose(.deleteProfile(name: captures[0]), for: request)
            return try .emptySync()
        }
    }

    static func list(_ context: HandlerContext, _ request: APIRequest) async throws(RoostError) -> APIResponse {
        let filter = try FilterExpression.parse(request.query["filter"] ?? "")
        var profiles = try await context.reader.profiles()
        if let filter { profiles = profiles.filter { filter.matches(lookup(for: $0)) } }
        if request.recursion >= 1 { return try .sync(profiles) }
        return try .sync(profiles.map { ResourcePath.profile($0.name) })
    }

    static func lookup(for profile: Profile) -> (String) -> String? {
        { field in
            switch field {
            case "name": profile.name
            case "description": profile.description
            default:
                field.hasPrefix("config.") ? profile.config[String(field.dropFirst("config.".count))] : nil
            }
        }
    }
}
