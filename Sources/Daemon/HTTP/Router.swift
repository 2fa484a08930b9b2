import RoostAPI

/// A handler for one method on one route.
public typealias APIHandler = @Sendable (APIRequest, [String]) async throws -> APIResponse

/// Routes by path pattern (`/1.0/instances/{}` — each `{}` captures one segment) and method.
/// Unknown paths are 404 and known paths with another method are 405, in LXD's envelope.
public struct Router: Sendable {
    private struct Route: Sendable {
        var pattern: [String]
        var handlers: [String: APIHandler]
    }

    private var routes: [Route] = []

    public init() {}

    public mutating func add(_ method: String, _ pattern: String, _ handler: @escaping APIHandler) {
        let parts = pattern.split(separator: "/").map(String.init)
        if let index = routes.firstIndex(where: { $0.pattern == parts }) {
            routes[index].handlers[method] = handler
        } else {
            routes.append(Route(pattern: parts, handlers: [method: handler]))
        }
    }

    /// The handler and the captured segments, or the error to answer with.
    public func match(method: String, segments: [String]) -> Result<(APIHandler, [String]), RoostError> {
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
            if let handler = route.handlers[method] ?? (method == "HEAD" ? route.handlers["GET"] : nil) {
                return .success((handler, captures))
            }
            return .failure(RoostError(.methodNotAllowed, "Method not allowed"))
        }
        return .failure(RoostError.notFound("not found"))
    }
}
