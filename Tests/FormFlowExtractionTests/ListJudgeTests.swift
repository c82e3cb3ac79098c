import FormFlowCore
import FormFlowTestSupport
import Foundation
import Testing

@testable import FormFlowExtraction

/// A closed list confirms a reading; it never corrects one. A supplier one character away from a known
/// one is a look-alike (possibly a fraudulent invoice), not a misread to be fixed.
@Suite("Lists confirm, never correct: look-alikes and unknown entries")
struct ListJudgeTests {
    static func invoiceTemplate() throws -> FormTemplate {
        try FormTemplate.load(path: TestSupport.pipelines.appendingPathComponent("templates/vat_invoice.yaml").path)
    }

    static func claimTemplate() throws -> FormTemplate {
        try FormTemplate.load(path: TestSupport.pipelines.appendingPathComponent("templates/expense_claim.yaml").path)
    }

    /// Every name one character away from `entry` made with characters from `alphabet`, at `positions`.
    static func lookAlikes(of entry: String, alphabet: [Character], positions: [Int]) -> [String] {
        var result: [String] = []
        let characters = Array(entry)
        for position in positions where position < characters.count {
            // The first alphabet character that differs and does not make another known entry.
            guard let replacement = alphabet.first(where: { $0 != characters[position] }) else { continue }
            var changed = characters
            changed[position] = replacement
            result.append(String(changed))
        }
        return result
    }

    static func reading(_ name: String, _ type: FieldType, _ value: String, uncertain: Bool = false) -> FieldReading {
        let chosen = NormalizedReading(value: .text(value), check: .valid)
        return FieldReading(
            name: name, type: type, chosen: chosen, candidates: [chosen], raw: value, confidence: 90, box: nil,
            uncertain: uncertain, note: nil, image: nil)
    }

    @Test("a name one character away from every known supplier is read as itself, and named a possible look-alike")
    func organisationLookAlikes() throws {
        let template = try Self.invoiceTemplate()
        let known = try #require(template.vocabularies["organisations"])
        #expect(known.count >= 8)
        for entry in known {
            for position in 0..<entry.count {
                var characters = Array(entry)
                characters[position] = characters[position] == "钱" ? "前" : "钱"
                let lookAlike = String(characters)
                // The normaliser keeps what was read.
                let normalized = try #require(FieldNormalizer.normalize(lookAlike, type: .organisation, vocabulary: known))
                #expect(normalized.value == .text(lookAlike), "\(lookAlike) was changed to \(normalized.value)")
                #expect(normalized.note?.contains(entry) == true)
                // Not confirmed by two readers: to an operator, with the near entry named.
                let unsure = ExtractionResult(
                    readings: ["seller_name": Self.reading("seller_name", .organisation, lookAlike, uncertain: true)],
                    rows: [], registration: nil, problems: [])
                let problems = ListJudge.problems(template: template, result: unsure)
                #expect(problems.map(\.rule) == ["possible_lookalike"], "\(lookAlike)")
                #expect(problems.first?.message.contains("一字之差 with known supplier \(entry)") == true)
                // Confirmed: taken as printed (never as the entry), and the record says which entry it resembles.
                var sure = ExtractionResult(
                    readings: ["seller_name": Self.reading("seller_name", .organisation, lookAlike)], rows: [],
                    registration: nil, problems: [])
                #expect(ListJudge.problems(template: template, result: sure).isEmpty)
                ListJudge.annotate(&sure, template: template)
                #expect(sure.readings["seller_name"]?.value == .text(lookAlike))
                #expect(sure.readings["seller_name"]?.note?.contains("一字之差 with known organisations entry \(entry)") == true)
            }
        }
        // The known entries themselves raise nothing.
        for entry in known {
            let result = ExtractionResult(
                readings: ["seller_name": Self.reading("seller_name", .organisation, entry)], rows: [], registration: nil,
                problems: [])
            #expect(ListJudge.problems(template: template, result: result).isEmpty)
        }
    }

    @Test("a name read as the start or end of a known one, but for a character, is uncertain: it may be cut short")
    func cutShort() throws {
        let template = try Self.invoiceTemplate()
        let vocabulary = try #require(template.vocabularies["organisations"])
        #expect(ListMatch.part("会务服务有限公司", in: vocabulary)?.entry == "合肥庐州会务服务有限公司")
        #expect(ListMatch.part("海绅城物业管理有限公司", in: vocabulary)?.end == "end")
        #expect(ListMatch.part("深圳前海信息", in: vocabulary)?.end == "start")
        // A known name, a look-alike of its length, a name a character longer, and another name are none.
        for whole in ["深圳前海信息技术有限公司", "深圳钱海信息技术有限公司", "天津津心软件有限公司一", "南宁新领旅行社有限公司"] {
            #expect(ListMatch.part(whole, in: vocabulary) == nil, "\(whole)")
        }
        var result = ExtractionResult(
            readings: [
                "seller_name": Self.reading("seller_name", .organisation, "会务服务有限公司"),
                "buyer_name": Self.reading("buyer_name", .organisation, "南宁新领旅行社有限公司"),
            ], rows: [], registration: nil, problems: [])
        ListJudge.doubtCutShort(&result, template: template)
        let seller = try #require(result.readings["seller_name"])
        #expect(seller.uncertain && seller.note?.contains("合肥庐州会务服务有限公司") == true)
        #expect(result.readings["buyer_name"]?.uncertain == false)
    }

    @Test("an organisation off the list whose name does not end as an organisation's does is uncertain: it may be cut short")
    func unfinished() throws {
        let template = try Self.invoiceTemplate()
        let known = try #require(template.vocabularies["organisations"]?.first)
        var result = ExtractionResult(
            readings: [
                "seller_name": Self.reading("seller_name", .organisation, "温州瑞汇印务股"),
                "buyer_name": Self.reading("buyer_name", .organisation, "温州瑞汇印务股份有限公司"),
            ], rows: [], registration: nil, problems: [])
        ListJudge.doubtUnfinished(&result, template: template)
        let seller = try #require(result.readings["seller_name"])
        #expect(seller.uncertain && seller.note?.contains("ends with 股") == true)
        #expect(result.readings["buyer_name"]?.uncertain == false)
        // Other kinds of body end otherwise, and are whole: a bureau, a branch, a partnership, a law firm.
        for whole in ["北京市海淀区财政局", "中国银行股份有限公司北京分行", "杭州恒远投资合伙企业（有限合伙）", "上海明理律师事务所", known] {
            var one = ExtractionResult(
                readings: ["seller_name": Self.reading("seller_name", .organisation, whole)], rows: [], registration: nil,
                problems: [])
            ListJudge.doubtUnfinished(&one, template: template)
            #expect(one.readings["seller_name"]?.uncertain == false, "\(whole)")
        }
    }

    @Test("an uncertain name shown as a known supplier (the second model's proposal) still warns of the look-alike Tesseract read")
    func proposalKeepsTheLookAlikeWarning() throws {
        let template = try Self.invoiceTemplate()
        let known = try #require(template.vocabularies["organisations"]?.first)
        var characters = Array(known)
        characters[2] = characters[2] == "钱" ? "前" : "钱"
        let lookAlike = String(characters)
        var shown = Self.reading("seller_name", .organisation, known, uncertain: true)
        shown.candidates = [NormalizedReading(value: .text(lookAlike), check: .valid)]
        let problems = ListJudge.problems(
            template: template, result: ExtractionResult(readings: ["seller_name": shown], rows: [], registration: nil, problems: []))
        #expect(problems.map(\.rule) == ["possible_lookalike"])
        #expect(problems.first?.message.contains("reads \(lookAlike): 一字之差 with known supplier \(known)") == true)
        // Readings that are all the known name, or all far from every entry, warn of nothing.
        var plain = Self.reading("seller_name", .organisation, known, uncertain: true)
        plain.candidates.append(NormalizedReading(value: .text("无关的名称"), check: .valid))
        #expect(
            ListJudge.problems(
                template: template, result: ExtractionResult(readings: ["seller_name": plain], rows: [], registration: nil, problems: [])
            ).isEmpty)
    }

    @Test("look-alikes drawn in typefaces the prototypes leave out are never chosen as the known supplier")
    func drawnLookAlikes() throws {
        let template = try Self.invoiceTemplate()
        let known = try #require(template.vocabularies["organisations"])
        var checked = 0
        for face in ["WenQuanYi_Micro_Hei_Regular", "AR_PL_UMing_CN_Light", "Noto_Serif_CJK_SC_Regular"] {
            let lines = try PrototypeLines(file: "form-text.txt", heldOut: face)
            let verifier = TextVerifier(classifier: lines.classifier)
            // Replacements the held-out face can draw: the templates' own characters, so the classifier
            // knows them too (the hardest case: every glyph has prototypes).
            let alphabet = Array(Set(known.joined())).filter { lines.glyphs[$0] != nil }.sorted()
            for entry in known where entry.allSatisfy({ lines.glyphs[$0] != nil }) {
                for lookAlike in Self.lookAlikes(of: entry, alphabet: alphabet, positions: [0, 2, entry.count / 2, entry.count - 3])
                where !known.contains(lookAlike) {
                    let chosen = verifier.choose(among: known, image: lines.draw(lookAlike, gap: 8))
                    #expect(chosen == nil, "\(lookAlike) drawn in \(face) was taken as \(chosen ?? "")")
                    checked += 1
                }
            }
        }
        #expect(checked >= 40)
    }

    @Test(
        "an entry Tesseract read once is taken when its glyphs clearly spell it; a look-alike drawn with the nearest other character never is"
    )
    func entryGlyphsAgainstLookAlikes() throws {
        let known = try #require(try Self.invoiceTemplate().vocabularies["organisations"])
        var lookAlikes = 0
        for names in [try HeldOutNames.microHei.get(), try HeldOutNames.uming.get()] {
            let drawable = known.filter { $0.allSatisfy { names.lines.glyphs[$0] != nil } }
            for entry in drawable {
                // The hardest look-alike at each position: the character nearest to the entry's own there.
                for position in 0..<entry.count {
                    var characters = Array(entry)
                    guard let rival = names.verifier.judge(String(characters[position]), image: names.lines.draw(String(characters[position])))?
                        .first?.rival, names.lines.glyphs[rival] != nil
                    else { continue }
                    characters[position] = rival
                    let lookAlike = String(characters)
                    guard !known.contains(lookAlike) else { continue }
                    let judge = ListOrGlyphs(
                        verifier: names.verifier, broad: names.verifier, known: known, image: { names.lines.draw(lookAlike, gap: 8) })
                    let verdict = try EntryGlyphs(judge: judge).judge(NormalizedReading(value: .text(entry), check: .valid))
                    #expect(verdict != .confirms, "\(lookAlike) taken as \(entry)")
                    lookAlikes += 1
                }
            }
        }
        #expect(lookAlikes >= 80)
        // The entry itself, drawn in a face the form words' prototypes leave out, is taken by its glyphs;
        // a name off the list is not this judge's to take.
        let words = try PrototypeLines(file: "form-text.txt", heldOut: "WenQuanYi_Micro_Hei_Regular")
        let entry = "杭州数智科技有限公司"
        let judge = EntryGlyphs(
            judge: ListOrGlyphs(
                verifier: TextVerifier(classifier: words.classifier), broad: nil, known: [entry], image: { words.draw(entry, gap: 8) }))
        #expect(try judge.judge(NormalizedReading(value: .text(entry), check: .valid)) == .confirms)
        #expect(try judge.judge(NormalizedReading(value: .text("杭州数智科数有限公司"), check: .valid)) == .noOpinion("not an entry of the list"))
    }

    @Test("a department or category off the list is its own exception when read with confidence, never the nearest entry")
    func unknownEntries() throws {
        let template = try Self.claimTemplate()
        let cases: [(String, String, String)] = [
            ("department", "审计科", "审批科"), ("department", "人事部", "人事处"),
        ]
        for (field, value, entry) in cases {
            let normalized = try #require(
                FieldNormalizer.normalize(value, type: .enumerated, vocabulary: template.vocabularies["departments"]!))
            #expect(normalized.value == .text(value))
            let result = ExtractionResult(
                readings: [field: Self.reading(field, .enumerated, value)], rows: [], registration: nil, problems: [])
            let problems = ListJudge.problems(template: template, result: result)
            #expect(problems.map(\.rule) == ["unknown_department"])
            #expect(problems.first?.message.contains("nearest: \(entry)") == true)
            // Read without confidence: uncertain_field already routes it; no claim that it is unknown.
            let unsure = ExtractionResult(
                readings: [field: Self.reading(field, .enumerated, value, uncertain: true)], rows: [], registration: nil,
                problems: [])
            #expect(ListJudge.problems(template: template, result: unsure).isEmpty)
        }
        for (value, entry) in [("会务费", "会议费"), ("交通费用", "交通费")] {
            let row = ["category": Self.reading("category", .enumerated, value)]
            let result = ExtractionResult(readings: [:], rows: [row], registration: nil, problems: [])
            let problems = ListJudge.problems(template: template, result: result)
            #expect(problems.map(\.rule) == ["unknown_category"], "\(value)")
            #expect(problems.first?.fields == ["items[0].category"])
            #expect(problems.first?.message.contains(entry) == true)
        }
    }

    @Test("ListMatch: listed, near (one character; two for long names) or unlisted")
    func listMatch() {
        let list = ["深圳前海信息技术有限公司", "审批科"]
        #expect(ListMatch.of("审批科", in: list) == .listed)
        #expect(ListMatch.of("审计科", in: list) == .near(entry: "审批科", differences: 1))
        #expect(ListMatch.of("审计处", in: list) == .unlisted)
        #expect(ListMatch.of("深圳钱海信息技数有限公司", in: list) == .near(entry: "深圳前海信息技术有限公司", differences: 2))
        #expect(ListMatch.of("北京钱海信息技数有限公司", in: list) == .unlisted)
    }
}
