import ClusterDB
import ClusterNode
import Foundation
import RoostAPI

/// Builds commands with the edge's clock and ids and proposes them; a rejection becomes the
/// thrown `RoostError` the API edge maps to a status.
struct Proposer: Sendable {
    let path: any StatePath
    let memberName: String

    /// Proposes a client's request: the command carries the request's id and the digest of
    /// what the client asked for (`Command.requestDigest`), so a retry gets the first result.
    @discardableResult
    func propose(_ action: Command.Action, for request: APIRequest) async throws(RoostError) -> AppliedChange {
        try await propose(action, requestID: request.requestID, requestDigest: request.digest)
    }

    /// Proposes a command of the daemon's own (no client request behind it).
    @discardableResult
    func propose(_ action: Command.Action, requestID: UUID = UUID(), requestDigest: String? = nil)
        async throws(RoostError) -> AppliedChange
    {
        let command = Command(
            requestID: requestID, timestamp: .now, origin: memberName, action: action, requestDigest: requestDigest)
        switch try await path.propose(command) {
        case .applied(let change): return change
        case .rejected(let error): throw error
        }
    }
}

extension HandlerContext {
    /// Whether this request retries one already applied. Then the handler skips its pre-checks
    /// (they would judge the state the first attempt created) and proposes again, and apply
    /// answers with the first result.
    func isRetry(_ request: APIRequest) async throws(RoostError) -> Bool {
        guard let id = request.explicitRequestID else { return false }
        return try await reader.isRemembered(id)
    }

    /// Runs the handler's pre-checks unless the request retries one already applied. A check
    /// that fails is not final until the request is known not to be a retry: the first attempt
    /// may have applied between `isRetry` and the check (409 "already exists" for its own
    /// creation), and then the request goes on to get the first result.
    func unlessRetry(
        _ request: APIRequest, _ checks: () async throws(RoostError) -> Void
    ) async throws(RoostError) {
        guard try await !isRetry(request) else { return }
        do {
            try await checks()
        } catch {
            if try await isRetry(request) { return }
            throw error
        }
    }
}
