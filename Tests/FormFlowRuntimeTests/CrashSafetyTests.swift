import FormFlowCore
import FormFlowLedger
import FormFlowRouting
import FormFlowTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Nothing lost: kill -9 at random points, overlapping runs", .serialized)
struct CrashSafetyTests {
    static let scans = [
        "expense_claim-001-000.png", "expense_claim-001-001.png", "expense_claim-002-000.jpg", "expense_claim-002-005.jpg",
        "vat_invoice-001-000.png", "vat_invoice-001-011.png", "vat_invoice-002-001.tif", "vat_invoice-002-005.tif",
        "not_a_form-letter.jpg", "expense_claim-001-011.png", "vat_invoice-001-003.png", "expense_claim-041-000.tif",
    ]

    /// An inbox of copies (some twice, under other names: same content), a config with no stability wait.
    static func setUp() throws -> (root: URL, config: URL) {
        let root = try TestSupport.scratchFolder("crash")
        let inbox = root.appendingPathComponent("inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        for scan in scans {
            try FileManager.default.copyItem(at: TestSupport.sample(scan), to: inbox.appendingPathComponent(scan))
        }
        try FileManager.default.copyItem(
            at: TestSupport.sample("vat_invoice-001-000.png"), to: inbox.appendingPathComponent("copy of invoice.png"))
        try Data().write(to: inbox.appendingPathComponent("empty.jpg"))
        return (root, try writeConfig(in: root, inbox: inbox))
    }

    /// `<root>/formflow.yaml`: the default pipeline, `inbox`, output in `<root>/out`, 2 workers, no stability wait.
    static func writeConfig(in root: URL, inbox: URL) throws -> URL {
        let config = root.appendingPathComponent("formflow.yaml")
        try """
            pipeline: \(TestSupport.pipelines.appendingPathComponent("default.yaml").path)
            inbox: \(inbox.path)
            out: \(root.appendingPathComponent("out").path)
            workers: 2
            stable_seconds: 0
            """.write(to: config, atomically: true, encoding: .utf8)
        return config
    }

    static func startRun(config: URL) throws -> Process {
        let process = Process()
        process.executableURL = try TestSupport.formflowExecutable()
        process.arguments = ["run", "--config", config.path, "--quiet"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Starts `times` runs one after another and kills each with SIGKILL after a random wait (µs).
    static func killRuns(config: URL, times: Int, within wait: ClosedRange<UInt32>) throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<times {
            let process = try startRun(config: config)
            usleep(UInt32.random(in: wait, using: &generator))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Every input name → the folders its records are in.
    static func recordsByDocument(_ out: URL) throws -> [String: [String]] {
        var found: [String: [String]] = [:]
        for folder in ["accepted", "exceptions", "quarantine"] {
            let url = out.appendingPathComponent(folder)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? [] where name.hasSuffix(".json") {
                let data = try Data(contentsOf: url.appendingPathComponent(name))
                guard let record = try JSONSerialization.jsonObject(with: data) as? [String: Any],
                    let document = record["document"] as? String
                else { continue }
                found[document, default: []].append(folder)
            }
        }
        return found
    }

    @Test("runs killed with SIGKILL at random points, then rerun: every file has exactly one record")
    func killAndRerun() throws {
        let (root, config) = try Self.setUp()
        try Self.killRuns(config: config, times: 4, within: 300_000...2_500_000)
        let final = try Self.startRun(config: config)
        final.waitUntilExit()
        #expect(final.terminationStatus == 0)

        let out = root.appendingPathComponent("out")
        let records = try Self.recordsByDocument(out)
        let expected = Set(Self.scans + ["copy of invoice.png", "empty.jpg"])
        #expect(Set(records.keys) == expected)
        for (document, folders) in records {
            #expect(folders.count == 1, "\(document) has records in \(folders)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("inbox").path).isEmpty)
        let processing = out.appendingPathComponent("state/processing")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: processing.path)) ?? []).isEmpty)
        // The copy under another name is recognised by its content.
        let copy = try #require(records["copy of invoice.png"])
        #expect(copy == ["exceptions"])
        // The audit chain survived the kills.
        let audit = try TestSupport.runFormFlow(["audit", "verify", "--log", out.appendingPathComponent("state/audit.log").path])
        #expect(audit.status == 0, "\(audit.output)")
    }

    /// The state a run killed between deciding a refused entry and moving it leaves: its quarantine
    /// decision in the ledger (no content, so no SHA-256), the entry still in the processing area, and,
    /// when the move crossed file systems, perhaps its copy already in quarantine.
    @Test(
        "a refused entry decided but not moved by a killed run gets exactly one record on the next run",
        arguments: [false, true])
    func refusedEntryDecidedButNotMoved(copiedBeforeTheKill: Bool) throws {
        let root = try TestSupport.scratchFolder("crash-refused")
        let inbox = root.appendingPathComponent("inbox")
        let state = root.appendingPathComponent("out/state")
        let taken = state.appendingPathComponent("processing/0f0e0d0c/a folder")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: taken, withIntermediateDirectories: true)
        let ledger = try SQLiteLedger(path: state.appendingPathComponent("ledger.sqlite").path)
        try ledger.finish(
            DocumentRecord(
                document: "a folder", sha256: "", form: nil, status: .quarantine,
                reason: "a folder, not a scan: put its files into the inbox one by one", batch: "20261206-000000-killed",
                pipeline: "-", processedAt: "2026-12-06T00:00:00Z"))
        if copiedBeforeTheKill {
            try FileManager.default.createDirectory(
                at: root.appendingPathComponent("out/quarantine/a folder"), withIntermediateDirectories: true)
        }
        let config = try Self.writeConfig(in: root, inbox: inbox)
        let run = try TestSupport.runFormFlow(["run", "--config", config.path, "--quiet"])
        #expect(run.status == 0, "\(run.error)")
        let records = try Self.recordsByDocument(root.appendingPathComponent("out"))
        #expect(records == ["a folder": ["quarantine"]])
        let quarantine = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("out/quarantine").path)
        #expect(Set(quarantine) == ["a folder", "a folder.json", "a folder.reason.txt"])
    }

    /// A second document of a name already in `exceptions/` is delivered as `<name>~<hash>`. A run killed
    /// (or a disk that filled up) between its move and its record leaves that original without a record;
    /// the next run writes it there, not beside the first document's.
    @Test("a record missing beside an original delivered under a disambiguated name is written there")
    func missingRecordUnderDisambiguatedName() throws {
        let root = try TestSupport.scratchFolder("crash-renamed")
        let inbox = root.appendingPathComponent("inbox")
        let exceptions = root.appendingPathComponent("out/exceptions")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: exceptions, withIntermediateDirectories: true)
        func record(sha: String, batch: String) -> DocumentRecord {
            DocumentRecord(
                document: "invoice.png", sha256: sha, form: .vatInvoice, status: .exception,
                violations: [Violation(rule: "uncertain_field", message: "not confirmed: seller_name")], batch: batch,
                pipeline: "default", processedAt: "2026-12-06T00:00:00Z")
        }
        let first = record(sha: String(repeating: "a", count: 64), batch: "20261205-000000-first")
        let second = record(sha: String(repeating: "b", count: 64), batch: "20261206-000000-killed")
        // The first document, delivered whole; the second's original in place under its other name.
        try Data("first".utf8).write(to: exceptions.appendingPathComponent("invoice.png"))
        try JSONEncoder().encode(first).write(to: exceptions.appendingPathComponent("invoice.png.json"))
        let renamed = OutputFolders.disambiguated("invoice.png", sha256: second.sha256)
        try Data("second".utf8).write(to: exceptions.appendingPathComponent(renamed))
        let ledger = try SQLiteLedger(path: root.appendingPathComponent("out/state/ledger.sqlite").path)
        try ledger.finish(first)
        try ledger.markDelivered(document: first.document, batch: first.batch)
        try ledger.finish(second)

        let config = try Self.writeConfig(in: root, inbox: inbox)
        let run = try TestSupport.runFormFlow(["run", "--config", config.path, "--quiet"])
        #expect(run.status == 0, "\(run.error)")
        let written = try Data(contentsOf: exceptions.appendingPathComponent(renamed + ".json"))
        #expect(try JSONDecoder().decode(DocumentRecord.self, from: written).sha256 == second.sha256)
        let kept = try Data(contentsOf: exceptions.appendingPathComponent("invoice.png.json"))
        #expect(try JSONDecoder().decode(DocumentRecord.self, from: kept).sha256 == first.sha256)
        #expect(try ledger.undelivered().isEmpty)
    }

    @Test("two runs started at the same moment: one drains, the other exits 75 without touching anything")
    func overlappingRuns() throws {
        let (root, config) = try Self.setUp()
        let first = try Self.startRun(config: config)
        let second = try Self.startRun(config: config)
        first.waitUntilExit()
        second.waitUntilExit()
        #expect(Set([first.terminationStatus, second.terminationStatus]) == [0, 75])
        let records = try Self.recordsByDocument(root.appendingPathComponent("out"))
        #expect(records.count == Self.scans.count + 2)
        #expect(records.values.allSatisfy { $0.count == 1 })
    }
}
