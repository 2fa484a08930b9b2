import Foundation
import HTTPTypes
import Logging
import RoostAPI
import Testing

@testable import Daemon

/// `/1.0/events`: lifecycle and operation events arrive over the websocket, after the change they
/// report is committed.
@Suite(.serialized) struct EventsTests {
    static func nextEvent(_ socket: RawWebSocket) async throws -> Event {
        try JSONDecoder().decode(Event.self, from: Data(try await socket.nextText().utf8))
    }

    /// An upgrade that never completes (its connection dropped) does not hold a listener slot.
    @Test func anUpgradeThatNeverCompletesReleasesItsSlot() async throws {
        let hub = EventHub(bufferMax: 8, listenersMax: 1)
        let request = HTTPRequest(method: .get, scheme: nil, authority: nil, path: "/1.0/events?type=lifecycle")
        _ = try EventsWebSocket.shouldUpgrade(request, hub: hub, claimTimeout: .milliseconds(50))
        #expect(hub.listenerCount == 1)
        for _ in 0..<100 where hub.listenerCount > 0 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(hub.listenerCount == 0)
        _ = try hub.subscribe(types: [])
    }

    @Test func lifecycleEventFollowsCommit() async throws {
        try await TestDaemon.with { daemon in
            let socket = try await RawWebSocket.connect(
                socketPath: daemon.socketPath, path: "/1.0/events?type=lifecycle")
            #expect(try await daemon.http.text("POST", "/1.0/profiles", #"{"name":"web"}"#).status == 201)
            let event = try await Self.nextEvent(socket)
            #expect(event.type == .lifecycle)
            #expect(event.metadata["action"] == "profile-created")
            #expect(event.metadata["source"] == "/1.0/profiles/web")
            // The change the event reports is visible to a read made after it.
            #expect(try await daemon.http.request("GET", "/1.0/profiles/web").status == 200)
        }
    }

    @Test func operationEventsTrackAnAsyncRequest() async throws {
        try await TestDaemon.with { daemon in
            let socket = try await RawWebSocket.connect(
                socketPath: daemon.socketPath, path: "/1.0/events?type=operation")
            let create = try await daemon.http.text(
                "POST", "/1.0/instances", #"{"name":"c1","source":{"type":"none"}}"#)
            #expect(create.status == 202)
            var statuses: [String] = []
            while statuses.last != "Success" && statuses.count < 10 {
                let event = try await Self.nextEvent(socket)
                #expect(event.type == .operation)
                #expect(event.metadata["description"] == "Creating instance")
                statuses.append(event.metadata["status"]?.stringValue ?? "")
            }
            #expect(statuses == ["Pending", "Running", "Success"])
        }
    }

    @Test func typeFilterExcludesOtherKinds() async throws {
        try await TestDaemon.with { daemon in
            let socket = try await RawWebSocket.connect(
                socketPath: daemon.socketPath, path: "/1.0/events?type=lifecycle")
            _ = try await daemon.wait(
                try await daemon.http.text("POST", "/1.0/instances", #"{"name":"c1","source":{"type":"none"}}"#))
            let event = try await Self.nextEvent(socket)
            #expect(event.type == .lifecycle)
            #expect(event.metadata["action"] == "instance-created")
        }
    }

    @Test func unknownEventTypeIsRefused() async throws {
        try await TestDaemon.with { daemon in
            await #expect(throws: (any Error).self) {
                _ = try await RawWebSocket.connect(socketPath: daemon.socketPath, path: "/1.0/events?type=bogus")
            }
        }
    }
}

@Suite(.serialized) struct LoggingEventsTests {
    @Test func daemonLogRecordsReachLoggingListeners() async throws {
        try await TestDaemon.with { daemon in
            let socket = try await RawWebSocket.connect(socketPath: daemon.socketPath, path: "/1.0/events?type=logging")
            daemon.daemon.logger.warning("test message from the suite")
            let event = try await EventsTests.nextEvent(socket)
            #expect(event.type == .logging)
            #expect(event.metadata["message"] == "test message from the suite")
            #expect(event.metadata["level"] == "warning")
        }
    }
}
