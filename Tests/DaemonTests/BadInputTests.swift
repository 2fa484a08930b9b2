import Daemon
import Foundation
import RoostAPI
import Testing

/// Bad input gets an LXD-style error and changes nothing.
@Suite(.serialized) struct BadInputTests {
    /// The profile list and instance list, to prove a failed request left no trace.
    static func snapshot(_ daemon: TestDaemon) async throws -> String {
        let profiles = try await daemon.http.request("GET", "/1.0/profiles?recursion=1").text
        let instances = try await daemon.http.request("GET", "/1.0/instances?recursion=1").text
        let server = try await daemon.http.request("GET", "/1.0").metadata?["config"]
        return profiles + instances + "\(String(describing: server))"
    }

    static func expectError(
        _ response: RawHTTP.Response, _ status: Int, containing text: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(response.status == status, "\(response.text)", sourceLocation: sourceLocation)
        #expect(response.envelope?.type == "error", sourceLocation: sourceLocation)
        #expect(response.envelope?.errorCode == status, sourceLocation: sourceLocation)
        #expect(response.envelope?.error?.contains(text) == true, "\(response.text)", sourceLocation: sourceLocation)
    }

    @Test func invalidNames() async throws {
        try await TestDaemon.with { daemon in
            let before = try await Self.snapshot(daemon)
            for name in ["-bad", "1abc", "has space", "a_b", String(repeating: "x", count: 64), ""] {
                let body = try JSONEncoder().encode(["name": name])
                let response = try await daemon.http.request(
                    "POST", "/1.0/instances", body: Array(body.dropLast()) + Array(#","source":{"type":"none"}}"#.utf8))
                Self.expectError(response, 400, containing: "name")
            }
            Self.expectError(
                try await daemon.http.text("POST", "/1.0/profiles", #"{"name":"a/b"}"#), 400, containing: "Slashes")
            Self.expectError(
                try await daemon.http.text("POST", "/1.0/profiles", #"{"name":""}"#), 400, containing: "No name")
            // Names that look empty: a zero-width space, a byte-order mark, a lone combining mark.
            for invisible in ["\u{200B}", "\u{FEFF}", "\u{0301}", "\u{200B}\u{FEFF}\u{0301}"] {
                let body = try JSONEncoder().encode(["name": invisible])
                Self.expectError(
                    try await daemon.http.request("POST", "/1.0/profiles", body: Array(body)), 400,
                    containing: "visible")
            }
            #expect(try await Self.snapshot(daemon) == before)
            Self.expectError(
                try await daemon.http.text("POST", "/1.0/profiles", #"{"name":"a\u200Bb"}"#), 400,
                containing: "Invisible")
            Self.expectError(
                try await daemon.http.text("POST", "/1.0/profiles", #"{"name":"e\u0301"}"#), 400, containing: "NFC")
            #expect(try await daemon.http.text("POST", "/1.0/profiles", #"{"name":"\u00e9"}"#).status == 201)
        }
    }

    @Test func unknownAndMalformedConfigKeys() async throws {
        try await TestDaemon.with { daemon in
            let before = try await Self.snapshot(daemon)
            Self.expectError(
                try await daemon.http.text("POST", "/1.0/profiles", #"{"name":"p","config":{"limits.bogus":"1"}}"#),
                400, containing: "Unknown configuration key: limits.bogus")
            Self.expectError(
                try await daemon.http.text("POST", "/1.0/profiles", #"{"name":"p","config":{"limits.memory":"lots"}}"#),
                400, containing: "limits.memory")
            Self.expectError(
                try await daemon.http.text(
                    "POST", "/1.0/profiles", #"{"name":"p","config":{"boot.autostart":"maybe"}}"#),
                400, containing: "boot.autostart")
            Self.expectError(
                try await daemon.http.text("PATCH", "/1.0", #"{"config":{"core.nonsense":"x"}}"#),
                400, containing: "Unknown configuration key")
            Self.expectError(
                try await daemon.http.text(
                    "POST", "/1.0/instances",
                    #"{"name":"c1","source":{"type":"none"},"config":{"security.nesting":"often"}}"#),
                400, containing: "security.nesting")
            Self.expectError(
                try await daemon.http.text("PUT", "/1.0/profiles/default", #"{"config":{"volatile.uuid":"x"}}"#),
                400, containing: "Volatile")
            #expect(try await Self.snapshot(daemon) == before)
        }
    }

    @Test func wrongValueTypes() async throws {
        try await TestDaemon.with { daemon in
            let before = try await Self.snapshot(daemon)
            Self.expectError(
                try await daemon.http.text("POST", "/1.0/profiles", #"{"name":"p","config":{"limits.cpu":2}}"#),
                400, containing: "config")
            Self.expectError(
                try await daemon.http.text("POST", "/1.0/profiles", #"{"name":5}"#), 400, containing: "name")
            Self.expectError(
                try await daemon.http.text(
                    "POST", "/1.0/instances", #"{"name":"c1","source":{"type":"none"},"ephemeral":"yes"}"#),
                400, containing: "ephemeral")
            Self.expectError(
                try await daemon.http.text("PUT", "/1.0", #"{"config":{"user.a":["x"]}}"#), 400, containing: "config")
            #expect(try await Self.snapshot(daemon) == before)
        }
    }

    @Test func malformedJSON() async throws {
        try await TestDaemon.with { daemon in
            let before = try await Self.snapshot(daemon)
            for body in ["{", "not json", #"{"name":"p",}"#, "[]"] {
                let response = try await daemon.http.text("POST", "/1.0/profiles", body)
                #expect(response.status == 400, "\(body): \(response.text)")
                #expect(response.envelope?.type == "error")
            }
            Self.expectError(try await daemon.http.request("POST", "/1.0/profiles"), 400, containing: "No request body")
            #expect(try await Self.snapshot(daemon) == before)
        }
    }

    @Test func bodyOverTheLimitIs413() async throws {
        try await TestDaemon.with(configure: { $0.limits.requestBodyMaxBytes = 1024 }) { daemon in
            let before = try await Self.snapshot(daemon)
            let big = #"{"name":"p","description":""# + String(repeating: "x", count: 4096) + #""}"#
            Self.expectError(try await daemon.http.text("POST", "/1.0/profiles", big), 413, containing: "too large")
            Self.expectError(
                try await daemon.http.text("PUT", "/1.0/profiles/default", big, headers: [:]), 413,
                containing: "too large")
            #expect(try await Self.snapshot(daemon) == before)
            let small = try await daemon.http.text("POST", "/1.0/profiles", #"{"name":"p"}"#)
            #expect(small.status == 201)
        }
    }

    @Test func etagMismatchIs412AndMatchingETagWins() async throws {
        try await TestDaemon.with { daemon in
            let profile = try await daemon.http.request("GET", "/1.0/profiles/default")
            let etag = try #require(profile.headers["etag"])
            let before = try await Self.snapshot(daemon)
            Self.expectError(
                try await daemon.http.text(
                    "PUT", "/1.0/profiles/default", #"{"description":"x"}"#, headers: ["If-Match": "\"deadbeef\""]),
                412, containing: "ETag")
            Self.expectError(
                try await daemon.http.text(
                    "PATCH", "/1.0", #"{"config":{"user.a":"b"}}"#, headers: ["If-Match": "\"deadbeef\""]),
                412, containing: "ETag")
            _ = try await daemon.wait(
                try await daemon.http.text("POST", "/1.0/instances", #"{"name":"c1","source":{"type":"none"}}"#))
            let afterCreate = try await Self.snapshot(daemon)
            Self.expectError(
                try await daemon.http.text(
                    "PUT", "/1.0/instances/c1", #"{"description":"x"}"#, headers: ["If-Match": "\"nope\""]),
                412, containing: "ETag")
            #expect(try await Self.snapshot(daemon) == afterCreate)
            #expect(afterCreate != before)
            let ok = try await daemon.http.text(
                "PUT", "/1.0/profiles/default", #"{"description":"x"}"#, headers: ["If-Match": etag])
            #expect(ok.status == 200)
        }
    }

    @Test func renameOntoAnExistingName() async throws {
        try await TestDaemon.with { daemon in
            for name in ["a", "b"] {
                #expect(try await daemon.http.text("POST", "/1.0/profiles", #"{"name":"\#(name)"}"#).status == 201)
                _ = try await daemon.wait(
                    try await daemon.http.text(
                        "POST", "/1.0/instances", #"{"name":"\#(name)","source":{"type":"none"}}"#))
            }
            let before = try await Self.snapshot(daemon)
            Self.expectError(
                try await daemon.http.text("POST", "/1.0/profiles/a", #"{"name":"b"}"#), 409,
                containing: "already in use")
            Self.expectError(
                try await daemon.http.text("POST", "/1.0/instances/a", #"{"name":"b"}"#), 409,
                containing: "already in use")
            Self.expectError(
                try await daemon.http.text("POST", "/1.0/profiles/default", #"{"name":"z"}"#), 400,
                containing: "cannot be renamed")
            #expect(try await Self.snapshot(daemon) == before)
        }
    }

    @Test func readOnlyAndUnknownFieldsAreIgnoredLikeLXD() async throws {
        try await TestDaemon.with { daemon in
            let body =
                #"{"name":"ignored","used_by":["/1.0/instances/x"],"unknown":42,"config":{"user.k":"v"},"description":"d"}"#
            #expect(try await daemon.http.text("PUT", "/1.0/profiles/default", body).status == 200)
            let profile = try await daemon.http.request("GET", "/1.0/profiles/default")
            #expect(profile.metadata?["name"] == "default")
            #expect(profile.metadata?["config"] == ["user.k": "v"])
            #expect(profile.metadata?["used_by"] == [])
        }
    }
}
