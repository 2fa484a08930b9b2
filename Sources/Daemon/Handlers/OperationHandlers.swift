import RoostAPI

/// `/1.0/operations`, `/1.0/operations/{id}`, `/1.0/operations/{id}/wait`.
enum OperationHandlers {
    static func register(_ router: inout Router, _ context: HandlerContext) {
        router.add("GET", "/1.0/operations") { request, _ in
            let operations = await context.operations.list()
            // LXD groups operations by lower-cased status: {"running": [...], "success": [...]}.
            if request.recursion >= 1 {
                return try .sync(Dictionary(grouping: operations) { $0.status.lowercased() })
            }
            return try .sync(
                Dictionary(grouping: operations) { $0.status.lowercased() }.mapValues {
                    $0.map { ResourcePath.operation($0.id) }
                })
        }
        router.add("GET", "/1.0/operations/{}") { _, captures in
            guard let operation = await context.operations.get(captures[0]) else {
                throw RoostError.notFound("Operation not found")
            }
            return try .sync(operation)
        }
        router.add("DELETE", "/1.0/operations/{}") { _, captures in
            try await context.operations.cancel(captures[0])
            return try .emptySync()
        }
        router.add("GET", "/1.0/operations/{}/wait", slot: .longPoll) { request, captures in
            guard let requested = Int(request.query["timeout"] ?? "-1") else {
                throw RoostError.badRequest("Invalid timeout \"\(request.query["timeout"] ?? "")\"")
            }
            let seconds = requested < 0 ? context.operationWaitMax : min(requested, context.operationWaitMax)
            guard let operation = await context.operations.wait(captures[0], timeout: Duration.seconds(seconds)) else {
                throw RoostError.notFound("Operation not found")
            }
            return try .sync(operation)
        }
        router.add("GET", "/1.0/events") { _, _ in
            throw RoostError.badRequest("The events endpoint needs a websocket upgrade")
        }
    }
}
