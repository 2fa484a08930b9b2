import Foundation
import RoostAPI
import Testing

/// `X-Roost-Request-Id`: a retried request returns the first result without changing anything
/// again; reusing an id for a different request is refused.
@Suite(.serialized) struct IdempotencyTests {
    @Test func retriedCreatesReturnTheFirstResult() async throws {
        try await TestDaemon.with { daemon in
            let id = ["X-Roost-Request-Id": UUID().uuidString]
            let first = try await daemon.http.text("POST", "/1.0/profiles", #"{"name":"p"}"#, headers: id)
            let retry = try await daemon.http.text("POST", "/1.0/profiles", #"{"name":"p"}"#, headers: id)
            #expect(first.status == 201)
            #expect(retry.status == 201)
            let instanceID = ["X-Roost-Request-Id": UUID().uuidString]
            let body = #"{"name":"c1","source":{"type":"none"}}"#
            let created = try await daemon.wait(
                try await daemon.http.text("POST", "/1.0/instances", body, headers: instanceID))
            let again = try await daemon.wait(
                try await daemon.http.text("POST", "/1.0/instances", body, headers: instanceID))
            #expect(created.status == "Success")
            #expect(again.status == "Success")
            let list = try await daemon.http.request("GET", "/1.0/instances")
            #expect(list.metadata == ["/1.0/instances/c1"])
        }
    }

    @Test func retriedRenameAndDeleteReturnTheFirstResult() async throws {
        try await TestDaemon.with { daemon in
            _ = try await daemon.wait(
                try await daemon.http.text("POST", "/1.0/instances", #"{"name":"c1","source":{"type":"none"}}"#))
            let rename = ["X-Roost-Request-Id": UUID().uuidString]
            #expect(
                try await daemon.wait(
                    try await daemon.http.text("POST", "/1.0/instances/c1", #"{"name":"c2"}"#, headers: rename)
                ).status == "Success")
            #expect(
                try await daemon.wait(
                    try await daemon.http.text("POST", "/1.0/instances/c1", #"{"name":"c2"}"#, headers: rename)
                ).status == "Success")
            let delete = ["X-Roost-Request-Id": UUID().uuidString]
            #expect(
                try await daemon.wait(try await daemon.http.request("DELETE", "/1.0/instances/c2", headers: delete))
                    .status == "Success")
            #expect(
                try await daemon.wait(try await daemon.http.request("DELETE", "/1.0/instances/c2", headers: delete))
                    .status == "Success")
        }
    }

    @Test func reusingAnIDForADifferentRequestIsRefused() async throws {
        try await TestDaemon.with { daemon in
            let id = ["X-Roost-Request-Id": UUID().uuidString]
            #expect(try await daemon.http.text("POST", "/1.0/profiles", #"{"name":"p"}"#, headers: id).status == 201)
            let other = try await daemon.http.text("POST", "/1.0/profiles", #"{"name":"q"}"#, headers: id)
            #expect(other.status == 400)
            #expect(other.envelope?.error?.contains("already used for a different request") == true)
            #expect(try await daemon.http.request("GET", "/1.0/profiles/q").status == 404)
        }
    }

    /// The first attempt carries the ETag it checked, a retry does not: the request digest
    /// covers only what the client sent, so the retry gets the first result, and publishes nothing.
    @Test func aRetriedServerConfigPatchSucceedsAndPublishesOnce() async throws {
        try await TestDaemon.with { daemon in
            let socket = try await RawWebSocket.connect(
                socketPath: daemon.socketPath, path: "/1.0/events?type=lifecycle")
            let id = ["X-Roost-Request-Id": UUID().uuidString]
            let body = #"{"config":{"user.a":"1"}}"#
            let first = try await daemon.http.text("PATCH", "/1.0", body, headers: id)
            let retry = try await daemon.http.text("PATCH", "/1.0", body, headers: id)
            #expect(first.status == 200, "\(first.text)")
            #expect(retry.status == 200, "\(retry.text)")
            _ = try await daemon.http.text("POST", "/1.0/profiles", #"{"name":"marker"}"#)
            #expect(try await EventsTests.nextEvent(socket).metadata["action"] == "config-updated")
            #expect(try await EventsTests.nextEvent(socket).metadata["source"] == "/1.0/profiles/marker")
        }
    }

    /// A replayed old PUT (same id) answers with its first result and writes nothing again: not
    /// the member-local part either, which would revert what changed since.
    @Test func aReplayedServerConfigPutRevertsNothing() async throws {
        try await TestDaemon.with { daemon in
            let id = ["X-Roost-Request-Id": UUID().uuidString]
            let old = #"{"config":{"core.debug_address":"127.0.0.1:8444","user.a":"1"}}"#
            #expect(try await daemon.http.text("PUT", "/1.0", old, headers: id).status == 200)
            let newer = #"{"config":{"core.debug_address":"127.0.0.1:8555","user.a":"2"}}"#
            #expect(try await daemon.http.text("PUT", "/1.0", newer).status == 200)
            #expect(try await daemon.http.text("PUT", "/1.0", old, headers: id).status == 200)
            let config = try await daemon.http.request("GET", "/1.0").metadata?["config"]
            #expect(config?["core.debug_address"]?.stringValue == "127.0.0.1:8555")
            #expect(config?["user.a"]?.stringValue == "2")
        }
    }

    /// A retry whose client serialized the same body with its keys in another order is the same
    /// request; a different `If-Match` makes it a different one.
    @Test func aRetryIsMatchedOnWhatTheClientAsked() async throws {
        try await TestDaemon.with { daemon in
            let id = ["X-Roost-Request-Id": UUID().uuidString]
            let first = try await daemon.http.text(
                "POST", "/1.0/profiles", #"{"name":"p","description":"d"}"#, headers: id)
            let reordered = try await daemon.http.text(
                "POST", "/1.0/profiles", #"{ "description": "d", "name": "p" }"#, headers: id)
            #expect(first.status == 201)
            #expect(reordered.status == 201, "\(reordered.text)")
            let patch = ["X-Roost-Request-Id": UUID().uuidString]
            let etag = try await daemon.http.request("GET", "/1.0/profiles/p").headers["etag"] ?? ""
            var withETag = patch
            withETag["If-Match"] = etag
            #expect(
                try await daemon.http.text("PATCH", "/1.0/profiles/p", #"{"description":"e"}"#, headers: withETag)
                    .status == 200)
            let changed = try await daemon.http.text(
                "PATCH", "/1.0/profiles/p", #"{"description":"e"}"#, headers: patch)
            #expect(changed.status == 400)
        }
    }

    /// A client that sends another instance's uuid as its request id does not get that uuid:
    /// the uuid is derived from the request id, never equal to it. A retry derives the same one.
    @Test func anInstanceUUIDIsDerivedFromTheRequestID() async throws {
        try await TestDaemon.with { daemon in
            let id = UUID().uuidString
            let body = #"{"name":"c1","source":{"type":"none"}}"#
            _ = try await daemon.wait(
                try await daemon.http.text("POST", "/1.0/instances", body, headers: ["X-Roost-Request-Id": id]))
            _ = try await daemon.wait(
                try await daemon.http.text("POST", "/1.0/instances", body, headers: ["X-Roost-Request-Id": id]))
            let first = try await daemon.http.request("GET", "/1.0/instances/c1").metadata?["config"]?["volatile.uuid"]
            let uuid = try #require(first?.stringValue)
            #expect(uuid != id.lowercased())
            let copy = #"{"name":"c2","source":{"type":"none"},"config":{"volatile.uuid":"\#(uuid)"}}"#
            let created = try await daemon.wait(
                try await daemon.http.text("POST", "/1.0/instances", copy, headers: ["X-Roost-Request-Id": uuid]))
            #expect(created.status == "Success")
            let second = try await daemon.http.request("GET", "/1.0/instances/c2").metadata?["config"]?["volatile.uuid"]
            #expect(second?.stringValue != nil)
            #expect(second?.stringValue != uuid)
        }
    }

    @Test func aMalformedRequestIDIsRefused() async throws {
        try await TestDaemon.with { daemon in
            let response = try await daemon.http.text(
                "POST", "/1.0/profiles", #"{"name":"p"}"#, headers: ["X-Roost-Request-Id": "not-a-uuid"])
            #expect(response.status == 400)
            #expect(response.envelope?.error?.contains("X-Roost-Request-Id") == true)
            #expect(try await daemon.http.request("GET", "/1.0/profiles/p").status == 404)
        }
    }

    @Test func aRetryPublishesNoSecondEvent() async throws {
        try await TestDaemon.with { daemon in
            let socket = try await RawWebSocket.connect(
                socketPath: daemon.socketPath, path: "/1.0/events?type=lifecycle")
            let id = ["X-Roost-Request-Id": UUID().uuidString]
            _ = try await daemon.http.text("POST", "/1.0/profiles", #"{"name":"p"}"#, headers: id)
            _ = try await daemon.http.text("POST", "/1.0/profiles", #"{"name":"p"}"#, headers: id)
            _ = try await daemon.http.text("POST", "/1.0/profiles", #"{"name":"marker"}"#)
            let first = try await EventsTests.nextEvent(socket)
            let second = try await EventsTests.nextEvent(socket)
            #expect(first.metadata["source"] == "/1.0/profiles/p")
            #expect(second.metadata["source"] == "/1.0/profiles/marker")
        }
    }
}

/// Server config: ETag compare-and-set, `*`, member-local keys, and events after both parts.
@Suite(.serialized) struct ServerConfigTests {
    @Test func concurrentEditsWithTheSameETagLoseNothingSilently() async throws {
        try await TestDaemon.with { daemon in
            let etag = try #require(try await daemon.http.request("GET", "/1.0").headers["etag"])
            async let a = daemon.http.text("PATCH", "/1.0", #"{"config":{"user.a":"1"}}"#, headers: ["If-Match": etag])
            async let b = daemon.http.text("PATCH", "/1.0", #"{"config":{"user.b":"1"}}"#, headers: ["If-Match": etag])
            let statuses = [try await a.status, try await b.status].sorted()
            #expect(statuses == [200, 412])
        }
    }

    @Test func wildcardIfMatchAndMemberLocalKeys() async throws {
        try await TestDaemon.with { daemon in
            #expect(
                try await daemon.http.text("PATCH", "/1.0", #"{"config":{"user.a":"1"}}"#, headers: ["If-Match": "*"])
                    .status == 200)
            #expect(
                try await daemon.http.text("PATCH", "/1.0", #"{"config":{"core.https_address":"127.0.0.1:8443"}}"#)
                    .status == 200)
            let config = try await daemon.http.request("GET", "/1.0").metadata?["config"]
            #expect(config == ["user.a": "1", "core.https_address": "127.0.0.1:8443"])
            #expect(try await daemon.http.text("PUT", "/1.0", #"{"config":{}}"#).status == 200)
            #expect(try await daemon.http.request("GET", "/1.0").metadata?["config"] == [:])
        }
    }
}

/// Values survive byte for byte, NUL included.
@Suite(.serialized) struct StorageFidelityTests {
    @Test func nulBytesAndUnicodeRoundTrip() async throws {
        try await TestDaemon.with { daemon in
            let body = #"{"description":"a\u0000b é ✓","config":{"user.x":"1\u0000"}}"#
            #expect(try await daemon.http.text("PUT", "/1.0/profiles/default", body).status == 200)
            let profile = try await daemon.http.request("GET", "/1.0/profiles/default")
            #expect(profile.metadata?["description"] == "a\u{0}b é ✓")
            #expect(profile.metadata?["config"] == ["user.x": "1\u{0}"])
            let etag = try #require(profile.headers["etag"])
            #expect(
                try await daemon.http.text(
                    "PATCH", "/1.0/profiles/default", #"{"description":"c"}"#, headers: ["If-Match": etag]
                ).status == 200)
        }
    }
}
