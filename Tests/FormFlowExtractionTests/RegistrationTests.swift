import FormFlowCore
import FormFlowTestSupport
import Foundation
import Testing

@testable import FormFlowExtraction

@Suite("Page registration on synthetic anchor sets, without Tesseract")
struct RegistrationTests {
    let template: FormTemplate

    init() throws {
        template = try FormTemplate.load(path: TestSupport.pipelines.appendingPathComponent("templates/expense_claim.yaml").path)
    }

    /// Characters of every anchor label placed where `transform` puts them, one line per anchor.
    func symbols(_ transform: PageTransform, dropping dropped: Set<String> = [], extra: [(String, Double, Double)] = [])
        -> [RecognizedSymbol]
    {
        var symbols: [RecognizedSymbol] = []
        var line = 0
        let placed = template.anchors.filter { !dropped.contains($0.text) }.map { ($0.text, Double($0.x), Double($0.y)) }
        for (text, x, y) in placed + extra {
            for (index, character) in TextMatching.squeeze(text).enumerated() {
                let point = transform.apply(x: x + Double(index) * 46, y: y)
                symbols.append(
                    RecognizedSymbol(
                        text: String(character), box: PixelRect(x: Int(point.x), y: Int(point.y), width: 40, height: 44),
                        confidence: 90, line: line))
            }
            line += 1
        }
        return symbols
    }

    @Test("a shifted, rescaled and slightly rotated page is registered", arguments: [
        (1.0, 0.0, 35.0, -28.0), (0.8, 0.0, -20.0, 15.0), (0.7, 1.5, 10.0, 40.0), (1.0, -2.5, -40.0, -40.0),
    ])
    func recovers(scale: Double, degrees: Double, dx: Double, dy: Double) throws {
        let radians = degrees * .pi / 180
        let truth = PageTransform(a: scale * cos(radians), b: scale * sin(radians), tx: dx, ty: dy)
        let page = PixelRect(x: 0, y: 0, width: Int(2480 * scale), height: Int(1754 * scale))
        let registration = try #require(Registrar.register(template: template, symbols: symbols(truth), pageSize: page))
        #expect(abs(registration.transform.scale - scale) < 0.01)
        #expect(abs(registration.transform.rotationDegrees - degrees) < 0.2)
        // A zone at the far corner lands within a few pixels of where it truly is.
        let corner = truth.apply(x: 2300, y: 1600)
        let mapped = registration.transform.apply(x: 2300, y: 1600)
        #expect(hypot(corner.x - mapped.x, corner.y - mapped.y) < 5)
        #expect(registration.missing.isEmpty)
    }

    @Test("missing anchors and a repeated label elsewhere do not mislead it")
    func distractors() throws {
        let truth = PageTransform.scaleAndShift(scale: 1, dx: 22, dy: -31)
        // 报销人 also stands in 报销人签字 at the bottom right of the form.
        let symbols = symbols(truth, dropping: ["所在部门", "附件张数", "收款账号"], extra: [("报销人签字", 1400, 1620)])
        let page = PixelRect(x: 0, y: 0, width: 2480, height: 1754)
        let registration = try #require(Registrar.register(template: template, symbols: symbols, pageSize: page))
        #expect(abs(registration.transform.tx - 22) < 1 && abs(registration.transform.ty + 31) < 1)
        #expect(Set(registration.missing) == ["所在部门", "附件张数", "收款账号"])
        let claimant = try #require(registration.matched.first { $0.anchor.text == "报销人" })
        #expect(abs(claimant.y - (320 - 31)) < 1)
    }

    @Test("a page without the labels is not registered")
    func nothingToRegister() {
        let symbols = "关于规范差旅费报销的通知".enumerated().map {
            RecognizedSymbol(text: String($0.element), box: PixelRect(x: 700 + $0.offset * 80, y: 100, width: 70, height: 80), confidence: 90)
        }
        #expect(Registrar.register(template: template, symbols: symbols, pageSize: PixelRect(x: 0, y: 0, width: 2480, height: 1754)) == nil)
    }
}
