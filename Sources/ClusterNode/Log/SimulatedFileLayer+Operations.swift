import RoostAPI
import Synchronization

/// The `FileLayer` operations of the simulated layer; semantics on `SimulatedFileLayer`.
extension SimulatedFileLayer {
    public func makeDirectories(_ path: String) throws(RoostError) {
        let components = Self.components(of: path)
        try state.withLock { (state: inout State) throws(RoostError) in
            for last in components.indices {
                let directory = Self.join(components[...last])
                let (parent, name) = Self.split(directory)
                if state.directories[directory] != nil { continue }
                guard state.directories[parent]?.current[name] == nil else {
                    throw RoostError(.conflict, "Cannot create directory \(directory)", cause: "a file is in the way")
                }
                state.directories[directory] = Directory()
            }
        }
    }

    public func listDirectory(_ path: String) throws(RoostError) -> [String] {
        let directory = Self.join(Self.components(of: path)[...])
        return try state.withLock { (state: inout State) throws(RoostError) in
            guard let entries = state.directories[directory]?.current else {
                throw Self.missing("list directory", path)
            }
            let subdirectories = state.directories.keys.filter { $0 != "/" && Self.split($0).parent == directory }
            return (Array(entries.keys) + subdirectories.map { Self.split($0).name }).sorted()
        }
    }

    public func readFile(_ path: String) throws(RoostError) -> [UInt8] {
        try state.withLock { (state: inout State) throws(RoostError) in
            state.files[try Self.lookup(path, in: state)]!.current
        }
    }

    public func read(_ path: String, offset: Int, count: Int) throws(RoostError) -> [UInt8] {
        precondition(offset >= 0 && count >= 0, "negative read range")
        return try state.withLock { (state: inout State) throws(RoostError) in
            let bytes = state.files[try Self.lookup(path, in: state)]!.current
            guard offset < bytes.count else { return [] }
            return Array(bytes[offset..<min(bytes.count, offset + count)])
        }
    }

    public func createFile(_ path: String) throws(RoostError) -> FileLayerHandle {
        let (parent, name) = Self.split(path)
        return try state.withLock { (state: inout State) throws(RoostError) in
            guard state.directories[parent] != nil else { throw Self.missing("create", path) }
            guard state.directories[parent]!.current[name] == nil, state.directories[path] == nil else {
                throw RoostError(.conflict, "Cannot create \(path)", cause: "File exists")
            }
            let id = state.nextFile
            state.nextFile += 1
            state.files[id] = File()
            state.directories[parent]!.current[name] = id
            state.directories[parent]!.pending.append(.create(name: name, file: id))
            return Self.open(id, in: &state)
        }
    }

    public func openForAppend(_ path: String) throws(RoostError) -> FileLayerHandle {
        try state.withLock { (state: inout State) throws(RoostError) in
            Self.open(try Self.lookup(path, in: state), in: &state)
        }
    }

    public func write(_ handle: FileLayerHandle, _ bytes: [UInt8]) throws(RoostError) {
        try state.withLock { (state: inout State) throws(RoostError) in
            let id = try Self.file(of: handle, in: state)
            if let kept = state.failNextWrite {
                state.failNextWrite = nil
                state.files[id]!.current += bytes.prefix(kept)
                throw .internalError(
                    "Cannot write descriptor \(handle.rawValue)", cause: "Input/output error (injected)")
            }
            state.files[id]!.current += bytes
        }
    }

    public func truncate(_ handle: FileLayerHandle, toSize size: Int) throws(RoostError) {
        precondition(size >= 0, "negative size")
        try state.withLock { (state: inout State) throws(RoostError) in
            let id = try Self.file(of: handle, in: state)
            var file = state.files[id]!
            if size < file.current.count {
                file.current.removeLast(file.current.count - size)
                file.truncatedSinceSync = true
            } else {
                file.current += [UInt8](repeating: 0, count: size - file.current.count)
            }
            state.files[id] = file
        }
    }

    public func sync(_ handle: FileLayerHandle) throws(RoostError) {
        try state.withLock { (state: inout State) throws(RoostError) in
            let id = try Self.file(of: handle, in: state)
            state.syncCount += 1
            if state.failNextSync {
                state.failNextSync = false
                throw .internalError(
                    "Cannot fsync descriptor \(handle.rawValue)", cause: "Input/output error (injected)")
            }
            state.files[id]!.durable = state.files[id]!.current
            state.files[id]!.truncatedSinceSync = false
        }
    }

    public func close(_ handle: FileLayerHandle) {
        _ = state.withLock { $0.handles.removeValue(forKey: handle.rawValue) }
    }

    public func rename(_ source: String, to destination: String) throws(RoostError) {
        let (parent, name) = Self.split(source)
        let (destinationParent, destinationName) = Self.split(destination)
        guard parent == destinationParent else {
            throw .badRequest("Cannot rename \(source) to \(destination): not in the same directory")
        }
        try state.withLock { (state: inout State) throws(RoostError) in
            let id = try Self.lookup(source, in: state)
            state.directories[parent]!.current[name] = nil
            state.directories[parent]!.current[destinationName] = id
            state.directories[parent]!.pending.append(.rename(from: name, to: destinationName, file: id))
        }
    }

    public func remove(_ path: String) throws(RoostError) {
        let (parent, name) = Self.split(path)
        try state.withLock { (state: inout State) throws(RoostError) in
            let id = try Self.lookup(path, in: state)
            state.directories[parent]!.current[name] = nil
            state.directories[parent]!.pending.append(.remove(name: name, file: id))
        }
    }

    public func syncDirectory(_ path: String) throws(RoostError) {
        let directory = Self.join(Self.components(of: path)[...])
        try state.withLock { (state: inout State) throws(RoostError) in
            guard state.directories[directory] != nil else { throw Self.missing("fsync directory", path) }
            state.directorySyncCount += 1
            if state.failNextSync {
                state.failNextSync = false
                throw .internalError("Cannot fsync directory \(path)", cause: "Input/output error (injected)")
            }
            state.directories[directory]!.durable = state.directories[directory]!.current
            state.directories[directory]!.pending = []
        }
    }

    // MARK: Paths and lookups

    static func components(of path: String) -> [String] {
        path.split(separator: "/").filter { $0 != "." }.map(String.init)
    }

    static func join(_ components: ArraySlice<String>) -> String {
        "/" + components.joined(separator: "/")
    }

    /// The normalized parent directory and last component of `path`.
    static func split(_ path: String) -> (parent: String, name: String) {
        let components = components(of: path)
        precondition(!components.isEmpty, "path has no file name: \(path)")
        return (join(components.dropLast()), components[components.count - 1])
    }

    static func lookup(_ path: String, in state: State) throws(RoostError) -> Int {
        let (parent, name) = split(path)
        guard let id = state.directories[parent]?.current[name] else { throw missing("open", path) }
        return id
    }

    static func file(of handle: FileLayerHandle, in state: State) throws(RoostError) -> Int {
        guard let id = state.handles[handle.rawValue], state.files[id] != nil else {
            throw .internalError("Bad file descriptor \(handle.rawValue)", cause: "closed, or opened before a crash")
        }
        return id
    }

    static func open(_ id: Int, in state: inout State) -> FileLayerHandle {
        let handle = state.nextHandle
        state.nextHandle += 1
        state.handles[handle] = id
        return FileLayerHandle(rawValue: handle)
    }

    static func missing(_ operation: String, _ path: String) -> RoostError {
        RoostError(.notFound, "Cannot \(operation) \(path)", cause: "No such file or directory")
    }
}
