import ArgumentParser
import RoostAPI
import RoostClient

/// `roost profile set NAME KEY=VALUE...` or `roost profile set NAME KEY VALUE`
struct ProfileSetCommand: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Set profile configuration keys.",
        discussion:
            "For backward compatibility a single key may be set with NAME KEY VALUE. Sends the profile back with PUT and If-Match."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Profile name.")
    var name: String

    @Argument(help: "KEY=VALUE... | KEY VALUE")
    var pairs: [String] = []

    func validate() throws {
        _ = try KeyValueArguments.parse(pairs)
    }

    func run(with client: RoostClient) async throws {
        let current = try await client.profile(name)
        var put = current.value.writable
        for (key, value) in try KeyValueArguments.parse(pairs) { put.config[key] = value }
        try await client.updateProfile(name, put, ifMatch: current.etag)
    }
}
