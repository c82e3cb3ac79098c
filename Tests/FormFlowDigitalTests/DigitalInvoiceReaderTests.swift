import FormFlowCore
import FormFlowTestSupport
import Foundation
import Testing

@testable import FormFlowDigital

@Suite("Digital invoices: OFD and 数电 XML read exactly")
struct DigitalInvoiceReaderTests {
    let older = EInvoiceSample.older
    let digital = EInvoiceSample.digital

    @Test("an older OFD is read from original_invoice.xml, the capitals from its page")
    func olderOFD() throws {
        let invoice = try OFDInvoiceReader.read(try EInvoiceFixtures.olderOFD(older))
        let fields = invoice.fields
        #expect(invoice.source == .ofd)
        #expect(invoice.signed)
        #expect(fields["invoice_code"] == .text(older.code!))
        #expect(fields["invoice_no"] == .text(older.number))
        #expect(fields["issue_date"] == .text(older.date))
        #expect(fields["buyer_name"] == .text(older.buyerName))
        #expect(fields["seller_tax_id"] == .text(older.sellerTaxID))
        #expect(fields["amount"] == .text("300.00"))
        #expect(fields["tax_amount"] == .text("18.00"))
        #expect(fields["total"] == .text("318.00"))
        #expect(fields["tax_rate"] == .text("6%"))
        #expect(fields["total_in_words"] == .text("叁佰壹拾捌圆整"))
        #expect(fields["items"]?.rows?.count == 3)
    }

    @Test("a 数电 OFD is read through its CustomTag's ObjectRefs; a value may span two text objects")
    func digitalOFD() throws {
        let invoice = try OFDInvoiceReader.read(try EInvoiceFixtures.digitalOFD(digital))
        let fields = invoice.fields
        #expect(fields["invoice_code"] == .null)
        #expect(fields["invoice_no"] == .text("24442000000012345678"))
        #expect(fields["total"] == .text("1226.00"))
        #expect(fields["tax_rate"] == .text("mixed"))
        let rows = try #require(fields["items"]?.rows)
        #expect(rows.map { $0["tax_rate"] } == [.text("免税"), .text("13%")])
        #expect(rows.first?["tax_amount"] == .text("0.00"), "*** is 0.00")
        #expect(fields["total_in_words"] == .text(digital.words))
    }

    @Test("a 数电 OFD whose tags name no item lines: the lines (and so the rate) come from the page")
    func digitalOFDWithoutTaggedLines() throws {
        let invoice = try OFDInvoiceReader.read(try EInvoiceFixtures.digitalOFD(digital, tagLines: false))
        #expect(invoice.lines.map(\.taxRate) == ["免税", "13%"])
        #expect(invoice.fields["tax_rate"] == .text("mixed"))
        #expect(invoice.fields["total"] == .text("1226.00"))
    }

    @Test("a 数电 XML: rates written as fractions are percentages, the number has 20 digits")
    func digitalXML() throws {
        let invoice = try EInvoiceXMLReader.read(EInvoiceFixtures.digitalXML(digital))
        #expect(invoice.source == .xml)
        #expect(invoice.invoiceCode == nil)
        #expect(invoice.lines.map(\.taxRate) == ["免税", "13%"])
        #expect(invoice.fields["buyer_tax_id"] == .text(digital.buyerTaxID))
        #expect(invoice.fields["issue_date"] == .text("2024-06-03"))
    }

    @Test("the national layout is read by its labels from positioned text")
    func nationalLayout() throws {
        let (labels, values) = EInvoiceFixtures.olderLayout(older)
        let runs = (labels + values).map { PositionedText(text: $0.text, x: $0.x, y: $0.y, width: $0.width, height: $0.height) }
        let invoice = try NationalLayout(runs.shuffled()).invoice(source: .pdfText)
        #expect(invoice.fields == (try OFDInvoiceReader.read(try EInvoiceFixtures.olderOFD(older))).fields)
    }

    @Test("the same layout moved and scaled (another issuer's PDF, in points) reads the same")
    func nationalLayoutInPoints() throws {
        let (labels, values) = EInvoiceFixtures.olderLayout(digital)
        let runs = (labels + values).map {
            PositionedText(text: $0.text, x: 20 + $0.x * 2.83, y: 40 + $0.y * 2.83, width: $0.width * 2.83, height: $0.height * 2.83)
        }
        let invoice = try NationalLayout(runs).invoice(source: .pdfText)
        #expect(invoice.invoiceNumber == digital.number)
        #expect(invoice.sellerName == digital.sellerName)
        #expect(invoice.lines.count == 2)
        #expect(invoice.total == 1226)
    }

    @Test("the 数电 layout: buyer beside seller, 合 计 as two runs, ⊗ before the capitals")
    func digitalLayout() throws {
        let runs = EInvoiceFixtures.digitalLayout(digital).map {
            PositionedText(text: $0.text, x: $0.x, y: $0.y, width: $0.width, height: $0.height)
        }
        let invoice = try NationalLayout(runs).invoice(source: .pdfText)
        let fromXML = try EInvoiceXMLReader.read(EInvoiceFixtures.digitalXML(digital))
        #expect(invoice.fields == fromXML.fields)
        #expect(invoice.fields["tax_rate"] == .text("mixed"))
        #expect(invoice.buyerName == digital.buyerName && invoice.sellerName == digital.sellerName)
        #expect(invoice.amount == 1200 && invoice.taxAmount == 26)
    }

    @Test("text layers with Kangxi radicals and full-width forms are normalised (NFKC)")
    func kangxiRadicals() {
        #expect(InvoiceText.clean("⾦额") == "金额")
        #expect(InvoiceText.clean("（小写） ¥３１８.００") == "(小写)¥318.00")
    }

    @Test("values as issuing systems write them", arguments: [
        ("2020年10月10日", "2020-10-10"), ("2024-01-05 10:11:12", "2024-01-05"), ("20201010", "2020-10-10"),
    ])
    func dates(text: String, expected: String) {
        #expect(InvoiceText.date(text) == expected)
    }

    @Test("tax rates: fractions, percentages, exempt and not taxed")
    func rates() {
        #expect(InvoiceText.taxRate("0.06") == "6%")
        #expect(InvoiceText.taxRate("0.13") == "13%")
        #expect(InvoiceText.taxRate("6%") == "6%")
        #expect(InvoiceText.taxRate("0") == "0%")
        #expect(InvoiceText.taxRate("免税") == "免税")
        #expect(InvoiceText.taxRate("不征税") == "不征税")
        #expect(InvoiceText.taxRate("abc") == nil)
        #expect(InvoiceText.money("***") == 0)
        #expect(InvoiceText.money("¥1,234.50") == Decimal(string: "1234.50"))
        #expect(InvoiceText.money("12a") == nil)
    }
}

@Suite("Hostile digital files are refused with a reason")
struct HostileDigitalFileTests {
    /// The error a read ends with, or nil when it succeeded.
    func failure(_ read: () throws(DigitalError) -> DigitalInvoice) -> DigitalError? {
        do {
            _ = try read()
            return nil
        } catch {
            return error
        }
    }

    @Test("a ZIP bomb stops at the limit, counted on the inflated bytes")
    func zipBomb() throws {
        let bomb = try EInvoiceFixtures.zipBomb(megabytes: 40)
        #expect(bomb.count < 200_000)
        #expect(failure { () throws(DigitalError) in try OFDInvoiceReader.read(bomb) }?.code == .tooLarge)
    }

    @Test("an entry named ../../ is refused before anything is read")
    func traversal() throws {
        let package = try EInvoiceFixtures.traversalOFD()
        let error = failure { () throws(DigitalError) in try OFDInvoiceReader.read(package) }
        #expect(error?.code == .unsafeEntryName)
        #expect(error?.message.contains("../../etc/formflow-was-here") == true)
    }

    @Test("billion laughs: a DTD is refused before parsing, nothing expands")
    func billionLaughs() {
        let error = failure { () throws(DigitalError) in try EInvoiceXMLReader.read(EInvoiceFixtures.billionLaughs()) }
        #expect(error?.code == .xmlDeclarations)
    }

    @Test("a truncated OFD is malformed, not a crash")
    func truncated() throws {
        let whole = try EInvoiceFixtures.olderOFD(.older)
        for fraction in [0.3, 0.6, 0.95] {
            let cut = Array(whole.prefix(Int(Double(whole.count) * fraction)))
            #expect(failure { () throws(DigitalError) in try OFDInvoiceReader.read(cut) } != nil)
        }
    }

    @Test("entry names that leave the package", arguments: ["../x", "/etc/passwd", "a/../../b", "C:/x", "..\\x"])
    func unsafeNames(name: String) {
        #expect(!OFDPackage.isSafe(name))
    }

    @Test("a ZIP that is not an OFD is not an invoice")
    func notOFD() throws {
        let zip = try EInvoiceFixtures.zip([("readme.txt", Array("hello".utf8))])
        #expect(failure { () throws(DigitalError) in try OFDInvoiceReader.read(zip) }?.code == .notAnInvoice)
    }
}
