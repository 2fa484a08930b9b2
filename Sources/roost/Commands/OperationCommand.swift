import ArgumentParser
import RoostAPI

/// `roost operation ...`
struct OperationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "operation",
        abstract: "List, show and cancel background operations.",
        subcommands: [OperationListCommand.self, OperationShowCommand.self, OperationDeleteCommand.self])
}
