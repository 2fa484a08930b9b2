import ArgumentParser
import RoostAPI
import RoostClient

/// `roost profile rename OLD NEW`
struct ProfileRenameCommand: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "rename",
        abstract: "Rename a profile.",
        aliases: ["mv"])

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Current name.")
    var old: String

    @Argument(help: "New name.")
    var new: String

    func run(with client: RoostClient) async throws {
        try await client.renameProfile(old, to: new)
        Terminal.write("Profile \(old) renamed to \(new)\n")
    }
}
