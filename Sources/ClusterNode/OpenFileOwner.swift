import RoostAPI

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The owner of what an open descriptor refers to (`fstat`). Here rather than in the daemon,
/// whose Foundation import makes `stat`'s members resolve to another module under the strict
/// import checks.
public enum OpenFileOwner {
    public static func uid(of fd: Int32) throws(RoostError) -> uid_t {
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw RoostError.internalError("Cannot inspect descriptor \(fd)", cause: String(cString: strerror(errno)))
        }
        return info.st_uid
    }
}
