import ClusterDB
import ClusterNode
import Foundation
import RoostAPI

/// Builds commands with the edge's clock and ids and proposes them; a rejection becomes the
/// thrown `RoostError` the API edge maps to a status.
struct Proposer: Sendable {
    let path: any StatePath
    let memberName: String

    @discardableResult
    func propose(_ action: Command.Action, requestID: UUID = UUID()) async throws(RoostError) -> AppliedChange {
        let command = Command(requestID: requestID, timestamp: .now, origin: memberName, action: action)
        switch try await path.propose(command) {
        case .applied(let change): return change
        case .rejected(let error): throw error
        }
    }
}

extension APIRequest {
    /// A client-chosen request id (`X-Roost-Request-Id`) makes a retried write idempotent; without
    /// one every request is new.
    var requestID: UUID { explicitRequestID ?? UUID() }

    var explicitRequestID: UUID? { headers["x-roost-request-id"].flatMap(UUID.init(uuidString:)) }
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
