import FormFlowCore
import FormFlowTestSupport
import Foundation
import Testing

@testable import FormFlowExtraction

/// The policy that combines the judges' evidence, one rule per kind of field, on scripted verdicts.
@Suite("Field policy: judges' evidence combined per field type")
struct FieldPolicyTests {
    /// A judge that says what it is told, per value.
    struct Scripted: GlyphJudge {
        var verdicts: [String: Verdict]
        var name: String { "scripted glyphs" }
        func judge(_ candidate: NormalizedReading) throws -> Verdict {
            verdicts["\(candidate.value)"] ?? .noOpinion("not scripted")
        }
    }

    static func readings(_ values: [String], resolutions: [Int]? = nil) -> [NormalizedReading] {
        values.enumerated().map { index, value in
            var reading = NormalizedReading(value: .text(value), check: .valid)
            reading.resolution = resolutions?[index] ?? [100, 70, 101, 85, 71][index % 5]
            return reading
        }
    }

    static let unanimous = TesseractAgreement(needs: .unanimous, layoutPass: false)
    static let twoResolutions = TesseractAgreement(needs: .twoResolutions, layoutPass: false)

    static func decide(
        _ readings: [NormalizedReading], _ agreement: TesseractAgreement, _ judge: (any GlyphJudge)?, name: Bool = false,
        count: Bool = false, doubts: Bool = false, final: Bool = false
    ) throws -> FieldPolicy.Decision {
        try FieldPolicy.decide(
            readings, agreement: agreement, glyphs: judge, glyphsMustConfirm: name, glyphsConfirmAReading: name || count,
            contradictionWaits: count, tesseractDoubts: doubts, final: final)
    }

    @Test("names: a reading the glyphs confirm is taken at once, and the record names both judges")
    func nameConfirmed() throws {
        let judge = Scripted(verdicts: ["王磊": .confirms])
        guard case .accept(let chosen, let judges, _) = try Self.decide(Self.readings(["王磊"]), Self.unanimous, judge, name: true)
        else { Issue.record("not accepted"); return }
        #expect(chosen.value == .text("王磊"))
        #expect(judges == ["tesseract", "scripted glyphs"])
    }

    @Test("names: Tesseract's unanimity alone decides nothing; glyphs that cannot judge send it to an operator")
    func nameUnanimityAlone() throws {
        let readings = Self.readings(["徐暑洋", "徐暑洋", "徐暑洋", "徐暑洋"], resolutions: [100, 70, 101, 85])
        let decision = try Self.decide(readings, Self.unanimous, Scripted(verdicts: [:]), name: true, final: true)
        guard case .uncertain(_, _, let because) = decision else { Issue.record("accepted on unanimity"); return }
        #expect(because.contains("does not decide"))
        // Glyphs that contradict: an operator too.
        let contradicted = try Self.decide(
            readings, Self.unanimous, Scripted(verdicts: ["徐暑洋": .contradicts("glyph 2 is clearly 暐")]), name: true)
        guard case .uncertain = contradicted else { Issue.record("accepted against the glyphs"); return }
    }

    @Test("names without any name glyphs configured: Tesseract's unanimity decides (documented fallback)")
    func nameWithoutJudge() throws {
        let readings = Self.readings(["高磊", "高磊", "高磊", "高磊"], resolutions: [100, 70, 101, 85])
        guard case .accept = try Self.decide(readings, Self.unanimous, nil, name: true) else {
            Issue.record("not accepted"); return
        }
    }

    @Test("counts: a contradiction waits for more readings, and ends with an operator when none agrees with the glyphs")
    func countContradiction() throws {
        let judge = CountGlyphs(reading: NormalizedReading(value: .text("1"), check: .valid))
        let readings = Self.readings(["4", "4"])
        guard case .readMore = try Self.decide(readings, Self.twoResolutions, judge, count: true) else {
            Issue.record("decided while readings were left"); return
        }
        guard case .uncertain = try Self.decide(readings, Self.twoResolutions, judge, count: true, final: true) else {
            Issue.record("accepted against the glyphs"); return
        }
        // A reading that agrees with the glyphs is taken.
        guard case .accept(let chosen, _, _) = try Self.decide(Self.readings(["4", "1"]), Self.twoResolutions, judge, count: true)
        else { Issue.record("not accepted"); return }
        #expect(chosen.value == .text("1"))
    }

    @Test("counts: the glyphs' reading of a minority is not taken against the model reading what Tesseract mostly read")
    func countGlyphsAgainstTwoReaders() throws {
        // A colour scan's faint 4: its stem alone read 1 by the classifier, Tesseract 4 three times of four, the
        // second model 4 at 0.9998. Taken as 1 it claimed a false attachments_mismatch.
        let judge = CountGlyphs(reading: NormalizedReading(value: .text("1"), check: .valid))
        let readings = Self.readings(["4", "4", "4", "1"])
        func decide(model: String?) throws -> FieldPolicy.Decision {
            let second = SecondModelJudge(read: { model.map { NormalizedReading(value: .text($0), check: .valid) } })
            return try FieldPolicy.decide(
                readings, agreement: Self.twoResolutions, glyphs: judge,
                secondReader: FieldPolicy.SecondReader(model: second, doubt: nil, confirm: nil),
                glyphsMustConfirm: false, glyphsConfirmAReading: true, contradictionWaits: true, modelMayObject: true,
                tesseractDoubts: false, final: true)
        }
        guard case .uncertain(let chosen, let judges, _) = try decide(model: "4") else {
            Issue.record("the glyphs' 1 was taken against Tesseract and the model"); return
        }
        #expect(chosen.value == .text("1"))
        #expect(judges.contains("second model"))
        // Tesseract's lone-1-as-4 misread: the model reads the 1 the glyphs read, and the 1 is taken.
        guard case .accept(let one, _, _) = try decide(model: "1") else { Issue.record("the glyphs and the model were not taken"); return }
        #expect(one.value == .text("1"))
        // Without a reading of the model's, the glyphs decide as before.
        guard case .accept = try decide(model: nil) else { Issue.record("the glyphs alone no longer decide"); return }
    }

    @Test("anything else: agreement decides; no agreement reads more; Tesseract's doubt rules agreement out")
    func plainAgreement() throws {
        guard case .accept = try Self.decide(Self.readings(["2026-01-02", "2026-01-02"]), Self.twoResolutions, nil) else {
            Issue.record("not accepted"); return
        }
        guard case .readMore = try Self.decide(Self.readings(["2026-01-02", "2026-01-08"]), Self.twoResolutions, nil) else {
            Issue.record("decided without agreement"); return
        }
        guard case .readMore = try Self.decide(
            Self.readings(["高磊", "高磊", "高磊", "高磊"], resolutions: [100, 70, 101, 85]), Self.unanimous, nil, doubts: true)
        else { Issue.record("a doubted name was decided"); return }
    }

    @Test("a value whose check character fails is taken only when every reading gives it: else a misread, not invalid")
    func failedCheckCharacter() throws {
        func failing(_ values: [String]) -> [NormalizedReading] {
            Self.readings(values).map { reading in
                var reading = reading
                reading.check = reading.value == .text("91310115D1920DHC7U") ? .valid : .checksumFailed
                return reading
            }
        }
        // 0 read R twice and Q once under a seal: two resolutions agree on R, yet the readings differ.
        let misread = failing(["91310115D192RDHC7U", "91310115D192RDHC7U", "91310115D192QDHC7U"])
        guard case .uncertain = try Self.decide(misread, Self.twoResolutions, nil, final: true) else {
            Issue.record("a failing check character among differing readings was taken"); return
        }
        // Every reading gives the same failing value: it is what is printed, and bad_tax_id will say so.
        let invalid = failing(["91310115D192RDHC7U", "91310115D192RDHC7U", "91310115D192RDHC7U"])
        guard case .accept = try Self.decide(invalid, Self.twoResolutions, nil, final: true) else {
            Issue.record("a value every reading gives was not taken"); return
        }
        // One reading with a character too many is a dissent too: a G4 scan's 01 read 0L five times and
        // 01T twice was reported as an invalid tax ID.
        var dissent = invalid
        dissent[2] = failing(["91310115D192RDHHC7U"])[0]
        dissent[2].check = .malformed
        guard case .uncertain = try Self.decide(dissent, Self.twoResolutions, nil, final: true) else {
            Issue.record("a failing value with a malformed dissent was taken"); return
        }
        // The figure glyphs, read on their own, say what the agreeing readings say: it is what is printed.
        let glyphs = FigureReading(text: .text("91310115D192RDHC7U"))
        guard case .accept(_, let judges, _) = try Self.decide(misread, Self.twoResolutions, glyphs, final: true) else {
            Issue.record("a value the glyphs read too was not taken"); return
        }
        #expect(judges.contains("figure glyphs"))
        // Glyphs that read something else are no opinion, never a vote for the readings.
        guard case .uncertain = try Self.decide(misread, Self.twoResolutions, FigureReading(text: .text("91310115D1920DHC7U")), final: true)
        else { Issue.record("glyphs reading another value let the failing one through"); return }
    }

    @Test("a checked value Tesseract's readings split on is uncertain where the model reads another one, though its check passes")
    func modelDissentOnSplitCheckedValue() throws {
        // A phone photo's ID 110101196812195945 read 110191196812195915 twice (0 read 9, 4 read 1: the
        // check passes by chance) and once with a figure too many; the model read 110101196812195915.
        let printed = "110191196812195915"
        var readings = Self.readings([printed, printed, "1101911968121959145"])
        readings[2].check = .malformed
        func decide(_ readings: [NormalizedReading], model: String?, agreed: Bool = false) throws -> FieldPolicy.Decision {
            let judge = SecondModelJudge(read: { model.map { NormalizedReading(value: .text($0), check: .checksumFailed) } })
            return try FieldPolicy.decide(
                readings, agreement: Self.twoResolutions, glyphs: nil,
                secondReader: FieldPolicy.SecondReader(
                    model: judge, doubt: nil, confirm: nil, dissentsOnSplitReadings: true, dissentsOnAgreedReadings: agreed),
                glyphsMustConfirm: false, glyphsConfirmAReading: false, contradictionWaits: false, tesseractDoubts: false, final: true)
        }
        guard case .uncertain(_, let judges, let why) = try decide(readings, model: "110101196812195915") else {
            Issue.record("a split reading the model dissents from was taken"); return
        }
        #expect(judges.contains("second model"))
        #expect(why.contains("110101196812195915"))
        // No dissent where the model reads nothing, or where Tesseract's readings are unanimous.
        guard case .accept = try decide(readings, model: nil) else { Issue.record("no model reading, yet not taken"); return }
        guard case .accept = try decide([readings[0], readings[1]], model: "110101196812195915") else {
            Issue.record("unanimous readings were held against the model's misread"); return
        }
        // Where the check is a weak one (IDs, bank cards: a misread passes once in ten or eleven), unanimous
        // readings too: a G4 scan's invalid ID 440305200105242867 was read …212867 twice, which passes.
        let invalid = Self.readings(["440305200105212867", "440305200105212867"])
        guard case .uncertain(_, _, let because) = try decide(invalid, model: "440305200105242867", agreed: true) else {
            Issue.record("unanimous readings of an ID outvoted the model's dissent"); return
        }
        #expect(because.contains("readings agree") && because.contains("440305200105242867"))
        guard case .accept = try decide(invalid, model: nil, agreed: true) else {
            Issue.record("no model reading, yet not taken"); return
        }
    }

    @Test("an organisation off the list that Tesseract and the glyphs agree on is uncertain where the model reads another name as long")
    func modelDissentOverGlyphsOnUnknownOrganisation() throws {
        // A phone photo's unknown 南宁丰昊印务股份有限公司: Tesseract read 丰吴 three times and the glyphs confirmed
        // it (昊 and 吴 one stroke apart in a blurred bold face); the model read 丰昊.
        let misread = "南宁丰吴印务股份有限公司"
        let known = ["南宁丰吴印务股份有限公司"]
        func decide(model: String?, listed: [String] = []) throws -> FieldPolicy.Decision {
            let second = SecondModelJudge(read: { model.map { NormalizedReading(value: .text($0), check: .valid) } })
            return try FieldPolicy.decide(
                Self.readings([misread, misread, misread]), agreement: Self.twoResolutions,
                glyphs: Scripted(verdicts: [misread: .confirms]),
                secondReader: FieldPolicy.SecondReader(
                    model: second, doubt: nil, confirm: nil, dissentsOverGlyphs: { !listed.contains($0) }),
                glyphsMustConfirm: true, glyphsConfirmAReading: false, contradictionWaits: false, tesseractDoubts: false,
                final: true)
        }
        guard case .uncertain(_, let judges, let why) = try decide(model: "南宁丰昊印务股份有限公司") else {
            Issue.record("the model's dissent was outvoted by Tesseract and the glyphs"); return
        }
        #expect(judges.contains("second model") && why.contains("南宁丰昊印务股份有限公司"))
        // The model agreeing, reading nothing, or reading a name of another length (it drops characters it
        // finds unlikely) is no dissent; nor is any reading against an entry of the list.
        guard case .accept = try decide(model: misread) else { Issue.record("the model's agreement, yet not taken"); return }
        guard case .accept = try decide(model: nil) else { Issue.record("no model reading, yet not taken"); return }
        guard case .accept = try decide(model: "南宁丰印务股份有限公司") else {
            Issue.record("a model reading one character short dissented"); return
        }
        guard case .accept = try decide(model: "南宁丰昊印务股份有限公司", listed: known) else {
            Issue.record("a list entry confirmed by its glyphs was doubted"); return
        }
    }

    @Test("a checked value that Tesseract and the model agree on is uncertain where the figure glyphs show a lost 4")
    func lostFourInCheckedValue() throws {
        // A G4 scan's invalid ID 310104199707206375 read 310101199707206375 by three readings and the model: the
        // misread passes the check, and its bad_id_checksum would be hidden. The glyph 6 is a bare stem.
        let misread = "310101199707206375"
        let placement = Scripted(verdicts: [misread: .contradicts("glyph 6 is read 1 but stands where a 4's stem does")])
        let judge = Doubts(judges: [FigureReading(text: nil), placement])
        let second = SecondModelJudge(read: { NormalizedReading(value: .text(misread), check: .valid) })
        let decision = try FieldPolicy.decide(
            Self.readings([misread, misread, misread]), agreement: Self.twoResolutions, glyphs: judge,
            secondReader: FieldPolicy.SecondReader(
                model: second, doubt: placement, confirm: judge, dissentsOnSplitReadings: true, dissentsOnAgreedReadings: true),
            glyphsMustConfirm: false, glyphsConfirmAReading: false, contradictionWaits: false, tesseractDoubts: false,
            final: true)
        guard case .uncertain(_, _, let why) = decision else { Issue.record("a lost 4 was outvoted by agreeing readers"); return }
        #expect(why.contains("glyph 6"))
        // Without the placement's objection, the same readings are taken.
        let clear = try FieldPolicy.decide(
            Self.readings([misread, misread, misread]), agreement: Self.twoResolutions,
            glyphs: Doubts(judges: [FigureReading(text: nil)]),
            secondReader: FieldPolicy.SecondReader(model: second, doubt: nil, confirm: nil, dissentsOnAgreedReadings: true),
            glyphsMustConfirm: false, glyphsConfirmAReading: false, contradictionWaits: false, tesseractDoubts: false,
            final: true)
        guard case .accept = clear else { Issue.record("agreeing readers with nothing against them, yet not taken"); return }
    }

    @Test("a name the glyphs confirm from one reading is uncertain where the model surely reads another name as long")
    func modelDissentOverGlyphsOnName() throws {
        // A phone photo's 高炅 in a bold Kai face: Tesseract read 高灵 once and the glyphs confirmed it (炅's
        // few prototypes lie further from that face than 灵's); the model read 高炅.
        func decide(model: String?) throws -> FieldPolicy.Decision {
            let second = SecondModelJudge(read: { model.map { NormalizedReading(value: .text($0), check: .valid) } })
            return try FieldPolicy.decide(
                Self.readings(["高灵"]), agreement: Self.unanimous, glyphs: Scripted(verdicts: ["高灵": .confirms]),
                secondReader: FieldPolicy.SecondReader(model: second, doubt: nil, confirm: nil, dissentsOverGlyphs: { _ in true }),
                glyphsMustConfirm: true, glyphsConfirmAReading: true, contradictionWaits: false, tesseractDoubts: false,
                final: false)
        }
        guard case .uncertain(_, let judges, let why) = try decide(model: "高炅") else {
            Issue.record("the model's dissent was outvoted by one reading and the glyphs"); return
        }
        #expect(judges == ["tesseract", "scripted glyphs", "second model"] && why.contains("高炅"))
        guard case .accept(_, let agreed, _) = try decide(model: "高灵") else { Issue.record("the model agreed, yet not taken"); return }
        #expect(agreed == ["tesseract", "scripted glyphs"])
        guard case .accept = try decide(model: nil) else { Issue.record("no sure model reading, yet not taken"); return }
        guard case .accept = try decide(model: "高") else { Issue.record("a model reading one character short dissented"); return }
    }

    @Test("organisation glyphs: a known name is no opinion; an unknown one with all characters known must be confirmed")
    func organisationGlyphs() throws {
        let lines = try PrototypeLines(file: "form-text.txt", heldOut: "WenQuanYi_Micro_Hei_Regular")
        let verifier = TextVerifier(classifier: lines.classifier)
        let known = ["杭州数智科技有限公司"]
        func judge(_ drawn: String, _ candidate: String) throws -> Verdict {
            try ListOrGlyphs(verifier: verifier, broad: nil, known: known, image: { lines.draw(drawn, gap: 8) })
                .judge(NormalizedReading(value: .text(candidate), check: .valid))
        }
        #expect(try judge("杭州数智科技有限公司", "杭州数智科技有限公司") == .confirms)
        // Characters without prototypes: no opinion, which for an organisation is not enough.
        if case .confirms = try judge("杭州数智科技有限公司", "杭州凯卓科技有限公司") { Issue.record("confirmed without prototypes") }
        // Tesseract's reading of a known name with one character wrong: the glyphs say otherwise.
        if case .confirms = try judge("杭州数智科技有限公司", "杭州数智科数有限公司") { Issue.record("a misread was confirmed") }
        // Printed as read: confirmed.
        #expect(try judge("杭州数智科数有限公司", "杭州数智科数有限公司") == .confirms)
    }
}
