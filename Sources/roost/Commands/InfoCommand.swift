import ArgumentParser
import RoostAPI
import RoostClient

/// `roost info [NAME]`
struct InfoCommand: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show server or instance information.",
        discussion: "Without NAME prints the server (GET /1.0) as YAML, like `lxc info`.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Instance to describe; omit for the server.")
    var name: String?

    func run(with client: RoostClient) async throws {
        guard let name else {
            Terminal.write(try Serialized.yaml(try await client.server().value))
            return
        }
        let instance = try await client.instance(name).value
        let state = try? await client.instanceState(name)
        let clustered = (try? await client.server().value.environment?.serverClustered) ?? false
        var lines = [
            "Name: \(instance.name)",
            "Status: \((state?.status ?? instance.status).uppercased())",
            "Type: \(instance.type)\(instance.ephemeral ? " (ephemeral)" : "")",
            "Architecture: \(instance.architecture)",
        ]
        if clustered { lines.append("Location: \(instance.location)") }
        if let state, state.pid > 0 { lines.append("PID: \(state.pid)") }
        lines.append("Created: \(DateText.short(instance.createdAt))")
        if instance.lastUsedAt != .epoch { lines.append("Last Used: \(DateText.short(instance.lastUsedAt))") }
        if let state, state.processes > 0 {
            lines += ["", "Resources:", "  Processes: \(state.processes)"]
        }
        Terminal.write(lines.joined(separator: "\n") + "\n")
    }
}
