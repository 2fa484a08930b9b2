import ArgumentParser
import RoostAPI
import RoostClient

/// `roost profile get NAME KEY`
struct ProfileGetCommand: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Get a profile configuration key.",
        discussion: "Prints the value, or an empty line when the key is not set.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Profile name.")
    var name: String

    @Argument(help: "Key to read.")
    var key: String

    func run(with client: RoostClient) async throws {
        Terminal.write((try await client.profile(name).value.config[key] ?? "") + "\n")
    }
}
