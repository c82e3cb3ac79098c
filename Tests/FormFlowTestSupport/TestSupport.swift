import Foundation

/// Paths and scratch folders for tests.
public enum TestSupport {
    /// The package root (the folder holding Package.swift), found from this source file.
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    public static var sampleDocs: URL { packageRoot.appendingPathComponent("SampleDocs") }
    public static var pipelines: URL { packageRoot.appendingPathComponent("Pipelines") }

    public static func sample(_ name: String) -> URL { sampleDocs.appendingPathComponent(name) }

    /// A fresh empty folder under the system's temporary directory, removed with every other scratch
    /// folder of this test process when it exits (a full run made about sixty and left them behind).
    public static func scratchFolder(_ label: String = "formflow-test") throws -> URL {
        let url = scratchRoot.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// One folder per test process for all its scratch folders; an exit handler removes it. A process that
    /// crashes leaves it, named by its process ID, for a look at what the failing test wrote.
    private static let scratchRoot: URL = {
        let root = scratchRootPath(of: getpid())
        try? FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: TestSupport.scratchRootPath(of: getpid())) }
        return root
    }()

    static func scratchRootPath(of process: pid_t) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("formflow-tests-\(process)")
    }
}

extension TestSupport {
    /// The built `formflow` executable beside the test bundle (swift build builds it with the tests).
    public static func formflowExecutable() throws -> URL {
        var candidates: [URL] = []
        if let executable = Bundle.main.executableURL {
            candidates.append(executable.deletingLastPathComponent())
            candidates.append(executable.deletingLastPathComponent().deletingLastPathComponent())
        }
        candidates.append(Bundle.main.bundleURL)
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
        for folder in candidates {
            let url = folder.appendingPathComponent("formflow")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        struct NotBuilt: Error, CustomStringConvertible {
            let description = "the formflow executable was not found beside the tests; run `swift build` first"
        }
        throw NotBuilt()
    }

    /// Runs `formflow` with arguments; returns exit status and standard output.
    public static func runFormFlow(_ arguments: [String], directory: URL? = nil) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = try formflowExecutable()
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }
}
