import RoostAPI

/// LXD's operation type; named explicitly because Foundation also has an `Operation`.
typealias Operation = RoostAPI.Operation
