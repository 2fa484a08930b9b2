import ArgumentParser
import RoostAPI
import RoostClient

/// `roost list [FILTER...] [-c COLUMNS] [--format FORMAT]`
struct ListCommand: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List instances.",
        discussion: """
            Reads GET /1.0/instances?recursion=2 (recursion=1 when no column needs state).

            Filters (all must match):
              web              name matches the regex ^web$, or starts with "web"
              name=c1          exact name (sent to the server as filter=name eq c1)
              type=container   shorthands: name, type, status, architecture,
              status=running   location, ipv4, ipv6; "a,b" matches either value
              user.blah=abc    expanded config; keys may be abbreviated (u.blah);
                               values are anchored regular expressions

            Columns (-c; default ns46tS, plus L on a cluster):
              n NAME   s STATE   4 IPV4   6 IPV6   t TYPE   S SNAPSHOTS   L LOCATION
              a ARCHITECTURE   c CREATED AT   d DESCRIPTION   l LAST USED AT
              P PROFILES   e PROJECT   p PID   N PROCESSES
              custom: [config:|devices:]KEY[:NAME][:MAXWIDTH], e.g. user.note:NOTE

            The table is the same on a terminal and in a pipe (no colours, no
            truncation); --format csv suits scripts.
            """,
        aliases: ["ls"])

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Filters: a name (regex or prefix), or KEY=VALUE.")
    var filters: [String] = []

    @Option(name: [.customShort("c"), .long], help: "Columns, e.g. ns46tS or n,s,user.comment.")
    var columns: String?

    @Option(name: [.customShort("f"), .long], help: OutputFormat.help)
    var format: OutputFormat = .table

    func validate() throws {
        if let columns { _ = try InstanceColumn.parse(columns) }
    }

    func run(with client: RoostClient) async throws {
        let server = try await client.server().value
        let clustered = server.environment?.serverClustered ?? false
        let layout = try InstanceColumn.parse(columns ?? InstanceColumn.defaultSpec(clustered: clustered))
        let filter = InstanceFilter(filters: filters)
        let full = format == .json || format == .yaml || filter.needsState || layout.contains { $0.needsFullInstance }
        var serverFilter: String?
        if let name = filter.serverSideName, server.apiExtensions.contains("api_filtering") {
            serverFilter = "name eq \(name)"
        }
        let instances = try await client.instances(full: full, filter: serverFilter)
            .filter(filter.matches)
            .sorted { NaturalOrder.less($0.name, $1.name) }
        let rows = instances.map { instance in layout.map { $0.value(for: instance) } }
            .sorted(by: NaturalOrder.less)
        Terminal.write(
            try Serialized.render(format, headers: layout.map(\.header), rows: rows, objects: instances))
    }
}
