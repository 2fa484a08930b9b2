import Foundation
import RoostAPI

/// A typed, versioned mutation of the replicated state. Every change to instances, profiles or
/// cluster-wide config is one `Command`, proposed through `propose(_:)` and applied by
/// `StateMachine.apply` on every member.
///
/// Determinism contract: everything apply needs that is not already in the database travels in the
/// command: the time (`timestamp`), ids (`requestID`, `volatile.uuid` in config), and the member
/// that proposed it (`origin`). Apply never reads a clock, a random source or the environment.
public struct Command: Codable, Sendable, Hashable {
    /// Encoding version. Bump it (and keep decoding the old one) when `Action` changes shape.
    /// Version 2: `requestDigest` identifies retries, instance uuids are unique, event sources
    /// are percent-encoded URLs and stored results sort their keys; an older binary must refuse
    /// such entries rather than apply them differently. Version 3: `skipEntry`.
    ///
    /// A command carries the lowest version that has everything it uses
    /// (`Action.minimumVersion`), so a new kind of command does not stop an older member from
    /// applying every other command. The version also names the validation rules apply uses
    /// (`ValidationRules`): a change to a config key, device or architecture table bumps it, and
    /// apply judges each command by the rules of its version, because members of mixed versions
    /// replay the same log and must reach the same state.
    public static let currentVersion = 3

    public var version: Int
    /// Identifies the client request; a retried request with the same id gets the first result.
    public var requestID: UUID
    public var timestamp: Timestamp
    /// Name of the member that proposed the command.
    public var origin: String
    public var action: Action
    /// A digest of what the client asked for (method, path, `If-Match`, body), computed at the
    /// API edge: a retry with the same request id must carry the same digest, whichever member
    /// it reaches. The action itself may differ between attempts (a first attempt carries the
    /// ETag it checked, a retry does not), so it cannot be what identifies the request. Absent in
    /// commands proposed by the daemon itself (and in logs written before it existed): then the
    /// action's digest stands in.
    public var requestDigest: String?

    public init(
        requestID: UUID = UUID(), timestamp: Timestamp, origin: String, action: Action, requestDigest: String? = nil
    ) {
        self.version = action.minimumVersion
        self.requestID = requestID
        self.timestamp = timestamp
        self.origin = origin
        self.action = action
        self.requestDigest = requestDigest
    }

    public enum Action: Codable, Sendable, Hashable {
        case createProfile(ProfilesPost)
        case replaceProfile(name: String, put: ProfilePut, ifMatch: String?)
        case patchProfile(name: String, patch: ProfilePatch, ifMatch: String?)
        case renameProfile(from: String, to: String)
        case deleteProfile(name: String)
        case createInstance(InstanceCreate)
        case replaceInstance(name: String, put: InstancePut, ifMatch: String?)
        case patchInstance(name: String, patch: InstancePatch, ifMatch: String?)
        case renameInstance(from: String, to: String)
        case deleteInstance(name: String)
        case replaceServerConfig(config: [String: String], ifMatch: String?)
        case patchServerConfig(config: [String: String], ifMatch: String?)
        /// Does nothing; used to probe the log (benchmarks, health checks).
        case noop
        /// The operator's decision to skip the entry at `index`, which failed to apply
        /// deterministically (a poison entry). It is a log entry like any other, so every member
        /// skips the same entry: a member whose apply stops at `index` looks for it in the rest
        /// of its log. `payloadDigest` (SHA-256 of the entry's bytes) makes sure the entry
        /// skipped is the one the operator inspected. Applying this command itself changes
        /// nothing, and an entry that applies fine is never skipped.
        case skipEntry(index: UInt64, payloadDigest: String)

        /// The lowest command version that has this action (see `Command.currentVersion`).
        public var minimumVersion: Int {
            switch self {
            case .skipEntry: 3
            default: 2
            }
        }
    }

    /// Whether this entry failed to decode only because a newer Roost wrote it.
    public static func isTooNew(_ error: RoostError) -> Bool { error.code == .notImplemented }

    /// Bytes for the log. JSON keeps entries readable in a hex dump and versionable.
    public func encoded() throws(RoostError) -> [UInt8] {
        do {
            return Array(try Self.encoder.encode(self))
        } catch {
            throw RoostError.internalError("Failed to encode command", cause: "\(error)")
        }
    }

    /// Decodes a log entry. A newer version than this binary knows is a hard error: applying a
    /// command we do not understand would make this member's state diverge from the others.
    public static func decode(_ bytes: [UInt8]) throws(RoostError) -> Command {
        let command: Command
        do {
            command = try JSONDecoder().decode(Command.self, from: Data(bytes))
        } catch {
            throw RoostError.internalError("Undecodable command in the log", cause: "\(error)")
        }
        guard command.version <= currentVersion else {
            // Its own code: such an entry is valid, only this binary is too old. It must never
            // be taken for a poison entry and skipped.
            throw RoostError(
                .notImplemented,
                "Command version \(command.version) is newer than this Roost supports (\(currentVersion)): upgrade roostd"
            )
        }
        return command
    }

    /// What identifies the request, stored with its id: a retry must be the same request.
    public func requestHash() throws(RoostError) -> String {
        if let requestDigest { return requestDigest }
        return try actionHash()
    }

    /// A digest of the action.
    public func actionHash() throws(RoostError) -> String {
        do {
            return SHA256.hex(Array(try Self.encoder.encode(action)))
        } catch {
            throw RoostError.internalError("Failed to encode command", cause: "\(error)")
        }
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

/// The record of a new instance as the handler prepared it (profiles resolved, volatile keys set).
public struct InstanceCreate: Codable, Sendable, Hashable {
    public var name: String
    public var type: String
    public var put: InstancePut
    /// Member that will hold the instance.
    public var location: String
    /// The instance's permanent identity (also `volatile.uuid`), chosen by the proposer. Member
    /// side effects are keyed on it, never on the name or on user-editable config.
    public var uuid: String

    public init(name: String, type: String, put: InstancePut, location: String, uuid: String) {
        self.name = name
        self.type = type
        self.put = put
        self.location = location
        self.uuid = uuid
        self.put.config["volatile.uuid"] = uuid
    }
}

/// One applied entry's result; `isDuplicate` when the request id was seen before (the stored
/// result is returned and nothing changed, so no events or side effects follow).
public struct ApplyOutcome: Sendable, Hashable {
    public var result: CommandResult
    public var isDuplicate: Bool

    public init(result: CommandResult, isDuplicate: Bool) {
        self.result = result
        self.isDuplicate = isDuplicate
    }
}

/// What apply decided. A rejection is a normal, deterministic outcome (name taken, ETag mismatch)
/// and is remembered for the request id exactly like a success.
public enum CommandResult: Codable, Sendable, Hashable {
    case applied(AppliedChange)
    case rejected(RoostError)
}

/// What an applied command changed, for events and for the reconciler.
public struct AppliedChange: Codable, Sendable, Hashable {
    /// Lifecycle events to publish once the change is committed (e.g. `profile-created`).
    public var lifecycle: [LifecycleRecord]
    /// The object's new ETag, when the command wrote one object.
    public var etag: String?
    /// Instances whose member-local side effects may need converging.
    public var touchedInstances: [String]

    public init(lifecycle: [LifecycleRecord] = [], etag: String? = nil, touchedInstances: [String] = []) {
        self.lifecycle = lifecycle
        self.etag = etag
        self.touchedInstances = touchedInstances
    }
}

public struct LifecycleRecord: Codable, Sendable, Hashable {
    public var action: String
    public var source: String
    public var context: [String: String]

    public init(action: String, source: String, context: [String: String] = [:]) {
        self.action = action
        self.source = source
        self.context = context
    }
}
