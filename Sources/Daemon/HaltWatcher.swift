import ClusterNode
import RoostAPI
import ServiceLifecycle

/// Turns a halted state path into the end of the process (crash-only). A node whose fsync or
/// apply failed cannot be trusted to go on; answering 503 forever would hide it from everyone.
/// Throwing here shuts the service group down gracefully (in-flight requests get their answers
/// within the shutdown timeout) and makes `roostd` exit with a failure status, so its
/// supervisor (`Cluster/up.sh`'s loop, `Config/roostd.service`) restarts it and replay settles
/// what was in flight.
struct HaltWatcher: Service {
    let halts: AsyncStream<RoostError>

    func run() async throws {
        for await reason in halts.cancelOnGracefulShutdown() { throw reason }
    }
}
