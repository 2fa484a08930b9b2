import RoostAPI
import Testing

@testable import roost

@Suite struct InstanceFilterTests {
    let web1 = Fixtures.instance("web1", config: ["user.role": "front", "security.privileged": "true"], running: true)
    let web10 = Fixtures.instance("web10", config: ["user.role": "back"])
    let db = Fixtures.instance("db", config: ["volatile.eth0.hwaddr": "00:16:3e:aa:bb:cc"])

    func names(_ filters: [String]) -> [String] {
        let filter = InstanceFilter(filters: filters)
        return [web1, web10, db].filter(filter.matches).map(\.name)
    }

    @Test func bareWordIsRegexOrPrefix() {
        #expect(names(["web"]) == ["web1", "web10"])
        #expect(names(["web1"]) == ["web1", "web10"])
        #expect(names(["web1$"]) == ["web1"])
        #expect(names([".*b$"]) == ["db"])
        #expect(names([]) == ["web1", "web10", "db"])
    }

    @Test func configKeysMayBeAbbreviated() {
        #expect(names(["user.role=front"]) == ["web1"])
        #expect(names(["u.role=back"]) == ["web10"])
        #expect(names(["s.privileged=true"]) == ["web1"])
        #expect(names(["volatile.eth0.hwaddr=00:16:3e:.*"]) == ["db"])
        #expect(names(["user.role="]) == ["db"])
    }

    @Test func shorthands() {
        #expect(names(["status=running"]) == ["web1"])
        #expect(names(["status=RUNNING,stopped"]) == ["web1", "web10", "db"])
        #expect(names(["type=container", "status=stopped"]) == ["web10", "db"])
        #expect(names(["name=db"]) == ["db"])
        #expect(names(["ipv4=10.0.0.0/24"]) == ["web1"])
        #expect(names(["ipv4=10.0.1.0/24"]) == [])
        #expect(names(["ipv6=fd42::7"]) == ["web1"])
        #expect(names(["architecture=x86_64", "web"]) == ["web1", "web10"])
    }

    @Test func serverSideNameOnlyForPlainNames() {
        #expect(InstanceFilter(filters: ["name=c1"]).serverSideName == "c1")
        #expect(InstanceFilter(filters: ["name=c1,c2"]).serverSideName == nil)
        #expect(InstanceFilter(filters: ["c1"]).serverSideName == nil)
        #expect(InstanceFilter(filters: ["status=running"]).needsState)
    }

    @Test func dotPrefixMatch() {
        #expect(InstanceFilter.dotPrefixMatch(short: "u.blah", full: "user.blah"))
        #expect(!InstanceFilter.dotPrefixMatch(short: "u", full: "user.blah"))
        #expect(!InstanceFilter.dotPrefixMatch(short: "x.blah", full: "user.blah"))
    }
}

@Suite struct KeyValueArgumentsTests {
    @Test func pairs() throws {
        let pairs = try KeyValueArguments.parse(["a=1", "b=x=y", "c="])
        #expect(pairs.map(\.key) == ["a", "b", "c"])
        #expect(pairs.map(\.value) == ["1", "x=y", ""])
    }

    @Test func legacyKeyValueForm() throws {
        let pairs = try KeyValueArguments.parse(["limits.cpu", "2"])
        #expect(pairs.count == 1)
        #expect(pairs[0].key == "limits.cpu")
        #expect(pairs[0].value == "2")
    }

    @Test func rejectsWordsWithoutValue() {
        #expect(throws: CLIError.self) { try KeyValueArguments.parse(["a=1", "b"]) }
        #expect(throws: CLIError.self) { try KeyValueArguments.parse([]) }
        #expect(throws: CLIError.self) { try KeyValueArguments.parse(["=1"]) }
    }

    @Test func serverOrInstance() {
        #expect(KeyValueArguments.addressesServer(["core.https_address=:8443"]))
        #expect(KeyValueArguments.addressesServer(["core.https_address", ":8443"]))
        #expect(!KeyValueArguments.addressesServer(["c1", "limits.cpu=2"]))
        #expect(!KeyValueArguments.addressesServer(["c1", "limits.cpu", "2"]))
    }
}
