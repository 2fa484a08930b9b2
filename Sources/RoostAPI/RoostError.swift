/// The one error type Roost carries from any layer to the API edge.
///
/// Every layer throws `RoostError`; only the HTTP edge turns `code` into a status and LXD's error
/// envelope (`ErrorEnvelope`). `message` is what the user reads, so it follows LXD's wording where
/// a client or script may match on it (for example `"Instance not found"`). `cause` keeps the
/// underlying detail (an errno text, a SQLite message) for logs without leaking it into `message`.
public struct RoostError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// What kind of failure this is; the API edge maps each code to one HTTP status.
    public enum Code: String, Sendable, Hashable, Codable, CaseIterable {
        case badRequest
        case forbidden
        case notFound
        case methodNotAllowed
        case conflict
        case preconditionFailed
        case payloadTooLarge
        /// The client did not send its request within the time allowed (a slow or stalled body).
        case requestTimeout
        case notImplemented
        /// The change may or may not have been committed (leader lost, timeout after proposing).
        case outcomeUnknown
        case unavailable
        case internalError
    }

    public var code: Code
    public var message: String
    public var cause: String?

    public init(_ code: Code, _ message: String, cause: String? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// The HTTP status LXD uses for this kind of failure.
    public var httpStatus: Int {
        switch code {
        case .badRequest: 400
        case .forbidden: 403
        case .notFound: 404
        case .methodNotAllowed: 405
        case .conflict: 409
        case .preconditionFailed: 412
        case .payloadTooLarge: 413
        case .requestTimeout: 408
        case .notImplemented: 501
        case .outcomeUnknown, .unavailable: 503
        case .internalError: 500
        }
    }

    public var description: String {
        if let cause { return "\(message): \(cause)" }
        return message
    }
}

extension RoostError {
    public static func badRequest(_ message: String) -> RoostError { RoostError(.badRequest, message) }
    public static func notFound(_ message: String) -> RoostError { RoostError(.notFound, message) }
    public static func conflict(_ message: String) -> RoostError { RoostError(.conflict, message) }
    public static func internalError(_ message: String, cause: String? = nil) -> RoostError {
        RoostError(.internalError, message, cause: cause)
    }
}
