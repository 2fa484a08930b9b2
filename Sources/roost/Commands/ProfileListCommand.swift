import ArgumentParser
import RoostAPI
import RoostClient

/// `roost profile list [--format FORMAT]`
struct ProfileListCommand: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List profiles.",
        discussion: "Columns: NAME, DESCRIPTION, USED BY (the number of instances using the profile).",
        aliases: ["ls"])

    @OptionGroup var global: GlobalOptions

    @Option(name: [.customShort("f"), .long], help: OutputFormat.help)
    var format: OutputFormat = .table

    func run(with client: RoostClient) async throws {
        let profiles = try await client.profiles().sorted { NaturalOrder.less($0.name, $1.name) }
        let rows = profiles.map { [$0.name, $0.description, String($0.usedBy.count)] }
        Terminal.write(
            try Serialized.render(format, headers: ["NAME", "DESCRIPTION", "USED BY"], rows: rows, objects: profiles))
    }
}
