import FormFlowCore
import FormFlowTestSupport
import Foundation
import Testing

@testable import FormFlowExtraction

/// A page whose text is exact (a PDF's text layer) read through the pipeline's templates: recognised,
/// registered by its labels and read zone by zone like a scan.
@Suite("Text layer read through the templates")
struct TextLayerReaderTests {
    static let templates: [FormTemplate] = ["expense_claim", "vat_invoice", "einvoice_older", "einvoice_digital"].map {
        try! FormTemplate.load(path: TestSupport.pipelines.appendingPathComponent("templates/\($0).yaml").path)
    }
    let reader = TextLayerReader(templates: Self.templates)

    /// The fixture's runs (millimetres) as a text layer at the templates' 300 dpi, moved by `shift` mm.
    func page(_ runs: [EInvoiceFixtures.Run], shift: (x: Double, y: Double) = (0, 0)) -> TextLayerPage {
        let perMM = 300 / 25.4
        func pixels(_ mm: Double) -> Int { Int((mm * perMM).rounded()) }
        return TextLayerPage(
            runs: runs.map { run in
                TextLayerPage.Run(
                    text: run.text.precomposedStringWithCompatibilityMapping,
                    box: PixelRect(
                        x: pixels(run.x + shift.x), y: pixels(run.y + shift.y), width: pixels(run.width),
                        height: pixels(run.height)))
            },
            size: PixelRect(x: 0, y: 0, width: pixels(210), height: pixels(140)), labels: reader.labels)
    }

    func read(_ page: TextLayerPage) throws -> TextLayerReader.Result {
        switch reader.read(page) {
        case .success(let result): return result
        case .failure(let failure): throw failure
        }
    }

    @Test("the older layout is recognised by its own template and every field comes from its zone")
    func olderLayout() throws {
        let sample = EInvoiceSample.older
        let layout = EInvoiceFixtures.olderLayout(sample)
        // A PDF's page box rarely matches the template's: registration by the labels takes up the shift.
        let result = try read(page(layout.labels + layout.values, shift: (3, -2)))
        #expect(result.template.file.hasSuffix("einvoice_older.yaml"))
        #expect(result.fields["invoice_code"] == sample.code)
        #expect(result.fields["invoice_no"] == sample.number)
        #expect(result.fields["buyer_name"] == sample.buyerName)
        #expect(result.fields["buyer_tax_id"] == sample.buyerTaxID)
        #expect(result.fields["seller_name"] == sample.sellerName)
        #expect(result.fields["seller_tax_id"] == sample.sellerTaxID)
        #expect(result.fields["amount"] == "¥" + sample.amount)
        #expect(result.fields["tax_amount"] == "¥" + sample.tax)
        #expect(result.fields["total"] == "¥" + sample.total)
        #expect(result.fields["total_in_words"] == sample.words)
        #expect(result.rows.map { $0["amount"] } == sample.lines.map(\.amount))
        #expect(result.rows.map { $0["name"] } == sample.lines.map(\.name))
    }

    @Test("the 数电 layout: no code, a 20-digit number, an exempt line's *** kept as printed")
    func digitalLayout() throws {
        let sample = EInvoiceSample.digital
        let result = try read(page(EInvoiceFixtures.digitalLayout(sample)))
        #expect(result.template.file.hasSuffix("einvoice_digital.yaml"))
        #expect(result.fields["invoice_code"] == nil)
        #expect(result.fields["invoice_no"] == sample.number)
        #expect(result.fields["buyer_name"] == sample.buyerName)
        #expect(result.fields["seller_name"] == sample.sellerName)
        #expect(result.fields["buyer_tax_id"] == sample.buyerTaxID)
        #expect(result.fields["seller_tax_id"] == sample.sellerTaxID)
        #expect(result.rows.map { $0["tax_rate"] } == sample.lines.map(\.rate))
        #expect(result.rows.map { $0["tax_amount"] } == sample.lines.map(\.tax))
        #expect(result.fields["total"] == "¥" + sample.total)
    }

    @Test("a label and its value printed as one run are split at the label")
    func labelAndValueInOneRun() throws {
        let sample = EInvoiceSample.older
        var layout = EInvoiceFixtures.olderLayout(sample)
        // 名称：北京市海淀区政务服务中心 as one run where the label was.
        layout.labels.removeAll { $0.text == "名称：" && $0.y < 50 }
        let buyer = try #require(layout.values.firstIndex { $0.text == sample.buyerName })
        layout.values[buyer].text = "名称：" + sample.buyerName
        layout.values[buyer].x = 13
        layout.values[buyer].width = 105.5
        let result = try read(page(layout.labels + layout.values))
        #expect(result.fields["buyer_name"] == sample.buyerName)
    }

    @Test("a long item name wrapped onto a line of its own continues the row above")
    func wrappedItemName() throws {
        let sample = EInvoiceSample.older
        var layout = EInvoiceFixtures.olderLayout(sample)
        // The second line's name wraps: its rest is printed on a line below, alone; the third line moves down.
        layout.values.removeAll { $0.y >= 65 && $0.y < 88 }
        layout.values.append(EInvoiceFixtures.Run(text: "（续）打印纸", x: 5.5, y: 65, width: 25, height: 4.5))
        let result = try read(page(layout.labels + layout.values))
        #expect(result.rows.count == 2)
        #expect(result.rows.last?["name"] == sample.lines[1].name + "(续)打印纸")
        #expect(result.rows.last?["amount"] == sample.lines[1].amount)
    }

    @Test("text of no template is not recognised; a template's text elsewhere on the page is not registered")
    func notAnInvoice() throws {
        let letter = TextLayerPage(
            runs: [TextLayerPage.Run(text: "关于召开年度工作会议的通知", box: PixelRect(x: 400, y: 100, width: 1200, height: 80))],
            size: PixelRect(x: 0, y: 0, width: 2480, height: 3508), labels: reader.labels)
        guard case .failure(.notRecognised) = reader.read(letter) else {
            Issue.record("a letter was taken for a form")
            return
        }
        // Every label of the older layout, but scattered: nothing is where the template prints it.
        let layout = EInvoiceFixtures.olderLayout(.older)
        let scattered = layout.labels.enumerated().map { index, run in
            EInvoiceFixtures.Run(text: run.text, x: Double(index % 3) * 60 + 5, y: Double(index) * 6.5 + 3, width: run.width, height: run.height)
        }
        guard case .failure(.notRegistered) = reader.read(page(scattered)) else {
            Issue.record("labels in the wrong places were registered")
            return
        }
    }

    @Test("another issuer's layout (one label 15 mm from where the template prints it) is not read by the template's zones")
    func otherLayoutNotRegistered() throws {
        var layout = EInvoiceFixtures.olderLayout(.older)
        let index = try #require(layout.labels.firstIndex { $0.text == "（小写）" })
        layout.labels[index].x -= 15
        guard case .failure(.notRegistered(let why)) = reader.read(page(layout.labels + layout.values)) else {
            Issue.record("a layout with a label out of place was read by the template's zones")
            return
        }
        #expect(why.contains("einvoice_older.yaml"))
    }

    @Test("a value that starts like a label keeps every character; a label with a colon is cut off")
    func labelLength() {
        let labels = reader.labels
        #expect(TextLayerPage.labelLength(of: "合计科技有限公司", labels: labels) == 0)
        #expect(TextLayerPage.labelLength(of: "名称：合计科技有限公司", labels: labels) == 3)
        #expect(TextLayerPage.labelLength(of: "（小写）", labels: labels) == 4)
        #expect(TextLayerPage.labelLength(of: "价税合计(大写)", labels: labels) == 8)
    }
}
