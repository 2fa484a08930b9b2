import ArgumentParser
import RoostAPI
import RoostClient

/// `roost profile device list PROFILE`
struct ProfileDeviceListCommand: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the device names of a profile, one per line.",
        aliases: ["ls"])

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Profile name.")
    var profile: String

    func run(with client: RoostClient) async throws {
        let names = try await client.profile(profile).value.devices.keys.sorted(by: NaturalOrder.less)
        Terminal.write(names.map { $0 + "\n" }.joined())
    }
}
