import ArgumentParser
import RoostAPI
import RoostClient

/// `roost monitor [--type TYPE...] [--format yaml|json]`
struct MonitorCommand: ClientCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case yaml, json
    }

    static let configuration = CommandConfiguration(
        commandName: "monitor",
        abstract: "Print events from the daemon as they happen.",
        discussion: """
            Opens the /1.0/events websocket and prints each event until interrupted: YAML \
            documents separated by a blank line, or one JSON object per line with --format json. \
            By default every type is shown.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Event type to listen for: operation, lifecycle or logging (repeatable).")
    var type: [Event.Kind] = []

    @Option(name: [.customShort("f"), .long], help: "Format (yaml|json).")
    var format: Format = .yaml

    func run(with client: RoostClient) async throws {
        let events = try await client.events(types: type)
        do {
            for try await event in events {
                switch format {
                case .yaml: Terminal.write(try Serialized.yaml(event) + "\n")
                case .json: Terminal.write(try Serialized.json(event))
                }
            }
        } catch let error as RoostError {
            throw error
        } catch {
            throw CLIError("\(error)")
        }
    }
}

extension Event.Kind: ExpressibleByArgument {}
