import FormFlowCore
import FormFlowTestSupport
import FormFlowYAML
import Foundation
import Testing

@testable import FormFlowExtraction

/// A page drawn in memory and a Tesseract stand-in that answers every reading with a scripted text, so
/// that the extractor's rules for names and counts are tested against readings that are wrong on purpose.
final class ScriptedReader: PageReader {
    let page: GrayImage
    /// The text of every reading of a zone, by the zone's field (`name` or `count`) and the model.
    let script: (_ field: String, _ language: String) -> String
    /// Tesseract's confidence in every reading (under 55 it doubts a name).
    let confidence: Double
    private(set) var readings: [(field: String, language: String)] = []
    /// Whether every value's ink is said to reach the edge of the scan.
    let cutByEdge: Bool

    init(
        page: GrayImage, confidence: Double = 90, cutByEdge: Bool = false,
        script: @escaping (_ field: String, _ language: String) -> String
    ) {
        self.page = page
        self.confidence = confidence
        self.cutByEdge = cutByEdge
        self.script = script
    }

    func inkTouchesScanEdge(in rect: PixelRect) throws -> Bool { cutByEdge }

    var pageSize: PixelRect { PixelRect(x: 0, y: 0, width: page.width, height: page.height) }
    var dpi: Int { 300 }

    func read(_ zone: PixelRect?, options: RecognitionOptions, scale: Double) throws -> Recognition {
        let field = (zone?.y ?? 0) < GlyphPolicyTests.countTop ? "name" : "count"
        readings.append((field, options.language))
        let text = script(field, options.language)
        return Recognition(
            text: text, words: text.isEmpty ? [] : [RecognizedWord(text: text, box: zone ?? pageSize, confidence: confidence, line: 0)],
            meanConfidence: text.isEmpty ? 0 : confidence)
    }

    func pixels(in zone: PixelRect) throws -> GrayImage {
        let clip = zone.clamped(to: pageSize)
        var pixels: [UInt8] = []
        pixels.reserveCapacity(clip.width * clip.height)
        for y in clip.y..<clip.maxY { pixels += page.pixels[(y * page.width + clip.x)..<(y * page.width + clip.maxX)] }
        return GrayImage(width: clip.width, height: clip.height, pixels: pixels)
    }

    func overview(scale: Double) throws -> GrayImage { page }
}

@Suite("Names and counts: Tesseract's readings against the glyphs, with a scripted Tesseract")
struct GlyphPolicyTests {
    static let countTop = 200
    static let template = """
        form: claim
        page: { width: 1000, height: 400 }
        recognise:
          title: 报销
        anchors:
          - { text: 姓名, at: [100, 100] }
          - { text: 件数, at: [100, 250] }
        fields:
          claimant:
            zone: [200, 60, 500, 110]
            type: chinese_name
            vocabulary: surnames
            ocr: { language: chi_sim, psm: raw_line }
          attachments:
            zone: [200, 230, 300, 110]
            type: integer
            ocr: { language: eng, psm: single_line, whitelist: "0123456789" }
        vocabularies:
          surnames: [王, 于, 陈]
        """

    /// The claimant `name` and the count `count`, drawn in typefaces the prototypes leave out.
    static func page(name: String, count: String) throws -> GrayImage {
        let names = try PrototypeLines(file: "names.txt", heldOut: "WenQuanYi_Micro_Hei_Regular")
        let digits = try PrototypeLines(file: "digits.txt", heldOut: "Liberation_Sans_Regular")
        var page = GrayImage(width: 1000, height: 400, pixels: [UInt8](repeating: 255, count: 1000 * 400))
        func paste(_ line: GrayImage, x: Int, y: Int) {
            for row in 0..<line.height {
                for column in 0..<line.width where line[column, row] < 128 {
                    page.pixels[(y + row) * page.width + x + column] = 0
                }
            }
        }
        paste(names.draw(name, gap: 8), x: 260, y: 80)
        paste(digits.draw(count), x: 260, y: 250)
        return page
    }

    static func extractor() throws -> FieldExtractor {
        let template = try FormTemplate.parse(ConfigNode.parse(Self.template, file: "claim.yaml"))
        let names = try PrototypeLines(file: "names.txt", heldOut: "WenQuanYi_Micro_Hei_Regular")
        let digits = try PrototypeLines(file: "digits.txt", heldOut: "Liberation_Sans_Regular")
        return FieldExtractor(
            template: template, glyphs: nil, figures: FigureVerifier(classifier: digits.classifier), text: nil,
            names: TextVerifier(classifier: names.classifier, maximumDistance: 3.5, minimumMargin: 0.25))
    }

    static let identity = Registration(
        transform: .scaleAndShift(scale: 1, dx: 0, dy: 0), matched: [], missing: [], residual: 0, byFrame: true)

    @Test("A name every reading gets wrong (王 read 于) goes to an operator: the glyphs say otherwise")
    func wrongNameEveryReading() throws {
        let reader = ScriptedReader(page: try Self.page(name: "王磊", count: "1")) { field, language in
            field == "name" ? "于磊" : (language == "eng" ? "1" : "")
        }
        let result = try Self.extractor().extract(registration: Self.identity, reader: reader)
        let claimant = try #require(result.readings["claimant"])
        #expect(claimant.uncertain)
        #expect(claimant.note?.contains("glyph") == true)
    }

    @Test("A character Tesseract adds that the ink does not hold (王磊 read 陈王磊): the glyphs' reading inside Tesseract's is taken")
    func phantomCharacter() throws {
        let framed = ScriptedReader(page: try Self.page(name: "王磊", count: "1")) { field, language in
            field == "name" ? "陈王磊" : (language == "eng" ? "1" : "")
        }
        let claimant = try #require(try Self.extractor().extract(registration: Self.identity, reader: framed).readings["claimant"])
        #expect(!claimant.uncertain)
        #expect(claimant.chosen?.value == .text("王磊"))
        #expect(claimant.decidedBy == ["name glyphs", "tesseract"])
        // Two characters more than the ink holds is not a phantom: an operator decides.
        let longer = ScriptedReader(page: try Self.page(name: "王磊", count: "1")) { field, language in
            field == "name" ? "陈王磊陈" : (language == "eng" ? "1" : "")
        }
        let unsure = try #require(try Self.extractor().extract(registration: Self.identity, reader: longer).readings["claimant"])
        #expect(unsure.uncertain)
    }

    @Test("A name the glyphs confirm is taken after one reading, though Tesseract doubts it")
    func confirmedName() throws {
        let reader = ScriptedReader(page: try Self.page(name: "王磊", count: "1"), confidence: 40) { field, language in
            field == "name" ? "王磊" : (language == "eng" ? "1" : "")
        }
        let result = try Self.extractor().extract(registration: Self.identity, reader: reader)
        let claimant = try #require(result.readings["claimant"])
        #expect(!claimant.uncertain)
        #expect(claimant.chosen?.value == .text("王磊"))
        #expect(reader.readings.filter { $0.field == "name" }.count == 1)
    }

    @Test("Of differing readings, the one the glyphs confirm is taken")
    func glyphsPickAReading() throws {
        var names = ["于磊", "王磊"][...]
        let reader = ScriptedReader(page: try Self.page(name: "王磊", count: "1")) { field, language in
            field == "name" ? (names.popFirst() ?? "于磊") : (language == "eng" ? "1" : "")
        }
        let result = try Self.extractor().extract(registration: Self.identity, reader: reader)
        let claimant = try #require(result.readings["claimant"])
        #expect(!claimant.uncertain)
        #expect(claimant.chosen?.value == .text("王磊"))
    }

    @Test("A misread into a character without prototypes, repeated by every reading, goes to an operator")
    func misreadOutsidePrototypes() throws {
        let reader = ScriptedReader(page: try Self.page(name: "王磊", count: "1")) { field, language in
            field == "name" ? "王舌" : (language == "eng" ? "1" : "")
        }
        let claimant = try #require(try Self.extractor().extract(registration: Self.identity, reader: reader).readings["claimant"])
        #expect(claimant.uncertain)
        #expect(claimant.note?.contains("clearly 磊") == true)
    }

    @Test("Values whose ink reaches the scan's edge go to an operator, however well they read")
    func cutByTheEdge() throws {
        for cut in [false, true] {
            let reader = ScriptedReader(page: try Self.page(name: "王磊", count: "1"), cutByEdge: cut) { field, _ in
                field == "name" ? "王磊" : "1"
            }
            let result = try Self.extractor().extract(registration: Self.identity, reader: reader)
            for field in ["claimant", "attachments"] {
                let reading = try #require(result.readings[field])
                #expect(reading.uncertain == cut, "\(field)")
                #expect((reading.note?.contains("edge of the scan") == true) == cut, "\(field)")
            }
        }
    }

    @Test("A lone 1 every reading calls 4 goes to an operator; read 1 by one model it is taken")
    func loneOne() throws {
        let alwaysFour = ScriptedReader(page: try Self.page(name: "王磊", count: "1")) { field, _ in
            field == "name" ? "王磊" : "4"
        }
        let wrong = try #require(try Self.extractor().extract(registration: Self.identity, reader: alwaysFour).readings["attachments"])
        #expect(wrong.uncertain)
        #expect(wrong.note?.contains("glyphs read 1") == true)

        let otherModelRight = ScriptedReader(page: try Self.page(name: "王磊", count: "1")) { field, language in
            field == "name" ? "王磊" : (language == "eng" ? "4" : "1")
        }
        let right = try #require(try Self.extractor().extract(registration: Self.identity, reader: otherModelRight).readings["attachments"])
        #expect(!right.uncertain)
        #expect(right.chosen?.value == .integer(1))
    }

    @Test("a declared prefix (¥) is cut off by its glyph before the value is read; without a second glyph nothing is cut")
    func prefixGlyphCut() throws {
        // ¥ as a block, a gap, then three digits as blocks.
        var pixels = [UInt8](repeating: 255, count: 200 * 40)
        for (x0, x1) in [(10, 24), (34, 44), (48, 58), (62, 72)] {
            for y in 8..<32 { for x in x0..<x1 { pixels[y * 200 + x] = 0 } }
        }
        let reader = ScriptedReader(page: GrayImage(width: 200, height: 40, pixels: pixels)) { _, _ in "" }
        let cut = try #require(try FieldExtractor.withoutFirstGlyph(PixelRect(x: 5, y: 4, width: 72, height: 32), reader: reader))
        #expect(cut.box.x == 34)
        #expect(cut.box.maxX == 77)
        #expect(cut.prefixEnd > 24 && cut.prefixEnd < 34)
        #expect(try FieldExtractor.withoutFirstGlyph(PixelRect(x: 5, y: 4, width: 22, height: 32), reader: reader) == nil)
    }
}

@Suite("A name's glyph nearer a rare character than its common reading")
struct RareRivalGlyphsTests {
    @Test("a common character whose glyph lies nearer a rare one speaks against the name; the rare reading does not")
    func rareRival() throws {
        // 彧 drawn in a face the prototypes leave out: both engines read 何敏或 on a colour scan of 何敏彧.
        let lines = try PrototypeLines(
            files: ["names.txt", "name-rivals.txt"], heldOut: "AR_PL_UMing_CN_Light", features: .strokeDirection)
        let verifier = TextVerifier.names(classifier: lines.classifier)
        // Drawn in UMing, its 彧 lies 0.25 from the other faces' 彧 and 0.35 from their 或.
        let drawn = lines.draw("何敏彧", gap: 8)
        let judge = RareRivalGlyphs(verifier: verifier, isRare: { $0 == "彧" }, image: { drawn })
        func verdict(_ value: String) throws -> Verdict {
            try judge.judge(NormalizedReading(value: .text(value), check: .valid))
        }
        guard case .contradicts(let why) = try verdict("何敏或") else {
            Issue.record("the common 或 was not held against a glyph nearer 彧"); return
        }
        #expect(why.contains("彧") && why.contains("或"))
        // The rare reading itself, and a name whose glyphs are their common characters: no opinion.
        if case .contradicts = try verdict("何敏彧") { Issue.record("the rare reading was held against itself") }
        let common = lines.draw("何敏军", gap: 8)
        let commonJudge = RareRivalGlyphs(verifier: verifier, isRare: { $0 == "彧" }, image: { common })
        if case .contradicts = try commonJudge.judge(NormalizedReading(value: .text("何敏军"), check: .valid)) {
            Issue.record("a common name drawn as itself was doubted")
        }
    }
}

@Suite("A rare name character in the names' other typefaces")
struct RareCharactersInMoreFacesTests {
    @Test("rare characters printed in a Noto face are confirmed as themselves with the rivals in every face, not with Ming, Kai and Hei alone")
    func rareCharactersInANotoFace() throws {
        // Drawn in Noto Sans CJK Bold, a face whose regular weight the other files draw in: Tesseract reads
        // 罗敏祥 and 周伟赞, the model 罗敏禛 and 周伟赟, and only the glyphs can confirm the model.
        let heldOut = "Noto_Sans_CJK_SC_Bold"
        let every = try PrototypeLines(
            files: ["names.txt", "name-rivals.txt", "name-rivals-more.txt"], heldOut: heldOut, features: .strokeDirection)
        let three = try PrototypeLines(files: ["names.txt", "name-rivals.txt"], heldOut: heldOut, features: .strokeDirection)
        for (name, misread) in [("罗敏禛", "罗敏祥"), ("周伟赟", "周伟赞")] {
            let drawn = every.draw(name, gap: 8)
            #expect(TextVerifier.names(classifier: every.classifier).verify(name, image: drawn) == .confirmed)
            #expect(TextVerifier.names(classifier: every.classifier).verify(misread, image: drawn) != .confirmed)
            #expect(TextVerifier.names(classifier: three.classifier).verify(name, image: drawn) != .confirmed)
        }
    }
}
