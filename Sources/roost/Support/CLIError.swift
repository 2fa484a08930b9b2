/// An error found by the CLI itself (a missing key, a device that does not exist...).
struct CLIError: Error, CustomStringConvertible {
    var message: String

    init(_ message: String) { self.message = message }

    var description: String { message }
}
