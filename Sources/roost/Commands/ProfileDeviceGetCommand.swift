import ArgumentParser
import RoostAPI
import RoostClient

/// `roost profile device get PROFILE DEVICE KEY`
struct ProfileDeviceGetCommand: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Get a device configuration key.",
        discussion: "Prints the value, or an empty line when the key is not set.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Profile name.")
    var profile: String

    @Argument(help: "Device name.")
    var device: String

    @Argument(help: "Key to read.")
    var key: String

    func run(with client: RoostClient) async throws {
        guard let entry = try await client.profile(profile).value.devices[device] else {
            throw ProfileDeviceCommand.missingDevice
        }
        Terminal.write((entry[key] ?? "") + "\n")
    }
}
