import ArgumentParser
import RoostAPI
import RoostClient

/// `roost operation list [--format FORMAT]`
struct OperationListCommand: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List background operations.",
        discussion:
            "Columns: ID, TYPE, DESCRIPTION, STATUS, CANCELABLE, CREATED (plus LOCATION on a cluster), oldest first.",
        aliases: ["ls"])

    @OptionGroup var global: GlobalOptions

    @Option(name: [.customShort("f"), .long], help: OutputFormat.help)
    var format: OutputFormat = .table

    func run(with client: RoostClient) async throws {
        let clustered = try await client.server().value.environment?.serverClustered ?? false
        let operations = try await client.operations()
        var headers = ["ID", "TYPE", "DESCRIPTION", "STATUS", "CANCELABLE", "CREATED"]
        if clustered { headers.append("LOCATION") }
        let rows = operations.map { operation in
            var row = [
                operation.id, operation.class.rawValue.uppercased(), operation.description,
                operation.status.uppercased(), operation.mayCancel ? "YES" : "NO", DateText.short(operation.createdAt),
            ]
            if clustered { row.append(operation.location) }
            return row
        }
        Terminal.write(try Serialized.render(format, headers: headers, rows: rows, objects: operations))
    }
}
