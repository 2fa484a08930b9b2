import ArgumentParser
import RoostAPI
import RoostClient

/// `roost profile edit NAME`
struct ProfileEditCommand: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Edit a profile as YAML.",
        discussion: """
            Opens $VISUAL or $EDITOR on the profile's YAML; when stdin is not a terminal, reads the \
            new YAML from stdin instead (roost profile edit p1 < p1.yaml). Sends config, description \
            and devices with PUT and the ETag read first as If-Match.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Profile name.")
    var name: String

    func run(with client: RoostClient) async throws {
        let current = try await client.profile(name)
        let header = """
            ### This is a YAML representation of the profile \(name).
            ### Any line starting with a '# will be ignored.
            ###
            ### The name and used_by are shown but cannot be changed here.

            """
        try await YAMLEditor.edit(current: try Serialized.yaml(current.value), header: header) { text in
            let put = try YAMLEditor.decode(ProfilePut.self, from: text)
            try await client.updateProfile(name, put, ifMatch: current.etag)
        }
    }
}
