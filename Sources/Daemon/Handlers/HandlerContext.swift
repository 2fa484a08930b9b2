import ClusterNode
import RoostAPI

/// What every handler needs, bundled so route registration stays short.
struct HandlerContext: Sendable {
    let reader: StateReader
    let proposer: Proposer
    let operations: OperationRegistry
    let events: EventHub
    let local: LocalDatabase
    let environment: ServerEnvironment
    let operationWaitMax: Int
    /// Serializes server config updates (cluster part, then member-local part).
    let serverConfigGate: AsyncGate
}
