import FormFlowCore
import FormFlowTestSupport
import Foundation
import Logging
import Testing

@testable import FormFlowRuntime

@Suite("Hostile input: every file ends in one place with a reason, the batch goes on")
struct HostileInputTests {
    @Test("a hostile set mixed with good scans")
    func hostileBatch() async throws {
        let root = try TestSupport.scratchFolder("hostile")
        let inbox = root.appendingPathComponent("inbox")
        let out = root.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        func put(_ name: String, _ bytes: [UInt8]) throws { try Data(bytes).write(to: inbox.appendingPathComponent(name)) }

        let good = ["expense_claim-001-000.png", "vat_invoice-002-000.tif"]
        for name in good { try FileManager.default.copyItem(at: TestSupport.sample(name), to: inbox.appendingPathComponent(name)) }
        try FileManager.default.copyItem(at: TestSupport.sample("not_a_form-notice.tif"), to: inbox.appendingPathComponent("扫描 通知 1.tif"))
        var generator = SystemRandomNumberGenerator()
        try put("zero.png", [])
        try put("random.png", (0..<50_000).map { _ in UInt8.random(in: 0...255, using: &generator) })
        try put("letter.jpg", Array("Dear colleagues, the figures are attached.\n".utf8))
        try put("billions.png", BadFiles.pngHeader(width: 100_000, height: 100_000))
        try put("cut.jpg", try BadFiles.truncated(TestSupport.sample("expense_claim-002-001.jpg"), keeping: 0.05))
        try put("cut.tif", try BadFiles.truncated(TestSupport.sample("vat_invoice-002-001.tif"), keeping: 0.3))
        try put("cut.png", try BadFiles.truncated(TestSupport.sample("vat_invoice-001-002.png"), keeping: 0.5))
        try put("pages.tif", BadFiles.multiPageTIFF(pages: 300))
        try put("line\nbreak.png", [])
        try put("报销 单 with spaces.png", Array("not an image".utf8))
        let longName = String(repeating: "长", count: 83) + "ab.png"  // 83 × 3 + 6 = 255 bytes, the most a name may have
        #expect(longName.utf8.count == 255)
        try put(longName, [0x89, 0x50])
        try put("large.png", [UInt8](repeating: 0x41, count: 3_000_000))
        let outside = root.appendingPathComponent("outside-secret.png")
        try Data([1, 2, 3]).write(to: outside)
        try FileManager.default.createSymbolicLink(at: inbox.appendingPathComponent("link.png"), withDestinationURL: outside)
        try FileManager.default.createDirectory(at: inbox.appendingPathComponent("a folder"), withIntermediateDirectories: false)
        try put("still-writing.png.part", [1, 2, 3])

        var settings = Settings.defaults
        settings.inbox = inbox.path
        settings.out = out.path
        settings.workers = 2
        settings.stableSeconds = 0
        settings.maxFileBytes = 2_000_000
        let pipeline = try Pipeline.load(path: TestSupport.pipelines.appendingPathComponent("default.yaml").path)
        let summary = try await BatchRunner(settings: settings, pipeline: pipeline, logger: Logger(label: "test")).run()

        let records = try BatchRunnerTests.records(in: out)
        let hostile = [
            "zero.png", "random.png", "letter.jpg", "billions.png", "cut.jpg", "cut.tif", "cut.png", "pages.tif",
            "line\nbreak.png", "报销 单 with spaces.png", longName, "large.png", "link.png", "a folder",
        ]
        #expect(summary.total == hostile.count + 3)
        for name in hostile {
            guard let entry = records[name] else {
                Issue.record("no record for \(name.debugDescription)")
                continue
            }
            // libjpeg pads a cut JPEG with grey: it may decode and end as an unreadable form instead.
            if name == "cut.jpg" && entry.status == "exceptions" { continue }
            #expect(entry.status == "quarantine", "\(name.debugDescription) went to \(entry.status)")
            #expect((entry.record["reason"] as? String)?.isEmpty == false, "\(name.debugDescription) has no reason")
        }
        for name in good { #expect(records[name]?.record["form"] as? String != nil) }
        #expect(records["扫描 通知 1.tif"]?.status == "exceptions")
        // The link was moved, never followed: the file outside the inbox is untouched.
        #expect(FileManager.default.fileExists(atPath: outside.path))
        // The partial file is left for later.
        #expect(try FileManager.default.contentsOfDirectory(atPath: inbox.path) == ["still-writing.png.part"])
    }
}

@Suite("Corrupted scans through the whole pipeline")
struct CorruptedBatchTests {
    @Test("30 mutated scans in one batch: no crash, every file accounted for")
    func mutatedBatch() async throws {
        let root = try TestSupport.scratchFolder("mutated")
        let inbox = root.appendingPathComponent("inbox")
        let out = root.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        var generator = SystemRandomNumberGenerator()
        var names: [String] = []
        for source in ["expense_claim-001-000.png", "vat_invoice-002-000.tif", "expense_claim-002-000.jpg"] {
            let bytes = [UInt8](try Data(contentsOf: TestSupport.sample(source)))
            for (index, mutant) in BadFiles.mutations(of: bytes, count: 10, using: &generator).enumerated() {
                let name = "m\(index)-\(source)"
                try Data(mutant).write(to: inbox.appendingPathComponent(name))
                names.append(name)
            }
        }
        var settings = Settings.defaults
        settings.inbox = inbox.path
        settings.out = out.path
        settings.workers = 2
        settings.stableSeconds = 0
        let pipeline = try Pipeline.load(path: TestSupport.pipelines.appendingPathComponent("default.yaml").path)
        let summary = try await BatchRunner(settings: settings, pipeline: pipeline, logger: Logger(label: "test")).run()
        #expect(summary.total == names.count)
        let records = try BatchRunnerTests.records(in: out)
        #expect(Set(records.keys) == Set(names))
        #expect(try FileManager.default.contentsOfDirectory(atPath: inbox.path).isEmpty)
    }
}
