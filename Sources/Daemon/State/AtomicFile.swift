import Foundation
import RoostAPI

/// Writes a file so readers see the old or the new content, never a mix, and it survives a crash:
/// write a temporary file, fsync it, rename it over the target, fsync the directory.
enum AtomicFile {
    static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o600) throws(RoostError) {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw failure("open", temporary) }
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { raw in
                Foundation.write(fd, raw.baseAddress! + written, bytes.count - written)
            }
            guard result > 0 else {
                close(fd)
                throw failure("write", temporary)
            }
            written += result
        }
        guard fsync(fd) == 0 else {
            close(fd)
            throw failure("fsync", temporary)
        }
        close(fd)
        guard rename(temporary, path) == 0 else { throw failure("rename", path) }
        try syncDirectory((path as NSString).deletingLastPathComponent)
    }

    /// fsync of a directory: makes creations, renames and removals in it durable.
    static func syncDirectory(_ directory: String) throws(RoostError) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("open", directory) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw failure("fsync", directory) }
    }

    private static func failure(_ step: String, _ path: String) -> RoostError {
        RoostError.internalError("Failed to \(step) \(path)", cause: String(cString: strerror(errno)))
    }
}
