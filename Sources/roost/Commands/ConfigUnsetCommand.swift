import ArgumentParser
import RoostAPI
import RoostClient

/// `roost config unset [NAME] KEY`
struct ConfigUnsetCommand: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "unset",
        abstract: "Unset an instance or server configuration key.",
        discussion: "Removes the key and sends the config back with PUT and If-Match. Fails when the key is not set.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "[NAME] KEY")
    var arguments: [String] = []

    func validate() throws {
        guard (1...2).contains(arguments.count) else { throw ValidationError("Expected [NAME] KEY") }
    }

    func run(with client: RoostClient) async throws {
        let key = arguments[arguments.count - 1]
        if arguments.count == 2 {
            let name = arguments[0]
            let current = try await client.instance(name)
            var put = current.value.writable
            guard put.config.removeValue(forKey: key) != nil else { throw Self.notSet(key) }
            try await client.updateInstance(name, put, ifMatch: current.etag)
        } else {
            let current = try await client.server()
            var config = current.value.config
            guard config.removeValue(forKey: key) != nil else { throw Self.notSet(key) }
            try await client.updateServer(ServerPut(config: config), ifMatch: current.etag)
        }
    }

    static func notSet(_ key: String) -> CLIError {
        CLIError("Can't unset key '\(key)', it's not currently set")
    }
}
