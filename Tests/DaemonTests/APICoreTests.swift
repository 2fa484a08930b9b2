import Foundation
import RoostAPI
import Testing

@testable import Daemon

/// The REST core over a real unix socket: envelopes, server info, recursion, operations.
@Suite(.serialized) struct APICoreTests {
    @Test func rootAndServerInfoUseLXDEnvelopes() async throws {
        try await TestDaemon.with { daemon in
            let root = try await daemon.http.request("GET", "/")
            #expect(root.status == 200)
            #expect(
                root.text
                    == #"{"error":"","error_code":0,"metadata":["/1.0"],"operation":"","status":"Success","status_code":200,"type":"sync"}"#
            )
            let info = try await daemon.http.request("GET", "/1.0")
            #expect(info.status == 200)
            #expect(info.headers["etag"]?.hasPrefix("\"") == true)
            let server = try JSONDecoder().decode(ResponseEnvelopeOf<Server>.self, from: Data(info.body)).metadata
            #expect(server.apiExtensions.contains("instances"))
            #expect(server.apiVersion == "1.0")
            #expect(server.environment?.serverName == "test")
            #expect(server.environment?.serverClustered == false)
        }
    }

    @Test func unknownRouteAndMethodAreEnvelopedErrors() async throws {
        try await TestDaemon.with { daemon in
            let missing = try await daemon.http.request("GET", "/1.0/nothing-here")
            #expect(missing.status == 404)
            #expect(missing.envelope?.type == "error")
            #expect(missing.envelope?.errorCode == 404)
            let notFound = try await daemon.http.request("GET", "/1.0/instances/nosuch")
            #expect(
                notFound.text
                    == #"{"error":"Instance not found","error_code":404,"metadata":null,"operation":"","status":"","status_code":0,"type":"error"}"#
            )
            let wrongMethod = try await daemon.http.request("PATCH", "/1.0/operations")
            #expect(wrongMethod.status == 405)
        }
    }

    @Test func instanceLifecycleThroughOperations() async throws {
        try await TestDaemon.with { daemon in
            let create = try await daemon.http.text(
                "POST", "/1.0/instances", #"{"name":"c1","source":{"type":"none"}}"#)
            #expect(create.envelope?.type == "async")
            #expect(create.envelope?.statusCode == 100)
            let created = try await daemon.wait(create)
            #expect(created.status == "Success")
            #expect(created.resources?["instances"] == ["/1.0/instances/c1"])

            let names = try await daemon.http.request("GET", "/1.0/instances")
            #expect(names.metadata == ["/1.0/instances/c1"])
            let full = try await daemon.http.request("GET", "/1.0/instances?recursion=2")
            guard case .array(let items) = full.metadata, let first = items.first else {
                Issue.record("expected a list")
                return
            }
            #expect(first["name"] == "c1")
            #expect(first["profiles"] == ["default"])
            #expect(first["state"]?["status"] == "Stopped")
            #expect(first["status_code"] == 102)

            let renamed = try await daemon.wait(
                try await daemon.http.text("POST", "/1.0/instances/c1", #"{"name":"c2"}"#))
            #expect(renamed.status == "Success")
            let deleted = try await daemon.wait(try await daemon.http.request("DELETE", "/1.0/instances/c2"))
            #expect(deleted.status == "Success")
            let empty = try await daemon.http.request("GET", "/1.0/instances")
            #expect(empty.metadata == [])
            let operations = try await daemon.http.request("GET", "/1.0/operations?recursion=1")
            #expect(operations.metadata?["success"] != nil)
        }
    }

    @Test func instanceFilterSelectsByNameStatusAndConfig() async throws {
        try await TestDaemon.with { daemon in
            for (name, os) in [("web1", "debian"), ("web2", "alpine"), ("db1", "debian")] {
                _ = try await daemon.wait(
                    try await daemon.http.text(
                        "POST", "/1.0/instances",
                        #"{"name":"\#(name)","source":{"type":"none"},"config":{"image.os":"\#(os)"}}"#))
            }
            let query = "config.image.os eq debian and not name eq db1"
            let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let filtered = try await daemon.http.request("GET", "/1.0/instances?filter=\(encoded)")
            #expect(filtered.metadata == ["/1.0/instances/web1"])
            let bad = try await daemon.http.request("GET", "/1.0/instances?filter=name%20gt%20x")
            #expect(bad.status == 400)
        }
    }

    @Test func operationWaitAndCancelRules() async throws {
        try await TestDaemon.with { daemon in
            let create = try await daemon.http.text(
                "POST", "/1.0/instances", #"{"name":"c1","source":{"type":"none"}}"#)
            let operation = try await daemon.wait(create)
            let cancel = try await daemon.http.request("DELETE", "/1.0/operations/\(operation.id)")
            #expect(cancel.status == 400)
            let unknown = try await daemon.http.request(
                "GET", "/1.0/operations/00000000-0000-0000-0000-000000000000/wait?timeout=1")
            #expect(unknown.status == 404)
        }
    }

    @Test func instanceStateIsHonestAboutWhatIsNotImplemented() async throws {
        try await TestDaemon.with { daemon in
            _ = try await daemon.wait(
                try await daemon.http.text("POST", "/1.0/instances", #"{"name":"c1","source":{"type":"none"}}"#))
            let start = try await daemon.http.text("PUT", "/1.0/instances/c1/state", #"{"action":"start"}"#)
            #expect(start.status == 501)
            let image = try await daemon.http.text(
                "POST", "/1.0/instances", #"{"name":"c2","source":{"type":"image","alias":"x"}}"#)
            #expect(image.status == 501)
        }
    }
}

@Suite struct OperationRegistryTests {
    @Test func waitersTimeOutIndependentlyAndAllWakeOnCompletion() async throws {
        let hub = EventHub(bufferMax: 16, listenersMax: 4)
        let registry = OperationRegistry(events: hub, operationsMax: 4, retention: .seconds(60))
        let (gate, open) = AsyncStream<Void>.makeStream()
        let operation = try await registry.start(description: "Testing", resources: [:]) {
            for await _ in gate { break }
            return ["done": true]
        }
        let short = await registry.wait(operation.id, timeout: .milliseconds(20))
        #expect(short?.status == "Running")
        async let long = registry.wait(operation.id, timeout: .seconds(30))
        async let other = registry.wait(operation.id, timeout: .seconds(30))
        try await Task.sleep(for: .milliseconds(50))
        open.yield()
        #expect(await long?.status == "Success")
        #expect(await other?.metadata["done"] == true)
    }

    @Test func capacityIsBoundedAndFailuresCarryTheError() async throws {
        let registry = OperationRegistry(
            events: EventHub(bufferMax: 16, listenersMax: 4), operationsMax: 1, retention: .seconds(60))
        let failing = try await registry.start(description: "Failing", resources: [:]) {
            throw RoostError.conflict("Name taken")
        }
        let finished = await registry.wait(failing.id, timeout: .seconds(10))
        #expect(finished?.status == "Failure")
        #expect(finished?.err == "Name taken")
        await #expect(throws: RoostError.self) {
            _ = try await registry.start(description: "Too many", resources: [:]) { nil }
        }
    }

    @Test func cancellableOperationIsCancelled() async throws {
        let registry = OperationRegistry(
            events: EventHub(bufferMax: 16, listenersMax: 4), operationsMax: 4, retention: .seconds(60))
        let operation = try await registry.start(description: "Long", resources: [:], mayCancel: true) {
            try await Task.sleep(for: .seconds(60))
            return nil
        }
        try await registry.cancel(operation.id)
        let finished = await registry.wait(operation.id, timeout: .seconds(10))
        #expect(finished?.status == "Cancelled")
    }
}

/// Every URL the API emits percent-encodes each name once, and request paths are decoded once:
/// a name that looks like an escape (`a%20b`) or holds a `?` survives a round trip.
@Suite(.serialized) struct ResourceURLTests {
    @Test func namesThatLookLikeEscapesRoundTripThroughURLs() async throws {
        try await TestDaemon.with { daemon in
            let names = ["a%20b", "a?b", "a#b", "caf\u{E9}"]
            for name in names {
                let body = Array(try JSONEncoder().encode(["name": name]))
                let created = try await daemon.http.request("POST", "/1.0/profiles", body: body)
                #expect(created.status == 201)
                #expect(created.headers["location"] == "/1.0/profiles/" + ResourcePath.segment(name))
            }
            let list = try await daemon.http.request("GET", "/1.0/profiles")
            let urls =
                list.metadata.flatMap { value -> [String]? in
                    guard case .array(let items) = value else { return nil }
                    return items.compactMap(\.stringValue)
                } ?? []
            #expect(urls.contains("/1.0/profiles/a%2520b"))
            #expect(urls.contains("/1.0/profiles/a%3Fb"))
            #expect(urls.contains("/1.0/profiles/a%23b"))
            #expect(urls.contains("/1.0/profiles/caf%C3%A9"))
            for (name, url) in zip(names, names.map(ResourcePath.profile)) {
                let profile = try await daemon.http.request("GET", url)
                #expect(profile.status == 200, "GET \(url)")
                #expect(profile.metadata?["name"]?.stringValue == name)
                // What a Go client does with a listed URL: parse it once, decode the path once.
                let parsed = URLComponents(string: url)
                #expect(parsed?.path.split(separator: "/").last.map(String.init) == name)
            }
            // used_by and lifecycle sources are encoded the same way.
            _ = try await daemon.wait(
                try await daemon.http.text(
                    "POST", "/1.0/instances", #"{"name":"c1","source":{"type":"none"},"profiles":["a?b"]}"#))
            let profile = try await daemon.http.request("GET", "/1.0/profiles/a%3Fb")
            #expect(profile.metadata?["used_by"] == .array([.string("/1.0/instances/c1")]))
        }
    }
}
