import Foundation

/// A minimal websocket reader over a unix socket for the events tests: performs the upgrade, then
/// returns text frames one by one. Blocking reads run on a GCD queue.
final class RawWebSocket: @unchecked Sendable {
    private let fd: Int32
    private var buffer: [UInt8] = []

    /// Connects and upgrades on a GCD thread (blocking I/O stays off the cooperative pool).
    static func connect(socketPath: String, path: String) async throws -> RawWebSocket {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try RawWebSocket(socketPath: socketPath, path: path) })
            }
        }
    }

    private init(socketPath: String, path: String) throws {
        fd = try UnixSocket.connect(socketPath)
        let request =
            "GET \(path) HTTP/1.1\r\nHost: unix.socket\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        try UnixSocket.writeAll(fd, Array(request.utf8))
        while buffer.firstRange(of: Array("\r\n\r\n".utf8)) == nil { buffer += try UnixSocket.readSome(fd) }
        let end = buffer.firstRange(of: Array("\r\n\r\n".utf8))!
        let head = String(decoding: buffer[..<end.lowerBound], as: UTF8.self)
        buffer.removeSubrange(..<end.upperBound)
        // No close(fd) before throwing: every stored property is set, so a throw here still runs
        // deinit, which closes it. Closing twice once closed a descriptor another test had just
        // opened (SQLite's, which then failed with "disk I/O error").
        guard head.hasPrefix("HTTP/1.1 101") else { throw TestFailure("upgrade refused: \(head)") }
    }

    deinit { close(fd) }

    /// The next text message, waiting on a GCD thread.
    func nextText() async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try self.readFrame() }) }
        }
    }

    private func need(_ count: Int) throws {
        while buffer.count < count { buffer += try UnixSocket.readSome(fd) }
    }

    private func readFrame() throws -> String {
        while true {
            try need(2)
            let opcode = buffer[0] & 0x0f
            var length = Int(buffer[1] & 0x7f)
            var offset = 2
            if length == 126 {
                try need(4)
                length = Int(buffer[2]) << 8 | Int(buffer[3])
                offset = 4
            } else if length == 127 {
                try need(10)
                length = (2..<10).reduce(0) { $0 << 8 | Int(buffer[$1]) }
                offset = 10
            }
            try need(offset + length)
            let payload = Array(buffer[offset..<offset + length])
            buffer.removeSubrange(..<(offset + length))
            switch opcode {
            case 0x1: return String(decoding: payload, as: UTF8.self)
            case 0x8: throw TestFailure("websocket closed")
            default: continue
            }
        }
    }
}
