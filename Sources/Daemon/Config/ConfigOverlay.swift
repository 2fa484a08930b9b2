import Foundation
import RoostAPI
import Yams

/// Overlays a YAML mapping onto a config value, key by key, rejecting unknown keys.
enum ConfigOverlay {
    static func apply(_ node: Node, to base: DaemonConfig) throws(RoostError) -> DaemonConfig {
        var config = base
        let root = try mapping(node, path: "")
        for (key, value) in root {
            switch key {
            case "state_dir": config.stateDir = try string(value, path: key)
            case "member_name":
                config.memberName = try string(value, path: key)
                config.memberNameIsExplicit = true
            case "socket_group": config.socketGroup = try string(value, path: key)
            case "limits": try overlayLimits(value, into: &config.limits)
            case "timeouts": try overlayTimeouts(value, into: &config.timeouts)
            case "log":
                for (logKey, logValue) in try mapping(value, path: "log") {
                    guard logKey == "level" else { throw unknown("log.\(logKey)") }
                    config.log.level = try string(logValue, path: "log.level")
                }
            default: throw unknown(key)
            }
        }
        return config
    }

    private static func overlayLimits(_ node: Node, into limits: inout DaemonConfig.Limits) throws(RoostError) {
        let fields: [String: WritableKeyPath<DaemonConfig.Limits, Int>] = [
            "request_body_max_bytes": \.requestBodyMaxBytes, "operations_max": \.operationsMax,
            "event_buffer_max": \.eventBufferMax, "event_listeners_max": \.eventListenersMax,
            "proposal_batch_max": \.proposalBatchMax, "proposal_pending_max": \.proposalPendingMax,
            "log_entry_max_bytes": \.logEntryMaxBytes, "log_segment_max_bytes": \.logSegmentMaxBytes,
            "compact_every": \.compactEvery, "requests_retained_max": \.requestsRetainedMax,
            "read_connections_max": \.readConnectionsMax, "connections_max": \.connectionsMax,
            "requests_max": \.requestsMax, "request_bytes_in_flight_max": \.requestBytesInFlightMax,
            "upload_spool_max_bytes": \.uploadSpoolMaxBytes,
        ]
        for (key, value) in try mapping(node, path: "limits") {
            guard let field = fields[key] else { throw unknown("limits.\(key)") }
            limits[keyPath: field] = try integer(value, path: "limits.\(key)")
        }
    }

    private static func overlayTimeouts(_ node: Node, into timeouts: inout DaemonConfig.Timeouts) throws(RoostError) {
        let fields: [String: WritableKeyPath<DaemonConfig.Timeouts, Int>] = [
            "operation_retention_seconds": \.operationRetentionSeconds,
            "operation_wait_max_seconds": \.operationWaitMaxSeconds, "shutdown_seconds": \.shutdownSeconds,
            "request_read_seconds": \.requestReadSeconds, "connection_idle_seconds": \.connectionIdleSeconds,
        ]
        for (key, value) in try mapping(node, path: "timeouts") {
            guard let field = fields[key] else { throw unknown("timeouts.\(key)") }
            timeouts[keyPath: field] = try integer(value, path: "timeouts.\(key)")
        }
    }

    private static func mapping(_ node: Node, path: String) throws(RoostError) -> [(String, Node)] {
        guard case .mapping(let mapping) = node else {
            throw RoostError.badRequest("Invalid config file: \(path.isEmpty ? "top level" : path) must be a mapping")
        }
        var pairs: [(String, Node)] = []
        for (key, value) in mapping {
            guard let name = key.string else {
                throw RoostError.badRequest("Invalid config file: keys must be strings")
            }
            pairs.append((name, value))
        }
        return pairs
    }

    private static func string(_ node: Node, path: String) throws(RoostError) -> String {
        guard let value = node.string else {
            throw RoostError.badRequest("Invalid config file: \(path) must be a string")
        }
        return value
    }

    private static func integer(_ node: Node, path: String) throws(RoostError) -> Int {
        guard let text = node.string, let value = Int(text.replacingOccurrences(of: "_", with: "")) else {
            throw RoostError.badRequest("Invalid config file: \(path) must be an integer")
        }
        return value
    }

    private static func unknown(_ key: String) -> RoostError {
        RoostError.badRequest("Invalid config file: unknown key \"\(key)\"")
    }
}
