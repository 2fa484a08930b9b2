/// The three response envelopes of LXD's REST API. Field order follows LXD's bytes
/// (see shared/reference/lxc-traces/22-raw-http-envelopes.txt).
public struct ResponseEnvelope<Metadata: Encodable & Sendable>: Encodable, Sendable {
    public var type: String
    public var status: String
    public var statusCode: Int
    public var operation: String
    public var errorCode: Int
    public var error: String
    public var metadata: Metadata

    enum CodingKeys: String, CodingKey {
        case type, status, statusCode = "status_code", operation, errorCode = "error_code", error, metadata
    }

    /// `{"type":"sync","status":"Success","status_code":200,...}`
    public static func sync(_ metadata: Metadata) -> Self {
        Self(
            type: "sync", status: "Success", statusCode: 200, operation: "", errorCode: 0, error: "", metadata: metadata
        )
    }

    /// `{"type":"async","status":"Operation created","status_code":100,"operation":"/1.0/operations/<id>",...}`
    public static func async(_ metadata: Metadata, operationURL: String) -> Self {
        Self(
            type: "async", status: StatusCode.operationCreated.text, statusCode: 100, operation: operationURL,
            errorCode: 0, error: "", metadata: metadata)
    }
}

extension ResponseEnvelope where Metadata == JSONValue {
    /// `{"type":"error","status":"","status_code":0,"operation":"","error_code":404,"error":"...","metadata":null}`
    public static func error(_ error: RoostError) -> Self {
        Self(
            type: "error", status: "", statusCode: 0, operation: "", errorCode: error.httpStatus,
            error: error.message, metadata: .null)
    }
}

/// The decoding side of an envelope, for clients.
public struct AnyResponseEnvelope: Decodable, Sendable {
    public var type: String
    public var status: String?
    public var statusCode: Int?
    public var operation: String?
    public var errorCode: Int?
    public var error: String?
    public var metadata: JSONValue?

    enum CodingKeys: String, CodingKey {
        case type, status, statusCode = "status_code", operation, errorCode = "error_code", error, metadata
    }
}
