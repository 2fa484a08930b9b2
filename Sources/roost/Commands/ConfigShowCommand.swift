import ArgumentParser
import RoostAPI
import RoostClient

/// `roost config show [NAME] [--expanded]`
struct ConfigShowCommand: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show instance or server configuration as YAML.",
        discussion:
            "Prints the writable part (config, devices, profiles...) of the instance, or the server's config when NAME is omitted."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Instance; omit for the server.")
    var name: String?

    @Flag(name: [.customShort("e"), .long], help: "Show the expanded configuration (profiles applied).")
    var expanded = false

    func run(with client: RoostClient) async throws {
        guard let name else {
            Terminal.write(try Serialized.yaml(ServerPut(config: try await client.server().value.config)))
            return
        }
        let instance = try await client.instance(name).value
        var put = instance.writable
        if expanded {
            put.config = instance.expandedConfig
            put.devices = instance.expandedDevices
        }
        Terminal.write(try Serialized.yaml(put))
    }
}
