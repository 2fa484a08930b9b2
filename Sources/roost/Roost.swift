import ArgumentParser

/// `roost`: the command-line client of a Roost daemon, with `lxc`'s habits.
@main
struct Roost: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roost",
        abstract: "Manage system containers on a Roost cluster.",
        discussion: """
            Talks to roostd over its unix socket (--socket, else $ROOST_SOCKET, else \
            $ROOST_DIR/unix.socket, else /var/lib/roost/unix.socket). Errors print as \
            "Error: <message>" on stderr with exit status 1.
            """,
        subcommands: [
            InfoCommand.self, ListCommand.self, InitCommand.self, DeleteCommand.self, RenameCommand.self,
            ConfigCommand.self, ProfileCommand.self, OperationCommand.self, MonitorCommand.self,
        ])

    /// Lets `--socket` come before the subcommand too (`roost --socket PATH list`); each
    /// subcommand declares the same option group, and both positions fill it.
    @OptionGroup var global: GlobalOptions
}
