// swift-tools-version:6.1
// NEVR Telemetry for Swift: typed Echo VR session frames, event detection,
// .echoreplay and .nevrcap codecs, live recording and streaming.
import Foundation
import PackageDescription

let package = Package(
    name: "nevr-telemetry",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "NEVRCore", targets: ["NEVRCore"]),
        .library(name: "NEVRCapture", targets: ["NEVRCapture"]),
        .library(name: "NEVRSimulator", targets: ["NEVRSimulator"]),
        .library(name: "NEVRAnalysis", targets: ["NEVRAnalysis"]),
        .library(name: "NEVRGameAPI", targets: ["NEVRGameAPI"]),
        .library(name: "NEVRHubWire", targets: ["NEVRHubWire"]),
        .library(name: "NEVRHub", targets: ["NEVRHub"]),
        .library(name: "NEVROverlay", targets: ["NEVROverlay"]),
        .library(name: "NEVRArchive", targets: ["NEVRArchive"]),
        .library(name: "NEVRArchiveServer", targets: ["NEVRArchiveServer"]),
        .library(name: "NEVRNATS", targets: ["NEVRNATS"]),
        .executable(name: "nevr", targets: ["nevr"]),
    ],
    // The networking modules' heavy dependencies are behind traits: a package that depends on
    // NEVRCore/NEVRCapture with `traits: []` does not fetch or build them (README "Architecture").
    traits: [
        .trait(name: "GameAPI", description: "NEVRGameAPI: game-API server, recorder, file sinks (Hummingbird, AsyncHTTPClient)."),
        .trait(
            name: "Hub", description: "NEVRHub: WebSocket hub, publisher, subscriber, metrics (Hummingbird WebSocket, Prometheus).",
            enabledTraits: ["GameAPI"]),
        .trait(
            name: "Overlay", description: "NEVROverlay: Spark-compatible overlay and event servers, overlay pages (Hummingbird).",
            enabledTraits: ["Hub"]),
        .trait(name: "Archive", description: "NEVRArchive: match archive on SQLite (sqlite-nio, bundled SQLite) or PostgreSQL (postgres-nio) and `nevr archive`."),
        .trait(name: "NATS", description: "NEVRNATS: NATS and JetStream client on SwiftNIO (swift-nio's NIOCore, NIOPosix)."),
        .default(enabledTraits: ["GameAPI", "Hub", "Overlay", "Archive", "NATS"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        // Tests only: an independent ZIP implementation to check the .echoreplay codec against.
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.19"),
        // SHA-256 of verify receipts (NEVRCapture).
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.0"..<"5.0.0"),
        // Deque for the hub's queues (NEVRHub).
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.20.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.6.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.30.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.1.0"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.0"),
        // The archive's shared back end (NEVRArchive, trait Archive).
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.0"),
    ],
    targets: [
        // The typed session model, game-JSON reader and writer, events, frame processor.
        // No I/O and no dependencies: everything else builds on it.
        .target(name: "NEVRCore"),

        // System C libraries (Debian: libzstd-dev, zlib1g-dev).
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CNEVRZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // .echoreplay and .nevrcap readers and writers, conversion, verification. The ZIP
        // container code is our own (faster, and it recovers cut files); ZIPFoundation is
        // used only by the tests, as an independent implementation.
        .target(
            name: "NEVRCapture",
            dependencies: [
                "NEVRCore", "CZstd", "CNEVRZlib",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),

        // Per-player stats across matches, clips, diffs and plots (no networking).
        .target(name: "NEVRAnalysis", dependencies: ["NEVRCore", "NEVRCapture"]),

        // Deterministic match simulator with a ground-truth event log.
        .target(name: "NEVRSimulator", dependencies: ["NEVRCore"]),

        // Game-API HTTP server, live recorder and its file sinks, frame playback (trait GameAPI).
        .target(
            name: "NEVRGameAPI",
            dependencies: [
                "NEVRCore", "NEVRCapture",
                .product(name: "Logging", package: "swift-log", condition: .when(traits: ["GameAPI"])),
                .product(name: "NIOCore", package: "swift-nio", condition: .when(traits: ["GameAPI"])),
                .product(name: "Hummingbird", package: "hummingbird", condition: .when(traits: ["GameAPI"])),
                .product(name: "AsyncHTTPClient", package: "async-http-client", condition: .when(traits: ["GameAPI"])),
            ]
        ),

        // The hub's wire layer: `/subscribe` query parsing, the message types, their JSON and
        // binary encodings (trait Hub). No server or client code, so the fuzz build links it
        // with NIOCore only (ByteBuffer), not Hummingbird or AsyncHTTPClient.
        .target(
            name: "NEVRHubWire",
            dependencies: [
                "NEVRCore", "NEVRCapture",
                .product(name: "NIOCore", package: "swift-nio", condition: .when(traits: ["Hub"])),
            ]
        ),

        // WebSocket hub, publisher codec (also a recorder sink), subscriber, metrics (trait Hub);
        // re-exports NEVRHubWire.
        .target(
            name: "NEVRHub",
            dependencies: [
                "NEVRCore", "NEVRCapture", "NEVRGameAPI", "NEVRHubWire",
                // The cluster relay over JetStream (Sources/NEVRHub/Cluster, `#if NATS`).
                .target(name: "NEVRNATS", condition: .when(traits: ["NATS"])),
                .product(name: "Logging", package: "swift-log", condition: .when(traits: ["Hub"])),
                .product(name: "NIOCore", package: "swift-nio", condition: .when(traits: ["Hub"])),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio", condition: .when(traits: ["Hub"])),
                .product(name: "NIOWebSocket", package: "swift-nio", condition: .when(traits: ["Hub"])),
                .product(name: "Hummingbird", package: "hummingbird", condition: .when(traits: ["Hub"])),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket", condition: .when(traits: ["Hub"])),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket", condition: .when(traits: ["Hub"])),
                .product(name: "Metrics", package: "swift-metrics", condition: .when(traits: ["Hub"])),
                .product(name: "Prometheus", package: "swift-prometheus", condition: .when(traits: ["Hub"])),
                .product(name: "DequeModule", package: "swift-collections", condition: .when(traits: ["Hub"])),
            ]
        ),

        // Live overlays: Spark-compatible overlay endpoints (6724) and WebSocket events (6725),
        // and our own overlay pages, fed by the game API, a hub or a replay (trait Overlay).
        .target(
            name: "NEVROverlay",
            dependencies: [
                "NEVRCore", "NEVRGameAPI", "NEVRHub",
                .product(name: "Logging", package: "swift-log", condition: .when(traits: ["Overlay"])),
                .product(name: "NIOCore", package: "swift-nio", condition: .when(traits: ["Overlay"])),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio", condition: .when(traits: ["Overlay"])),
                .product(name: "NIOWebSocket", package: "swift-nio", condition: .when(traits: ["Overlay"])),
                .product(name: "Hummingbird", package: "hummingbird", condition: .when(traits: ["Overlay"])),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket", condition: .when(traits: ["Overlay"])),
            ]
        ),

        // Match archive: captures indexed into SQLite or PostgreSQL (trait Archive).
        .target(
            name: "NEVRArchive",
            dependencies: [
                "NEVRCore", "NEVRCapture",
                .product(name: "SQLiteNIO", package: "sqlite-nio", condition: .when(traits: ["Archive"])),
                .product(name: "PostgresNIO", package: "postgres-nio", condition: .when(traits: ["Archive"])),
                .product(name: "Logging", package: "swift-log", condition: .when(traits: ["Archive"])),
                .product(name: "NIOCore", package: "swift-nio", condition: .when(traits: ["Archive"])),
            ]
        ),

        // `nevr archive serve`: the archive's REST API (Hummingbird; trait Archive), its own
        // module so NEVRArchive users who only index and query do not link a web server.
        .target(
            name: "NEVRArchiveServer",
            dependencies: [
                "NEVRArchive", "NEVRCapture", "NEVRCore",
                .product(name: "Hummingbird", package: "hummingbird", condition: .when(traits: ["Archive"])),
                .product(name: "Logging", package: "swift-log", condition: .when(traits: ["Archive"])),
                .product(name: "NIOCore", package: "swift-nio", condition: .when(traits: ["Archive"])),
            ]
        ),

        // NATS client protocol and JetStream API on SwiftNIO: parser, client, streams, ordered
        // consumers (trait NATS). No other dependency, so a fuzz build links it with NIOCore only.
        .target(
            name: "NEVRNATS",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio", condition: .when(traits: ["NATS"])),
                .product(name: "NIOPosix", package: "swift-nio", condition: .when(traits: ["NATS"])),
            ]
        ),

        // The thin command-line tool.
        .executableTarget(
            name: "nevr",
            dependencies: [
                "NEVRCore", "NEVRCapture", "NEVRSimulator", "NEVRGameAPI", "NEVRHub", "NEVROverlay", "NEVRArchive", "NEVRArchiveServer",
                "NEVRAnalysis",
                .target(name: "NEVRNATS", condition: .when(traits: ["NATS"])),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Release-mode throughput benchmarks (scripts/bench.sh); never part of `swift test`.
        .executableTarget(
            name: "NEVRBenchmarks",
            // NEVRTestSupport: the random-walk frames derived from the real frame (.nvr benchmark).
            dependencies: ["NEVRCore", "NEVRCapture", "NEVRSimulator", "NEVRAnalysis", "NEVRTestSupport"],
            path: "Benchmarks/NEVRBenchmarks"
        ),
        // WebSocket hub throughput/latency (its own target: it needs the streaming dependencies).
        .executableTarget(
            name: "NEVRHubBenchmark",
            dependencies: [
                "NEVRCore", "NEVRHub", .target(name: "NEVRNATS", condition: .when(traits: ["NATS"])),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            path: "Benchmarks/NEVRHubBenchmark"
        ),

        // Archive ingest rate and query latency, SQLite against PostgreSQL (its own target: it
        // needs the archive's database drivers and starts a private PostgreSQL server).
        .executableTarget(
            name: "NEVRArchiveBenchmark",
            dependencies: ["NEVRArchive", "NEVRCapture", "NEVRCore", "NEVRSimulator", "NEVRTestSupport"],
            path: "Benchmarks/NEVRArchiveBenchmark"
        ),

        // Locates ../shared/data for the tests (never copied into the project).
        .target(name: "NEVRTestSupport", dependencies: ["NEVRCore"], path: "Tests/NEVRTestSupport"),
        .testTarget(name: "NEVRCoreTests", dependencies: ["NEVRCore", "NEVRTestSupport"]),
        .testTarget(
            name: "NEVRCaptureTests",
            dependencies: [
                "NEVRCapture", "NEVRSimulator", "NEVRTestSupport",
                // An independent ZIP implementation to check the .echoreplay codec against.
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .testTarget(name: "NEVRAnalysisTests", dependencies: ["NEVRAnalysis", "NEVRSimulator", "NEVRCapture", "NEVRTestSupport"]),
        .testTarget(name: "NEVRSimulatorTests", dependencies: ["NEVRSimulator", "NEVRCapture", "NEVRTestSupport"]),
        // Loopback game-API server, hub, subscriber collector and `nevr` subprocess helpers
        // shared by the two networking test targets.
        .target(
            name: "NEVRNetworkTestSupport",
            dependencies: [
                "NEVRCore", "NEVRCapture", "NEVRGameAPI", "NEVRHub", "NEVRTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            path: "Tests/NEVRNetworkTestSupport"
        ),
        .testTarget(
            name: "NEVRGameAPITests",
            dependencies: [
                "NEVRGameAPI", "NEVRCapture", "NEVRSimulator", "NEVRTestSupport", "NEVRNetworkTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(
            name: "NEVRHubTests",
            dependencies: [
                "NEVRHub", "NEVRGameAPI", .target(name: "NEVRNATS", condition: .when(traits: ["NATS"])), "NEVRCapture", "NEVRTestSupport", "NEVRNetworkTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "NEVROverlayTests",
            dependencies: ["NEVROverlay", "NEVRGameAPI", "NEVRHub", "NEVRCore", "NEVRSimulator", "NEVRTestSupport", "NEVRNetworkTestSupport"]
        ),
        // Compiles every Swift snippet of README.md and of the DocC articles as written
        // (ReadmeSnippets.swift, generated by scripts/readme-snippets.py; a stale copy fails a test).
        .testTarget(
            name: "NEVRReadmeTests",
            dependencies: ["NEVRCore", "NEVRCapture", "NEVRSimulator", "NEVRGameAPI", "NEVRHubWire", "NEVRHub", "NEVROverlay", "NEVRArchive", "NEVRNATS", "NEVRTestSupport"]
        ),
        .testTarget(name: "NEVRArchiveTests", dependencies: ["NEVRArchive", "NEVRCapture", "NEVRSimulator", "NEVRTestSupport"]),
        // The archive's REST API over loopback HTTP, on SQLite and PostgreSQL, against docs/archive-openapi.yaml.
        .testTarget(
            name: "NEVRArchiveServerTests",
            dependencies: [
                "NEVRArchiveServer", "NEVRArchive", "NEVRCapture", "NEVRSimulator", "NEVRTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // Parser unit tests, and integration tests against a real `nats-server -js` (skipped with
        // a message when it is not installed; scripts/bootstrap.sh installs it).
        .testTarget(
            name: "NEVRNATSTests",
            dependencies: ["NEVRNATS", "NEVRTestSupport", "NEVRNetworkTestSupport", .product(name: "NIOCore", package: "swift-nio")]),
        // Runs the built `nevr` executable end to end.
        .testTarget(name: "NEVRCLITests", dependencies: ["NEVRCore", "NEVRCapture", "NEVRTestSupport"]),
    ]
)

// libFuzzer targets (issue 15), only when NEVR_FUZZ=1 (scripts/fuzz.sh): their entry point is
// `LLVMFuzzerTestOneInput`, so they link only with -sanitize=fuzzer, and they depend on no
// networking server or client so the sanitized build stays small (NEVRCore, NEVRCapture;
// FuzzHubStream adds NEVRHubWire and NIOCore, not Hummingbird or AsyncHTTPClient; FuzzNATSParser
// links NEVRNATS, i.e. NIOCore and NIOPosix).
if ProcessInfo.processInfo.environment["NEVR_FUZZ"] == "1" {
    let fuzzTargets: [(String, [Target.Dependency])] = [
        ("FuzzGameJSON", ["NEVRCore"]),
        ("FuzzEchoReplay", ["NEVRCapture"]),
        ("FuzzNevrcap", ["NEVRCapture", "NEVRCore"]),
        ("FuzzHubMessage", ["NEVRCore"]),
        ("FuzzHubStream", ["NEVRHubWire", "NEVRCore", .product(name: "NIOCore", package: "swift-nio")]),
        ("FuzzTapeButterNVR", ["NEVRCapture", "NEVRCore"]),
        ("FuzzNATSParser", ["NEVRNATS"]),
    ]
    package.targets.append(.target(name: "FuzzSupport", path: "Fuzz/FuzzSupport"))
    for (name, dependencies) in fuzzTargets {
        package.targets.append(.executableTarget(name: name, dependencies: dependencies + ["FuzzSupport"], path: "Fuzz/\(name)"))
        package.products.append(.executable(name: name, targets: [name]))
    }
}
