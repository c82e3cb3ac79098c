import FormFlowCore
import FormFlowTestSupport
import Foundation
import Logging
import Testing

@testable import FormFlowRuntime

@Suite("formflow run drains an inbox: one record per file")
struct BatchRunnerTests {
    static func makeInbox(scans: [String], extra: [String: [UInt8]]) throws -> (inbox: URL, out: URL) {
        let root = try TestSupport.scratchFolder("formflow-run")
        let inbox = root.appendingPathComponent("inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        for scan in scans {
            try FileManager.default.copyItem(at: TestSupport.sample(scan), to: inbox.appendingPathComponent(scan))
        }
        for (name, bytes) in extra {
            try Data(bytes).write(to: inbox.appendingPathComponent(name))
        }
        return (inbox, root.appendingPathComponent("out"))
    }

    static func records(in out: URL) throws -> [String: (status: String, record: [String: Any])] {
        var result: [String: (String, [String: Any])] = [:]
        for status in ["accepted", "exceptions", "quarantine"] {
            let folder = out.appendingPathComponent(status)
            for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".json") {
                let data = try Data(contentsOf: folder.appendingPathComponent(name))
                let record = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
                let document = try #require(record["document"] as? String)
                #expect(result[document] == nil, "two records for \(document)")
                result[document] = (status, record)
            }
        }
        return result
    }

    @Test("good scans, a non-form and broken files each end in exactly one place")
    func mixedInbox() async throws {
        let truncated = try BadFiles.truncated(TestSupport.sample("vat_invoice-001-001.png"), keeping: 0.3)
        let (inbox, out) = try Self.makeInbox(
            scans: ["expense_claim-001-000.png", "vat_invoice-002-000.tif", "not_a_form-letter.jpg"],
            extra: [
                "empty.png": [], "notes.png": Array("not an image at all\n".utf8), "cut.png": truncated,
                "huge.png": BadFiles.pngHeader(width: 30_000, height: 30_000), ".hidden.png": [1, 2, 3],
            ])
        var settings = Settings.defaults
        settings.inbox = inbox.path
        settings.out = out.path
        settings.workers = 2
        let pipeline = try Pipeline.load(path: TestSupport.pipelines.appendingPathComponent("default.yaml").path)
        let summary = try await BatchRunner(settings: settings, pipeline: pipeline, logger: Logger(label: "test")).run()

        #expect(summary.total == 7)
        let records = try Self.records(in: out)
        #expect(Set(records.keys) == [
            "expense_claim-001-000.png", "vat_invoice-002-000.tif", "not_a_form-letter.jpg", "empty.png", "notes.png",
            "cut.png", "huge.png",
        ])
        #expect(records["expense_claim-001-000.png"]?.record["form"] as? String == "expense_claim")
        #expect(records["vat_invoice-002-000.tif"]?.record["form"] as? String == "vat_invoice")
        let letter = try #require(records["not_a_form-letter.jpg"])
        #expect(letter.status == "exceptions")
        #expect(letter.record["form"] is NSNull)
        let rules = (letter.record["violations"] as? [[String: Any]])?.compactMap { $0["rule"] as? String }
        #expect(rules == ["unknown_form"])
        for broken in ["empty.png", "notes.png", "cut.png", "huge.png"] {
            let entry = try #require(records[broken])
            #expect(entry.status == "quarantine", "\(broken) went to \(entry.status)")
            #expect((entry.record["reason"] as? String)?.isEmpty == false)
            // The original is kept beside its quarantine record.
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("quarantine/\(broken)").path))
        }
        // The inbox keeps only what was not taken: the hidden file.
        #expect(try FileManager.default.contentsOfDirectory(atPath: inbox.path) == [".hidden.png"])

        // The batch report times every stage, routing included (which the records cannot hold).
        let report = out.appendingPathComponent("reports/batch-\(summary.batch).json")
        let written = try JSONDecoder().decode(BatchSummary.self, from: Data(contentsOf: report))
        for stage in ["load", "normalise", "classify", "extract", "ocr", "validate", "route"] {
            let timing = try #require(written.stages[stage], "no timing for \(stage)")
            let mean = try #require(timing["mean_ms"])
            let slowest = try #require(timing["p95_ms"])
            #expect(mean >= 0 && mean <= slowest * 2, "\(stage): \(timing)")
        }
        #expect(try #require(written.stages["route"]?["mean_ms"]) > 0)
        // The run's own peak memory: a process that has read scans holds tens of MB, not none, nor GBs.
        let peak = try #require(written.peakResidentMegabytes)
        #expect(peak > 20 && peak < 4_000, "peak \(peak) MB")
    }
}

@Suite("Personal data stays masked outside result records")
struct MaskingInRunTests {
    @Test("logs and reason files of a run hold no full ID or bank number that a record holds")
    func logsAreMasked() async throws {
        let (inbox, out) = try BatchRunnerTests.makeInbox(
            scans: ["expense_claim-001-000.png", "expense_claim-002-004.jpg", "expense_claim-001-004.png"], extra: [:])
        var settings = Settings.defaults
        settings.inbox = inbox.path
        settings.out = out.path
        settings.workers = 1
        let pipeline = try Pipeline.load(path: TestSupport.pipelines.appendingPathComponent("default.yaml").path)
        let log = CapturingLog()
        _ = try await BatchRunner(settings: settings, pipeline: pipeline, logger: log.logger()).run()

        let records = try BatchRunnerTests.records(in: out)
        var secrets: [String] = []
        for (_, entry) in records {
            let fields = entry.record["fields"] as? [String: Any] ?? [:]
            for name in ["id_number", "bank_account"] {
                if let value = fields[name] as? String, value.count >= 15 { secrets.append(value) }
            }
        }
        #expect(secrets.count >= 4, "the scans' IDs and bank numbers were not read: \(secrets.count)")
        #expect(!log.lines.isEmpty)
        var texts = log.lines
        for folder in ["exceptions", "quarantine"] {
            let url = out.appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: url.path) where name.hasSuffix(".reason.txt") {
                texts.append(try String(contentsOf: url.appendingPathComponent(name), encoding: .utf8))
            }
        }
        texts.append(try String(contentsOf: out.appendingPathComponent("state/audit.log"), encoding: .utf8))
        for secret in secrets {
            for text in texts {
                #expect(!text.contains(secret), "an unmasked personal number appears in: \(text.prefix(200))")
            }
        }
        // Result records are not world-readable.
        for (_, entry) in records {
            let path = out.appendingPathComponent(entry.status).appendingPathComponent("\(entry.record["document"]!).json").path
            let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(permissions.map { $0 & 0o007 } == 0)
        }
    }
}
