import Foundation
import Testing

@testable import RoostAPI

/// `JSONWriter` must produce exactly what `JSONEncoder` with sorted keys produces.
@Suite struct JSONWriterTests {
    static func encoded<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func written(_ value: some JSONWritable) -> String {
        var writer = JSONWriter()
        value.write(to: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    static var sampleInstance: Instance {
        var instance = Instance(
            name: "c1",
            put: InstancePut(
                architecture: "x86_64", config: ["user.q": "say \"hi\"\n\tnow\\", "limits.cpu": "2", "z/path": "a/b"],
                devices: ["root": ["path": "/", "type": "disk"]], ephemeral: true, profiles: ["default", "web"],
                description: "désc"),
            createdAt: Timestamp(nanosecondsSinceEpoch: 1_795_793_674_858_284_950),
            expandedConfig: ["limits.cpu": "2", "user.x": ""], expandedDevices: ["eth0": ["type": "nic"]])
        instance.location = "m1"
        return instance
    }

    @Test func instanceMatchesJSONEncoder() throws {
        #expect(Self.written(Self.sampleInstance) == (try Self.encoded(Self.sampleInstance)))
        var full = Self.sampleInstance
        full.isFull = true
        full.state = .stopped
        let fast = Self.written(full)
        let slow = try Self.encoded(full)
        #expect(fast == slow, "\(fast)\n\(slow)")
        #expect(Self.written([full, Self.sampleInstance]) == (try Self.encoded([full, Self.sampleInstance])))
    }

    @Test func profileAndStringsMatchJSONEncoder() throws {
        let profile = Profile(
            name: "p", put: ProfilePut(config: ["a": "1"], description: "", devices: [:]), usedBy: ["/1.0/instances/c1"]
        )
        #expect(Self.written(profile) == (try Self.encoded(profile)))
        #expect(Self.written(["/1.0/a", "b\u{1}"]) == (try Self.encoded(["/1.0/a", "b\u{1}"])))
    }

    @Test func jsonValuesMatchJSONEncoder() throws {
        let value: JSONValue = ["b": [1, .number(2.5), true, nil, "x"], "a": ["nested": "y"]]
        var writer = JSONWriter()
        writer.value(value)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == (try Self.encoded(value)))
    }
}
