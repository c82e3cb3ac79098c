import FormFlowCore
import FormFlowOCR
import FormFlowTestSupport
import Foundation
import Testing

@testable import FormFlowRuntime

/// The second OCR model in the pipeline, on real scans (where `scripts/install-second-model.sh` has
/// installed it, as `scripts/test.sh` does): it is used, and what it decides agrees with what the
/// pipeline decides without it.
@Suite("Second model on SampleDocs: used, and consistent with the pipeline without it")
struct SecondModelPipelineTests {
    /// Scans of both forms and every kind of capture; 002-004 is a G4 invoice where the model decides
    /// several fields (elsewhere the figure glyphs now confirm Tesseract's rate before the model is asked).
    static let scans = [
        "vat_invoice-001-003.png", "vat_invoice-002-001.tif", "vat_invoice-002-004.tif", "expense_claim-001-004.png",
        "expense_claim-002-001.jpg",
    ]

    @Test(
        "fields it decides hold the value the readings without it confirm, and it leaves no more fields uncertain",
        .enabled(
            if: SecondModel.installedPython != nil,
            "the second model is not installed (scripts/install-second-model.sh)"))
    func consistent() throws {
        let pipeline = try Pipeline.load(path: TestSupport.pipelines.appendingPathComponent("default.yaml").path)
        let withModel = try DocumentProcessor(pipeline: pipeline, settings: Settings.defaults)
        #expect(withModel.engine.secondModel != nil)
        let without = try DocumentProcessor(pipeline: pipeline, settings: Settings.defaults)
        without.engine.secondModel = nil
        var decidedByModel = 0
        var compared = 0
        for scan in Self.scans {
            let a = try withModel.process(file: TestSupport.sample(scan), name: scan, batch: "test").record
            let b = try without.process(file: TestSupport.sample(scan), name: scan, batch: "test").record
            let evidenceA = a.evidence ?? [:]
            let evidenceB = b.evidence ?? [:]
            for (name, evidence) in evidenceA where evidence.decidedBy?.contains("second model") == true {
                decidedByModel += 1
                #expect(evidence.uncertain == false)
                guard !name.contains("["), evidenceB[name]?.uncertain == false else { continue }
                #expect(a.fields[name] == b.fields[name], "\(scan) \(name): the second model's value differs")
                compared += 1
            }
            let uncertainA = evidenceA.values.filter(\.uncertain).count
            let uncertainB = evidenceB.values.filter(\.uncertain).count
            #expect(uncertainA <= uncertainB, "\(scan): more uncertain fields with the second model")
        }
        #expect(decidedByModel >= 2, "the second model decided too few fields to say it is in use")
        #expect(compared >= 1)
    }
}
