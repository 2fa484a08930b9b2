import ArgumentParser
import RoostAPI

/// `roost profile ...`
struct ProfileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Manage profiles.",
        subcommands: [
            ProfileListCommand.self, ProfileShowCommand.self, ProfileCreateCommand.self, ProfileCopyCommand.self,
            ProfileEditCommand.self, ProfileSetCommand.self, ProfileUnsetCommand.self, ProfileGetCommand.self,
            ProfileRenameCommand.self, ProfileDeleteCommand.self, ProfileDeviceCommand.self,
        ])
}
