import ArgumentParser
import Foundation
import RoostAPI
import RoostClient

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Path of the daemon's unix socket.",
            discussion: "Default: $ROOST_SOCKET, else $ROOST_DIR/unix.socket, else /var/lib/roost/unix.socket.",
            valueName: "path"))
    var socket: String?

    func makeClient() -> RoostClient {
        RoostClient(socketFlag: socket, environment: ProcessInfo.processInfo.environment)
    }
}

/// A command that talks to the daemon. Its `run()` opens the client, runs the command and turns
/// a `RoostError` into `Error: <message>` on stderr and exit status 1, as `lxc` does.
protocol ClientCommand: AsyncParsableCommand {
    var global: GlobalOptions { get }
    func run(with client: RoostClient) async throws
}

extension ClientCommand {
    func run() async throws {
        let client = global.makeClient()
        do {
            try await run(with: client)
            await client.close()
        } catch let error as RoostError {
            await client.close()
            Terminal.writeError("Error: \(error.description)")
            throw ExitCode.failure
        } catch let error as CLIError {
            await client.close()
            Terminal.writeError("Error: \(error.message)")
            throw ExitCode.failure
        }
    }
}
