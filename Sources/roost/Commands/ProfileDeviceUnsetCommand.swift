import ArgumentParser
import RoostAPI
import RoostClient

/// `roost profile device unset PROFILE DEVICE KEY`
struct ProfileDeviceUnsetCommand: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "unset",
        abstract: "Unset a device configuration key.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Profile name.")
    var profile: String

    @Argument(help: "Device name.")
    var device: String

    @Argument(help: "Key to remove.")
    var key: String

    func run(with client: RoostClient) async throws {
        try await ProfileDeviceCommand.modify(client, profile: profile) { (devices) throws(CLIError) in
            guard devices[device] != nil else { throw ProfileDeviceCommand.missingDevice }
            devices[device]?.removeValue(forKey: key)
        }
    }
}
