import ArgumentParser
import RoostAPI
import RoostClient

/// `roost profile unset NAME KEY`
struct ProfileUnsetCommand: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "unset",
        abstract: "Unset a profile configuration key.",
        discussion: "Fails when the key is not set.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Profile name.")
    var name: String

    @Argument(help: "Key to remove.")
    var key: String

    func run(with client: RoostClient) async throws {
        let current = try await client.profile(name)
        var put = current.value.writable
        guard put.config.removeValue(forKey: key) != nil else { throw ConfigUnsetCommand.notSet(key) }
        try await client.updateProfile(name, put, ifMatch: current.etag)
    }
}
