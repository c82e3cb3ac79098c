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

    /// A fresh empty folder under the system's temporary directory.
    public static func scratchFolder(_ label: String = "formflow-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
