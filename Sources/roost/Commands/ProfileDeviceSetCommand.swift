import ArgumentParser
import RoostAPI
import RoostClient

/// `roost profile device set PROFILE DEVICE KEY=VALUE...` or `... DEVICE KEY VALUE`
struct ProfileDeviceSetCommand: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Set device configuration keys.",
        discussion: "For backward compatibility a single key may be set with PROFILE DEVICE KEY VALUE.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Profile name.")
    var profile: String

    @Argument(help: "Device name.")
    var device: String

    @Argument(help: "KEY=VALUE... | KEY VALUE")
    var pairs: [String] = []

    func validate() throws {
        _ = try KeyValueArguments.parse(pairs)
    }

    func run(with client: RoostClient) async throws {
        let changes = try KeyValueArguments.parse(pairs)
        try await ProfileDeviceCommand.modify(client, profile: profile) { (devices) throws(CLIError) in
            guard var entry = devices[device] else { throw ProfileDeviceCommand.missingDevice }
            for (key, value) in changes { entry[key] = value }
            devices[device] = entry
        }
    }
}
