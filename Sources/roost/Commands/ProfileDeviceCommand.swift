import ArgumentParser
import RoostAPI
import RoostClient

/// `roost profile device ...`
struct ProfileDeviceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "device",
        abstract: "Manage the devices of a profile.",
        discussion: "Changes read the profile, edit its devices map and send it back with PUT and If-Match.",
        subcommands: [
            ProfileDeviceAddCommand.self, ProfileDeviceRemoveCommand.self, ProfileDeviceListCommand.self,
            ProfileDeviceShowCommand.self, ProfileDeviceSetCommand.self, ProfileDeviceUnsetCommand.self,
            ProfileDeviceGetCommand.self,
        ])

    /// Reads the profile, applies `change` to its devices and writes it back with If-Match.
    static func modify(
        _ client: RoostClient, profile name: String, _ change: (inout DeviceMap) throws(CLIError) -> Void
    ) async throws {
        let current = try await client.profile(name)
        var put = current.value.writable
        try change(&put.devices)
        try await client.updateProfile(name, put, ifMatch: current.etag)
    }

    static let missingDevice = CLIError("Device doesn't exist")
}
