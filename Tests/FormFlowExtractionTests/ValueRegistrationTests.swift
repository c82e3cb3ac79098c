import FormFlowCore
import FormFlowTestSupport
import Foundation
import Testing

@testable import FormFlowExtraction

@Suite("Registration by where the values stand (a form whose print the scan lost), without Tesseract")
struct ValueRegistrationTests {
    let invoice: FormTemplate
    let claim: FormTemplate

    init() throws {
        invoice = try FormTemplate.load(
            path: TestSupport.pipelines.appendingPathComponent("templates/vat_invoice.yaml").path)
        claim = try FormTemplate.load(
            path: TestSupport.pipelines.appendingPathComponent("templates/expense_claim.yaml").path)
    }

    /// A red invoice scanned in black and white: only its values, each a line starting near its zone's
    /// left edge (give or take what a printer does), mapped onto the page by `transform`.
    static let invoiceValues: [(field: String, text: String, inset: Double)] = [
        ("invoice_code", "080662440879", 30), ("invoice_no", "63548847", 25), ("issue_date", "2026-01-12", 30),
        ("buyer_name", "北京市海淀区政务服务中心", 40), ("buyer_tax_id", "91110105F0DF0GH9BW", 34),
        ("amount", "41652.45", 35), ("tax_rate", "9%", 60), ("tax_amount", "3748.72", -4),
        ("total_in_words", "肆万伍仟肆佰零壹元壹角柒分", 30), ("total", "45401.17", 10),
        ("seller_name", "合肥庐州会务服务有限公司", 40), ("seller_tax_id", "91110105B03683FC6J", 34),
    ]

    func symbols(
        of template: FormTemplate, _ values: [(field: String, text: String, inset: Double)], _ transform: PageTransform
    ) -> [RecognizedSymbol] {
        var symbols: [RecognizedSymbol] = []
        for (line, value) in values.enumerated() {
            guard let zone = template.fields.first(where: { $0.name == value.field })?.zone else { continue }
            for (index, character) in value.text.enumerated() {
                let x = Double(zone.x) + value.inset + Double(index) * 32
                let point = transform.apply(x: x, y: Double(zone.midY) - 18)
                symbols.append(
                    RecognizedSymbol(
                        text: String(character),
                        box: PixelRect(x: Int(point.x), y: Int(point.y), width: 28, height: 36),
                        confidence: 80, line: line))
            }
        }
        return symbols
    }

    @Test(
        "an invoice's values alone register the page, shifted and rescaled",
        arguments: [
            (1.0, 12.0, -20.0), (0.6665, -15.0, 30.0), (1.1, 40.0, 8.0),
        ])
    func invoiceByValues(scale: Double, dx: Double, dy: Double) throws {
        let truth = PageTransform.scaleAndShift(scale: scale, dx: dx, dy: dy)
        let page = PixelRect(x: 0, y: 0, width: Int(2480 * scale), height: Int(1754 * scale))
        let registration = try #require(
            ValueRegistrar.register(
                template: invoice, symbols: symbols(of: invoice, Self.invoiceValues, truth), pageSize: page))
        #expect(registration.byValues)
        #expect(abs(registration.transform.scale / scale - 1) < 0.02)
        // Every zone lands within a quarter of its height of where it truly is.
        for spec in invoice.fields {
            let want = truth.apply(x: Double(spec.zone.x), y: Double(spec.zone.midY))
            let got = registration.transform.apply(x: Double(spec.zone.x), y: Double(spec.zone.midY))
            #expect(abs(want.y - got.y) < Double(spec.zone.height) * scale / 4, "\(spec.name)")
            #expect(abs(want.x - got.x) < 30 * scale, "\(spec.name)")
        }
        #expect(registration.matched.count >= 10)
    }

    @Test("values of the wrong shape, or too few, register nothing")
    func tooLittle() {
        let page = PixelRect(x: 0, y: 0, width: 2480, height: 1754)
        // A receipt pasted on paper: an amount and a date.
        let receipt = symbols(
            of: invoice, [("amount", "128.00", 30), ("issue_date", "2026-03-01", 30)],
            .scaleAndShift(scale: 1, dx: 0, dy: 0))
        #expect(ValueRegistrar.register(template: invoice, symbols: receipt, pageSize: page) == nil)
        // Text where the values would stand, none of their shape.
        let prose = Self.invoiceValues.map { ($0.field, "关于规范报销的通知", 30.0) }
        #expect(
            ValueRegistrar.register(
                template: invoice, symbols: symbols(of: invoice, prose, .scaleAndShift(scale: 1, dx: 0, dy: 0)),
                pageSize: page) == nil)
    }

    @Test("an invoice's values do not register as an expense claim")
    func notTheOtherForm() {
        let page = PixelRect(x: 0, y: 0, width: 2480, height: 1754)
        let values = symbols(of: invoice, Self.invoiceValues, .scaleAndShift(scale: 1, dx: 5, dy: 5))
        let asClaim = ValueRegistrar.register(template: claim, symbols: values, pageSize: page)
        let asInvoice = ValueRegistrar.register(template: invoice, symbols: values, pageSize: page)
        #expect((asClaim?.matched.count ?? 0) < (asInvoice?.matched.count ?? 0))
    }

    @Test(
        "a value's shape",
        arguments: [
            ("invoice_code", "080662440879", true), ("invoice_code", "08066244087", false),
            ("issue_date", "2026-01-12", true),
            ("issue_date", "20260112", false), ("buyer_tax_id", "91110105F0DF0GH9BW", true),
            ("buyer_tax_id", "北京市海淀区", false),
            ("amount", "41652.45", true), ("amount", "4165245", false), ("tax_rate", "9%", true),
            ("total_in_words", "万伍什奸佰零喜元剖角玉分", true), ("total_in_words", "合肥庐州会务服务有限公司", false),
            ("seller_name", "合肥庐州会务服务有限公司", true), ("seller_name", "45401.17", false),
        ])
    func shape(field: String, text: String, fits: Bool) throws {
        let spec = try #require(invoice.fields.first { $0.name == field })
        let test = try #require(ValueRegistrar.shape(of: spec))
        #expect(test(text) == fits)
    }
}
