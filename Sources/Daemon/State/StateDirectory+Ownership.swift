import ClusterNode
import Glibc
import RoostAPI

extension StateDirectory {
    /// Gives the directory at `path` its mode, after checking it is a real directory owned by
    /// this process's user: a symlink (or a directory someone else owns) would make the mode,
    /// and every file the daemon writes below it, land wherever that other party chose. The
    /// check and the change go through one descriptor opened without following a symlink, so
    /// the entry cannot be swapped between them.
    static func secureDirectory(_ path: String, mode: mode_t) throws(RoostError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ELOOP || errno == ENOTDIR {
                throw RoostError.badRequest("\(path) must be a directory, not a symlink or another kind of file")
            }
            throw RoostError.internalError("Cannot open \(path)", cause: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        let owner = try OpenFileOwner.uid(of: fd)
        guard owner == geteuid() else {
            throw RoostError.badRequest(
                "\(path) is owned by uid \(owner), not by this daemon's user (uid \(geteuid()))")
        }
        guard fchmod(fd, mode) == 0 else {
            throw RoostError.internalError("Failed to set the mode of \(path)", cause: String(cString: strerror(errno)))
        }
    }
}
