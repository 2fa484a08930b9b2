import ArgumentParser
import RoostAPI
import RoostClient

/// `roost profile device add PROFILE DEVICE TYPE [KEY=VALUE...]`
struct ProfileDeviceAddCommand: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a device to a profile.",
        discussion: "Example: roost profile device add p1 data disk source=/srv/data path=/data")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Profile name.")
    var profile: String

    @Argument(help: "Device name.")
    var device: String

    @Argument(help: "Device type (disk, nic...).")
    var type: String

    @Argument(help: "Device properties as KEY=VALUE.")
    var properties: [String] = []

    func validate() throws {
        do {
            try Names.validateDevice(device)
        } catch {
            throw ValidationError(error.message)
        }
        for property in properties where !property.contains("=") {
            throw ValidationError("No value found in \"\(property)\"")
        }
    }

    func run(with client: RoostClient) async throws {
        var entry = ["type": type]
        if !properties.isEmpty {
            for (key, value) in try KeyValueArguments.parse(properties) { entry[key] = value }
        }
        try await ProfileDeviceCommand.modify(client, profile: profile) { (devices) throws(CLIError) in
            guard devices[device] == nil else { throw CLIError("The device already exists") }
            devices[device] = entry
        }
        Terminal.write("Device \(device) added to \(profile)\n")
    }
}
