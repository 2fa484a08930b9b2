import RoostAPI

/// A handler for one method on one route.
public typealias APIHandler = @Sendable (APIRequest, [String]) async throws -> APIResponse

/// How a route takes its request body; the responder reads (or skips) it before the handler runs.
public enum BodyPolicy: Sendable, Hashable {
    /// No body is read (GET, HEAD, DELETE): whatever a client sends is discarded unread and is
    /// not part of the request's digest.
    case none
    /// A JSON document, buffered whole, at most `limits.request_body_max_bytes`, counted in the
    /// daemon-wide in-flight bytes while the request lives.
    case json
    /// An upload (images, files, backups): streamed to a file in the state directory's spool,
    /// at most `maxBytes`, never held in memory (each chunk counts in the in-flight bytes only
    /// while it is written). It must keep arriving at `spoolMinimumBytesPerSecond` after the first
    /// `timeouts.request_read_seconds`. The handler gets the file as `APIRequest.bodyFile`.
    case spool(maxBytes: Int)

    /// The slowest an upload may arrive on average (after the read timeout's grace).
    static let spoolMinimumBytesPerSecond = 64 << 10

    static func `default`(for method: String) -> BodyPolicy {
        ["GET", "HEAD", "DELETE"].contains(method) ? .none : .json
    }
}

/// Routes by path pattern (`/1.0/instances/{}` — each `{}` captures one segment) and method.
/// Unknown paths are 404 and known paths with another method are 405, in LXD's envelope.
public struct Router: Sendable {
    /// What a route registered for one method.
    struct Entry: Sendable {
        var handler: APIHandler
        var body: BodyPolicy
        var slot: RequestAdmission.SlotKind
    }

    private struct Route: Sendable {
        var pattern: [String]
        var handlers: [String: Entry]
    }

    private var routes: [Route] = []

    public init() {}

    mutating func add(
        _ method: String, _ pattern: String, body: BodyPolicy? = nil, slot: RequestAdmission.SlotKind = .standard,
        _ handler: @escaping APIHandler
    ) {
        let parts = pattern.split(separator: "/").map(String.init)
        let entry = Entry(handler: handler, body: body ?? .default(for: method), slot: slot)
        if let index = routes.firstIndex(where: { $0.pattern == parts }) {
            routes[index].handlers[method] = entry
        } else {
            routes.append(Route(pattern: parts, handlers: [method: entry]))
        }
    }

    /// The route's entry and the captured segments, or the error to answer with.
    func match(method: String, segments: [String]) -> Result<(Entry, [String]), RoostError> {
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
            if let entry = route.handlers[method] ?? (method == "HEAD" ? route.handlers["GET"] : nil) {
                return .success((entry, captures))
            }
            return .failure(RoostError(.methodNotAllowed, "Method not allowed"))
        }
        return .failure(RoostError.notFound("not found"))
    }
}
