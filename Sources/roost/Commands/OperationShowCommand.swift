import ArgumentParser
import RoostAPI
import RoostClient

/// `roost operation show ID`
struct OperationShowCommand: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a background operation as YAML.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Operation id (a UUID).")
    var id: String

    func run(with client: RoostClient) async throws {
        Terminal.write(try Serialized.yaml(try await client.operation(id: id)))
    }
}
