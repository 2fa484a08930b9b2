import ArgumentParser
import RoostAPI
import RoostClient

/// `roost profile copy SOURCE TARGET`
struct ProfileCopyCommand: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy a profile.",
        discussion: "Creates TARGET with the config, description and devices of SOURCE.",
        aliases: ["cp"])

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Profile to copy.")
    var source: String

    @Argument(help: "Name of the new profile.")
    var target: String

    func run(with client: RoostClient) async throws {
        let profile = try await client.profile(source).value
        try await client.createProfile(ProfilesPost(name: target, put: profile.writable))
    }
}
