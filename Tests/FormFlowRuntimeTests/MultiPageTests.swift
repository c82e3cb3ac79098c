import FormFlowCore
import FormFlowExtraction
import FormFlowOCR
import FormFlowTestSupport
import Foundation
import Testing

@testable import FormFlowRuntime

/// Every page of a file is accounted for: the form page is read, pages that are no form (receipts
/// pasted on paper) are listed as attachments, nothing is ignored silently.
@Suite("Multi-page TIFF: every page classified and accounted for in the record", .serialized)
struct MultiPageTests {
    /// A receipt-like page: a few lines of strokes on paper, no ruled box, no form title.
    static func receipt(seed: Int) throws -> PageImage {
        let width = 1240
        let height = 1754
        var pixels = [UInt8](repeating: 250, count: width * height)
        var generator = seed
        for line in 0..<12 {
            let y = 200 + line * 90
            var x = 150
            while x < 900 {
                generator = (generator &* 1_103_515_245 &+ 12345) & 0x7FFF_FFFF
                let stroke = 12 + generator % 30
                for dy in 0..<30 {
                    for dx in 0..<stroke where x + dx < width { pixels[(y + dy) * width + x + dx] = 30 }
                }
                x += stroke + 10 + generator % 25
            }
        }
        return try PageImage(gray: GrayImage(width: width, height: height, pixels: pixels), dpi: 150)
    }

    static func process(_ pages: [PageImage], name: String) throws -> DocumentRecord {
        let folder = try TestSupport.scratchFolder("multipage")
        let file = folder.appendingPathComponent(name)
        try Data(try PageImage.multipageTIFF(pages)).write(to: file)
        let pipeline = try Pipeline.load(path: TestSupport.pipelines.appendingPathComponent("default.yaml").path)
        let processor = try DocumentProcessor(pipeline: pipeline, settings: Settings.defaults)
        return try processor.process(file: file, name: name, batch: "test").record
    }

    @Test("a claim followed by two receipts: the claim is read, pages 2 and 3 are listed as attachments")
    func formThenReceipts() throws {
        let claim = try ImageLoader().load(path: TestSupport.sample("expense_claim-001-000.png").path)[0]
        let record = try Self.process(
            [claim, try Self.receipt(seed: 1), try Self.receipt(seed: 2)], name: "claim+2.tif")
        #expect(record.pages == 3)
        #expect(record.form == .expenseClaim)
        #expect(record.formPage == 1)
        #expect(record.attachedPages == [2, 3])
        #expect(record.fields["claim_no"] != nil)
    }

    @Test("a receipt first, the invoice on page 2: the invoice is found and read, pages 1 and 3 are attachments")
    func formInTheMiddle() throws {
        let invoice = try ImageLoader().load(path: TestSupport.sample("vat_invoice-001-000.png").path)[0]
        let record = try Self.process(
            [try Self.receipt(seed: 3), invoice, try Self.receipt(seed: 4)], name: "r+invoice+r.tif")
        #expect(record.pages == 3)
        #expect(record.form == .vatInvoice)
        #expect(record.formPage == 2)
        #expect(record.attachedPages == [1, 3])
    }

    @Test("inspect takes the run's path: the invoice on page 2 is found there, read to the run's values")
    func inspectionFollowsTheRun() throws {
        let invoice = try ImageLoader().load(path: TestSupport.sample("vat_invoice-001-000.png").path)[0]
        let pages = [try Self.receipt(seed: 5), invoice]
        let record = try Self.process(pages, name: "r+invoice.tif")
        let file = try TestSupport.scratchFolder("inspect").appendingPathComponent("r+invoice.tif")
        try Data(try PageImage.multipageTIFF(pages)).write(to: file)
        let pipeline = try Pipeline.load(path: TestSupport.pipelines.appendingPathComponent("default.yaml").path)
        let inspection = try DocumentProcessor(pipeline: pipeline, settings: Settings.defaults).inspect(file: file)
        #expect(inspection.template?.form == .vatInvoice)
        #expect(inspection.pageNumber == 2 && inspection.pageCount == 2)
        let extraction = try #require(inspection.extraction)
        for name in ["invoice_code", "invoice_no", "amount", "total"] {
            #expect(extraction.readings[name]?.value?.text == record.fields[name]?.text, "\(name)")
        }
    }

    @Test("a claim, a receipt and an invoice: the second form is found by its box too, and the file goes to an operator")
    func twoForms() throws {
        let claim = try ImageLoader().load(path: TestSupport.sample("expense_claim-001-000.png").path)[0]
        let invoice = try ImageLoader().load(path: TestSupport.sample("vat_invoice-001-000.png").path)[0]
        let record = try Self.process([claim, try Self.receipt(seed: 8), invoice], name: "claim+r+invoice.tif")
        #expect(record.pages == 3)
        #expect(record.form == .expenseClaim)
        #expect(record.formPage == 1)
        #expect(record.attachedPages == [2])
        #expect(record.status == .exception)
        #expect(record.violations.contains { $0.rule == "several_forms" && $0.message.contains("pages 1, 3") })
    }

    @Test("three receipts and no form: unknown_form naming every page, no page ignored")
    func noForm() throws {
        let record = try Self.process(
            [try Self.receipt(seed: 5), try Self.receipt(seed: 6), try Self.receipt(seed: 7)], name: "receipts.tif")
        #expect(record.pages == 3)
        #expect(record.form == nil)
        #expect(record.violations.map(\.rule) == ["unknown_form"])
        #expect(record.violations.first?.message.contains("none of the 3 pages") == true)
    }
}

/// A red VAT invoice scanned in black and white (CCITT G4, 200 dpi, made by tools/make_scans.py): the
/// scanner's threshold dropped the whole printed form, title, labels and box, and kept the black values;
/// two receipts follow it. The page is registered by where its values stand.
@Suite("A form whose print the scan lost: registered by its values")
struct FormlessPageTests {
    @Test("the values alone find the invoice and every field is read")
    func redInvoiceInBlackAndWhite() throws {
        let folder = try TestSupport.scratchFolder("formless")
        let name = "red-invoice-bw-g4.tif"
        let file = folder.appendingPathComponent(name)
        try FileManager.default.copyItem(
            at: TestSupport.packageRoot.appendingPathComponent("Tests/Fixtures/\(name)"), to: file)
        let pipeline = try Pipeline.load(path: TestSupport.pipelines.appendingPathComponent("default.yaml").path)
        let record = try DocumentProcessor(pipeline: pipeline, settings: Settings.defaults)
            .process(file: file, name: name, batch: "test").record
        try? FileManager.default.removeItem(at: folder)
        #expect(record.form == .vatInvoice)
        #expect(record.formPage == 1 && record.attachedPages == [2, 3])
        #expect(record.preparation?.contains { $0.contains("registered by where") } == true)
        #expect(record.fields["invoice_code"]?.text == "068739757080")
        #expect(record.fields["issue_date"]?.text == "2026-07-27")
        #expect(record.fields["seller_tax_id"]?.text == "91110105EG438AF2BU")
        #expect(record.fields["total"]?.text == "20858.50")
        // Read with the same care as any page: a value no judge confirmed would make it an exception.
        #expect(record.status == .accepted, "\(record.violations.map(\.message))")
    }
}
