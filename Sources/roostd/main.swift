import ArgumentParser
import Daemon
import Foundation
import Logging
import RoostAPI

/// `roostd`: the Roost daemon. Runs in the foreground.
@main
struct RoostDaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roostd",
        abstract: "The Roost daemon: serves the LXD-compatible REST API for one member.",
        discussion: """
            Runs in the foreground with built-in defaults; no config file is needed. Everything of \
            one member lives under --state-dir (unix socket, databases, log, instance files), so \
            several daemons can run on one machine with different state directories. --config FILE \
            (the shape of Config/roostd.yaml) overrides any default. Stop with SIGTERM or Ctrl-C.
            """,
        version: RoostDaemon.version)

    @Option(name: .long, help: "Directory holding this member's state (default: /var/lib/roost).")
    var stateDir: String?

    @Option(name: .long, help: "YAML file overriding defaults (see Config/roostd.yaml).")
    var config: String?

    @Option(name: .long, help: "This member's name (default: the host name).")
    var memberName: String?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String?

    @Option(
        name: .long,
        help: "Group that may use the unix socket besides root (default: root only; config: socket_group).")
    var group: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Skip the log entry at INDEX, which fails to apply on every start (a poison entry), and exit.",
            discussion: """
                roostd refuses to start when an entry cannot be applied and names it. After \
                inspecting it, run this with the daemon stopped: it appends the skip to the log \
                as a replicated command, and the next start records the entry as applied without \
                applying it. An entry that applies fine is never skipped.
                """, valueName: "INDEX"))
    var skipEntry: UInt64?

    func run() async throws {
        var settings = DaemonConfig()
        if let config {
            guard let text = try? String(contentsOfFile: config, encoding: .utf8) else {
                throw ValidationError("Cannot read config file \(config)")
            }
            settings = try DaemonConfig.load(yaml: text)
        }
        if let stateDir { settings.stateDir = absolute(stateDir) }
        if let memberName {
            settings.memberName = memberName
            settings.memberNameIsExplicit = true
        }
        if let logLevel { settings.log.level = logLevel }
        if let group { settings.socketGroup = group }
        guard let level = Logger.Level(rawValue: settings.log.level) else {
            throw ValidationError("Unknown log level \(settings.log.level)")
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        do {
            if let skipEntry {
                let at = try RoostDaemon.skipEntry(skipEntry, config: settings)
                print(
                    "Entry \(skipEntry) will be skipped at the next start if it still fails (skip recorded as entry \(at))"
                )
                return
            }
            let daemon = try RoostDaemon(config: settings, logger: Logger(label: "roostd"))
            try await daemon.run()
        } catch let error as RoostError {
            FileHandle.standardError.write(Data("Error: \(error.description)\n".utf8))
            throw ExitCode.failure
        }
    }

    private func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}
