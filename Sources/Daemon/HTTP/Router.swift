import RoostAPI

/// A handler for one method on one route.
public typealias APIHandler = @Sendable (APIRequest, [String]) async throws -> APIResponse

/// How a route takes its request body; the responder reads (or skips) it before the handler runs.
public enum BodyPolicy: Sendable, Hashable {
    /// No body is read (GET, HEAD, DELETE): whatever a client sends is discarded unread and is
    /// not part of the request's digest.
    case none
    /// A JSON document, buffered whole, at most `limits.request_body_max_bytes`, counted in the
    /// daemon-wide in-flight bytes while the request lives. Uploads (images, files) will get a
    /// streaming policy spooled to disk with their own limit when their routes land.
    case json

    static func `default`(for method: String) -> BodyPolicy {
        ["GET", "HEAD", "DELETE"].contains(method) ? .none : .json
    }
}

/// Routes by path pattern (`/1.0/instances/{}` — each `{}` captures one segment) and method.
/// Unknown paths are 404 and known paths with another method are 405, in LXD's envelope.
public struct Router: Sendable {
    private struct Route: Sendable {
        var pattern: [String]
        var handlers: [String: (APIHandler, BodyPolicy)]
    }

    private var routes: [Route] = []

    public init() {}

    public mutating func add(
        _ method: String, _ pattern: String, body: BodyPolicy? = nil, _ handler: @escaping APIHandler
    ) {
        let parts = pattern.split(separator: "/").map(String.init)
        let entry = (handler, body ?? .default(for: method))
        if let index = routes.firstIndex(where: { $0.pattern == parts }) {
            routes[index].handlers[method] = entry
        } else {
            routes.append(Route(pattern: parts, handlers: [method: entry]))
        }
    }

    /// The handler, the captured segments and the route's body policy, or the error to answer with.
    public func match(method: String, segments: [String]) -> Result<(APIHandler, [String], BodyPolicy), RoostError> {
        for route in routes where route.pattern.count == segments.count {
            var captures: [String] = []
            var matched = true
            for (part, segment) in zip(route.pattern, segments) {
                if part == "{}" {
                    captures.append(segment)
                } else if part != segment {
                    matched = false
                    break
                }
            }
            guard matched else { continue }
            if let (handler, policy) = route.handlers[method] ?? (method == "HEAD" ? route.handlers["GET"] : nil) {
                return .success((handler, captures, policy))
            }
            return .failure(RoostError(.methodNotAllowed, "Method not allowed"))
        }
        return .failure(RoostError.notFound("not found"))
    }
}
