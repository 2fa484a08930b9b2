import RoostAPI

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The real `FileLayer`: thin wrappers over open, write, pread, fsync, ftruncate, rename, unlink
/// and an fsync of the directory itself. Stateless, so `Sendable`; each handle is a descriptor.
public struct POSIXFileLayer: FileLayer {
    public init() {}

    public func makeDirectories(_ path: String) throws(RoostError) {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") where component != "." {
            let parent = current.isEmpty ? "/" : current
            current += "/" + component
            if mkdir(current, 0o750) == 0 {
                try syncDirectory(parent)
                continue
            }
            let error = errno
            var info = stat()
            guard error == EEXIST, stat(current, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
                throw failure("create directory", current, error)
            }
        }
    }

    public func listDirectory(_ path: String) throws(RoostError) -> [String] {
        guard let stream = opendir(path) else { throw failure("list directory", path, errno) }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    public func readFile(_ path: String) throws(RoostError) -> [UInt8] {
        let fd = try openDescriptor(path, O_RDONLY, "read")
        defer { closeDescriptor(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure("stat", path, errno) }
        var result = try readRange(fd, path, offset: 0, count: Int(info.st_size))
        // The file may have grown since fstat; read on to its end.
        while true {
            let more = try readRange(fd, path, offset: result.count, count: 1 << 16)
            if more.isEmpty { return result }
            result.append(contentsOf: more)
        }
    }

    public func read(_ path: String, offset: Int, count: Int) throws(RoostError) -> [UInt8] {
        let fd = try openDescriptor(path, O_RDONLY, "read")
        defer { closeDescriptor(fd) }
        return try readRange(fd, path, offset: offset, count: count)
    }

    public func createFile(_ path: String) throws(RoostError) -> FileLayerHandle {
        FileLayerHandle(rawValue: try openDescriptor(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND, "create"))
    }

    public func openForAppend(_ path: String) throws(RoostError) -> FileLayerHandle {
        FileLayerHandle(rawValue: try openDescriptor(path, O_WRONLY | O_APPEND, "open"))
    }

    public func write(_ handle: FileLayerHandle, _ bytes: [UInt8]) throws(RoostError) {
        let result: Int32 = bytes.withUnsafeBytes { buffer in
            var done = 0
            while done < buffer.count {
                let written = systemWrite(handle.rawValue, buffer.baseAddress! + done, buffer.count - done)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                done += written
            }
            return 0
        }
        if result != 0 { throw failure("write", "descriptor \(handle.rawValue)", result) }
    }

    public func truncate(_ handle: FileLayerHandle, toSize size: Int) throws(RoostError) {
        guard ftruncate(handle.rawValue, off_t(size)) == 0 else {
            throw failure("truncate", "descriptor \(handle.rawValue)", errno)
        }
    }

    public func sync(_ handle: FileLayerHandle) throws(RoostError) {
        guard fullSync(handle.rawValue) == 0 else { throw failure("fsync", "descriptor \(handle.rawValue)", errno) }
    }

    public func close(_ handle: FileLayerHandle) {
        closeDescriptor(handle.rawValue)
    }

    public func rename(_ source: String, to destination: String) throws(RoostError) {
        guard systemRename(source, destination) == 0 else {
            throw failure("rename", "\(source) to \(destination)", errno)
        }
    }

    public func remove(_ path: String) throws(RoostError) {
        guard unlink(path) == 0 else { throw failure("remove", path, errno) }
    }

    public func syncDirectory(_ path: String) throws(RoostError) {
        let fd = try openDescriptor(path, O_RDONLY | O_DIRECTORY, "open directory")
        defer { closeDescriptor(fd) }
        guard fullSync(fd) == 0 else { throw failure("fsync directory", path, errno) }
    }

    private func openDescriptor(_ path: String, _ flags: Int32, _ operation: String) throws(RoostError) -> Int32 {
        while true {
            let fd = open(path, flags | O_CLOEXEC, 0o640)
            if fd >= 0 { return fd }
            if errno != EINTR { throw failure(operation, path, errno) }
        }
    }

    private func readRange(_ fd: Int32, _ path: String, offset: Int, count: Int) throws(RoostError) -> [UInt8] {
        precondition(offset >= 0 && count >= 0, "negative read range")
        var error: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            while initialized < count {
                let got = pread(fd, buffer.baseAddress! + initialized, count - initialized, off_t(offset + initialized))
                if got < 0 && errno == EINTR { continue }
                if got < 0 { error = errno }
                if got <= 0 { break }
                initialized += got
            }
        }
        if error != 0 { throw failure("read", path, error) }
        return bytes
    }

    private func failure(_ operation: String, _ subject: String, _ error: Int32) -> RoostError {
        let cause = String(cString: strerror(error))
        switch error {
        case ENOENT: return RoostError(.notFound, "Cannot \(operation) \(subject)", cause: cause)
        case EEXIST: return RoostError(.conflict, "Cannot \(operation) \(subject)", cause: cause)
        default: return RoostError(.internalError, "Cannot \(operation) \(subject)", cause: cause)
        }
    }
}

// File-scope wrappers: inside the struct, `write`, `close` and `rename` name its own methods.
private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, bytes, count)
}

private func systemRename(_ source: String, _ destination: String) -> Int32 {
    rename(source, destination)
}

private func closeDescriptor(_ fd: Int32) {
    _ = close(fd)
}

/// fsync, or on Darwin F_FULLFSYNC (plain fsync there does not flush the drive's cache).
private func fullSync(_ fd: Int32) -> Int32 {
    #if canImport(Darwin)
        if fcntl(fd, F_FULLFSYNC) == 0 { return 0 }
    #endif
    return fsync(fd)
}
