import FormFlowCore
import FormFlowTestSupport
import Foundation
import Logging
import Testing

@testable import FormFlowRuntime

@Suite("The batch report renders in a real browser")
struct BatchReportTests {
    static func chromium() -> String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    @Test("headless Chromium loads the report and shows one section per exception and the quarantine")
    func rendersInChromium() async throws {
        let browser = try #require(Self.chromium(), "Chromium is not installed; scripts/test.sh installs it")
        let (inbox, out) = try BatchRunnerTests.makeInbox(
            scans: ["expense_claim-001-000.png", "expense_claim-001-001.png", "not_a_form-letter.jpg"],
            extra: ["broken <b>.png": Array("<script>alert(1)</script>".utf8)])
        var settings = Settings.defaults
        settings.inbox = inbox.path
        settings.out = out.path
        settings.workers = 2
        settings.stableSeconds = 0
        let pipeline = try Pipeline.load(path: TestSupport.pipelines.appendingPathComponent("default.yaml").path)
        let summary = try await BatchRunner(settings: settings, pipeline: pipeline, logger: Logger(label: "test")).run()
        let report = out.appendingPathComponent("reports/batch-\(summary.batch).html")
        #expect(FileManager.default.fileExists(atPath: report.path))

        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files", "--dump-dom", report.absoluteString,
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let dom = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)

        let exceptions = summary.byStatus["exception"] ?? 0
        #expect(exceptions >= 2)  // the claim whose items do not add up, and the letter
        #expect(dom.components(separatedBy: "class=\"exception\"").count - 1 == exceptions)
        #expect(dom.components(separatedBy: "class=\"quarantined\"").count - 1 == 1)
        #expect(dom.contains("<td id=\"accepted\">\(summary.byStatus["accepted"] ?? 0)</td>"))
        #expect(dom.contains("sum_mismatch"))
        #expect(dom.contains("data:image/png;base64,"), "the crops are embedded")
        // A hostile file name is shown as text, never run as markup.
        #expect(!dom.contains("<b>.png"))
        #expect(dom.contains("broken &lt;b&gt;.png"))
    }
}
