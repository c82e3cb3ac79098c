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

    @Test("readings agreeing on a passing value against readings agreeing on a failing one: nobody decides")
    func conflictingAgreements() {
        // Seen on 2,000 generated scans: a truly wrong tax id read 0 → Q by the other model, which passes.
        let readings = [
            reading("91110105DD0H00AAC3", .checksumFailed, at: 100), reading("91110105DD0H00AAC3", .checksumFailed, at: 70),
            reading("91110105DDQH00AAC3", .valid, at: 101), reading("91110105DDQH00AAC3", .valid, at: 71),
        ]
        #expect(FieldExtractor.decide(.twoResolutions, readings, final: false) == nil)
        #expect(FieldExtractor.decide(.twoResolutions, readings, final: true) == nil)
    }

    @Test("a passing value agreed on, with no failing agreement, is taken")
    func passingAgreement() {
        let readings = [
            reading("91310115F5AALDGDA2", .checksumFailed, at: 100),
            reading("91310115F5AA1DGDA2", .valid, at: 70), reading("91310115F5AA1DGDA2", .valid, at: 101),
        ]
        #expect(FieldExtractor.decide(.twoResolutions, readings, final: false)?.value == .text("91310115F5AA1DGDA2"))
    }

    @Test("two amounts agreeing beside two readings with more figures before the point lost their leading figures: no agreement")
    func lostLeadingFigures() {
        // A G4 scan's tax 3291.07, its thin strokes lost.
        let readings = [
            reading("391.07", .valid, at: 100), reading("891.07", .valid, at: 70), reading("89.07", .valid, at: 101),
            reading("89.07", .valid, at: 85),
        ]
        #expect(FieldExtractor.decide(.twoResolutions, readings, final: true) == nil)
        // One longer reading (a rule's end read as a 1) does not stop the agreement.
        let oneLonger = [reading("14640.27", .valid, at: 100), reading("4640.27", .valid, at: 70), reading("4640.27", .valid, at: 85)]
        #expect(FieldExtractor.decide(.twoResolutions, oneLonger, final: true)?.value == .text("4640.27"))
    }

    @Test("codes need the other model among the agreeing readings; counts need the first reading among the agreeing ones")
    func acrossModels() {
        var other = reading("021439010246", .valid, at: 101)
        other.byOtherModel = true
        let eng = [reading("021439010240", .valid, at: 100), reading("021439010240", .valid, at: 70), reading("021439010240", .valid, at: 100)]
        #expect(FieldExtractor.Agreement.strong.decide(eng) != nil)
        #expect(FieldExtractor.Agreement.acrossModels.decide(eng) == nil)
        #expect(FieldExtractor.Agreement.acrossModels.decide(eng + [other]) == nil, "the other model dissents")
        var agreeing = reading("021439010240", .valid, at: 101)
        agreeing.byOtherModel = true
        #expect(FieldExtractor.Agreement.acrossModels.decide(Array(eng.prefix(2)) + [agreeing])?.value == .text("021439010240"))

        var four = reading("4", .valid, at: 101)
        four.byOtherModel = true
        let counts = [reading("1", .valid, at: 100), four, reading("4", .valid, at: 70)]
        #expect(FieldExtractor.Agreement.twoResolutions.decide(counts) != nil)
        #expect(FieldExtractor.Agreement.withFirst.decide(counts) == nil, "two later readings outvote the first")
        #expect(FieldExtractor.Agreement.withFirst.decide(counts + [reading("1", .valid, at: 85)])?.value == .text("1"))
    }

    @Test("agreement is no agreement where another value is read as often (of another length, for counts)")
    func ties() {
        // A G4 scan's receipts 3 read 30 three times of six, the 30 first and paired at another resolution.
        let receipts = [
            reading("30", .valid, at: 100), reading("3", .valid, at: 70), reading("3", .valid, at: 101),
            reading("30", .valid, at: 85), reading("3", .valid, at: 71), reading("30", .valid, at: 70),
        ]
        #expect(FieldExtractor.Agreement.withFirst.decide(receipts) == nil)
        #expect(FieldExtractor.Agreement.withFirst.decide(Array(receipts.dropLast(2))) == nil, "30 twice, 3 twice: a tie")
        #expect(FieldExtractor.Agreement.withFirst.decide(Array(receipts.prefix(2)) + [reading("30", .valid, at: 85)])?.value == .text("30"))
        // Two resolutions each for two values: neither; a third reading of one of them decides.
        let amounts = [
            reading("3891.07", .valid, at: 100), reading("3291.07", .valid, at: 70), reading("3291.07", .valid, at: 101),
            reading("3891.07", .valid, at: 85),
        ]
        #expect(FieldExtractor.Agreement.twoResolutions.decide(amounts) == nil)
        #expect(FieldExtractor.Agreement.twoResolutions.decide(amounts + [reading("3291.07", .valid, at: 71)])?.value == .text("3291.07"))
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
