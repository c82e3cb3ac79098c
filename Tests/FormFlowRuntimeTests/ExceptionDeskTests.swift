import FormFlowCore
import FormFlowTestSupport
import Foundation
import Testing

@testable import FormFlowRuntime

@Suite("Operators fix, requeue and reject exceptions; every action is audited")
struct ExceptionDeskTests {
    static func setUp() throws -> (ExceptionDesk, URL) {
        let root = try TestSupport.scratchFolder("desk")
        var settings = Settings.defaults
        settings.inbox = root.appendingPathComponent("inbox").path
        settings.out = root.appendingPathComponent("out").path
        try FileManager.default.createDirectory(atPath: settings.inbox, withIntermediateDirectories: true)
        let exceptions = root.appendingPathComponent("out/exceptions")
        try FileManager.default.createDirectory(at: exceptions, withIntermediateDirectories: true)
        for (name, claim) in [("a.png", "BX20260000001"), ("b.png", "BX20260000001"), ("c.png", "BX20260000003")] {
            let record = DocumentRecord(
                document: name, sha256: "sha-\(name)", form: .expenseClaim, status: .exception,
                fields: [
                    "claim_no": .text(claim), "date": .text("2026-08-07"), "claimant": .text("何禾"), "department": .text("财务部"),
                    "total": .text("10.00"), "total_in_words": .text("壹拾元整"), "attachments": .integer(1),
                    "id_number": .text("11010519491231002X"), "bank_account": .text("6222026197192206181"),
                    "items": .rows([["category": .text("交通费"), "amount": .text("10.00"), "receipts": .integer(1)]]),
                ],
                violations: [Violation(rule: "uncertain_field", message: "not confirmed: claimant", fields: ["claimant"])],
                batch: "b1", pipeline: "default@1",
                evidence: ["claimant": FieldEvidence(raw: "何禾", confidence: 27, box: nil, uncertain: true)],
                processedAt: "2026-11-23T00:00:00Z")
            let encoder = JSONEncoder()
            try encoder.encode(record).write(to: exceptions.appendingPathComponent(name + ".json"))
            try Data([1, 2, 3]).write(to: exceptions.appendingPathComponent(name))
        }
        let pipeline = try Pipeline.load(path: TestSupport.pipelines.appendingPathComponent("default.yaml").path)
        return (try ExceptionDesk(settings: settings, pipeline: pipeline, operatorName: "李会计"), root)
    }

    @Test("a fix that clears every rule accepts; the same claim fixed again is a duplicate")
    func fix() throws {
        let (desk, root) = try Self.setUp()
        #expect(try desk.list().count == 3)
        #expect(try desk.fix("a.png", assignments: ["claimant=何敏"], reason: "read from the paper").status == .accepted)
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("out/accepted/a.png.json").path))
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("out/archive/b1/a.png").path))
        let again = try desk.fix("b.png", assignments: ["claimant=何敏"], reason: "read from the paper")
        #expect(again.status == .exception && again.violations.map(\.rule) == ["duplicate"])
        let wrong = try desk.fix("c.png", assignments: ["claimant=何敏", "items[0].amount=11.00"], reason: "typo")
        #expect(wrong.violations.map(\.rule) == ["sum_mismatch"])
        let audit = try String(contentsOf: root.appendingPathComponent("out/state/audit.log"), encoding: .utf8)
        #expect(audit.contains("李会计") && audit.contains("何禾 → 何敏") && audit.contains("items[0].amount: 10.00 → 11.00"))
        #expect(throws: ExceptionDesk.DeskError.self) { try desk.fix("c.png", assignments: ["colour=red"], reason: "x") }
    }

    @Test("requeue returns the original to the inbox; reject keeps it in rejected/")
    func requeueAndReject() throws {
        let (desk, root) = try Self.setUp()
        try desk.requeue("a.png", reason: "template fixed")
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("inbox/a.png").path))
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("out/exceptions/a.png.json").path))
        try desk.reject("b.png", reason: "not ours")
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("out/rejected/b.png").path))
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("out/rejected/b.png.json").path))
        #expect(try desk.list().map(\.record.document) == ["c.png"])
    }
}
