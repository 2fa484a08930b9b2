import ArgumentParser
import RoostAPI
import RoostClient

/// `roost profile device remove PROFILE DEVICE...`
struct ProfileDeviceRemoveCommand: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove devices from a profile.",
        aliases: ["rm"])

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Profile name.")
    var profile: String

    @Argument(help: "Devices to remove.")
    var devices: [String] = []

    func validate() throws {
        if devices.isEmpty { throw ValidationError("Missing device name") }
    }

    func run(with client: RoostClient) async throws {
        try await ProfileDeviceCommand.modify(client, profile: profile) { (map) throws(CLIError) in
            for device in devices {
                guard map.removeValue(forKey: device) != nil else { throw ProfileDeviceCommand.missingDevice }
            }
        }
        for device in devices { Terminal.write("Device \(device) removed from \(profile)\n") }
    }
}
