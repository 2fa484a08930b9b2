import Testing

@testable import RoostClient

@Suite struct SocketEndpointTests {
    @Test func flagWinsOverEverything() {
        let environment = ["ROOST_SOCKET": "/env/socket", "ROOST_DIR": "/env/dir"]
        #expect(SocketEndpoint.resolve(flag: "/flag/socket", environment: environment) == "/flag/socket")
    }

    @Test func socketVariableBeforeDirectory() {
        let environment = ["ROOST_SOCKET": "/env/socket", "ROOST_DIR": "/env/dir"]
        #expect(SocketEndpoint.resolve(flag: nil, environment: environment) == "/env/socket")
    }

    @Test func directoryVariable() {
        #expect(SocketEndpoint.resolve(flag: nil, environment: ["ROOST_DIR": "/srv/roost"]) == "/srv/roost/unix.socket")
        #expect(
            SocketEndpoint.resolve(flag: nil, environment: ["ROOST_DIR": "/srv/roost/"]) == "/srv/roost/unix.socket")
    }

    @Test func emptyValuesCountAsUnset() {
        let environment = ["ROOST_SOCKET": "", "ROOST_DIR": ""]
        #expect(SocketEndpoint.resolve(flag: "", environment: environment) == "/var/lib/roost/unix.socket")
    }

    @Test func defaultPath() {
        #expect(SocketEndpoint.resolve(flag: nil, environment: [:]) == SocketEndpoint.defaultPath)
    }
}

@Suite struct PathEncodingTests {
    @Test func segmentEscapesReservedCharacters() {
        #expect(PathEncoding.segment("c1") == "c1")
        #expect(PathEncoding.segment("a b/c?d#e%") == "a%20b%2Fc%3Fd%23e%25")
        #expect(PathEncoding.segment("é") == "%C3%A9")
    }

    @Test func queryKeepsCommas() {
        #expect(
            PathEncoding.withQuery("/1.0/events", [("type", "operation,lifecycle")])
                == "/1.0/events?type=operation,lifecycle")
        #expect(
            PathEncoding.withQuery("/1.0/instances", [("recursion", "2"), ("filter", "name eq c1")])
                == "/1.0/instances?recursion=2&filter=name%20eq%20c1")
        #expect(PathEncoding.withQuery("/1.0", []) == "/1.0")
    }

    @Test func lastSegmentDecodes() {
        #expect(PathEncoding.lastSegment(of: "/1.0/instances/c1") == "c1")
        #expect(PathEncoding.lastSegment(of: "/1.0/profiles/a%20b?project=default") == "a b")
        #expect(PathEncoding.decode("100%") == "100%")
    }
}
