import ArgumentParser
import RoostAPI
import RoostClient

/// `roost operation delete ID`
struct OperationDeleteCommand: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Cancel a background operation.",
        discussion: "Sends DELETE /1.0/operations/ID; the server refuses operations that cannot be cancelled.",
        aliases: ["cancel", "rm"])

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Operation id (a UUID).")
    var id: String

    func run(with client: RoostClient) async throws {
        try await client.deleteOperation(id: id)
    }
}
