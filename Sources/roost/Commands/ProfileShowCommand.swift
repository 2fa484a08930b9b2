import ArgumentParser
import RoostAPI
import RoostClient

/// `roost profile show NAME`
struct ProfileShowCommand: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a profile as YAML.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Profile name.")
    var name: String

    func run(with client: RoostClient) async throws {
        Terminal.write(try Serialized.yaml(try await client.profile(name).value))
    }
}
