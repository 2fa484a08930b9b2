import ClusterDB
import Foundation
import RoostAPI
import Testing

@testable import Daemon

/// A retry that races its first attempt: the handler's pre-checks may run just after the first
/// attempt applied, and must then let the retry through to get the first result, not judge the
/// state the first attempt created (409 "already exists").
@Suite struct RetryRaceTests {
    @Test func aPreCheckThatFailsBecauseTheFirstAttemptJustAppliedLetsTheRetryThrough() async throws {
        try await TestDaemon.with { daemon in
            let context = daemon.daemon.handlerContext()
            let id = UUID()
            let request = APIRequest(
                method: "POST", path: "/1.0/profiles", query: [:],
                headers: ["x-roost-request-id": id.uuidString], body: Array(#"{"name":"raced"}"#.utf8))
            // The first attempt applies after the retry's isRetry check and before its pre-check
            // fails: modelled by applying it inside the checks.
            try await context.unlessRetry(request) { () async throws(RoostError) in
                try await context.proposer.propose(.createProfile(ProfilesPost(name: "raced")), for: request)
                throw RoostError.conflict("Profile \"raced\" already exists")
            }
            // A pre-check failing for a request that is no retry still fails.
            let fresh = APIRequest(
                method: "POST", path: "/1.0/profiles", query: [:],
                headers: ["x-roost-request-id": UUID().uuidString], body: Array(#"{"name":"raced"}"#.utf8))
            await #expect(throws: RoostError.self) {
                try await context.unlessRetry(fresh) { () async throws(RoostError) in
                    throw RoostError.conflict("Profile \"raced\" already exists")
                }
            }
        }
    }
}
