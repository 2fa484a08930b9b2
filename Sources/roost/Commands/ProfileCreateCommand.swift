import ArgumentParser
import RoostAPI
import RoostClient

/// `roost profile create NAME`
struct ProfileCreateCommand: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create an empty profile.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Profile name.")
    var name: String

    @Option(name: .long, help: "Description of the profile.")
    var description: String = ""

    func validate() throws {
        do {
            try Names.validateProfile(name)
        } catch {
            throw ValidationError(error.message)
        }
    }

    func run(with client: RoostClient) async throws {
        try await client.createProfile(ProfilesPost(name: name, put: ProfilePut(description: description)))
        Terminal.write("Profile \(name) created\n")
    }
}
