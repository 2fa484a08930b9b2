import Logging
import RoostAPI

/// Forwards the daemon's log records to `/1.0/events?type=logging` listeners, in LXD's shape
/// (`{"message": …, "level": …, "context": {…}}`). Publishing never logs, so it cannot recurse.
struct EventLogHandler: LogHandler {
    let hub: EventHub
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        guard hub.listenerCount > 0 else { return }
        var context: [String: JSONValue] = [:]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { _, new in new }) {
            context[key] = .string("\(value)")
        }
        let level: String =
            switch event.level {
            case .trace, .debug: "debug"
            case .info, .notice: "info"
            case .warning: "warning"
            case .error: "error"
            case .critical: "crit"
            }
        hub.publish(
            .logging,
            metadata: ["message": .string("\(event.message)"), "level": .string(level), "context": .object(context)])
    }
}
