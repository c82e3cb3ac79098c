import FormFlowCore
import Foundation
import Testing

@testable import FormFlowExtraction

/// The second OCR model as a reader among the judges: when its agreement decides a field, and what
/// stops it. Scripted readings and verdicts, no model and no Tesseract.
@Suite("Second model: two independent readers, checked by the glyphs")
struct SecondModelTests {
    typealias Scripted = FieldPolicyTests.Scripted

    static func model(_ text: String?, check: TypeCheck = .valid) -> SecondModelJudge {
        SecondModelJudge { text.map { NormalizedReading(value: .text($0), check: check) } }
    }

    static func decide(
        _ readings: [NormalizedReading], model: SecondModelJudge, doubt: (any GlyphJudge)? = nil,
        confirm: (any GlyphJudge)? = nil, glyphs: (any GlyphJudge)? = Scripted(verdicts: [:]), final: Bool = true
    ) throws -> FieldPolicy.Decision {
        try FieldPolicy.decide(
            readings, agreement: FieldPolicyTests.unanimous, glyphs: glyphs,
            secondReader: FieldPolicy.SecondReader(model: model, doubt: doubt, confirm: confirm),
            glyphsMustConfirm: true,
            glyphsConfirmAReading: true, contradictionWaits: false, tesseractDoubts: false, final: final)
    }

    @Test("a name Tesseract and the second model both read is taken, and the record names both readers")
    func bothRead() throws {
        let decision = try Self.decide(FieldPolicyTests.readings(["周磊"]), model: Self.model("周磊"), final: false)
        guard case .accept(let chosen, let judges, _) = decision else {
            Issue.record("not accepted: \(decision)"); return
        }
        #expect(chosen.value == .text("周磊"))
        #expect(judges == ["tesseract", "second model"])
    }

    @Test("a code: the model sides only with a reading Tesseract made twice, and a plurality of all readings")
    func codeNeedsUnsplitReadings() throws {
        func decide(_ readings: [String], model: String, final: Bool) throws -> FieldPolicy.Decision {
            try FieldPolicy.decide(
                FieldPolicyTests.readings(readings), agreement: FieldPolicyTests.unanimous, glyphs: nil,
                secondReader: FieldPolicy.SecondReader(
                    model: Self.model(model), doubt: nil, confirm: nil, onlyUnsplitReadings: true),
                glyphsMustConfirm: false, glyphsConfirmAReading: false, contradictionWaits: false,
                tesseractDoubts: false,
                final: final)
        }
        func accepted(_ decision: FieldPolicy.Decision) -> FieldValue? {
            if case .accept(let chosen, _, _) = decision { chosen.value } else { nil }
        }
        // A G4 scan's BX68224331061: one reading of Tesseract's and the model's, both with the 4 read 1.
        #expect(try accepted(decide(["BX68221331061"], model: "BX68221331061", final: false)) == nil)
        // Two and one, not yet all read: wait; two and two once all are read: no decision.
        #expect(
            try accepted(
                decide(["BX68221331061", "BX68224331061", "BX68221331061"], model: "BX68221331061", final: false))
                == nil)
        #expect(
            try accepted(
                decide(
                    ["BX68221331061", "BX68224331061", "BX68221331061", "BX68224331061"], model: "BX68221331061",
                    final: true))
                == nil)
        // Twice, and more often than anything else once all are read: the model's agreement decides.
        #expect(
            try accepted(
                decide(["BX41260787306", "BX41260787390", "BX41260787390"], model: "BX41260787390", final: true))
                == .text("BX41260787390"))
        #expect(
            try accepted(decide(["BX41260787390", "BX41260787390"], model: "BX41260787390", final: false))
                == .text("BX41260787390"))
    }

    /// A code as the model read it: every figure at 0.999 but the one at `place`, read `character` at
    /// `probability` with `other` at `otherProbability` behind it.
    static func code(
        _ text: String, place: Int, probability: Double, other: Character, otherProbability: Double
    ) -> SecondModelJudge {
        let alternatives: [[LineReading.Alternative]] = Array(text).enumerated().map { k, character in
            k == place
                ? [
                    .init(character: character, probability: probability),
                    .init(character: other, probability: otherProbability),
                ]
                : [.init(character: character, probability: 0.999), .init(character: "1", probability: 0.0002)]
        }
        return SecondModelJudge(line: {
            (
                LineReading(
                    text: text, confidences: alternatives.map { $0[0].probability }, alternatives: alternatives),
                NormalizedReading(value: .text(text), check: .valid)
            )
        })
    }

    @Test(
        "a code Tesseract read two ways equally often is the one the model read surely, ruling the other out; not on a 1-bit page"
    )
    func codeTieBrokenBySureModel() throws {
        // A Kai invoice number 43062415: three readings of Tesseract's of six took its 3 for an 8.
        let split = ["48062415", "43062415", "48062415", "43062415", "48062415", "43062415"]
        func decide(
            _ readings: [String], model: SecondModelJudge, grey: Bool = true, final: Bool = true
        ) throws -> FieldValue? {
            let decision = try FieldPolicy.decide(
                FieldPolicyTests.readings(readings), agreement: FieldPolicyTests.unanimous, glyphs: nil,
                secondReader: FieldPolicy.SecondReader(
                    model: model, doubt: nil, confirm: nil, onlyUnsplitReadings: true, needsSureModel: true,
                    tieBrokenBySureModel: grey),
                glyphsMustConfirm: false, glyphsConfirmAReading: false, contradictionWaits: false,
                tesseractDoubts: false, final: final)
            if case .accept(let chosen, _, _) = decision { return chosen.value } else { return nil }
        }
        let sure = Self.code("43062415", place: 1, probability: 0.9974, other: "8", otherProbability: 0.0006)
        #expect(try decide(split, model: sure) == .text("43062415"))
        #expect(try decide(split, model: sure, grey: false) == nil, "a 1-bit page: both engines may misread alike")
        #expect(try decide(split, model: sure, final: false) == nil, "a tie is judged once all readings are made")
        let unsure = Self.code("43062415", place: 1, probability: 0.85, other: "8", otherProbability: 0.14)
        #expect(try decide(split, model: unsure) == nil, "the model unsure of the 3")
        let eightPossible = Self.code("43062415", place: 1, probability: 0.97, other: "8", otherProbability: 0.02)
        #expect(try decide(split, model: eightPossible) == nil, "the model found the other reading's 8 possible")
        // A lone reading of Tesseract's is not tied with four others: the model does not side with it.
        let minority = ["88590530", "88590530", "38590530", "88590530", "88590530"]
        let three = Self.code("38590530", place: 0, probability: 0.9957, other: "8", otherProbability: 0.0013)
        #expect(try decide(minority, model: three) == nil)
    }

    @Test("the model's line is judged on the value's characters, without a label's colon around them")
    func lineTrimmedToValue() {
        let line = LineReading(
            text: ":40491335", confidences: [0.8809, 0.9995, 0.9993, 0.9996, 0.9994, 0.9998, 0.9985, 0.9989, 0.9997],
            alternatives: (0..<9).map { _ in [LineReading.Alternative(character: "0", probability: 0.5)] })
        let trimmed = line.trimmed(to: "40491335")
        #expect(trimmed.text == "40491335")
        #expect(trimmed.lowestConfidence == 0.9985)
        #expect(trimmed.alternatives.count == 8)
        #expect(line.trimmed(to: "0491335") == line, "a figure is not punctuation: the line stays whole")
        #expect(line.trimmed(to: "40491336") == line, "not in the line")
        let labelled = LineReading(text: "发票:123", confidences: [0.9, 0.9, 0.6, 1, 1, 1])
        #expect(labelled.trimmed(to: "123").text == "发票:123", "a label's characters are not punctuation")
    }

    @Test("both models reading the same wrong character (彧 read 或) are stopped by glyphs that speak against it")
    func bothWrongStoppedByGlyphs() throws {
        let doubt = Scripted(verdicts: ["周或": .contradicts("the glyphs alone read 周彧")])
        let decision = try Self.decide(
            FieldPolicyTests.readings(["周或", "周或", "周或", "周或"], resolutions: [100, 70, 101, 85]),
            model: Self.model("周或"),
            doubt: doubt)
        if case .accept = decision { Issue.record("accepted against the glyphs: \(decision)") }
    }

    @Test("a different reading by the model is no opinion: nothing is taken on Tesseract's unanimity")
    func disagreementDecidesNothing() throws {
        let readings = FieldPolicyTests.readings(["张嫩", "张嫩", "张嫩", "张嫩"], resolutions: [100, 70, 101, 85])
        let decision = try Self.decide(readings, model: Self.model("张嬿"))
        if case .accept = decision { Issue.record("accepted: \(decision)") }
        #expect(try Self.model("张嬿").judge(readings[0]) == .noOpinion("the second model read 张嬿"))
    }

    @Test("the model's own reading is taken only where glyphs confirm it, never on a list's say")
    func ownReadingNeedsGlyphs() throws {
        let readings = FieldPolicyTests.readings(["胡厚婷", "胡碍婷"])
        // No glyphs to confirm: an operator decides.
        if case .accept = try Self.decide(readings, model: Self.model("胡犇婷")) {
            Issue.record("the model alone decided")
        }
        let confirm = Scripted(verdicts: ["胡犇婷": .confirms])
        let decision = try Self.decide(readings, model: Self.model("胡犇婷"), confirm: confirm)
        guard case .accept(let chosen, let judges, _) = decision else {
            Issue.record("not accepted: \(decision)"); return
        }
        #expect(chosen.value == .text("胡犇婷"))
        #expect(judges == ["second model", "scripted glyphs"])
        // Confirmed, but doubted by the glyphs' own reading: an operator.
        let doubted = try Self.decide(
            readings, model: Self.model("胡犇婷"),
            doubt: Scripted(verdicts: ["胡犇婷": .contradicts("glyph 2 is clearly 厚")]),
            confirm: confirm)
        if case .accept = doubted { Issue.record("accepted against the doubt") }
    }

    @Test("a look-alike read by both models as printed is taken as printed, not as the known entry")
    func lookAlikeAsPrinted() throws {
        let printed = "深圳钱海信息技术有限公司"
        let decision = try Self.decide(FieldPolicyTests.readings([printed]), model: Self.model(printed), final: false)
        guard case .accept(let chosen, _, _) = decision else { Issue.record("not accepted: \(decision)"); return }
        #expect(chosen.value == .text(printed))
        // The glyphs asked to confirm the model's own reading give the list no say: an entry is confirmed
        // only by its glyphs (here: none).
        let entry = NormalizedReading(value: .text("深圳前海信息技术有限公司"), check: .valid)
        let image = { GrayImage(width: 1, height: 1, pixels: [255]) }
        let verifier = TextVerifier(classifier: GlyphClassifier(prototypes: []))
        let glyphsOnly = ListOrGlyphs(
            verifier: verifier, broad: nil, known: ["深圳前海信息技术有限公司"], image: image, listConfirms: false)
        let withList = ListOrGlyphs(verifier: verifier, broad: nil, known: ["深圳前海信息技术有限公司"], image: image)
        #expect(try withList.judge(entry) == .confirms)
        #expect(try glyphsOnly.judge(entry) != .confirms)
    }

    @Test("the model's reading is made once, however many candidates it judges")
    func readOnce() throws {
        final class Counter: @unchecked Sendable { var calls = 0 }
        let counter = Counter()
        let model = SecondModelJudge {
            counter.calls += 1
            return NormalizedReading(value: .text("2026-01-02"), check: .valid)
        }
        for value in ["2026-01-02", "2026-01-03", "2026-01-02"] {
            _ = try model.judge(NormalizedReading(value: .text(value), check: .valid))
        }
        #expect(counter.calls == 1)
    }

    @Test("the model's answer is parsed, and its least sure character is what the floor is checked on")
    func lineReadingJSON() {
        let reading = LineReading(json: #"{"text": "胡犇婷", "confidences": [0.9996, 0.6622, 0.9999]}"#)
        #expect(reading?.text == "胡犇婷")
        #expect(reading?.lowestConfidence == 0.6622)
        #expect(LineReading(json: "not json") == nil)
    }

    @Test(
        "character by character: the model's reading is taken where Tesseract read each character at its place, or its glyph is clear"
    )
    func characterVotes() throws {
        // A phone photo: every reading of Tesseract's has one character wrong, each another one.
        let readings = FieldPolicyTests.readings(["厦门盔宏医疗器械股份有限公司", "厦门亚宏医疗器械股份有限公司", "厦门副宏医疗器械股份有限公司"])
        let own = NormalizedReading(value: .text("厦门盛宏医疗器械股份有限公司"), check: .valid)
        var asked: [[Int]] = []
        let clear = CharacterVotes { _, places in
            asked.append(places); return true
        }
        #expect(try clear.judge(own, readings: readings) == .confirms)
        #expect(asked == [[2]])
        // The glyph of the one character no reading of Tesseract's has is not clear: no opinion.
        let unclear = CharacterVotes { _, _ in false }
        #expect(try unclear.judge(own, readings: readings) != .confirms)
        // Read at its place by Tesseract throughout: the glyphs are not asked.
        let never = CharacterVotes { _, _ in
            Issue.record("glyphs asked"); return false
        }
        #expect(try never.judge(own, readings: readings + FieldPolicyTests.readings(["厦门盛宏医疗器械股份有限公司"])) == .confirms)
        // More than a quarter of the characters unread, or no reading of its length: no opinion.
        let many = FieldPolicyTests.readings(["厦门盔宏医院器具股份有陪公司"])
        #expect(try clear.judge(own, readings: many) != .confirms)
        #expect(try clear.judge(own, readings: FieldPolicyTests.readings(["厦门盛宏医疗器械股份有限公"])) != .confirms)
    }

    @Test("in a name, a character Tesseract read but the model was unsure of needs its glyph")
    func unsureModelCharacter() throws {
        // A phone photo: 孙静昺 read 种静黄 by Tesseract throughout, 孙静黄 by the model, 黄 at 0.58 (Tesseract
        // lacks 昺, and both lean to a common look-alike). 孙, unread by Tesseract, is clear by its glyph.
        let name = NormalizedReading(value: .text("孙静黄"), check: .valid)
        let readings = FieldPolicyTests.readings(["种静黄", "种静黄"])
        func votes(glyphsClear: Set<Int>) -> CharacterVotes {
            CharacterVotes(
                glyphsConfirm: { _, places in places.allSatisfy(glyphsClear.contains) },
                modelLeans: { _, places in !places.contains(2) })
        }
        guard case .noOpinion(let why) = try votes(glyphsClear: [0]).judge(name, readings: readings) else {
            Issue.record("an unsure model and Tesseract, both without the rare character, confirmed it"); return
        }
        #expect(why.contains("unsure of 黄"))
        // Its glyph clear too: confirmed. Without a model to ask of its leaning (organisations): as before.
        #expect(try votes(glyphsClear: [0, 2]).judge(name, readings: readings) == .confirms)
        #expect(try CharacterVotes(glyphsConfirm: { _, places in places == [0] }).judge(name, readings: readings) == .confirms)
    }

    @Test("a reading of Tesseract's with one character more reads every character of the model's, in order")
    func oneCharacterMore() throws {
        // Phone photos: 办公用品 read 办公有用品 by Tesseract, 办公用品 by the model; 胡建国 read 二胡建国.
        let listed = CharacterVotes(
            glyphsConfirm: { _, _ in
                Issue.record("glyphs asked"); return false
            }, isListed: { $0 == "办公用品" })
        let category = NormalizedReading(value: .text("办公用品"), check: .valid)
        #expect(try listed.judge(category, readings: FieldPolicyTests.readings(["办公有用品", "办公有用品"])) == .confirms)
        let never = CharacterVotes { _, _ in
            Issue.record("glyphs asked"); return false
        }
        let name = NormalizedReading(value: .text("胡建国"), check: .valid)
        #expect(try never.judge(name, readings: FieldPolicyTests.readings(["二胡建国"])) == .confirms)
        // One more and one other character (办公有用具), or two more: not every character read.
        let unread = CharacterVotes(glyphsConfirm: { _, _ in false }, isListed: { $0 == "办公用品" })
        #expect(try unread.judge(category, readings: FieldPolicyTests.readings(["办公有用具"])) != .confirms)
        #expect(try unread.judge(category, readings: FieldPolicyTests.readings(["办公有用品品"])) != .confirms)
        #expect(!CharacterVotes.readWithOneMore(Array("办公用品"), Array("办公用品"), listed: true))
        // Inside a name or an unlisted value, one more is a character the model may have dropped (石韡 read
        // 石 by the model, 石苇 by Tesseract); before it, only a rule's strokes or the first doubled.
        #expect(!CharacterVotes.readWithOneMore(Array("石苇"), Array("石"), listed: false))
        #expect(!CharacterVotes.readWithOneMore(Array("上海申城物业管理有限公导"), Array("上海申城物业管理有限公"), listed: false))
        #expect(!CharacterVotes.readWithOneMore(Array("韡建国"), Array("建国"), listed: false))
        #expect(CharacterVotes.readWithOneMore(Array("上上海申诚物业管理有限公司"), Array("上海申诚物业管理有限公司"), listed: false))
    }

    @Test("one more character before the name in two readings is the label's strokes where the line holds only the model's sure reading")
    func framedByOneMore() throws {
        // A phone photo: 孙洋 read 和孙洋 by every reading (the label's 人 taken for 和), the model 孙洋 surely,
        // the line's ink two characters wide.
        var asked: [String] = []
        let holds = { (fits: Bool) in
            CharacterVotes(glyphsConfirm: { _, _ in false }, holdsWhatTheModelSurelyRead: { value in
                asked.append(value); return fits
            })
        }
        let name = NormalizedReading(value: .text("孙洋"), check: .valid)
        #expect(try holds(true).judge(name, readings: FieldPolicyTests.readings(["和孙洋", "和孙洋", "和孙洋"])) == .confirms)
        #expect(asked == ["孙洋"])
        // After the name, one more is a last character the model may have dropped (刘军骁 read 刘军 by the
        // model, 刘军本 and 刘军必 by Tesseract, the line's ink under a seal): never strokes beside it.
        #expect(try holds(true).judge(name, readings: FieldPolicyTests.readings(["孙洋三", "孙洋三"])) != .confirms)
        // The line holds three characters, or the model was unsure: a character it dropped, not strokes.
        #expect(try holds(false).judge(name, readings: FieldPolicyTests.readings(["和孙洋", "和孙洋"])) != .confirms)
        // One such reading is not two; one more inside the name is not at an end.
        #expect(try holds(true).judge(name, readings: FieldPolicyTests.readings(["和孙洋", "孙详"])) != .confirms)
        #expect(try holds(true).judge(name, readings: FieldPolicyTests.readings(["孙和洋", "孙和洋"])) != .confirms)
        // Without the line and the model to ask, never.
        #expect(try CharacterVotes { _, _ in false }.judge(name, readings: FieldPolicyTests.readings(["和孙洋", "和孙洋"])) != .confirms)
    }

    @Test(
        "a name's character no reading of Tesseract's has is voted by its glyph's first choice only where the model read it surely"
    )
    func nearestGlyphAndSureModel() throws {
        // A Kai 吴 under a seal read 要 by every reading of Tesseract's; the model read 吴敏.
        let readings = FieldPolicyTests.readings(["要敏", "要敏"])
        let own = NormalizedReading(value: .text("吴敏"), check: .valid)
        func votes(rankFirst: Bool, sure: Bool) -> CharacterVotes {
            CharacterVotes(
                glyphsConfirm: { _, _ in false }, glyphsRankFirst: { _, places in places == [0] && rankFirst },
                // The model leans to 敏 in any case (Tesseract read it too), to 吴 as told.
                modelLeans: { value, places in value == "吴敏" && (places != [0] || sure) })
        }
        #expect(try votes(rankFirst: true, sure: true).judge(own, readings: readings) == .confirms)
        #expect(
            try votes(rankFirst: false, sure: true).judge(own, readings: readings) != .confirms,
            "the glyph is nearer another character")
        #expect(
            try votes(rankFirst: true, sure: false).judge(own, readings: readings) != .confirms, "the model was unsure")
        // Without the model's side (organisations), a glyph's first choice is no vote.
        let withoutModel = CharacterVotes(glyphsConfirm: { _, _ in false }, glyphsRankFirst: { _, _ in true })
        #expect(try withoutModel.judge(own, readings: readings) != .confirms)
    }

    /// The model's line 何玙 as a phone photo gave it: 玙 at 0.90 (sure), 玛 0.019, 均 0.008, 筠 0.005.
    static func heYu(confidence: Double = 0.9032) -> SecondModelJudge {
        let alternatives: [[LineReading.Alternative]] = [
            [.init(character: "何", probability: 0.9983), .init(character: "向", probability: 0.001)],
            [
                .init(character: "玙", probability: confidence), .init(character: "玛", probability: 0.0191),
                .init(character: "均", probability: 0.0077), .init(character: "筠", probability: 0.0046),
            ],
        ]
        return SecondModelJudge(line: {
            (
                LineReading(
                    text: "何玙", confidences: alternatives.map { $0[0].probability }, alternatives: alternatives),
                NormalizedReading(value: .text("何玙"), check: .valid)
            )
        })
    }

    @Test(
        "the model reads a name surely and rules out a character only under 0.01, or below every alternative it listed")
    func surelyRulingOut() throws {
        let model = Self.heYu()
        #expect(try model.readsSurely("何玙", ruling: [(1, "筠")]))
        #expect(try !model.readsSurely("何玙", ruling: [(1, "玛")]), "玛 was 0.019 likely")
        #expect(try model.readsSurely("何玙", ruling: [(1, "琦")]), "not listed: under 筠's 0.005")
        #expect(try !model.readsSurely("何瑜", ruling: []), "another text")
        #expect(try !Self.heYu(confidence: 0.85).readsSurely("何玙", ruling: []), "unsure of 玙")
        let others = try model.possibleOthers(of: "何玙", at: [1])
        #expect(others.map { "\($0.place)\($0.character)" } == ["1玛"], "the others at least 0.01 likely")
        #expect(try model.possibleOthers(of: "何玙", at: [0]).isEmpty)
    }

    @Test("a rare character no reading of Tesseract's has is voted by the sure model and a glyph within reach of it")
    func surelyReadWithinReach() throws {
        let readings = FieldPolicyTests.readings(["何篆", "和何销", "何篆"])
        let own = NormalizedReading(value: .text("何玙"), check: .valid)
        func votes(_ withinReach: Bool) -> CharacterVotes {
            CharacterVotes(
                glyphsConfirm: { _, _ in false },
                surelyReadWithinReach: { value, places in value == "何玙" && places == [1] && withinReach })
        }
        #expect(try votes(true).judge(own, readings: readings) == .confirms)
        #expect(try votes(false).judge(own, readings: readings) != .confirms)
    }

    @Test(
        "the glyphs must tell a common character the model leaned to from the others it found possible; a rare one it read need not"
    )
    func commonCharacterToldFromModelAlternatives() throws {
        // 马丽翚 read 马丽翠 by the model, 翠 at 0.90 and 翚 at 0.05: 翠 is common, so 翚 must be told apart.
        let alternatives = { (value: String, places: [Int]) in
            places.flatMap { place in value == "马丽翠" && place == 2 ? [(place: place, character: Character("翚"))] : [] }
        }
        let common = CharacterVotes.othersToTellApart(
            "马丽翠", at: [2], isRare: { $0 == "玙" }, modelAlternatives: alternatives)
        #expect(common.map { "\($0.place)\($0.character)" } == ["2翚"])
        // A rare character the model read (镕 at 0.91, 容 at 0.04) is not its lean to a look-alike.
        #expect(
            CharacterVotes.othersToTellApart("马丽翠", at: [2], isRare: { _ in true }, modelAlternatives: alternatives)
                .isEmpty)
        // In the votes: a glyph that cannot be told from the other (it has no prototypes) stops the lean.
        let lines = try PrototypeLines(
            files: ["names.txt", "name-rivals.txt"], heldOut: "AR_PL_UMing_CN_Light", features: .strokeDirection)
        let names = TextVerifier.names(classifier: lines.classifier)
        #expect(names.firstNotToldApart("陈磊", from: [(1, "龘")], image: lines.draw("陈磊", gap: 8)) != nil)
        #expect(names.firstNotToldApart("陈磊", from: [], image: lines.draw("陈磊", gap: 8)) == nil)
    }

    @Test("character votes confirm the model's own reading in the policy; a glyph doubt still stops it")
    func characterVotesInPolicy() throws {
        let readings = FieldPolicyTests.readings(["成都其易办数据服务有限公司", "成都其易办数据服务有限公司"])
        let votes = CharacterVotes { _, places in places == [2] }
        func decide(doubt: (any GlyphJudge)?) throws -> FieldPolicy.Decision {
            try FieldPolicy.decide(
                readings, agreement: FieldPolicyTests.unanimous, glyphs: Scripted(verdicts: [:]),
                secondReader: FieldPolicy.SecondReader(
                    model: Self.model("成都蓉易办数据服务有限公司"), doubt: doubt, confirm: nil, characters: votes),
                glyphsMustConfirm: true, glyphsConfirmAReading: true, contradictionWaits: false, tesseractDoubts: false,
                final: true)
        }
        guard case .accept(let chosen, let judges, _) = try decide(doubt: nil) else {
            Issue.record("not accepted"); return
        }
        #expect(chosen.value == .text("成都蓉易办数据服务有限公司"))
        #expect(judges == ["second model", votes.name])
        let doubt = Scripted(verdicts: ["成都蓉易办数据服务有限公司": .contradicts("glyph 3 is clearly 营")])
        if case .accept = try decide(doubt: doubt) { Issue.record("accepted against the doubt") }
    }

    @Test("the amount in words read by the second model confirms the one total it spells, 元 or 圆")
    func wordsBySecondModel() {
        let totals = [
            NormalizedReading(value: .text("9322.40"), check: .valid),
            NormalizedReading(value: .text("932.40"), check: .valid),
        ]
        let plain = Reconciler.spelledBySecondModel(totals) { "玖仟叁佰贰拾贰元肆角" }
        #expect(plain?.0.value == .text("9322.40"))
        #expect(plain?.1 == "玖仟叁佰贰拾贰元肆角")
        #expect(Reconciler.spelledBySecondModel(totals) { "玖仟叁佰贰拾贰圆肆角" }?.1 == "玖仟叁佰贰拾贰圆肆角")
        // A line read short (its first characters outside the box) spells no candidate.
        #expect(Reconciler.spelledBySecondModel(totals) { "叁佰贰拾贰元肆角" } == nil)
        #expect(Reconciler.spelledBySecondModel(totals) { nil } == nil)
    }

    @Test(
        "glyphs reading other words than the total spells are a mismatch only where the model does not read the total's words"
    )
    func wordsMismatchNeedsBothReaders() {
        let total = NormalizedReading(value: .text("15236.62"), check: .valid)
        // The glyphs read 叁拾肆元肆角 for 叁拾陆元陆角; the model reads the words as the figures say.
        #expect(Reconciler.modelReadsTheFigures(total) { "壹万伍仟贰佰叁拾陆元陆角贰分" })
        // The model reads other words too (the form's own mismatch), or nothing: the glyphs' difference stands.
        #expect(!Reconciler.modelReadsTheFigures(total) { "壹万伍仟贰佰叁拾肆元肆角贰分" })
        #expect(!Reconciler.modelReadsTheFigures(total) { nil })
    }

    @Test(
        "glyphs that spell no amount still back the model's words where they read its characters at every difference from the figures"
    )
    func wordsDifferenceBothRead() {
        let figures = ChineseAmount.render(Decimal(string: "41219.87")!)
        #expect(figures == "肆万壹仟贰佰壹拾玖元捌角柒分")
        let model = "肆万壹仟贰佰贰拾玖元捌角柒分"
        // The glyphs misread 佰 as 叁 (no amount), but read 贰 where the model's words differ from the figures'.
        #expect(
            Reconciler.differenceBothRead(glyphsRead: "肆万壹仟贰叁贰拾玖元捌角柒分", modelRead: model, figuresSay: figures) == model)
        // Where the glyphs read the figures' 壹 there, the difference rests on the model alone.
        #expect(
            Reconciler.differenceBothRead(glyphsRead: "肆万壹仟贰叁壹拾玖元捌角柒分", modelRead: model, figuresSay: figures) == nil)
        // The model reading the figures' words, or words that are no amount, or of another length: nothing.
        #expect(
            Reconciler.differenceBothRead(glyphsRead: "肆万壹仟贰叁壹拾玖元捌角柒分", modelRead: figures, figuresSay: figures) == nil)
        #expect(
            Reconciler.differenceBothRead(
                glyphsRead: "肆万壹仟贰叁贰拾玖元捌角柒分", modelRead: "肆万壹仟贰佰贰拾染元捌角柒分", figuresSay: figures) == nil)
        #expect(Reconciler.differenceBothRead(glyphsRead: "肆万壹仟贰叁贰拾玖元捌角", modelRead: model, figuresSay: figures) == nil)
        // Glyphs that spell another amount with a slip of their own (a seal's 壹佰 read 叁佰): the model reads the
        // figures' 壹 there, and the one difference it reads (陆拾 for 伍拾) the glyphs read too.
        let sealed = ChineseAmount.render(Decimal(string: "14152.91")!)
        let modelWords = "壹万肆仟壹佰陆拾贰元玖角壹分"
        #expect(
            Reconciler.differenceBothRead(glyphsRead: "壹万肆仟叁佰陆拾贰元玖角壹分", modelRead: modelWords, figuresSay: sealed)
                == modelWords)
        #expect(
            Reconciler.differenceBothRead(glyphsRead: "壹万肆仟叁佰伍拾贰元玖角壹分", modelRead: modelWords, figuresSay: sealed)
                == nil)
    }

    @Test(
        "a words mismatch needs the model, sure or not, to read the glyphs' characters where they differ from the figures' words"
    )
    func wordsDifferenceBackedByTheModel() {
        let figuresSay = ChineseAmount.render(Decimal(string: "42158.73")!)
        #expect(figuresSay == "肆万贰仟壹佰伍拾捌元柒角叁分")
        // A phone photo: the glyphs read 壹角 for 柒角, the model (unsure of the line) 染角.
        let glyphsRead = "肆万贰仟壹佰伍拾捌元壹角叁分"
        let unbacked = Reconciler.placeTheModelDoesNotBack(
            glyphsRead: glyphsRead, figuresSay: figuresSay, modelRead: "建万式仟壹佰伍拾捌元染角委分")
        #expect(unbacked?.place == 10)
        #expect(unbacked?.modelRead == "染")
        // The form's own mismatch: the model reads the glyphs' 壹 too (its other places do not matter).
        #expect(
            Reconciler.placeTheModelDoesNotBack(
                glyphsRead: glyphsRead, figuresSay: figuresSay, modelRead: "建万式仟壹佰伍拾捌元壹角委分") == nil)
        // A reading of another length compares nothing place by place: the glyphs' difference stands.
        #expect(
            Reconciler.placeTheModelDoesNotBack(glyphsRead: glyphsRead, figuresSay: figuresSay, modelRead: "叁仟陆佰玖拾叁元分")
                == nil)
    }

    @Test("figures the second model reads otherwise dispute a words mismatch: a G4 scan's 1753.98 read 1758.98 twice")
    func figuresDisputed() {
        #expect(Reconciler.modelDisputes(Decimal(string: "1758.98")!) { "1753.98" } == Decimal(string: "1753.98"))
        #expect(Reconciler.modelDisputes(Decimal(string: "1758.98")!) { "¥1758.98" } == nil)
        #expect(Reconciler.modelDisputes(Decimal(string: "1758.98")!) { nil } == nil)
        #expect(Reconciler.modelDisputes(Decimal(string: "1758.98")!) { "no figures" } == nil)
    }

    @Test(
        "a rate every reading of Tesseract's gives as 33% is taken as 3% only where the model and the rate's figures both read 3%"
    )
    func rateByModelAndFigures() throws {
        func decide(_ read: [(String, TypeCheck)], model: String?, figures: String?) throws -> FieldPolicy.Decision {
            let readings = read.map { NormalizedReading(value: .text($0.0), check: $0.1) }
            let glyphs = FigureReading(text: figures.map { .text($0) })
            return try FieldPolicy.decide(
                readings, agreement: TesseractAgreement(needs: .strong, layoutPass: false), glyphs: glyphs,
                secondReader: FieldPolicy.SecondReader(model: Self.model(model), doubt: nil, confirm: glyphs),
                glyphsMustConfirm: false, glyphsConfirmAReading: true, contradictionWaits: false,
                tesseractDoubts: false,
                final: true)
        }
        let blurred = Array(repeating: ("33%", TypeCheck.malformed), count: 3)
        guard case .accept(let rate, let judges, _) = try decide(blurred, model: "3%", figures: "3%") else {
            Issue.record("3% read by the model and the figures was not taken")
            return
        }
        #expect(rate.value == .text("3%"))
        #expect(judges == ["second model", "figure glyphs"])
        // One reader alone decides nothing.
        if case .accept = try decide(blurred, model: "3%", figures: nil) { Issue.record("the model alone decided") }
        if case .accept = try decide(blurred, model: "3%", figures: "5%") { Issue.record("taken against the figures") }
        if case .accept = try decide(blurred, model: nil, figures: "3%") { Issue.record("the figures alone decided") }
        // A reading of Tesseract's that the figures read too is taken.
        guard
            case .accept(let agreed, _, _) = try decide(
                [("3%", .valid), ("33%", .malformed)], model: nil, figures: "3%")
        else {
            Issue.record("Tesseract's 3% confirmed by the figures was not taken")
            return
        }
        #expect(agreed.value == .text("3%"))
    }

    @Test(
        "an uncertain field is put before the operator as the model's well-formed reading; a settled one, a count or a rate is not"
    )
    func modelReadingProposed() throws {
        func field(_ type: FieldType, _ chosen: String, check: TypeCheck = .valid, uncertain: Bool = true)
            -> FieldReading
        {
            let reading = NormalizedReading(value: .text(chosen), check: check)
            return FieldReading(
                name: "f", type: type, chosen: reading, candidates: [reading], raw: chosen, confidence: 50, box: nil,
                uncertain: uncertain, note: nil, image: nil)
        }
        let model = NormalizedReading(value: .text("王翚强"), check: .valid)
        #expect(FieldExtractor.proposal(byModel: model, for: field(.chineseName, "于学强"))?.value == .text("王翚强"))
        // Decided fields keep what decided them; the same reading is no new proposal.
        #expect(FieldExtractor.proposal(byModel: model, for: field(.chineseName, "于学强", uncertain: false)) == nil)
        #expect(FieldExtractor.proposal(byModel: model, for: field(.chineseName, "王翚强")) == nil)
        // A tax ID the model read with a failing check character is not put forward over Tesseract's.
        let failing = NormalizedReading(value: .text("91110105H7314C778Y"), check: .checksumFailed)
        #expect(
            FieldExtractor.proposal(byModel: failing, for: field(.uscc, "DLLL0L05H7314C778X", check: .malformed)) == nil
        )
        let passing = NormalizedReading(value: .text("91110105H7314C778X"), check: .valid)
        #expect(
            FieldExtractor.proposal(byModel: passing, for: field(.uscc, "DLLL0L05H7314C778X", check: .malformed)) != nil
        )
        // Counts and rates: the form's sums confirm their own best reading, which must stay Tesseract's.
        let four = NormalizedReading(value: .text("4"), check: .valid)
        #expect(FieldExtractor.proposal(byModel: four, for: field(.integer, "1")) == nil)
        #expect(FieldExtractor.proposal(byModel: nil, for: field(.chineseName, "于学强")) == nil)
        // The record names what the model found possible beside its proposal, where it was unsure.
        #expect(
            FieldExtractor.proposalNote(.text("福州吴晟电子有限责任公司"), runnersUp: [(2, "昊")])
                == "the second OCR model's reading 福州吴晟电子有限责任公司 (it found 昊 for 吴 possible too)")
        #expect(FieldExtractor.proposalNote(.text("王翚强"), runnersUp: []) == "the second OCR model's reading 王翚强")
    }

    @Test("a name the model reads a character short, where Tesseract agrees on the count the ink holds, is not proposed")
    func modelMiscountNotProposed() {
        // PP-OCRv5 left 木 out of 乌鲁木齐 on a fresh set; the line's ink holds 14 characters.
        let agreed = ["乌鲁木齐卓创数据服务有限公司", "乌鲁木齐卓创数据服务有限公司"]
        #expect(FieldExtractor.modelMiscounts("乌鲁齐卓创数据服务有限公司", tesseract: agreed, lineHolds: 14))
        // Tesseract adding a character (a label's stroke read 人): the ink holds the model's count.
        let added = ["重庆人金博数据服务股份有限公司", "重庆人金博数据服务股份有限公司"]
        #expect(!FieldExtractor.modelMiscounts("重庆金博数据服务股份有限公司", tesseract: added, lineHolds: 14))
        // Tesseract's readings disagreeing, or one reading alone, or a line not counted: the model's stands.
        #expect(
            !FieldExtractor.modelMiscounts(
                "乌鲁齐卓创数据服务有限公司", tesseract: ["乌鲁木齐卓创数据服务有限公司", "乌鲁木齐启创数据服务有限公司"],
                lineHolds: 14))
        #expect(!FieldExtractor.modelMiscounts("乌鲁齐卓创数据服务有限公司", tesseract: [agreed[0]], lineHolds: 14))
        #expect(!FieldExtractor.modelMiscounts("乌鲁齐卓创数据服务有限公司", tesseract: agreed, lineHolds: nil))
        // The same count: a misread character is the model's to propose, as before.
        #expect(!FieldExtractor.modelMiscounts("乌鲁木齐启创数据服务有限公司", tesseract: agreed, lineHolds: 14))
    }

    @Test(
        "a count Tesseract agrees on but the glyphs do not confirm is checked by the second model: another clear reading makes it uncertain"
    )
    func countCheckedByModel() throws {
        func decide(model: String?, glyphs: any GlyphJudge = Scripted(verdicts: [:])) throws -> FieldPolicy.Decision {
            try FieldPolicy.decide(
                FieldPolicyTests.readings(["4", "4"]),
                agreement: TesseractAgreement(needs: .twoResolutions, layoutPass: false),
                glyphs: glyphs,
                secondReader: FieldPolicy.SecondReader(model: Self.model(model), doubt: nil, confirm: glyphs),
                glyphsMustConfirm: false, glyphsConfirmAReading: true, contradictionWaits: true, modelMayObject: true,
                tesseractDoubts: false, final: true)
        }
        if case .accept = try decide(model: "1") {
            Issue.record("a lone 1 read 4 by Tesseract was taken against the model")
        }
        guard case .accept(let chosen, let judges, _) = try decide(model: "4") else {
            Issue.record("not accepted"); return
        }
        #expect(chosen.value == .text("4"))
        #expect(judges == ["tesseract", "second model"])
        // Without a clear reading of the model's, Tesseract's agreement stands as before.
        guard case .accept = try decide(model: nil) else {
            Issue.record("not accepted without the model's reading"); return
        }
        // The glyphs read 1 and so does the model: two readers against Tesseract's repeated 4.
        let glyphs = Scripted(verdicts: ["4": .contradicts("the glyphs read 1"), "1": .confirms])
        guard case .accept(let one, _, _) = try decide(model: "1", glyphs: glyphs) else {
            Issue.record("1 not taken"); return
        }
        #expect(one.value == .text("1"))
    }

    @Test("a value whose check character fails, read alike by both engines, is taken (and so reported invalid)")
    func failingCheckReadByBoth() throws {
        var readings = FieldPolicyTests.readings(["62220265990714996", "62220265900714996"])
        for index in readings.indices { readings[index].check = .checksumFailed }
        func decide(model: String) throws -> FieldPolicy.Decision {
            try FieldPolicy.decide(
                readings, agreement: TesseractAgreement(needs: .strong, layoutPass: false), glyphs: nil,
                secondReader: FieldPolicy.SecondReader(
                    model: Self.model(model, check: .checksumFailed), doubt: nil, confirm: nil),
                glyphsMustConfirm: false, glyphsConfirmAReading: false, contradictionWaits: false,
                tesseractDoubts: false,
                final: true)
        }
        guard case .accept(let chosen, let judges, _) = try decide(model: "62220265990714996") else {
            Issue.record("not taken"); return
        }
        #expect(chosen.value == .text("62220265990714996"))
        #expect(chosen.check == .checksumFailed)
        #expect(judges == ["tesseract", "second model"])
        if case .accept = try decide(model: "62220265990714990") { Issue.record("taken without a second reader") }
        // Where the model reads another value, Tesseract's readings all alike do not make the failure a
        // violation: it stays a possible misread.
        let alike = FieldPolicyTests.readings(["62220265990714996", "62220265990714996", "62220265990714996"]).map {
            var reading = $0
            reading.check = .checksumFailed
            return reading
        }
        let otherwise = try FieldPolicy.decide(
            alike, agreement: TesseractAgreement(needs: .strong, layoutPass: false), glyphs: nil,
            secondReader: FieldPolicy.SecondReader(
                model: Self.model("62220265990714990", check: .checksumFailed), doubt: nil, confirm: nil),
            glyphsMustConfirm: false, glyphsConfirmAReading: false, contradictionWaits: false, tesseractDoubts: false,
            final: true)
        guard case .uncertain = otherwise else {
            Issue.record("a failing value the model reads otherwise was taken"); return
        }
    }

    @Test(
        "a failing value both engines read is no violation where another reading passes the check or the figures doubt it"
    )
    func failingCheckWithDissent() throws {
        // A G4 scan's ID: Tesseract read 440305197909026053 (valid) once and 140305197909026053 (failing)
        // once; the model read the failing one.
        var readings = FieldPolicyTests.readings(["440305197909026053", "140305197909026053"])
        readings[1].check = .checksumFailed
        func decide(_ readings: [NormalizedReading], doubt: (any GlyphJudge)? = nil) throws -> FieldPolicy.Decision {
            try FieldPolicy.decide(
                readings, agreement: TesseractAgreement(needs: .strong, layoutPass: false), glyphs: nil,
                secondReader: FieldPolicy.SecondReader(
                    model: Self.model("140305197909026053", check: .checksumFailed), doubt: doubt, confirm: nil),
                glyphsMustConfirm: false, glyphsConfirmAReading: false, contradictionWaits: false,
                tesseractDoubts: false,
                final: true)
        }
        // (Not taken: with no more readings to make, the field stays uncertain.)
        if case .accept = try decide(readings) { Issue.record("taken although a reading passes the check") }
        // Without the dissenting reading the two engines' failing value is read with confidence ...
        let failing = [readings[1], readings[1]]
        guard case .accept = try decide(failing) else {
            Issue.record("a failing value both read was not taken"); return
        }
        // ... unless its figures speak against it (a 1 standing where a 4's stem does).
        let placement = Scripted(verdicts: [
            "140305197909026053": .contradicts("glyph 1 is read 1 but stands where a 4's stem does")
        ])
        if case .accept = try decide(failing, doubt: placement) {
            Issue.record("taken although its figures speak against it")
        }
        // A lone passing reading beside more failing ones alike does not dissent (a 3 read 8 once).
        guard case .accept(let majority, _, _) = try decide([readings[0]] + failing) else {
            Issue.record("a lone passing reading outweighed two failing ones alike"); return
        }
        #expect(majority.value == .text("140305197909026053"))
    }

    @Test(
        "a failing value both engines read is a possible misread where the model found a character there with which it passes"
    )
    func failingCheckPassingWithTheModelsAlternative() throws {
        // A colour scan's tax ID 9144030038DB024G8C, read …024C8C by Tesseract and by the model, whose G
        // at place 16 was 0.018 likely under its C.
        let read = "9144030038DB024C8C"
        #expect(!CheckDigits.isValidUSCC(read))
        #expect(CheckDigits.isValidUSCC("9144030038DB024G8C"))
        func decide(unsure: Double) throws -> FieldPolicy.Decision {
            let alternatives = read.enumerated().map { place, character in
                place == 15
                    ? [
                        LineReading.Alternative(character: "C", probability: 0.966),
                        .init(character: "G", probability: unsure),
                    ]
                    : [LineReading.Alternative(character: character, probability: 0.999)]
            }
            let model = SecondModelJudge(line: {
                (
                    LineReading(
                        text: read, confidences: alternatives.map { $0[0].probability }, alternatives: alternatives),
                    NormalizedReading(value: .text(read), check: .checksumFailed)
                )
            })
            var reading = FieldPolicyTests.readings([read])[0]
            reading.check = .checksumFailed
            return try FieldPolicy.decide(
                [reading, reading], agreement: TesseractAgreement(needs: .strong, layoutPass: false), glyphs: nil,
                secondReader: FieldPolicy.SecondReader(
                    model: model, doubt: nil, confirm: nil, passesCheck: { CheckDigits.isValidUSCC($0) }),
                glyphsMustConfirm: false, glyphsConfirmAReading: false, contradictionWaits: false,
                tesseractDoubts: false,
                final: true)
        }
        guard case .uncertain(_, _, let because) = try decide(unsure: 0.018) else {
            Issue.record("a failing value was taken although the model found a passing character possible"); return
        }
        #expect(because.contains("passes with G at place 16"))
        // A character the model did not think possible (under 0.01) leaves the two engines' reading taken,
        // and so reported invalid.
        guard case .accept(let chosen, _, _) = try decide(unsure: 0.004) else {
            Issue.record("a failing value both read surely was not taken"); return
        }
        #expect(chosen.check == .checksumFailed)
    }

    @Test("a rare character the model found possible beside a common one it was sure of is a runner-up to rule out")
    func rareRunnerUpBesideSureCommon() throws {
        // A scan of 黄敏翚 (values in Noto Serif CJK Bold): the model read 黄敏翠, 翠 at 0.93 and 翚 at 0.036.
        func model(_ third: [LineReading.Alternative]) -> SecondModelJudge {
            let alternatives: [[LineReading.Alternative]] = [
                [.init(character: "黄", probability: 0.999)], [.init(character: "敏", probability: 0.999)], third,
            ]
            return SecondModelJudge(line: {
                (
                    LineReading(
                        text: "黄敏翠", confidences: alternatives.map { $0[0].probability }, alternatives: alternatives),
                    NormalizedReading(value: .text("黄敏翠"), check: .valid)
                )
            })
        }
        let isRare: (Character) -> Bool = { $0 == "翚" || $0 == "鼙" }
        let read = model([.init(character: "翠", probability: 0.93), .init(character: "翚", probability: 0.036)])
        #expect(try read.runnersUp(of: "黄敏翠").isEmpty, "sure of 翠: no runner-up among the unsure")
        let rare = try read.runnersUp(of: "黄敏翠", isRare: isRare)
        #expect(rare.map(\.place) == [2] && rare.map(\.character) == ["翚"])
        // A common look-alike found as likely is no such runner-up, and one under 0.01 is not possible.
        let common = model([.init(character: "翠", probability: 0.93), .init(character: "卒", probability: 0.036)])
        #expect(try common.runnersUp(of: "黄敏翠", isRare: isRare).isEmpty)
        let unlikely = model([.init(character: "翠", probability: 0.99), .init(character: "翚", probability: 0.005)])
        #expect(try unlikely.runnersUp(of: "黄敏翠", isRare: isRare).isEmpty)
        // Another text than the model read has no runners-up.
        #expect(try read.runnersUp(of: "黄敏", isRare: isRare).isEmpty)
    }

    @Test("a date the model read unsurely is not settled by it and one reading of Tesseract's; read surely, it is")
    func dateNeedsSureModel() throws {
        // A G4 scan's 2026-03-01: one reading of Tesseract's 2020-03-01, the model 2020-03-01 with its 0 at
        // 0.69 (6 at 0.15).
        let read = "2020-03-01"
        func decide(fourth: Double, needsSureModel: Bool) throws -> FieldPolicy.Decision {
            let alternatives = read.enumerated().map { place, character in
                place == 3
                    ? [
                        LineReading.Alternative(character: "0", probability: fourth),
                        .init(character: "6", probability: 0.15),
                    ]
                    : [LineReading.Alternative(character: character, probability: 0.99)]
            }
            let model = SecondModelJudge(line: {
                (
                    LineReading(
                        text: read, confidences: alternatives.map { $0[0].probability }, alternatives: alternatives),
                    NormalizedReading(value: .text(read), check: .valid)
                )
            })
            return try FieldPolicy.decide(
                FieldPolicyTests.readings([read]), agreement: TesseractAgreement(needs: .strong, layoutPass: false),
                glyphs: nil,
                secondReader: FieldPolicy.SecondReader(
                    model: model, doubt: nil, confirm: nil, needsSureModel: needsSureModel),
                glyphsMustConfirm: false, glyphsConfirmAReading: false, contradictionWaits: false,
                tesseractDoubts: false,
                final: true)
        }
        if case .accept = try decide(fourth: 0.69, needsSureModel: true) {
            Issue.record("an unsure model settled a date with one reading of Tesseract's")
        }
        guard case .accept = try decide(fourth: 0.95, needsSureModel: true) else {
            Issue.record("a date both engines read surely was not taken"); return
        }
        guard case .accept = try decide(fourth: 0.69, needsSureModel: false) else {
            Issue.record("without the rule (names, amounts) the model's agreement settles it"); return
        }
    }

    @Test(
        "a wider crop of the line confirms only what the model read there itself, surely enough, never split, and only when asked"
    )
    func widerCrop() throws {
        var asked = 0
        let model = SecondModelJudge(
            line: { (nil, NormalizedReading(value: .text("郄"), check: .valid)) },
            wider: {
                asked += 1
                return [
                    NormalizedReading(value: .text("郄"), check: .valid), nil,
                    NormalizedReading(value: .text("郄湉"), check: .valid),
                ]
            })
        let glyphs = NormalizedReading(value: .text("郄湉"), check: .valid)
        #expect(try model.judge(glyphs) != .confirms)
        #expect(asked == 0)
        #expect(try model.readsOnAWiderCrop(glyphs))
        #expect(try !model.readsOnAWiderCrop(NormalizedReading(value: .text("郄恬"), check: .valid)))
        // The model split between two texts of the name's length on its wider crops agrees with neither
        // (逄敏 and 逢敏 on a G4 scan whose glyphs read 逢).
        let split = SecondModelJudge(
            line: { (nil, nil) },
            wider: {
                [
                    NormalizedReading(value: .text("逄敏"), check: .valid),
                    NormalizedReading(value: .text("逢敏"), check: .valid),
                ]
            })
        #expect(try !split.readsOnAWiderCrop(NormalizedReading(value: .text("逢敏"), check: .valid)))
        #expect(try !split.readsOnAWiderCrop(NormalizedReading(value: .text("逄敏"), check: .valid)))
        // Where every wider reading was unsure there is nothing to confirm with.
        let unsure = SecondModelJudge(line: { (nil, nil) }, wider: { [nil, nil] })
        #expect(try !unsure.readsOnAWiderCrop(glyphs))
        // Without wider readings (no ink box) nothing is confirmed either.
        #expect(try !SecondModelJudge(line: { (nil, nil) }).readsOnAWiderCrop(glyphs))
    }

    @Test("the model sees what the glyphs read where it found each character likely, not where it found one unlikely")
    func seesAlternatives() throws {
        let json =
            #"{"text": "高婷活", "confidences": [0.9985, 0.999, 0.7958], "alternatives": [[["高", 0.9985], ["髙", 0.0012]], [["婷", 0.999]], [["活", 0.7958], ["湉", 0.1503], ["恬", 0.0023]]]}"#
        let line = try #require(LineReading(json: json))
        #expect(line.alternatives.count == 3)
        let model = SecondModelJudge(line: { (line, NormalizedReading(value: .text("高婷活"), check: .valid)) })
        let tesseract = ["高婷活", "高婷活"]
        #expect(try model.sees("高婷湉", tesseractRead: tesseract))
        #expect(try model.sees("高婷活", tesseractRead: tesseract))
        #expect(try !model.sees("高婷恬", tesseractRead: tesseract))
        #expect(try !model.sees("高婷", tesseractRead: tesseract))
        // Where the model put first a character no reading of Tesseract's holds, it read a third
        // character of its own: not a second opinion on the glyphs' (郭伟嫚 read 郭伟媛 by the glyphs).
        #expect(try !model.sees("高婷湉", tesseractRead: ["高婷如"]))
        let own =
            #"{"text": "郭伟嫚", "confidences": [0.9999, 0.9999, 0.5573], "alternatives": [[["郭", 0.9999]], [["伟", 0.9999]], [["嫚", 0.5573], ["姆", 0.2231], ["媛", 0.1149]]]}"#
        let ownLine = try #require(LineReading(json: own))
        let modelOwn = SecondModelJudge(line: { (ownLine, NormalizedReading(value: .text("郭伟嫚"), check: .valid)) })
        #expect(try !modelOwn.sees("郭伟媛", tesseractRead: ["郭伟如", "郭伟如"]))
        #expect(try modelOwn.sees("郭伟嫚", tesseractRead: ["郭伟如"]))
        // Tesseract and the glyphs read the character the model put second (a traditional variant first).
        #expect(try modelOwn.sees("郭伟媛", tesseractRead: ["郭伟媛", "郭伟如"]))
        // The model preferred its own character (逄 at 0.73, 逢 at 0.27) that no reading of Tesseract's holds:
        // one reading of Tesseract's with the glyphs' 逢 does not make it a second opinion on them.
        let preferred =
            #"{"text": "逄燚", "confidences": [0.7318, 0.9784], "alternatives": [[["逄", 0.7318], ["逢", 0.2681]], [["燚", 0.9784], ["焱", 0.0085]]]}"#
        let preferredLine = try #require(LineReading(json: preferred))
        let modelPreferred = SecondModelJudge(line: {
            (preferredLine, NormalizedReading(value: .text("逄燚"), check: .valid))
        })
        #expect(try !modelPreferred.sees("逢燚", tesseractRead: ["竹林", "因梦", "逢梦"]))
        #expect(try modelPreferred.sees("逢燚", tesseractRead: ["逄梦"]), "Tesseract read the model's first choice")
        // Seeing is not reading: the judge still confirms only what the model read.
        #expect(try model.judge(NormalizedReading(value: .text("高婷湉"), check: .valid)) != .confirms)
    }

    @Test("the model reads a name surely only where it read that name, each character at least 0.9 likely")
    func readsSurely() throws {
        func judge(_ json: String, _ text: String) throws -> SecondModelJudge {
            let line = try #require(LineReading(json: json))
            return SecondModelJudge(line: { (line, NormalizedReading(value: .text(text), check: .valid)) })
        }
        let sure = try judge(#"{"text": "黄强", "confidences": [0.9944, 0.993]}"#, "黄强")
        #expect(try sure.readsSurely("黄强"))
        #expect(try !sure.readsSurely("黄刚"))
        // Both engines took 彧 for the commoner 或; the model was unsure of it.
        let unsure = try judge(#"{"text": "西门或", "confidences": [0.9991, 0.9943, 0.543]}"#, "西门或")
        #expect(try !unsure.readsSurely("西门或"))
        #expect(try !SecondModelTests.model(nil).readsSurely("西门或"))
    }

    @Test(
        "a glyph taken for another character is outvoted only where Tesseract and the sure model both read the value's, and the model found the glyph's unlikely"
    )
    func outvotes() throws {
        // A phone photo's Kai 吴磊: the glyphs put 吴 nearer 昊; Tesseract read 吴舌, the model 吴磊 surely.
        let json =
            #"{"text": "吴磊", "confidences": [0.998, 1.0], "alternatives": [[["吴", 0.998], ["昊", 0.0019]], [["磊", 1.0]]]}"#
        let line = try #require(LineReading(json: json))
        let model = SecondModelJudge(line: { (line, NormalizedReading(value: .text("吴磊"), check: .valid)) })
        #expect(try model.outvotes("吴磊", place: 0, character: "昊", tesseractRead: ["吴舌", "吴乔"]))
        // Tesseract read another character there: two readers do not agree on it.
        #expect(try !model.outvotes("吴磊", place: 0, character: "昊", tesseractRead: ["天舌"]))
        // Only readings of the value's length say what stands at a place.
        #expect(try !model.outvotes("吴磊", place: 0, character: "昊", tesseractRead: ["吴舌乔"]))
        // The model found the glyphs' character possible (龑 at 0.04 behind a common look-alike).
        let rare =
            #"{"text": "王磊赞", "confidences": [0.99, 0.99, 0.95], "alternatives": [[["王", 0.99]], [["磊", 0.99]], [["赞", 0.95], ["龑", 0.04]]]}"#
        let rareLine = try #require(LineReading(json: rare))
        let rareModel = SecondModelJudge(line: { (rareLine, NormalizedReading(value: .text("王磊赞"), check: .valid)) })
        #expect(try !rareModel.outvotes("王磊赞", place: 2, character: "龑", tesseractRead: ["王磊赞"]))
        // The model unsure of its own character (或 for 彧 at 0.54).
        let unsure =
            #"{"text": "西门或", "confidences": [0.99, 0.99, 0.54], "alternatives": [[["西", 0.99]], [["门", 0.99]], [["或", 0.54], ["戓", 0.2]]]}"#
        let unsureLine = try #require(LineReading(json: unsure))
        let unsureModel = SecondModelJudge(line: { (unsureLine, NormalizedReading(value: .text("西门或"), check: .valid)) }
        )
        #expect(try !unsureModel.outvotes("西门或", place: 2, character: "彧", tesseractRead: ["西门或"]))
    }

    @Test("a code Tesseract agrees on is uncertain where the second model reads it otherwise, even unwell-formed")
    func codeCheckedByModel() throws {
        func decide(model: NormalizedReading?) throws -> FieldPolicy.Decision {
            try FieldPolicy.decide(
                FieldPolicyTests.readings(["137757549004", "137757549004", "137757549004"]),
                agreement: TesseractAgreement(needs: .strong, layoutPass: false), glyphs: nil,
                secondReader: FieldPolicy.SecondReader(model: SecondModelJudge { model }, doubt: nil, confirm: nil),
                glyphsMustConfirm: false, glyphsConfirmAReading: false, contradictionWaits: false, modelMayObject: true,
                tesseractDoubts: false, final: true)
        }
        // Its first figure cut: the model reads eleven.
        if case .accept = try decide(model: NormalizedReading(value: .text("37757549004"), check: .malformed)) {
            Issue.record("taken against the second model's reading")
        }
        guard case .accept = try decide(model: NormalizedReading(value: .text("137757549004"), check: .valid)) else {
            Issue.record("not taken where both read it"); return
        }
    }

    @Test(
        "a number whose glyphs speak against it (a 1 where a 4's stem stands) is uncertain though both engines read it")
    func figurePlacementStopsAgreement() throws {
        let placement = FieldPolicyTests.Scripted(verdicts: [
            "06202121": .contradicts("glyph 8 is read 1 but stands where a 4's stem does")
        ])
        let decision = try FieldPolicy.decide(
            FieldPolicyTests.readings(["06202121", "06202121", "06202121"]),
            agreement: TesseractAgreement(needs: .strong, layoutPass: false), glyphs: placement,
            secondReader: FieldPolicy.SecondReader(
                model: SecondModelJudge { NormalizedReading(value: .text("06202121"), check: .valid) },
                doubt: placement, confirm: nil),
            glyphsMustConfirm: false, glyphsConfirmAReading: false, contradictionWaits: false, modelMayObject: true,
            tesseractDoubts: false, final: true)
        guard case .uncertain(_, _, let because) = decision else {
            Issue.record("taken against its glyphs: \(decision)"); return
        }
        #expect(because.contains("4's stem"))
    }

    /// The model's line 逢磊 as a phone photo of 逄磊 gave it: 逢 at 0.74 with 逄 at 0.26.
    static func leaning() -> SecondModelJudge {
        SecondModelJudge(line: {
            let json =
                #"{"text": "逢磊", "confidences": [0.7405, 1.0], "alternatives": [[["逢", 0.7405], ["逄", 0.2585], ["连", 0.0002]], [["磊", 1.0]]]}"#
            return (LineReading(json: json), NormalizedReading(value: .text("逢磊"), check: .valid))
        })
    }

    @Test(
        "the model's runners-up are the characters it found possible where it was unsure; it leans to a character read at 0.7 or more"
    )
    func runnersUpAndLeaning() throws {
        let leaning = Self.leaning()
        let runnersUp = try leaning.runnersUp(of: "逢磊")
        #expect(runnersUp.map(\.place) == [0])
        #expect(runnersUp.map(\.character) == ["逄"])
        #expect(try leaning.runnersUp(of: "逄磊").isEmpty, "it read another text")
        #expect(try leaning.leansTo("逢磊", at: [0, 1]))
        #expect(try !leaning.leansTo("逄磊", at: [0]))
        #expect(try !leaning.readsSurely("逢磊", at: [0]))
    }

    @Test("a runner-up the glyphs cannot tell apart stops the model's reading; a clear one, or none, does not")
    func runnerUpGlyphs() throws {
        let names = try HeldOutNames.uming.get()
        let image = names.lines.draw("逄磊", gap: 8)
        // 逢 is drawn in more faces than its rival 逄: the glyph must be clearly nearer 逢 to rule 逄 out.
        let leaning = Self.leaning()
        let judge = RunnerUpGlyphs(
            verifier: names.verifier, runnersUp: { try leaning.runnersUp(of: $0) }, image: { image })
        guard case .contradicts(let why) = try judge.judge(NormalizedReading(value: .text("逢磊"), check: .valid)) else {
            Issue.record("the look-alike was not stopped"); return
        }
        #expect(why.contains("逄"))
        // A runner-up without prototypes cannot be told apart either.
        #expect(names.verifier.firstNotToldApart("逢磊", from: [(0, "韡")], image: image) != nil)
        // Where the glyph is clearly its own character and the runner-up far, no objection.
        let clear = names.lines.draw("王磊", gap: 8)
        #expect(names.verifier.firstNotToldApart("王磊", from: [(0, "李")], image: clear) == nil)
        // The first of several that the glyph does not tell apart is named.
        #expect(names.verifier.firstNotToldApart("王磊", from: [(0, "李"), (1, "韡")], image: clear)?.character == "韡")
        let noRunnerUp = RunnerUpGlyphs(verifier: names.verifier, runnersUp: { _ in [] }, image: { clear })
        if case .contradicts = try noRunnerUp.judge(NormalizedReading(value: .text("王磊"), check: .valid)) {
            Issue.record("objected without a runner-up")
        }
    }

    @Test("an unknown supplier the model read with a coin-flip character is not taken on its agreement with Tesseract")
    func organisationRunnerUp() throws {
        let names = try HeldOutNames.uming.get()
        // A phone photo's 福州昊晟电子有限责任公司: the model 吴 at 0.548, 昊 at 0.452; Tesseract 吴 once.
        let printed = "福州昊晟电子有限责任公司"
        let read = "福州吴晟电子有限责任公司"
        let image = names.lines.draw(printed, gap: 6)
        let model = SecondModelJudge(line: {
            let alternatives = read.map { character in
                character == "吴"
                    ? [
                        LineReading.Alternative(character: "吴", probability: 0.548),
                        LineReading.Alternative(character: "昊", probability: 0.452),
                    ]
                    : [LineReading.Alternative(character: character, probability: 0.999)]
            }
            return (
                LineReading(
                    text: read, confidences: alternatives.map { $0[0].probability }, alternatives: alternatives),
                NormalizedReading(value: .text(read), check: .valid)
            )
        })
        let doubt = Doubts(judges: [
            Scripted(verdicts: [:]),
            RunnerUpGlyphs(verifier: names.verifier, runnersUp: { try model.runnersUp(of: $0) }, image: { image }),
        ])
        let decision = try FieldPolicy.decide(
            FieldPolicyTests.readings(["福州吴妃电子有限责任公司", read]), agreement: FieldPolicyTests.unanimous,
            glyphs: Scripted(verdicts: [:]),
            secondReader: FieldPolicy.SecondReader(model: model, doubt: doubt, confirm: nil),
            glyphsMustConfirm: true, glyphsConfirmAReading: false, contradictionWaits: false, tesseractDoubts: false,
            final: true)
        if case .accept(let chosen, _, _) = decision { Issue.record("taken: \(chosen.value)") }
        // Without the runner-up judge, the two engines' agreement decided it: the silent error it prevents.
        let without = try FieldPolicy.decide(
            FieldPolicyTests.readings(["福州吴妃电子有限责任公司", read]), agreement: FieldPolicyTests.unanimous,
            glyphs: Scripted(verdicts: [:]),
            secondReader: FieldPolicy.SecondReader(model: model, doubt: Scripted(verdicts: [:]), confirm: nil),
            glyphsMustConfirm: true, glyphsConfirmAReading: false, contradictionWaits: false, tesseractDoubts: false,
            final: true)
        guard case .accept = without else { Issue.record("the policy no longer takes agreement: \(without)"); return }
    }
}
