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
}
