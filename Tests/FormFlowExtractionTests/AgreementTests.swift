import FormFlowCore
import Testing

@testable import FormFlowExtraction

@Suite("Agreement among readings, without Tesseract")
struct AgreementTests {
    func reading(_ text: String, _ check: TypeCheck, at resolution: Int) -> NormalizedReading {
        var reading = NormalizedReading(value: .text(text), check: check)
        reading.resolution = resolution
        return reading
    }

    @Test("agreement on a value failing its check character waits while readings are left, then stands")
    func failingAgreementWaits() {
        let readings = [
            reading("91310115F5AALDGDA2", .checksumFailed, at: 100), reading("91310115F5AALDGDA2", .checksumFailed, at: 70),
        ]
        #expect(FieldExtractor.decide(.twoResolutions, readings, final: false) == nil)
        #expect(FieldExtractor.decide(.twoResolutions, readings, final: true)?.value == .text("91310115F5AALDGDA2"))
    }

    @Test("agreement on a passing value wins over more readings agreeing on a failing one")
    func passingAgreementWins() {
        let readings = [
            reading("91310115F5AALDGDA2", .checksumFailed, at: 100), reading("91310115F5AALDGDA2", .checksumFailed, at: 70),
            reading("91310115F5AA1DGDA2", .valid, at: 101), reading("91310115F5AA1DGDA2", .valid, at: 71),
        ]
        let decided = FieldExtractor.decide(.twoResolutions, readings, final: false)
        #expect(decided?.value == .text("91310115F5AA1DGDA2"))
        #expect(decided?.check == .valid)
    }

    @Test("one passing reading alone settles nothing")
    func lonePassingReading() {
        let readings = [
            reading("91310115F5AALDGDA2", .checksumFailed, at: 100), reading("91310115F5AALDGDA2", .checksumFailed, at: 70),
            reading("91310115F5AA1DGDA2", .valid, at: 101),
        ]
        #expect(FieldExtractor.decide(.twoResolutions, readings, final: false) == nil)
    }
}
