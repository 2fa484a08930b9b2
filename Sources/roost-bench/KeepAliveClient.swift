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
        let statusWords = lines.first?.split(separator: " ") ?? []
        guard statusWords.count >= 2, let status = Int(statusWords[1]) else {
            throw BenchError("bad status line")
        }
        var length = 0
        var chunked = false
        for line in lines.dropFirst() {
            let lowered = line.lowercased()
            if lowered.hasPrefix("content-length:") {
                length = Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? 0
            } else if lowered.hasPrefix("transfer-encoding:") && lowered.contains("chunked") {
                chunked = true  // LXD (Go's server) answers larger bodies chunked.
            }
        }
        if chunked { return (status, try readChunked()) }
        guard length <= Self.responseMaxBytes else { throw BenchError("response too large") }
        while buffer.count < length { try fill() }
        let responseBody = Array(buffer[..<length])
        buffer.removeSubrange(..<length)
        return (status, responseBody)
    }

    /// A chunked body: hex size lines, each chunk followed by CRLF, ended by a zero-size chunk
    /// and an empty line (trailers are skipped).
    private func readChunked() throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let lineEnd = try readUntil(Array("\r\n".utf8))
            let sizeText = String(decoding: buffer[..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            buffer.removeSubrange(..<(lineEnd + 2))
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else {
                throw BenchError("bad chunk size")
            }
            if size == 0 {
                while true {
                    let end = try readUntil(Array("\r\n".utf8))
                    buffer.removeSubrange(..<(end + 2))
                    if end == 0 { return body }
                }
            }
            guard body.count + size <= Self.responseMaxBytes else { throw BenchError("response too large") }
            while buffer.count < size + 2 { try fill() }
            body += buffer[..<size]
            buffer.removeSubrange(..<(size + 2))
        }
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
