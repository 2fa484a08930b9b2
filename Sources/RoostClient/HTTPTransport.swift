import NIOCore
import NIOHTTP1
import NIOPosix
import RoostAPI

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Owns the client's one keep-alive connection: opens it on first use, reuses it for every
/// request, and opens a new one when the server has closed it.
///
/// Requests from concurrent callers share the connection and are answered in the order they were
/// queued (see ``HTTPConnection``). A request that fails with
/// ``TransportFailure/closedBeforeResponse`` on a *reused* connection is sent once more on a fresh
/// connection: that is a keep-alive connection the server closed while idle, and no byte of a
/// response was read. Any other failure is reported to the caller.
actor HTTPTransport {
    let socketPath: String
    private let configuration: RoostClient.Configuration
    private var connection: HTTPConnection?
    private var connecting: Task<HTTPConnection, any Error>?

    init(socketPath: String, configuration: RoostClient.Configuration) {
        self.socketPath = socketPath
        self.configuration = configuration
    }

    func send(_ head: HTTPRequestHead, body: ByteBuffer?) async throws(RoostError) -> RawResponse {
        var attempt = 0
        while true {
            attempt += 1
            let current = try await openConnection()
            let reused = current.hasServedRequests
            do {
                return try await current.send(head, body: body)
            } catch TransportFailure.closedBeforeResponse where reused && attempt == 1 {
                forget(current)
                continue
            } catch {
                if !current.isActive { forget(current) }
                throw Self.roostError(error, socketPath: socketPath)
            }
        }
    }

    /// Closes the connection; a later request opens a new one.
    func close() {
        connection?.close()
        connection = nil
    }

    private func forget(_ stale: HTTPConnection) {
        stale.close()
        if connection === stale { connection = nil }
    }

    private func openConnection() async throws(RoostError) -> HTTPConnection {
        if let connection, connection.isActive { return connection }
        if let connection {
            connection.close()
            self.connection = nil
        }
        let task: Task<HTTPConnection, any Error>
        if let connecting {
            task = connecting
        } else {
            let path = socketPath
            let timeout = TimeAmount.nanoseconds(configuration.connectTimeout.nanoseconds)
            let bodyMax = configuration.responseBodyMax
            task = Task {
                try await HTTPConnection.connect(
                    socketPath: path, group: MultiThreadedEventLoopGroup.singleton, connectTimeout: timeout,
                    responseBodyMax: bodyMax)
            }
            connecting = task
        }
        do {
            let opened = try await task.value
            if connecting == task { connecting = nil }
            if connection == nil { connection = opened }
            return opened
        } catch {
            if connecting == task { connecting = nil }
            throw Self.roostError(error, socketPath: socketPath)
        }
    }

    static func roostError(_ error: any Error, socketPath: String) -> RoostError {
        switch error {
        case let error as RoostError:
            return error
        case TransportFailure.bodyTooLarge(let limit):
            return RoostError(.payloadTooLarge, "Response body larger than \(limit) bytes")
        case TransportFailure.malformedResponse(let detail):
            return RoostError(.unavailable, "Malformed response from the daemon", cause: detail)
        case TransportFailure.closedBeforeResponse:
            return RoostError(.unavailable, "The daemon closed the connection", cause: socketPath)
        case is CancellationError:
            return RoostError(.unavailable, "Request cancelled")
        case let error as IOError:
            return RoostError(
                .unavailable, "Failed to reach the daemon at \(socketPath)", cause: errnoText(error.errnoCode))
        case let error as ChannelError:
            return RoostError(.unavailable, "Failed to reach the daemon at \(socketPath)", cause: "\(error)")
        default:
            return RoostError(.unavailable, "Failed to reach the daemon at \(socketPath)", cause: "\(error)")
        }
    }
}

/// The C library's text for an errno value (`No such file or directory`).
private func errnoText(_ code: CInt) -> String {
    guard let text = strerror(code) else { return "errno \(code)" }
    return String(cString: text)
}

extension Duration {
    /// Whole nanoseconds, saturating at `Int64.max`.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? Int64.min : Int64.max }
        return scaled + attoseconds / 1_000_000_000
    }
}
