import ArgumentParser
import RoostAPI
import RoostClient

/// `roost profile device show PROFILE`
struct ProfileDeviceShowCommand: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show the devices of a profile as YAML.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Profile name.")
    var profile: String

    func run(with client: RoostClient) async throws {
        Terminal.write(try Serialized.yaml(try await client.profile(profile).value.devices))
    }
}
