import FormFlowCore
import FormFlowTestSupport
import Foundation
import Testing

@testable import FormFlowRuntime

@Suite("Pages recognised by their ruled box read the same as pages read the long way")
struct FramePathTests {
    static func process(_ scan: String, byFrame: Bool) throws -> DocumentRecord {
        var pipeline = try Pipeline.load(path: TestSupport.pipelines.appendingPathComponent("default.yaml").path)
        pipeline.registerByFrame = byFrame
        let processor = try DocumentProcessor(pipeline: pipeline, settings: Settings.defaults)
        return try processor.process(file: TestSupport.sample(scan), name: scan, batch: "test").record
    }

    @Test(
        "one claim and one invoice (PNG, rotated JPEG, TIFF): same form, same fields, the box path says so",
        arguments: ["expense_claim-001-000.png", "expense_claim-002-003.jpg", "vat_invoice-002-000.tif"])
    func samePage(scan: String) throws {
        let quick = try Self.process(scan, byFrame: true)
        let long = try Self.process(scan, byFrame: false)
        #expect(quick.form != nil)
        #expect(quick.form == long.form)
        #expect(quick.classification?.contains { $0.found == ["ruled box", "title"] } == true)
        #expect(long.classification?.contains { $0.found.contains("ruled box") } == false)
        // Every field both paths confirmed holds the same value.
        let quickEvidence = quick.evidence ?? [:]
        let longEvidence = long.evidence ?? [:]
        var compared = 0
        for (name, value) in quick.fields where name != "items" {
            guard quickEvidence[name]?.uncertain == false, longEvidence[name]?.uncertain == false else { continue }
            #expect(value == long.fields[name], "\(name) differs between the two paths")
            compared += 1
        }
        #expect(compared >= 6, "too few fields confirmed by both paths to compare")
    }

    @Test("a page that is no form has no box, and is judged the long way")
    func notAForm() throws {
        let record = try Self.process("not_a_form-notice.tif", byFrame: true)
        #expect(record.form == nil)
        #expect(record.violations.map(\.rule) == ["unknown_form"])
    }
}
