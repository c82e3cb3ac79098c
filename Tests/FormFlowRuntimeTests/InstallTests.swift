import FormFlowOCR
import FormFlowTestSupport
import FormFlowYAML
import Foundation
import Testing

@testable import FormFlowRuntime

@Suite("Installed like a service: configuration found without the checkout, paths resolved against the file")
struct InstallTests {
    @Test("the settings file is --config, then FORMFLOW_CONFIG, then ./config, then /etc")
    func configLookup() {
        let none: (String) -> Bool = { _ in false }
        let etcOnly: (String) -> Bool = { $0 == "/etc/formflow/formflow.yaml" }
        #expect(Settings.configPath(option: "a.yaml", environment: ["FORMFLOW_CONFIG": "b.yaml"], exists: none) == "a.yaml")
        #expect(Settings.configPath(option: nil, environment: ["FORMFLOW_CONFIG": "b.yaml"], exists: etcOnly) == "b.yaml")
        #expect(Settings.configPath(option: nil, environment: [:], exists: { _ in true }) == "config/formflow.yaml")
        #expect(Settings.configPath(option: nil, environment: [:], exists: etcOnly) == "/etc/formflow/formflow.yaml")
        #expect(Settings.configPath(option: nil, environment: [:], exists: none) == nil)
    }

    @Test("relative paths in a settings file resolve against the file's folder")
    func relativePaths() throws {
        let root = try TestSupport.scratchFolder("settings")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("etc"), withIntermediateDirectories: true)
        let file = root.appendingPathComponent("etc/formflow.yaml")
        try "pipeline: ../share/default.yaml\ninbox: spool/in\nout: /srv/out\nstate: ../state\n".write(to: file, atomically: true, encoding: .utf8)
        let settings = try Settings.load(path: file.path)
        #expect(settings.pipelinePath == root.appendingPathComponent("share/default.yaml").path)
        #expect(settings.inbox == root.appendingPathComponent("etc/spool/in").path)
        #expect(settings.out == "/srv/out")
        #expect(settings.state == root.appendingPathComponent("state").path)
    }

    @Test("jpeg_reduced_above_pixels sets the JPEG decoding limit; under a megapixel it fails at start-up with its line")
    func jpegDecodingLimit() throws {
        let root = try TestSupport.scratchFolder("settings-jpeg")
        let file = root.appendingPathComponent("formflow.yaml")
        try "workers: 1\njpeg_reduced_above_pixels: 24000000\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(try Settings.load(path: file.path).limits.reducedDecodingAbove == 24_000_000)
        try "workers: 1\njpeg_reduced_above_pixels: 5000\n".write(to: file, atomically: true, encoding: .utf8)
        do {
            _ = try Settings.load(path: file.path)
            Issue.record("a limit of 5000 pixels was taken")
        } catch {
            #expect(error.line == 2 && error.message.contains("jpeg_reduced_above_pixels"))
        }
    }

    @Test("scripts/install.sh into a folder; the installed binary runs from / with its /etc-style configuration")
    func installedBinaryRunsFromRoot() throws {
        let root = try TestSupport.scratchFolder("install")
        let script = TestSupport.packageRoot.appendingPathComponent("scripts/install.sh")
        let install = Process()
        install.executableURL = URL(fileURLWithPath: "/bin/bash")
        install.arguments = [script.path, "--root", root.path, "--binary", try TestSupport.formflowExecutable().path]
        install.standardOutput = FileHandle.nullDevice
        try install.run()
        install.waitUntilExit()
        #expect(install.terminationStatus == 0)
        let config = root.appendingPathComponent("etc/formflow/formflow.yaml")
        let unit = try String(contentsOf: root.appendingPathComponent("etc/systemd/system/formflow-watch.service"), encoding: .utf8)
        #expect(unit.contains("formflow watch --config \(config.path)"))
        let review = try String(contentsOf: root.appendingPathComponent("etc/systemd/system/formflow-serve.service"), encoding: .utf8)
        #expect(review.contains("formflow serve --config \(config.path) --users") && review.contains("--host 127.0.0.1"))
        let inbox = root.appendingPathComponent("var/lib/formflow/inbox")
        for scan in ["vat_invoice-001-000.png", "expense_claim-001-000.png"] {
            try FileManager.default.copyItem(at: TestSupport.sample(scan), to: inbox.appendingPathComponent(scan))
        }
        let binary = root.appendingPathComponent("usr/local/bin/formflow")
        let run = Process()
        run.executableURL = binary
        run.arguments = ["run", "--quiet"]
        run.currentDirectoryURL = URL(fileURLWithPath: "/")
        var environment = ProcessInfo.processInfo.environment
        environment["FORMFLOW_CONFIG"] = config.path
        run.environment = environment
        run.standardOutput = FileHandle.nullDevice
        try run.run()
        run.waitUntilExit()
        #expect(run.terminationStatus == 0)
        let out = root.appendingPathComponent("var/lib/formflow/out")
        let records = try BatchRunnerTests.records(in: out)
        #expect(records.count == 2)

        // Without any settings file: the pipelines installed beside the binary are found.
        let bare = root.appendingPathComponent("bare-inbox")
        try FileManager.default.createDirectory(at: bare, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: TestSupport.sample("vat_invoice-001-001.png"), to: bare.appendingPathComponent("a.png"))
        let plain = Process()
        plain.executableURL = binary
        plain.arguments = ["run", "--quiet", "--inbox", bare.path, "--out", root.appendingPathComponent("bare-out").path]
        plain.currentDirectoryURL = URL(fileURLWithPath: "/")
        environment["FORMFLOW_CONFIG"] = nil
        plain.environment = environment
        plain.standardOutput = FileHandle.nullDevice
        try plain.run()
        plain.waitUntilExit()
        #expect(plain.terminationStatus == 0, "exit \(plain.terminationStatus) without a settings file")
    }
}
