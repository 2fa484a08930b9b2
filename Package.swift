// swift-tools-version:6.2
// Roost: a clustered system-container manager with an LXD-compatible REST API.
// Layering is documented in ../shared/ARCHITECTURE.md and checked by Tests/LayeringTests.

import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "roost",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "roostd", targets: ["roostd"]),
        .executable(name: "roost", targets: ["roost"]),
        .executable(name: "roost-bench", targets: ["roost-bench"]),
        .executable(name: "roost-sim", targets: ["roost-sim"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
    ],
    targets: [
        // Layer 0
        .target(name: "RoostAPI", swiftSettings: strict),
        // Pure Raft: stdlib only, no I/O, no clock, no randomness but an injected seed.
        .target(name: "RaftCore", swiftSettings: strict),
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        // Layer 1
        .target(
            name: "ClusterDB",
            dependencies: ["RoostAPI", "CSQLite"],
            swiftSettings: strict
        ),
        .target(
            name: "RoostClient",
            dependencies: [
                "RoostAPI",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // Layer 2
        .target(
            name: "ClusterNode",
            dependencies: ["RoostAPI", "ClusterDB", "RaftCore", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .target(name: "RaftSim", dependencies: ["RaftCore"], swiftSettings: strict),
        // Layer 3
        .target(
            name: "Daemon",
            dependencies: [
                "RoostAPI", "ClusterDB", "ClusterNode",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
        // Executables
        .executableTarget(
            name: "roostd",
            dependencies: ["Daemon", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "roost",
            dependencies: [
                "RoostAPI", "RoostClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "roost-bench",
            dependencies: [
                "RoostAPI", "RoostClient", "ClusterDB", "ClusterNode", "Daemon", "RaftCore", "RaftSim",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "roost-sim",
            dependencies: ["RaftSim", "RaftCore", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict
        ),
        // Tests (Swift Testing only)
        .testTarget(name: "RoostAPITests", dependencies: ["RoostAPI"], swiftSettings: strict),
        .testTarget(name: "RaftCoreTests", dependencies: ["RaftCore"], exclude: ["testdata"], swiftSettings: strict),
        .testTarget(
            name: "RaftSimTests", dependencies: ["RaftSim", "RaftCore"], exclude: ["trace-hash-seed3.txt"],
            swiftSettings: strict),
        .testTarget(name: "ClusterDBTests", dependencies: ["ClusterDB", "RoostAPI"], swiftSettings: strict),
        .testTarget(
            name: "ClusterNodeTests", dependencies: ["ClusterNode", "ClusterDB", "RoostAPI"], swiftSettings: strict),
        .testTarget(
            name: "RoostClientTests",
            dependencies: [
                "RoostClient", "RoostAPI",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "RoostCLITests", dependencies: ["roost", "RoostAPI"], swiftSettings: strict),
        .testTarget(
            name: "DaemonTests",
            dependencies: [
                "Daemon", "RoostClient", "RoostAPI", "ClusterDB", "ClusterNode",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
