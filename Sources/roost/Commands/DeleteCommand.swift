import ArgumentParser
import RoostAPI
import RoostClient

/// `roost delete NAME...`
struct DeleteCommand: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete instances.",
        discussion:
            "Deletes each instance in turn and stops at the first error. A running instance is refused unless --force, which stops it first.",
        aliases: ["rm"])

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Instances to delete.")
    var names: [String] = []

    @Flag(name: [.customShort("f"), .long], help: "Force the removal of running instances.")
    var force = false

    func validate() throws {
        if names.isEmpty { throw ValidationError("Missing instance name") }
    }

    func run(with client: RoostClient) async throws {
        for name in names {
            let instance = try await client.instance(name).value
            if instance.statusCode == StatusCode.running.rawValue || instance.statusCode == StatusCode.frozen.rawValue {
                guard force else {
                    throw CLIError("The instance is currently running, stop it first or pass --force")
                }
                try await client.changeInstanceState(name, action: "stop", force: true)
            }
            try await client.deleteInstance(name)
        }
    }
}
