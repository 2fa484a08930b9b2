import ArgumentParser
import RoostAPI
import RoostClient

/// `roost rename OLD NEW`
struct RenameCommand: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "rename",
        abstract: "Rename an instance.",
        discussion: "Sends POST /1.0/instances/OLD with the new name and waits for the operation.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Current name.")
    var old: String

    @Argument(help: "New name.")
    var new: String

    func validate() throws {
        if old == new { throw ValidationError("The new name is the same as the old one") }
    }

    func run(with client: RoostClient) async throws {
        try await client.renameInstance(old, to: new)
    }
}
