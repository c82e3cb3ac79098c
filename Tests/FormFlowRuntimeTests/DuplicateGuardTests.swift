import FormFlowCore
import FormFlowLedger
import FormFlowRouting
import FormFlowTestSupport
import Foundation
import Testing

@testable import FormFlowRuntime

@Suite("Duplicates: by number, and by what the document says when its number was read otherwise")
struct DuplicateGuardTests {
    let guardian: DuplicateGuard

    init() throws {
        let pipeline = try Pipeline.load(path: TestSupport.pipelines.appendingPathComponent("default.yaml").path)
        let ledger = try SQLiteLedger(
            path: try TestSupport.scratchFolder("duplicates").appendingPathComponent("ledger.sqlite").path)
        guardian = DuplicateGuard(rules: pipeline.rules, ledger: ledger)
    }

    /// An invoice as read: `code` and `uncertain` vary between copies, the rest is the same invoice.
    func invoice(_ document: String, code: String, status: DocumentStatus = .accepted, uncertain: Set<String> = [])
        -> DocumentRecord
    {
        let fields: [String: FieldValue] = [
            "invoice_code": .text(code), "invoice_no": .text("98990323"), "seller_tax_id": .text("91310115MA1H8XYZ7Q"),
            "issue_date": .text("2026-08-25"), "total": .text("44054.31"),
        ]
        return DocumentRecord(
            document: document, sha256: document, form: .vatInvoice, status: status, fields: fields, batch: "b",
            pipeline: "p",
            evidence: Dictionary(
                uniqueKeysWithValues: fields.keys.map {
                    ($0, FieldEvidence(raw: "", confidence: 90, box: nil, uncertain: uncertain.contains($0)))
                }),
            processedAt: "now")
    }

    func rules(_ record: DocumentRecord) -> [String] { record.violations.map(\.rule) }

    /// A guard with its own ledger and output folders, where waiting copies are delivered and marked.
    struct Desk {
        let folder: URL
        let outputs: OutputFolders
        let ledger: SQLiteLedger
        let guardian: DuplicateGuard

        init(_ name: String) throws {
            folder = try TestSupport.scratchFolder(name)
            outputs = OutputFolders(root: folder.appendingPathComponent("out"))
            ledger = try SQLiteLedger(path: folder.appendingPathComponent("ledger.sqlite").path)
            let pipeline = try Pipeline.load(path: TestSupport.pipelines.appendingPathComponent("default.yaml").path)
            guardian = DuplicateGuard(rules: pipeline.rules, ledger: ledger)
        }

        /// Delivers a waiting copy into the exceptions folder, as a batch does.
        func deliver(_ record: DocumentRecord) throws {
            let original = folder.appendingPathComponent("processing/\(record.document)")
            try FileManager.default.createDirectory(
                at: original.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(record.document.utf8).write(to: original)
            _ = try outputs.deliver(record, original: original)
        }

        var marker: DuplicateMarker {
            DuplicateMarker(
                outputs: outputs, ledger: ledger, audit: AuditLog(path: folder.appendingPathComponent("audit.log").path)
            )
        }
    }

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

    @Test("a clean copy is accepted though an earlier one waits for an operator, and that one becomes its duplicate")
    func pendingCopyFirst() throws {
        let desk = try Desk("superseded")
        let guardian = desk.guardian
        // The fax first: its code read for sure, its total not; it waits for an operator, in exceptions.
        var fax = invoice("fax.tif", code: "096939594744", status: .exception, uncertain: ["total"])
        fax.violations = [Violation(rule: "uncertain_field", message: "not confirmed: total", fields: ["total"])]
        #expect(try guardian.apply(to: &fax).isEmpty)
        try desk.deliver(fax)

        var photo = invoice("photo.jpg", code: "096939594744")
        let superseded = try guardian.apply(to: &photo)
        #expect(photo.status == .accepted)
        #expect(superseded.map(\.waiting.document) == ["fax.tif"])

        let copy = try #require(superseded.first)
        let marked = try #require(try desk.marker.mark(copy))
        #expect(rules(marked) == ["uncertain_field", "duplicate"])
        #expect(marked.status == .exception)
        let exceptions = desk.outputs.folder(for: .exception)
        let onDisk = try JSONDecoder().decode(
            DocumentRecord.self, from: Data(contentsOf: exceptions.appendingPathComponent("fax.tif.json")))
        #expect(rules(onDisk) == ["uncertain_field", "duplicate"])
        let reason = try String(contentsOf: exceptions.appendingPathComponent("fax.tif.reason.txt"), encoding: .utf8)
        #expect(reason.contains("photo.jpg") && reason.contains("duplicate"))
        // Marked once: a second acceptance of the same content changes nothing more.
        let again = try #require(try desk.marker.mark(copy))
        #expect(rules(again) == ["uncertain_field", "duplicate"])
        // A third copy meets the accepted one.
        var third = invoice("third.png", code: "096939594744")
        try guardian.apply(to: &third)
        #expect(rules(third) == ["duplicate"])
        #expect(third.violations.first?.message.contains("photo.jpg") == true)
    }

    @Test("a copy whose code and total were misread is a duplicate by its seller, number and date")
    func misreadCodeAndTotal() throws {
        var photo = invoice("photo.jpg", code: "096939594744")
        try guardian.apply(to: &photo)
        #expect(photo.status == .accepted)
        // The fax: its thin 4 read 1 in the code, its total under a seal read otherwise and uncertain.
        var fax = invoice("fax.tif", code: "096939591744", status: .exception, uncertain: ["total"])
        fax.fields["total"] = .text("4405.14")
        try guardian.apply(to: &fax)
        #expect(rules(fax) == ["duplicate"])
        #expect(fax.violations.first?.message.contains("photo.jpg") == true)
        // Another invoice of the seller that day, its own number: no duplicate.
        var other = invoice("other.png", code: "044031900111")
        other.fields["invoice_no"] = .text("98990324")
        other.fields["total"] = .text("120.00")
        try guardian.apply(to: &other)
        #expect(other.status == .accepted)
        #expect(rules(other).isEmpty)
    }

    @Test("a waiting copy whose keys were none read for sure is still superseded by a clean copy accepted later")
    func uncertainWaitingCopy() throws {
        let every: Set<String> = ["invoice_code", "invoice_no", "seller_tax_id", "issue_date", "total"]
        var fax = invoice("fax.tif", code: "096939594744", status: .exception, uncertain: every)
        #expect(try guardian.apply(to: &fax).isEmpty)
        #expect(rules(fax).isEmpty)
        var photo = invoice("photo.jpg", code: "096939594744")
        let superseded = try guardian.apply(to: &photo)
        #expect(photo.status == .accepted)
        #expect(superseded.map(\.waiting.document) == ["fax.tif"])
    }

    @Test(
        "three copies waiting, two of which share no key: the one that links them marks the second a duplicate of the first"
    )
    func linkedWaitingCopies() throws {
        let desk = try Desk("linked")
        let guardian = desk.guardian
        func copy(_ document: String, code: String, number: String, total: String) -> DocumentRecord {
            var copy = invoice(document, code: code, status: .exception, uncertain: ["seller_tax_id"])
            copy.fields["invoice_no"] = .text(number)
            copy.fields["total"] = .text(total)
            copy.violations = [
                Violation(rule: "uncertain_field", message: "not confirmed: seller_tax_id", fields: ["seller_tax_id"])
            ]
            return copy
        }
        // The fax: its code and number read, its total misread. The scan: its code and number misread, its
        // total read. They share no key.
        var fax = copy("fax.tif", code: "096939594744", number: "98990323", total: "4405.14")
        #expect(try guardian.apply(to: &fax).isEmpty)
        try desk.deliver(fax)
        var scan = copy("scan.png", code: "096939591744", number: "98990828", total: "44054.31")
        #expect(try guardian.apply(to: &scan).isEmpty)
        try desk.deliver(scan)
        #expect(rules(fax) == ["uncertain_field"] && rules(scan) == ["uncertain_field"])
        // The photo has the fax's code and number and the scan's total.
        var photo = copy("photo.jpg", code: "096939594744", number: "98990323", total: "44054.31")
        let linked = try guardian.apply(to: &photo)
        #expect(rules(photo) == ["uncertain_field", "duplicate"])
        #expect(linked.map(\.waiting.document) == ["scan.png"])
        #expect(linked.first?.acceptedAs == "fax.tif")
        let scanCopy = try #require(linked.first)
        let marked = try #require(try desk.marker.mark(scanCopy))
        #expect(rules(marked) == ["uncertain_field", "duplicate"])
        #expect(marked.violations.last?.message.contains("fax.tif") == true)
        #expect(marked.violations.last?.message.contains("photo.jpg") == true)
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
