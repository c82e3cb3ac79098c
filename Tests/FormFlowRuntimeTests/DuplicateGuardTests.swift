import FormFlowCore
import FormFlowLedger
import FormFlowTestSupport
import Foundation
import Testing

@testable import FormFlowRuntime

@Suite("Duplicates: by number, and by what the document says when its number was read otherwise")
struct DuplicateGuardTests {
    let guardian: DuplicateGuard

    init() throws {
        let pipeline = try Pipeline.load(path: TestSupport.pipelines.appendingPathComponent("default.yaml").path)
        let ledger = try SQLiteLedger(path: try TestSupport.scratchFolder("duplicates").appendingPathComponent("ledger.sqlite").path)
        guardian = DuplicateGuard(rules: pipeline.rules, ledger: ledger)
    }

    /// An invoice as read: `code` and `uncertain` vary between copies, the rest is the same invoice.
    func invoice(_ document: String, code: String, status: DocumentStatus = .accepted, uncertain: Set<String> = []) -> DocumentRecord {
        let fields: [String: FieldValue] = [
            "invoice_code": .text(code), "invoice_no": .text("98990323"), "seller_tax_id": .text("91310115MA1H8XYZ7Q"),
            "issue_date": .text("2026-08-25"), "total": .text("44054.31"),
        ]
        return DocumentRecord(
            document: document, sha256: document, form: .vatInvoice, status: status, fields: fields, batch: "b", pipeline: "p",
            evidence: Dictionary(uniqueKeysWithValues: fields.keys.map { ($0, FieldEvidence(raw: "", confidence: 90, box: nil, uncertain: uncertain.contains($0))) }),
            processedAt: "now")
    }

    func rules(_ record: DocumentRecord) -> [String] { record.violations.map(\.rule) }

    @Test("a copy whose code was read one figure otherwise is a duplicate of the accepted invoice")
    func misreadCode() throws {
        var photo = invoice("photo.jpg", code: "096939594744")
        try guardian.apply(to: &photo)
        #expect(photo.status == .accepted)
        var fax = invoice("fax.tif", code: "096939591744")  // the fax's thin 4 read 1 by every reader
        try guardian.apply(to: &fax)
        #expect(fax.status == .exception)
        #expect(rules(fax) == ["duplicate"])
        #expect(fax.violations.first?.message.contains("photo.jpg") == true)
    }

    @Test("the copy waiting for an operator holds what it says: a later clean copy is not accepted")
    func pendingCopyFirst() throws {
        var fax = invoice("fax.tif", code: "096939591744", status: .exception, uncertain: ["invoice_code"])
        try guardian.apply(to: &fax)
        #expect(rules(fax).isEmpty)
        var photo = invoice("photo.jpg", code: "096939594744")
        try guardian.apply(to: &photo)
        #expect(photo.status == .exception)
        #expect(rules(photo) == ["duplicate"])
        #expect(photo.violations.first?.message.contains("waiting for review") == true)
    }

    @Test("an exact copy is named a duplicate once, and a copy that is a duplicate claims no key")
    func exactCopy() throws {
        var first = invoice("first.png", code: "096939594744")
        try guardian.apply(to: &first)
        var again = invoice("again.png", code: "096939594744")
        try guardian.apply(to: &again)
        #expect(rules(again) == ["duplicate"])
        // Another invoice of the same seller, date and total, with its own number: an operator decides.
        var other = invoice("other.png", code: "044031900111")
        try guardian.apply(to: &other)
        #expect(rules(other) == ["duplicate"])
        #expect(other.violations.first?.message.contains("first.png") == true)
    }
}
