import ArgumentParser
import RoostAPI
import RoostClient

/// `roost config get [NAME] KEY`
struct ConfigGetCommand: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Get an instance or server configuration key.",
        discussion: "Prints the value, or an empty line when the key is not set.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "[NAME] KEY")
    var arguments: [String] = []

    @Flag(name: [.customShort("e"), .long], help: "Read the expanded configuration (profiles applied).")
    var expanded = false

    func validate() throws {
        guard (1...2).contains(arguments.count) else { throw ValidationError("Expected [NAME] KEY") }
    }

    func run(with client: RoostClient) async throws {
        let key = arguments[arguments.count - 1]
        let value: String
        if arguments.count == 2 {
            let instance = try await client.instance(arguments[0]).value
            value = (expanded ? instance.expandedConfig : instance.config)[key] ?? ""
        } else {
            value = try await client.server().value.config[key] ?? ""
        }
        Terminal.write(value + "\n")
    }
}
