import ArgumentParser
import RoostAPI
import RoostClient

/// `roost profile delete NAME...`
struct ProfileDeleteCommand: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete profiles.",
        discussion:
            "Deletes each profile in turn and stops at the first error (a profile in use, or the default profile, is refused by the server).",
        aliases: ["rm"])

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Profiles to delete.")
    var names: [String] = []

    func validate() throws {
        if names.isEmpty { throw ValidationError("Missing profile name") }
    }

    func run(with client: RoostClient) async throws {
        for name in names {
            try await client.deleteProfile(name)
            Terminal.write("Profile \(name) deleted\n")
        }
    }
}
