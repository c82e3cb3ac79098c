// swift-tools-version: 6.1
import PackageDescription

/// Settings every FormFlow target shares: Swift 6 language mode (strict concurrency)
/// plus the upcoming features that keep APIs explicit.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "FormFlow",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "formflow", targets: ["formflow"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
    ],
    targets: [
        // The only door to C: Tesseract and Leptonica, found through pkg-config.
        .systemLibrary(
            name: "CTesseract",
            pkgConfig: "tesseract",
            providers: [.apt(["libtesseract-dev", "libleptonica-dev"])]
        ),
        // Owns every C call and every C allocation: image loading, page normalisation, recognition.
        .target(
            name: "FormFlowOCR",
            dependencies: ["CTesseract", "FormFlowCore"],
            swiftSettings: swiftSettings
        ),
        // Value types shared by all stages: forms, fields, records, money, masking.
        .target(
            name: "FormFlowCore",
            swiftSettings: swiftSettings
        ),
        // Reading YAML configuration with errors that name the file and line.
        .target(
            name: "FormFlowYAML",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        // Templates, page registration and field reading: pure code over OCR results.
        .target(
            name: "FormFlowExtraction",
            dependencies: ["FormFlowCore", "FormFlowYAML", .product(name: "Crypto", package: "swift-crypto")],
            // Optimised in debug builds too: describing the 46,000 name prototypes by stroke directions at
            // start-up takes 60 s unoptimised against 2.5 s, and every test run loads them.
            swiftSettings: swiftSettings + [.unsafeFlags(["-O"], .when(configuration: .debug))]
        ),
        // Digital invoices (OFD, 数电 XML, PDF text layers): guarded readers of files that carry their values
        // as text. Pure Swift; PDFs go through poppler's command-line tools in a child process.
        .target(
            name: "FormFlowDigital",
            dependencies: ["FormFlowCore", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: swiftSettings
        ),
        // Business rules over extracted values.
        .target(
            name: "FormFlowValidation",
            dependencies: ["FormFlowCore", "FormFlowYAML"],
            swiftSettings: swiftSettings
        ),
        // Where a decided document goes: result records, accepted/exceptions/quarantine folders.
        .target(
            name: "FormFlowRouting",
            dependencies: ["FormFlowCore"],
            swiftSettings: swiftSettings
        ),
        // The ledger (every document, its states and the accepted business keys; SQLite by default)
        // and the hash-chained audit log.
        .target(
            name: "FormFlowLedger",
            dependencies: [
                "FormFlowCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // The ledger and the work claims in PostgreSQL (PostgresNIO), for many processes on many hosts.
        .target(
            name: "FormFlowPostgres",
            dependencies: ["FormFlowCore", "FormFlowLedger", .product(name: "PostgresNIO", package: "postgres-nio")],
            swiftSettings: swiftSettings
        ),
        // Settings, pipeline configuration and the batch that ties the stages together.
        .target(
            name: "FormFlowRuntime",
            dependencies: [
                "FormFlowCore", "FormFlowOCR", "FormFlowExtraction", "FormFlowValidation", "FormFlowRouting",
                "FormFlowYAML", "FormFlowLedger", "FormFlowDigital", "FormFlowPostgres",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Operator review in the browser: users and roles, sessions, the exception queue, the document page
        // with its fields over the page image, and the actions of the exception desk, audited.
        .target(
            name: "FormFlowReview",
            dependencies: [
                "FormFlowCore", "FormFlowRuntime", "FormFlowLedger", "FormFlowRouting", "FormFlowExtraction",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "formflow",
            dependencies: [
                "FormFlowRuntime", "FormFlowCore", "FormFlowOCR", "FormFlowYAML", "FormFlowLedger", "FormFlowRouting", "FormFlowPostgres",
                "FormFlowReview",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        // Helpers for tests: locating SampleDocs, making scratch folders and odd files.
        .target(
            name: "FormFlowTestSupport",
            dependencies: [
                "FormFlowCore", .product(name: "Logging", package: "swift-log"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            path: "Tests/FormFlowTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FormFlowOCRTests",
            dependencies: ["FormFlowOCR", "FormFlowTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FormFlowCoreTests",
            dependencies: ["FormFlowCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FormFlowExtractionTests",
            dependencies: ["FormFlowExtraction", "FormFlowTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FormFlowDigitalTests",
            dependencies: ["FormFlowDigital", "FormFlowTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FormFlowPostgresTests",
            dependencies: ["FormFlowPostgres", "FormFlowLedger", "FormFlowCore", "FormFlowTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FormFlowLedgerTests",
            dependencies: ["FormFlowLedger", "FormFlowTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FormFlowValidationTests",
            dependencies: ["FormFlowValidation", "FormFlowTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FormFlowReviewTests",
            dependencies: [
                "FormFlowReview", "FormFlowRuntime", "FormFlowCore", "FormFlowRouting", "FormFlowLedger", "FormFlowPostgres",
                "FormFlowTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FormFlowRuntimeTests",
            dependencies: ["FormFlowRuntime", "FormFlowOCR", "FormFlowPostgres", "FormFlowLedger", "FormFlowRouting", "FormFlowExtraction", "FormFlowTestSupport", "FormFlowYAML"],
            swiftSettings: swiftSettings
        ),
    ]
)
