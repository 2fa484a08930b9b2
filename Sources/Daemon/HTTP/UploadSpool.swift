import ClusterDB
import Foundation
import HTTPTypes
import Hummingbird
import RoostAPI
import Synchronization

/// Receives uploads (`BodyPolicy.spool`) into files under the state directory's spool.
///
/// The spool shares a filesystem with the log and the databases, and a full disk there halts
/// the daemon, so uploads are bounded daemon-wide: bytes spooled at once (`bytesMax`, counted
/// as written) and free space left (`freeBytesFloor`, checked before each chunk); beyond either
/// the upload is refused and its file removed. Writes run on the spool's own threads, never on
/// the cooperative pool. Time: an upload must keep up an average of
/// `BodyPolicy.spoolMinimumBytesPerSecond` after `grace`, it is cut at
/// `grace + maxBytes / that rate` whatever its pace, and a stall is cut by the connection's idle
/// timeout.
final class UploadSpool: Sendable {
    let directory: String
    let bytesMax: Int
    let freeBytesFloor: Int
    private let spooled = Mutex(0)
    private let writers = BlockingWorkers(
        name: "roost.spool", threads: 2, queueMax: 4096, busyMessage: "Too many uploads being written, try again")

    /// Parts gathered in memory before a write count in the daemon-wide request bytes.
    let admission: RequestAdmission

    init(directory: String, bytesMax: Int, admission: RequestAdmission, freeBytesFloor: Int = 1 << 30) {
        self.admission = admission
        self.directory = directory
        self.bytesMax = bytesMax
        self.freeBytesFloor = freeBytesFloor
    }

    deinit { writers.shutdown() }

    /// Bytes gathered before each write to the spool file.
    static let writeBytes = 128 << 10

    /// Bytes held in spool files right now.
    var bytesSpooled: Int { spooled.withLock { $0 } }

    /// A received upload; its bytes count in the budget until `remove(_:)`.
    struct File: Sendable {
        let path: String
        let bytes: Int
    }

    /// Streams `request`'s body to a new file (created exclusively, mode 0600); the caller
    /// removes it with `remove(_:)`. On any failure the file is removed here.
    func receive(_ request: Request, maxBytes: Int, grace: Duration) async throws -> File {
        let limit = min(maxBytes, bytesMax)
        let tooLarge = RoostError(.payloadTooLarge, "Upload too large (limit \(limit) bytes)")
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit { throw tooLarge }
        let path = directory + "/upload-" + UUID().uuidString.lowercased()
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw RoostError.internalError("Cannot create \(path)", cause: String(cString: strerror(errno)))
        }
        let held = ByteCount()
        defer { close(fd) }
        do {
            let cap = grace + .seconds(Double(maxBytes) / Double(BodyPolicy.spoolMinimumBytesPerSecond))
            let finished = try await APIResponder.withDeadline(cap) { () async throws -> Bool in
                try await self.copy(request, to: fd, maxBytes: limit, grace: grace, held: held)
                return true
            }
            guard finished != nil else { throw RoostError(.requestTimeout, "Upload not received within \(cap)") }
            // The file stays, so do its bytes in the budget, until the caller removes it.
            return File(path: path, bytes: held.value.load(ordering: .relaxed))
        } catch {
            release(held.value.load(ordering: .relaxed))
            unlink(path)
            throw error
        }
    }

    /// Removes a received file (a handler that keeps the upload renamed it away first) and
    /// gives its bytes back to the budget.
    func remove(_ file: File) {
        unlink(file.path)
        release(file.bytes)
    }

    private func release(_ bytes: Int) {
        if bytes > 0 { spooled.withLock { $0 -= bytes } }
    }

    private func copy(
        _ request: Request, to fd: Int32, maxBytes: Int, grace: Duration, held: ByteCount
    ) async throws {
        let started = ContinuousClock.now
        var written = 0
        // Parts are gathered into writes of `writeBytes`, so a client sending tiny chunks costs
        // one hop per 128 KiB, not one per chunk; free space is checked once per write. What is
        // gathered counts in the daemon-wide request bytes (memory), the file in the spool budget.
        var pending: [UInt8] = []
        let directory = self.directory
        let floor = freeBytesFloor
        let admission = self.admission
        func flush() async throws(RoostError) {
            guard !pending.isEmpty else { return }
            let bytes = pending
            pending.removeAll(keepingCapacity: true)
            defer { admission.release(bytes: bytes.count) }
            try await writers.run { () throws(RoostError) in
                try Self.checkFreeSpace(directory, floor: floor)
                try Self.writeAll(fd, bytes)
            }
        }
        // Whatever is still gathered when the upload fails goes back to the memory budget.
        defer { if !pending.isEmpty { admission.release(bytes: pending.count) } }
        do {
            for try await buffer in request.body {
                let count = buffer.readableBytes
                guard written + count <= maxBytes else {
                    throw RoostError(.payloadTooLarge, "Upload too large (limit \(maxBytes) bytes)")
                }
                try reserve(count)
                held.value.add(count, ordering: .relaxed)
                try admission.reserve(bytes: count)
                pending.append(contentsOf: buffer.readableBytesView)
                written += count
                if pending.count >= Self.writeBytes { try await flush() }
                let allowed = grace + .seconds(Double(written) / Double(BodyPolicy.spoolMinimumBytesPerSecond))
                guard ContinuousClock.now - started <= allowed else {
                    throw RoostError(.requestTimeout, "Upload arriving too slowly")
                }
            }
            try await flush()
        } catch let error as RoostError {
            throw error
        } catch {
            throw APIResponder.incompleteBody(error)
        }
    }

    private func reserve(_ count: Int) throws(RoostError) {
        let granted = spooled.withLock { total in
            guard count <= bytesMax - total else { return false }
            total += count
            return true
        }
        guard granted else { throw RoostError(.unavailable, "Too many uploads in progress, try again later") }
    }

    private static func checkFreeSpace(_ directory: String, floor: Int) throws(RoostError) {
        var info = statvfs()
        guard statvfs(directory, &info) == 0 else { return }
        let free = Int(info.f_bavail) * Int(info.f_frsize)
        guard free >= floor else {
            throw RoostError.internalError(
                "Not enough free space for the upload (\(free) bytes left; keeping \(floor) for the database)")
        }
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(RoostError) {
        let failure: Int32 = bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let count = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return count < 0 ? errno : EIO }
                offset += count
            }
            return 0
        }
        guard failure == 0 else {
            throw RoostError.internalError("Cannot store the upload", cause: String(cString: strerror(failure)))
        }
    }
}

/// Bytes one upload has taken from the spool budget so far.
final class ByteCount: Sendable {
    let value = Atomic<Int>(0)
}
