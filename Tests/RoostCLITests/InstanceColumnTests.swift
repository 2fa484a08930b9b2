import RoostAPI
import Testing

@testable import roost

@Suite struct InstanceColumnTests {
    @Test func defaultLayouts() throws {
        #expect(
            try InstanceColumn.parse(InstanceColumn.defaultSpec(clustered: false)).map(\.header)
                == ["NAME", "STATE", "IPV4", "IPV6", "TYPE", "SNAPSHOTS"])
        #expect(try InstanceColumn.parse(InstanceColumn.defaultSpec(clustered: true)).last?.header == "LOCATION")
    }

    @Test func commasAreOptionalBetweenShorthands() throws {
        #expect(try InstanceColumn.parse("n,s").map(\.header) == ["NAME", "STATE"])
        #expect(try InstanceColumn.parse("ns").map(\.header) == ["NAME", "STATE"])
    }

    @Test func customColumns() throws {
        let columns = try InstanceColumn.parse("n,user.comment:NOTE,devices:eth0.parent:ETHP,image.os::3")
        #expect(columns.map(\.header) == ["NAME", "NOTE", "ETHP", "image.os"])
        #expect(columns[1].kind == .config(key: "user.comment"))
        #expect(columns[2].kind == .device(name: "eth0", key: "parent"))
        #expect(columns[3].maxWidth == 3)
    }

    @Test func badSpecsAreRejected() {
        #expect(throws: CLIError.self) { try InstanceColumn.parse("nx") }
        #expect(throws: CLIError.self) { try InstanceColumn.parse("n,") }
        #expect(throws: CLIError.self) { try InstanceColumn.parse("a.b:c:d:e") }
        #expect(throws: CLIError.self) { try InstanceColumn.parse("a.b:c:wide") }
        #expect(throws: CLIError.self) { try InstanceColumn.parse("devices:eth0") }
    }

    @Test func cellValues() throws {
        var instance = Fixtures.instance("c1", config: ["user.comment": "hello world"], running: true)
        instance.ephemeral = true
        let columns = try InstanceColumn.parse("nst4,user.comment:C:5")
        #expect(
            columns.map { $0.value(for: instance) }
                == ["c1", "RUNNING", "CONTAINER (EPHEMERAL)", "10.0.0.7 (eth0)", "hello"])
    }

    @Test func addressesSkipLoopbackAndLinkLocal() {
        let instance = Fixtures.instance("c1", running: true)
        #expect(InstanceColumn.addresses(of: instance, family: "inet") == "10.0.0.7 (eth0)")
        #expect(InstanceColumn.addresses(of: instance, family: "inet6") == "fd42::7 (eth0)")
        #expect(InstanceColumn.addresses(of: Fixtures.instance("c2"), family: "inet") == "")
    }

    @Test func shortDates() {
        #expect(DateText.short(Timestamp(rfc3339: "2026-11-27T15:40:34.96723936Z")!) == "2026/11/27 15:40 UTC")
        #expect(DateText.short(.epoch) == "")
    }
}

enum Fixtures {
    static func instance(_ name: String, config: [String: String] = [:], running: Bool = false) -> Instance {
        var instance = Instance(
            name: name, put: InstancePut(config: config, profiles: ["default"]), createdAt: .epoch,
            expandedConfig: config, expandedDevices: [:], status: running ? .running : .stopped)
        let address: (String, String, String) -> JSONValue = { family, address, scope in
            ["family": .string(family), "address": .string(address), "netmask": "24", "scope": .string(scope)]
        }
        let network: [String: JSONValue] = [
            "eth0": [
                "type": "broadcast",
                "addresses": [
                    address("inet", "10.0.0.7", "global"), address("inet6", "fd42::7", "global"),
                    address("inet6", "fe80::7", "link"),
                ],
            ],
            "lo": ["type": "loopback", "addresses": [address("inet", "127.0.0.1", "local")]],
        ]
        instance.state = InstanceState(
            status: running ? "Running" : "Stopped", statusCode: running ? 103 : 102, disk: [:], memory: [:],
            network: running ? network : nil, pid: running ? 42 : 0, processes: running ? 3 : 0, cpu: [:])
        instance.snapshots = []
        instance.architecture = "x86_64"
        return instance
    }
}
