import RoostAPI

/// An open file of a `FileLayer`; valid until `close(_:)` (or, in the simulator, a crash).
public struct FileLayerHandle: Sendable, Hashable {
    public var rawValue: Int32

    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }
}

/// The narrow set of file operations the durable log performs, so that a fault-injecting layer
/// (`SimulatedFileLayer`) can sit beneath the real log code and `POSIXFileLayer` beside it.
///
/// The model is deliberately small: files are read whole or by range, written only by appending at
/// their end, and shortened only by `truncate`. Durability follows POSIX, not wishful thinking:
/// - bytes written are durable only after `sync(_:)` of that file returns;
/// - a file's *name* (its creation, removal or rename) is durable only after `syncDirectory(_:)` of
///   the directory holding it returns: fsyncing the file does not persist its directory entry;
/// - a failed `sync` leaves the file in an unknown state; it cannot be retried safely (the kernel
///   may already have dropped the dirty pages), so callers stop using the file.
/// Paths are absolute or relative to the working directory; a rename stays within one directory.
public protocol FileLayer: Sendable {
    /// Creates `path` and any missing parents (`mkdir -p`), making each new directory entry durable.
    func makeDirectories(_ path: String) throws(RoostError)
    /// The names (not paths) of the entries of the directory `path`, sorted; no "." or "..".
    func listDirectory(_ path: String) throws(RoostError) -> [String]
    /// The whole content of the file `path` as currently visible (durable or not).
    func readFile(_ path: String) throws(RoostError) -> [UInt8]
    /// Up to `count` bytes of `path` starting at `offset`; fewer only at the end of the file.
    func read(_ path: String, offset: Int, count: Int) throws(RoostError) -> [UInt8]
    /// Creates the file `path`, which must not exist, and opens it for appending.
    func createFile(_ path: String) throws(RoostError) -> FileLayerHandle
    /// Opens the existing file `path` for appending (and truncating).
    func openForAppend(_ path: String) throws(RoostError) -> FileLayerHandle
    /// Appends all of `bytes` at the end of the file.
    func write(_ handle: FileLayerHandle, _ bytes: [UInt8]) throws(RoostError)
    /// Cuts the file to `size` bytes (`ftruncate`); durable only after `sync`.
    func truncate(_ handle: FileLayerHandle, toSize size: Int) throws(RoostError)
    /// Makes the file's content and size durable (`fsync`).
    func sync(_ handle: FileLayerHandle) throws(RoostError)
    /// Releases the handle; does not sync.
    func close(_ handle: FileLayerHandle)
    /// Renames `source` to `destination` (same directory), replacing `destination` if it exists.
    func rename(_ source: String, to destination: String) throws(RoostError)
    /// Removes the file `path`.
    func remove(_ path: String) throws(RoostError)
    /// Makes the creations, removals and renames of entries in directory `path` durable.
    func syncDirectory(_ path: String) throws(RoostError)
}
