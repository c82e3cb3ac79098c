import FormFlowCore
import FormFlowExtraction
import Foundation
import FormFlowTestSupport
import Testing

@testable import FormFlowRuntime

@Suite("The page an operator sees hides what Masking hides")
struct PersonalAreasTests {
    @Test("the middle of an ID number's box, in proportion: the first six and last four characters stay visible")
    func idNumberArea() throws {
        let pipeline = try Pipeline.load(path: TestSupport.pipelines.appendingPathComponent("default.yaml").path)
        let template = try #require(pipeline.templates.first { $0.form == .expenseClaim })
        let areas = DocumentProcessor.personalAreas(
            template, ["id_number": .text("11010519491231002X"), "bank_account": .text("6222026197192206181")],
            [
                "id_number": FieldEvidence(raw: "", confidence: 90, box: PixelRect(x: 100, y: 50, width: 180, height: 30), uncertain: false),
                "claimant": FieldEvidence(raw: "", confidence: 90, box: PixelRect(x: 0, y: 0, width: 10, height: 10), uncertain: false),
            ])
        // 18 characters over 180 pixels: characters 6…13 are x 160…240; the bank number has no box.
        #expect(areas == [PixelRect(x: 160, y: 50, width: 80, height: 30)])
    }
}
