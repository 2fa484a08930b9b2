import RoostAPI

extension RoostClient {
    /// `GET /1.0/operations?recursion=1`, flattened (the server groups them by status) and
    /// ordered by creation time, then id.
    public func operations() async throws(RoostError) -> [Operation] {
        let grouped = try await sync([String: [Operation]?].self, .get, "/1.0/operations?recursion=1").value
        return grouped.values.flatMap { $0 ?? [] }.sorted {
            ($0.createdAt, $0.id) < ($1.createdAt, $1.id)
        }
    }

    /// `GET /1.0/operations/{id}`.
    public func operation(id: String) async throws(RoostError) -> Operation {
        try await sync(Operation.self, .get, "/1.0/operations/\(PathEncoding.segment(id))").value
    }

    /// `DELETE /1.0/operations/{id}`: cancels the operation.
    public func deleteOperation(id: String) async throws(RoostError) {
        _ = try await submitRequest(.delete, "/1.0/operations/\(PathEncoding.segment(id))")
    }

    /// `GET /1.0/operations/{id}/wait?timeout=N`: blocks until the operation finishes or the
    /// timeout passes, and returns the operation as it is then (not necessarily finished).
    ///
    /// - Parameter timeout: how long the server may block; `nil` waits as long as the server
    ///   allows (`timeout=-1`). Rounded up to whole seconds, as LXD takes seconds.
    public func waitOperation(id: String, timeout: Duration? = nil) async throws(RoostError) -> Operation {
        var seconds: Int64 = -1
        if let timeout {
            let nanos = max(timeout.nanoseconds, 0)
            seconds = nanos / 1_000_000_000 + (nanos % 1_000_000_000 == 0 ? 0 : 1)
        }
        let path = "/1.0/operations/\(PathEncoding.segment(id))/wait?timeout=\(seconds)"
        return try await sync(Operation.self, .get, path).value
    }

    /// Waits until the operation reaches a final status (Success, Failure or Cancelled), asking
    /// the server in slices of ``Configuration/operationWaitSliceSeconds``.
    ///
    /// - Returns: the finished operation, whatever its outcome.
    public func waitUntilFinished(id: String) async throws(RoostError) -> Operation {
        let slice = Duration.seconds(configuration.operationWaitSliceSeconds)
        while true {
            let operation = try await waitOperation(id: id, timeout: slice)
            if operation.statusValue?.isFinal ?? false { return operation }
            if Task.isCancelled { throw RoostError(.unavailable, "Cancelled while waiting for operation \(id)") }
        }
    }

    /// Sends a request that may run in the background and does not wait for it.
    public func submit(
        method: RequestMethod, path: String, body: [UInt8]? = nil, ifMatch: String? = nil
    ) async throws(RoostError) -> Submission {
        try await submitRequest(method, path, body: body, ifMatch: ifMatch)
    }

    /// Sends a mutating request and waits for its outcome.
    ///
    /// A sync answer returns `nil`. An async answer (202) is followed until the operation
    /// finishes: the finished operation is returned on success, and its `err` is thrown as a
    /// `RoostError` on failure or cancellation.
    @discardableResult
    public func mutate(
        method: RequestMethod, path: String, body: [UInt8]? = nil, ifMatch: String? = nil
    ) async throws(RoostError) -> Operation? {
        switch try await submitRequest(method, path, body: body, ifMatch: ifMatch) {
        case .done:
            return nil
        case .started(let handle):
            return try await finish(handle)
        }
    }

    /// ``mutate(method:path:body:ifMatch:)`` with a JSON-encoded body.
    @discardableResult
    public func mutate<Body: Encodable>(
        method: RequestMethod, path: String, json body: Body, ifMatch: String? = nil
    ) async throws(RoostError) -> Operation? {
        try await mutate(method: method, path: path, body: try Self.encode(body), ifMatch: ifMatch)
    }

    /// Waits for a started operation and throws its `err` if it did not succeed.
    @discardableResult
    public func finish(_ handle: OperationHandle) async throws(RoostError) -> Operation {
        var operation = handle.operation
        if !(operation.statusValue?.isFinal ?? false) {
            operation = try await waitUntilFinished(id: handle.id)
        }
        switch operation.statusValue {
        case .success:
            return operation
        case .cancelled:
            throw RoostError(.conflict, operation.err.isEmpty ? "Operation cancelled" : operation.err)
        default:
            throw RoostError(.internalError, operation.err.isEmpty ? "Operation failed" : operation.err)
        }
    }
}
