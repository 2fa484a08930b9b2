import Foundation
import Testing

@testable import RoostAPI

@Suite struct TimestampTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00Z"),
        (Int64(1_795_793_674_858_284_950), "2026-11-27T15:34:34.85828495Z"),
        (Int64(951_782_400_000_000_000), "2000-02-29T00:00:00Z"),
        (Int64(-1_000_000_000), "1969-12-31T23:59:59Z"),
        (Int64(1_500), "1970-01-01T00:00:00.0000015Z"),
    ])
    func formatsAndParsesRFC3339Nano(nanoseconds: Int64, text: String) throws {
        let timestamp = Timestamp(nanosecondsSinceEpoch: nanoseconds)
        #expect(timestamp.rfc3339 == text)
        #expect(Timestamp(rfc3339: text) == timestamp)
    }

    @Test func parsesOffsetsAndRejectsGarbage() {
        #expect(Timestamp(rfc3339: "2026-11-27T16:41:14+01:00") == Timestamp(rfc3339: "2026-11-27T15:41:14Z"))
        for bad in [
            "", "2026-13-01T00:00:00Z", "2026-11-27 15:41:14", "2026-11-27T15:41:14.Z", "2026-11-27T15:41:14Zjunk",
        ] {
            #expect(Timestamp(rfc3339: bad) == nil, "\(bad)")
        }
    }
}

@Suite struct DigestAndETagTests {
    @Test func sha256KnownAnswers() {
        #expect(SHA256.hex(Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let million = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256.hex(million) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func etagDependsOnContentNotOrder() {
        let a = ProfilePut(config: ["a": "1", "b": "2"], description: "d", devices: ["root": ["type": "disk"]])
        var b = ProfilePut(config: ["b": "2"], description: "d", devices: ["root": ["type": "disk"]])
        b.config["a"] = "1"
        #expect(ETag.of(a) == ETag.of(b))
        b.description = "other"
        #expect(ETag.of(a) != ETag.of(b))
        #expect(ETag.unquote("\"abc\"") == "abc")
        #expect(ETag.unquote("W/\"abc\"") == "abc")
    }
}

@Suite struct JSONSyntaxTests {
    @Test(arguments: [#"{}"#, #"[]"#, #"{"a":[1,2.5,-3e4,true,false,null,"x\"\u00e9"]}"#, " 0 ", #""s""#])
    func acceptsValidJSON(text: String) throws {
        try JSONSyntax.validate(Array(text.utf8))
    }

    @Test(arguments: ["", "{", #"{"a":1,}"#, "[1,]", "01", "{a:1}", #"{"a" 1}"#, "nul", "[1] x", "\"tab\t\"", "1."])
    func rejectsInvalidJSON(text: String) {
        #expect(throws: RoostError.self) { try JSONSyntax.validate(Array(text.utf8)) }
    }

    @Test func boundsNestingDepth() {
        let deep =
            String(repeating: "[", count: JSONSyntax.depthMax + 1)
            + String(repeating: "]", count: JSONSyntax.depthMax + 1)
        #expect(throws: RoostError.self) { try JSONSyntax.validate(Array(deep.utf8)) }
    }
}

@Suite struct NamesAndEnvelopeTests {
    @Test func instanceNames() {
        for good in ["c1", "web-01", "A", String(repeating: "a", count: 63)] {
            #expect(throws: Never.self) { try Names.validateInstance(good) }
        }
        for bad in ["", "1c", "-c", "c-", "c_1", "c.1", "c 1", String(repeating: "a", count: 64)] {
            #expect(throws: RoostError.self) { try Names.validateInstance(bad) }
        }
    }

    @Test func profileNames() {
        for bad in ["", "a/b", ".", "..", "a b", "tab\t"] {
            #expect(throws: RoostError.self) { try Names.validateProfile(bad) }
        }
        #expect(throws: Never.self) { try Names.validateProfile("web_servers.v2") }
    }

    @Test func errorEnvelopeMatchesLXDBytes() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = try encoder.encode(ResponseEnvelope.error(RoostError.notFound("Instance not found")))
        #expect(
            String(decoding: body, as: UTF8.self)
                == #"{"error":"Instance not found","error_code":404,"metadata":null,"operation":"","status":"","status_code":0,"type":"error"}"#
        )
    }

    @Test func requestTypesAreLenientLikeGo() throws {
        let put = try JSONDecoder().decode(
            ProfilePut.self, from: Data(#"{"config":null,"used_by":["x"],"name":"n"}"#.utf8))
        #expect(put == ProfilePut())
        let post = try JSONDecoder().decode(InstancesPost.self, from: Data(#"{"name":"c","profiles":null}"#.utf8))
        #expect(post.profiles == nil)
        #expect(throws: DecodingError.self) {
            _ = try JSONDecoder().decode(ProfilePut.self, from: Data(#"{"config":{"a":1}}"#.utf8))
        }
    }

    @Test func patchMergesMaps() {
        let current = InstancePut(
            config: ["a": "1", "b": "2"], devices: ["d": ["type": "disk"]], profiles: ["default"])
        let patched = InstancePatch(config: ["b": "3"], profiles: ["x"]).applied(to: current)
        #expect(patched.config == ["a": "1", "b": "3"])
        #expect(patched.devices == current.devices)
        #expect(patched.profiles == ["x"])
    }

    @Test func errorCodesMapToLXDStatuses() {
        #expect(RoostError(.outcomeUnknown, "x").httpStatus == 503)
        #expect(RoostError(.preconditionFailed, "x").httpStatus == 412)
        #expect(RoostError(.payloadTooLarge, "x").httpStatus == 413)
        #expect(RoostError(.conflict, "x").httpStatus == 409)
        #expect(RoostError(.notImplemented, "x").httpStatus == 501)
    }
}
