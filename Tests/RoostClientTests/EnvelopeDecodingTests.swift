import RoostAPI
import Testing

@testable import RoostClient

/// Envelopes copied from shared/reference/lxc-traces/22-raw-http-envelopes.txt.
@Suite struct EnvelopeDecodingTests {
    static func response(_ status: Int, _ body: String, headers: [RawResponse.Header] = []) -> RawResponse {
        RawResponse(status: status, headers: headers, body: Array(body.utf8))
    }

    @Test func errorEnvelopeBecomesRoostError() {
        let body =
            #"{"type":"error","status":"","status_code":0,"operation":"","error_code":404,"error":"Instance not found","metadata":null}"#
        let error = RoostClient.error(from: Self.response(404, body))
        #expect(error.code == .notFound)
        #expect(error.message == "Instance not found")
        #expect(error.httpStatus == 404)
    }

    @Test func errorWithoutEnvelopeUsesStatus() {
        let error = RoostClient.error(from: Self.response(503, ""))
        #expect(error.code == .unavailable)
        #expect(error.message == "Request failed with HTTP status 503")
    }

    @Test func statusCodesMapBack() {
        for code in RoostError.Code.allCases where code != .outcomeUnknown {
            let status = RoostError(code, "x").httpStatus
            #expect(RoostClient.code(forStatus: status) == code)
        }
        #expect(RoostClient.code(forStatus: 418) == .badRequest)
        #expect(RoostClient.code(forStatus: 502) == .internalError)
    }

    @Test func asyncEnvelopeGivesOperation() throws {
        let body = #"""
            {"type":"async","status":"Operation created","status_code":100,"operation":"/1.0/operations/851d6f3e-ad94-4ec0-8098-b25a82f1388c","error_code":0,"error":"","metadata":{"id":"851d6f3e-ad94-4ec0-8098-b25a82f1388c","class":"task","description":"Snapshotting instance","created_at":"2026-11-27T15:41:15.072690391Z","updated_at":"2026-11-27T15:41:15.072690391Z","status":"Running","status_code":103,"resources":{"instances":["/1.0/instances/x6"]},"metadata":null,"may_cancel":false,"err":"","location":"none"}}
            """#
        let location = RawResponse.Header(
            name: "Location", value: "/1.0/operations/851d6f3e-ad94-4ec0-8098-b25a82f1388c")
        guard case .started(let handle) = try RoostClient.classify(Self.response(202, body, headers: [location])) else {
            Issue.record("expected an operation")
            return
        }
        #expect(handle.id == "851d6f3e-ad94-4ec0-8098-b25a82f1388c")
        #expect(handle.url == "/1.0/operations/851d6f3e-ad94-4ec0-8098-b25a82f1388c")
        #expect(handle.operation.statusValue == .running)
        #expect(handle.operation.description == "Snapshotting instance")
    }

    @Test func syncEnvelopeDecodesMetadataAndETag() throws {
        let body =
            #"{"type":"sync","status":"Success","status_code":200,"operation":"","error_code":0,"error":"","metadata":{"name":"default","description":"","config":{},"devices":{},"used_by":[]}}"#
        let response = Self.response(200, body, headers: [RawResponse.Header(name: "Etag", value: "\"abc\"")])
        let profile = try RoostClient.decodeSync(Profile.self, response)
        #expect(profile.name == "default")
        #expect(response.etag == "\"abc\"")
    }

    @Test func syncDecodeOfErrorThrowsServerMessage() {
        let body =
            #"{"type":"error","status":"","status_code":0,"operation":"","error_code":400,"error":"Instance is running","metadata":null}"#
        #expect(throws: RoostError(.badRequest, "Instance is running")) {
            try RoostClient.decodeSync(Profile.self, Self.response(400, body))
        }
    }
}
