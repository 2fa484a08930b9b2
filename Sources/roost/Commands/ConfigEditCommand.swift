import ArgumentParser
import RoostAPI
import RoostClient

/// `roost config edit [NAME]`
struct ConfigEditCommand: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Edit instance or server configuration as YAML.",
        discussion: """
            Opens $VISUAL or $EDITOR on the current YAML; when stdin is not a terminal, reads the \
            new YAML from stdin instead (roost config edit c1 < c1.yaml). Sends PUT with the ETag \
            read first as If-Match, so an edit made meanwhile by someone else is refused.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Instance; omit for the server.")
    var name: String?

    /// The server config as YAML reads it: values stay the exact text written.
    private struct ServerYAML: Decodable {
        var config: [String: String]?
    }

    func run(with client: RoostClient) async throws {
        guard let name else {
            let current = try await client.server()
            let yaml = try Serialized.yaml(ServerPut(config: current.value.config))
            try await YAMLEditor.edit(current: yaml, header: Self.header("the server")) { text in
                let edited = try YAMLEditor.decode(ServerYAML.self, from: text)
                try await client.updateServer(ServerPut(config: edited.config ?? [:]), ifMatch: current.etag)
            }
            return
        }
        let current = try await client.instance(name)
        let yaml = try Serialized.yaml(current.value.writable)
        try await YAMLEditor.edit(current: yaml, header: Self.header("instance \(name)")) { text in
            let put = try YAMLEditor.decode(InstancePut.self, from: text)
            try await client.updateInstance(name, put, ifMatch: current.etag)
        }
    }

    static func header(_ subject: String) -> String {
        """
        ### This is a YAML representation of the configuration of \(subject).
        ### Any line starting with a '# will be ignored.
        ###
        ### Saving sends the whole text back (PUT); keys removed here are unset.

        """
    }
}
