import ArgumentParser
import RoostAPI
import RoostClient

/// `roost init NAME [--profile P...] [--config K=V...] [--empty]`
struct InitCommand: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create an instance record (no image yet).",
        discussion: """
            Sends POST /1.0/instances with source type "none": the instance is created empty and \
            stopped. Without --profile the server applies the default profile; --no-profiles \
            applies none.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Name of the new instance.")
    var name: String

    @Option(name: [.customShort("p"), .long], help: "Profile to apply (repeatable).")
    var profile: [String] = []

    @Flag(name: .long, help: "Create the instance with no profiles applied.")
    var noProfiles = false

    @Option(name: [.customShort("c"), .long], help: "Config KEY=VALUE to apply (repeatable).")
    var config: [String] = []

    @Flag(name: [.customShort("e"), .long], help: "Ephemeral instance.")
    var ephemeral = false

    @Flag(name: .long, help: "Create an empty instance (the only kind for now).")
    var empty = false

    @Option(name: .long, help: "Cluster member to create the instance on.")
    var target: String?

    func validate() throws {
        if noProfiles, !profile.isEmpty { throw ValidationError("--no-profiles cannot be combined with --profile") }
        for pair in config where !pair.contains("=") {
            throw ValidationError("Bad key=value pair: \(pair)")
        }
    }

    func run(with client: RoostClient) async throws {
        let pairs = config.isEmpty ? [] : try KeyValueArguments.parse(config)
        let put = InstancePut(
            config: Dictionary(pairs.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last }),
            ephemeral: ephemeral)
        let profiles: [String]? = noProfiles ? [] : (profile.isEmpty ? nil : profile)
        let post = InstancesPost(name: name, source: InstanceSource(type: "none"), profiles: profiles, put: put)
        Terminal.write("Creating \(name)\n")
        try await client.createInstance(post, target: target)
    }
}
