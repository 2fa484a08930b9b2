import Foundation
import RoostAPI

/// What a handler returns; turned into bytes and headers in one place (`APIResponder`).
public struct APIResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    /// A sync envelope around `metadata`.
    public static func sync<T: Encodable & Sendable>(_ metadata: T, etag: String? = nil) throws(RoostError)
        -> APIResponse
    {
        var headers: [(String, String)] = [("Content-Type", "application/json")]
        if let etag { headers.append(("ETag", ETag.quoted(etag))) }
        let body: [UInt8]
        if let writable = metadata as? any JSONWritable {
            body = fastEnvelope(writable)
        } else {
            body = try JSON.encode(ResponseEnvelope.sync(metadata))
        }
        return APIResponse(status: 200, headers: headers, body: body)
    }

    /// The same bytes as `JSON.encode(ResponseEnvelope.sync(metadata))`, written directly.
    private static func fastEnvelope<T: JSONWritable>(_ metadata: T) -> [UInt8] {
        var writer = JSONWriter(capacity: 4096)
        EnvelopeBox(metadata: metadata).write(to: &writer)
        return writer.bytes
    }

    /// `{"type":"sync",...,"metadata":{}}` for mutations that return nothing.
    public static func emptySync() throws(RoostError) -> APIResponse {
        try sync([String: String]())
    }

    /// 202 with the operation in the envelope and `Location` pointing at it.
    static func async(_ operation: Operation) throws(RoostError) -> APIResponse {
        let url = ResourcePath.operation(operation.id)
        return APIResponse(
            status: 202, headers: [("Content-Type", "application/json"), ("Location", url)],
            body: try JSON.encode(ResponseEnvelope.async(operation, operationURL: url)))
    }

    /// 201 Created with `Location`, as LXD answers `POST /1.0/profiles`.
    public static func created(location: String) throws(RoostError) -> APIResponse {
        var response = try emptySync()
        response.status = 201
        response.headers.append(("Location", location))
        return response
    }

    /// LXD's error envelope. A refusal for load (`.unavailable`) says when to try again; an
    /// unknown outcome does not invite a blind retry (the change may be committed).
    public static func error(_ error: RoostError) -> APIResponse {
        let body = (try? JSON.encode(ResponseEnvelope.error(error))) ?? Array(#"{"type":"error"}"#.utf8)
        var headers = [("Content-Type", "application/json"), ("X-Content-Type-Options", "nosniff")]
        if error.code == .unavailable { headers.append(("Retry-After", "1")) }
        return APIResponse(status: error.httpStatus, headers: headers, body: body)
    }
}

/// The daemon's JSON encoding: sorted keys (Go sorts map keys; stable bytes help tests and
/// caches) and unescaped slashes (Go does not escape `/`).
enum JSON {
    static func encode<T: Encodable>(_ value: T) throws(RoostError) -> [UInt8] {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return Array(try encoder.encode(value))
        } catch {
            throw RoostError.internalError("Failed to encode response", cause: "\(error)")
        }
    }
}

/// A sync envelope around any `JSONWritable` (ResponseEnvelope needs `Encodable` metadata).
private struct EnvelopeBox<T: JSONWritable>: JSONWritable {
    let metadata: T

    func write(to writer: inout JSONWriter) {
        writer.object { m in
            m.member("error") { $0.string("") }
            m.member("error_code") { $0.int(0) }
            m.member("metadata") { metadata.write(to: &$0) }
            m.member("operation") { $0.string("") }
            m.member("status") { $0.string("Success") }
            m.member("status_code") { $0.int(200) }
            m.member("type") { $0.string("sync") }
        }
    }
}
