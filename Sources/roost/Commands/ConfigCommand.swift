import ArgumentParser
import RoostAPI

/// `roost config ...`
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Manage instance and server configuration.",
        discussion: "Every subcommand addresses the server when the instance name is omitted.",
        subcommands: [
            ConfigShowCommand.self, ConfigGetCommand.self, ConfigSetCommand.self, ConfigUnsetCommand.self,
            ConfigEditCommand.self,
        ])
}
