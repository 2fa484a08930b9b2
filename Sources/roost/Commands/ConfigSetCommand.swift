import ArgumentParser
import RoostAPI
import RoostClient

/// `roost config set [NAME] KEY=VALUE...` or `roost config set [NAME] KEY VALUE`
struct ConfigSetCommand: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Set instance or server configuration keys.",
        discussion: """
            The server is addressed when every argument is KEY=VALUE or the first one is a key \
            (server keys contain a dot; instance names cannot). For backward compatibility a single \
            key may be set with KEY VALUE. Reads the current config and sends it back with PUT and \
            If-Match, so a concurrent change is refused rather than lost.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "[NAME] KEY=VALUE... | [NAME] KEY VALUE")
    var arguments: [String] = []

    func validate() throws {
        let (_, pairs) = split()
        guard !pairs.isEmpty else { throw ValidationError("Missing KEY=VALUE") }
        _ = try KeyValueArguments.parse(pairs)
    }

    /// The instance (nil for the server) and the key/value words.
    func split() -> (String?, [String]) {
        if KeyValueArguments.addressesServer(arguments) { return (nil, arguments) }
        return (arguments[0], Array(arguments.dropFirst()))
    }

    func run(with client: RoostClient) async throws {
        let (name, words) = split()
        let pairs = try KeyValueArguments.parse(words)
        if let name {
            let current = try await client.instance(name)
            var put = current.value.writable
            for (key, value) in pairs { put.config[key] = value }
            try await client.updateInstance(name, put, ifMatch: current.etag)
        } else {
            let current = try await client.server()
            var config = current.value.config
            for (key, value) in pairs { config[key] = value }
            try await client.updateServer(.init(config: config), ifMatch: current.etag)
        }
    }
}
