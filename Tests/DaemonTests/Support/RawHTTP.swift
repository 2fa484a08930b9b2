import Foundation
import RoostAPI

/// A deliberately small HTTP/1.1 client over a unix socket, for tests that need exact bytes
/// (413 before the body is read, raw envelopes). Blocking I/O runs on a GCD queue, never on the
/// cooperative pool, so an in-process daemon always has threads to answer.
struct RawHTTP: Sendable {
    let socketPath: String

    struct Response: Sendable {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]

        var envelope: AnyResponseEnvelope? { try? JSONDecoder().decode(AnyResponseEnvelope.self, from: Data(body)) }
        var text: String { String(decoding: body, as: UTF8.self) }
        var metadata: JSONValue? { envelope?.metadata }
    }

    func request(
        _ method: String, _ path: String, body: [UInt8]? = nil, headers: [String: String] = [:]
    ) async throws -> Response {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    with: Result { try self.blockingRequest(method, path, body: body, headers: headers) })
            }
        }
    }

    func json<T: Encodable>(_ method: String, _ path: String, _ value: T, headers: [String: String] = [:]) async throws
        -> Response
    {
        try await request(method, path, body: Array(try JSONEncoder().encode(value)), headers: headers)
    }

    func text(_ method: String, _ path: String, _ body: String, headers: [String: String] = [:]) async throws
        -> Response
    {
        try await request(method, path, body: Array(body.utf8), headers: headers)
    }

    private func blockingRequest(_ method: String, _ path: String, body: [UInt8]?, headers: [String: String]) throws
        -> Response
    {
        let fd = try UnixSocket.connect(socketPath)
        defer { close(fd) }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: unix.socket\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if let body { head += "Content-Length: \(body.count)\r\nContent-Type: application/json\r\n" }
        head += "\r\n"
        try UnixSocket.writeAll(fd, Array(head.utf8) + (body ?? []))
        return try Self.parse(UnixSocket.readAll(fd))
    }

    static func parse(_ bytes: [UInt8]) throws -> Response {
        guard let split = bytes.firstRange(of: Array("\r\n\r\n".utf8)) else {
            throw TestFailure("no HTTP head in \(bytes.count) bytes")
        }
        let head = String(decoding: bytes[..<split.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = head[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw TestFailure("bad status line \(head[0])")
        }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        var body = Array(bytes[split.upperBound...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" { body = try dechunk(body) }
        return Response(status: status, headers: headers, body: body)
    }

    static func dechunk(_ bytes: [UInt8]) throws -> [UInt8] {
        var out: [UInt8] = []
        var position = 0
        while let lineEnd = bytes[position...].firstRange(of: Array("\r\n".utf8)) {
            let sizeText = String(decoding: bytes[position..<lineEnd.lowerBound], as: UTF8.self)
            guard let size = Int(sizeText.split(separator: ";")[0], radix: 16) else { throw TestFailure("bad chunk") }
            if size == 0 { break }
            out += bytes[lineEnd.upperBound..<lineEnd.upperBound + size]
            position = lineEnd.upperBound + size + 2
        }
        return out
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

enum UnixSocket {
    static func connect(_ path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() where index < raw.count - 1 { raw[index] = byte }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            close(fd)
            throw TestFailure("connect \(path): \(String(cString: strerror(errno)))")
        }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes {
                send(fd, $0.baseAddress! + written, bytes.count - written, Int32(MSG_NOSIGNAL))
            }
            // The server may answer 413 and close before reading the whole body.
            if result < 0 { if errno == EPIPE || errno == ECONNRESET { return }; throw TestFailure("send: \(errno)") }
            written += result
        }
    }

    static func readAll(_ fd: Int32) throws -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count == 0 { break }
            if count < 0 { if errno == ECONNRESET { break }; throw TestFailure("recv: \(errno)") }
            out += buffer[0..<count]
        }
        return out
    }

    static func readSome(_ fd: Int32) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = recv(fd, &buffer, buffer.count, 0)
        guard count > 0 else { throw TestFailure("connection closed") }
        return Array(buffer[0..<count])
    }
}
