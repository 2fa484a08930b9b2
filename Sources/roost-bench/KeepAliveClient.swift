import Foundation

/// A blocking HTTP/1.1 client on one persistent unix-socket connection, so each measured request
/// is one round trip on a warm connection (what LXD was measured with), not a connect.
final class KeepAliveClient {
    private let fd: Int32
    private var buffer: [UInt8] = []
    /// Largest response the bench accepts.
    static let responseMaxBytes = 256 << 20

    init(socketPath: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(socketPath.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() where index < raw.count - 1 { raw[index] = byte }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else { throw BenchError("connect \(socketPath): \(String(cString: strerror(errno)))") }
    }

    deinit { close(fd) }

    /// Sends one request and reads one `Content-Length` response; returns status and body.
    func request(_ method: String, _ path: String, body: [UInt8] = []) throws -> (status: Int, body: [UInt8]) {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: unix.socket\r\n"
        if !body.isEmpty { head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n" }
        head += "\r\n"
        let message = Array(head.utf8) + body
        var written = 0
        while written < message.count {
            let count = message.withUnsafeBytes {
                send(fd, $0.baseAddress! + written, message.count - written, Int32(MSG_NOSIGNAL))
            }
            guard count > 0 else { throw BenchError("send failed") }
            written += count
        }
        let headEnd = try readUntil(Array("\r\n\r\n".utf8))
        let headText = String(decoding: buffer[..<headEnd], as: UTF8.self)
        buffer.removeSubrange(..<(headEnd + 4))
        let lines = headText.split(separator: "\r\n")
        guard let statusLine = lines.first, let status = Int(statusLine.split(separator: " ")[1]) else {
            throw BenchError("bad status line")
        }
        var length = 0
        for line in lines.dropFirst() where line.lowercased().hasPrefix("content-length:") {
            length = Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? 0
        }
        guard length <= Self.responseMaxBytes else { throw BenchError("response too large") }
        while buffer.count < length { try fill() }
        let responseBody = Array(buffer[..<length])
        buffer.removeSubrange(..<length)
        return (status, responseBody)
    }

    private func readUntil(_ marker: [UInt8]) throws -> Int {
        while true {
            if let range = buffer.firstRange(of: marker) { return range.lowerBound }
            try fill()
        }
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        let count = recv(fd, &chunk, chunk.count, 0)
        guard count > 0 else { throw BenchError("connection closed") }
        buffer += chunk[..<count]
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
