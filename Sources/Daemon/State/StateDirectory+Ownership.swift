import Glibc
import RoostAPI

// Kept apart from Foundation: with Foundation imported, `stat`'s members resolve to Dispatch's
// copy of the C module and the strict import checks refuse them.
extension StateDirectory {
    /// A state directory entry must be a real directory owned by this process's user: a symlink
    /// (or a directory someone else owns) would make `prepare`'s `chmod`, and every file the
    /// daemon writes below it, land wherever that other party chose.
    static func checkOwnDirectory(_ path: String) throws(RoostError) {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            throw RoostError.internalError("Cannot inspect \(path)", cause: String(cString: strerror(errno)))
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw RoostError.badRequest("\(path) must be a directory, not a symlink or another kind of file")
        }
        guard info.st_uid == geteuid() else {
            throw RoostError.badRequest(
                "\(path) is owned by uid \(info.st_uid), not by this daemon's user (uid \(geteuid()))")
        }
    }
}
