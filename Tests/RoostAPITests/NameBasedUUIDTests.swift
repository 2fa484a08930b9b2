import Foundation
import Testing

@testable import RoostAPI

/// SHA-1 and RFC 9562 version-5 uuids against published vectors.
@Suite struct NameBasedUUIDTests {
    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test func sha1MatchesTheStandardVectors() {
        var abc = SHA1()
        abc.update(Array("abc".utf8))
        #expect(Self.hex(abc.finalize()) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        var long = SHA1()
        long.update(Array(repeating: UInt8(ascii: "a"), count: 1000))
        #expect(Self.hex(long.finalize()) == "291e9a6c66994949b57ba5e650361e98fc36b1ba")
        var empty = SHA1()
        #expect(Self.hex(empty.finalize()) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
    }

    @Test func version5MatchesPythonsUUID5() {
        let dns = UUID(uuidString: "6ba7b810-9dad-11d1-80b4-00c04fd430c8")!
        let url = UUID(uuidString: "6ba7b811-9dad-11d1-80b4-00c04fd430c8")!
        #expect(
            NameBasedUUID.v5(namespace: dns, name: Array("python.org".utf8)).uuidString.lowercased()
                == "886313e1-3b8a-5372-9b90-0c9aee199e5d")
        #expect(NameBasedUUID.v5(namespace: url, name: Array("roost.instance".utf8)) == NameBasedUUID.instanceNamespace)
    }

    @Test func anInstanceUUIDIsStableAndNeverTheRequestID() {
        let request = UUID()
        #expect(NameBasedUUID.instance(forRequest: request) == NameBasedUUID.instance(forRequest: request))
        #expect(NameBasedUUID.instance(forRequest: request) != request)
        #expect(NameBasedUUID.instance(forRequest: request) != NameBasedUUID.instance(forRequest: UUID()))
    }
}
