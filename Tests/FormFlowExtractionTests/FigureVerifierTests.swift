import FormFlowCore
import FormFlowTestSupport
import Foundation
import Testing

@testable import FormFlowExtraction

/// Lines drawn from the glyphs of one typeface that the verifier's prototypes leave out, so that it
/// must recognise a face it has not seen (as on a real office's printer).
struct PrototypeLines {
    let classifier: GlyphClassifier
    let glyphs: [Character: Glyph]

    /// `file` under Pipelines/glyphs; the prototypes of `heldOut` draw, all others recognise.
    init(file: String, heldOut: String) throws {
        try self.init(files: [file], heldOut: heldOut)
    }

    /// `files` under Pipelines/glyphs loaded as one set, compared by `features`; the first drawing of
    /// each character in `heldOut` draws, all other prototypes recognise.
    init(files: [String], heldOut: String, features kind: GlyphFeatures = .inkDensity) throws {
        var characters: [Character] = []
        var logAspects: [Float] = []
        var features: [UInt8] = []
        var glyphs: [Character: Glyph] = [:]
        for file in files {
            let path = TestSupport.pipelines.appendingPathComponent("glyphs/\(file)").path
            for entry in try GlyphClassifier.readGlyphs(path: path) {
                if entry.font == heldOut {
                    if entry.variant == 0, glyphs[entry.character] == nil { glyphs[entry.character] = entry.glyph }
                    continue
                }
                characters.append(entry.character)
                logAspects.append(Float(log(Double(entry.glyph.width) / Double(entry.glyph.height))))
                features += GlyphClassifier.Index.stored(kind.of(entry.glyph), kind)
            }
        }
        classifier = GlyphClassifier(
            index: GlyphClassifier.Index(characters: characters, logAspects: logAspects, features: features, kind: kind))
        self.glyphs = glyphs
    }

    /// Draws `text` on a white line, glyphs standing on one baseline `gap` pixels apart; a hyphen is a bar
    /// at mid-height that reaches `hyphenOverlap` pixels into its neighbours (blur joins them so).
    func draw(_ text: String, gap: Int = 6, hyphenOverlap: Int = 0, specks: Int = 0) -> GrayImage {
        let height = glyphs.values.map(\.height).max()! + 16
        let figureHeight = (glyphs["0"] ?? glyphs.values.first!).height
        var widths = 0
        let signWidth = figureHeight * 4 / 5
        for character in text { widths += (character == "%" ? signWidth : glyphs[character]?.width ?? 14) + gap }
        let width = widths + 16
        var pixels = [UInt8](repeating: 255, count: width * height)
        let baseline = height - 8
        var x = 8
        for character in text {
            if let glyph = glyphs[character] {
                let top = baseline - glyph.height
                for gy in 0..<glyph.height {
                    for gx in 0..<glyph.width where glyph.ink[gy * glyph.width + gx] {
                        pixels[(top + gy) * width + x + gx] = 0
                    }
                }
                x += glyph.width + gap
            } else if character == "%" {
                // A percent sign (the prototypes have none): two rings and the stroke between them.
                let top = baseline - figureHeight
                let ring = signWidth * 2 / 5
                for (left, ringTop) in [(x, top), (x + signWidth - ring, baseline - ring)] {
                    for gy in ringTop..<(ringTop + ring) {
                        for gx in left..<(left + ring) where gy - ringTop < 3 || ringTop + ring - gy <= 3 || gx - left < 3 || left + ring - gx <= 3 {
                            pixels[gy * width + gx] = 0
                        }
                    }
                }
                for gy in top..<baseline {
                    let centre = x + signWidth - 1 - (gy - top) * (signWidth - 1) / max(1, figureHeight - 1)
                    for gx in max(x, centre - 1)...min(x + signWidth - 1, centre + 1) { pixels[gy * width + gx] = 0 }
                }
                x += signWidth + gap
            } else if character == "." {
                // A decimal point: 6 × 6 on the baseline.
                for gy in (baseline - 6)..<baseline {
                    for gx in x..<(x + 6) { pixels[gy * width + gx] = 0 }
                }
                x += 6 + gap
            } else {
                // A hyphen: 14 × 4 at mid-height.
                let top = baseline - figureHeight / 2 - 2
                for gy in top..<(top + 4) {
                    for gx in (x - hyphenOverlap - (hyphenOverlap > 0 ? gap : 0))..<(x + 14 + hyphenOverlap + (hyphenOverlap > 0 ? gap : 0)) {
                        pixels[gy * width + gx] = 0
                    }
                }
                x += 14 + gap
            }
        }
        var state: UInt64 = 7
        for _ in 0..<specks {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            pixels[Int(state >> 33) % pixels.count] = 0
        }
        return GrayImage(width: width, height: height, pixels: pixels)
    }
}

@Suite("Figures verified glyph by glyph, without Tesseract")
struct FigureVerifierTests {
    /// Figures in Liberation Sans, which the digit prototypes are made without.
    static func lines() throws -> (lines: PrototypeLines, verifier: FigureVerifier) {
        let lines = try PrototypeLines(file: "digits.txt", heldOut: "Liberation_Sans_Regular")
        return (lines, FigureVerifier(classifier: lines.classifier))
    }

    @Test("An ID number in a typeface the prototypes leave out is confirmed as printed, specks and all")
    func confirmsUnseenTypeface() throws {
        let (lines, verifier) = try Self.lines()
        let image = lines.draw("31010419760310960X", specks: 40)
        #expect(verifier.verify("31010419760310960X", image: image, alphabet: .idNumber) == .confirmed)
        #expect(verifier.verify("6228482753012633", image: lines.draw("6228482753012633"), alphabet: .digits) == .confirmed)
    }

    @Test("A reading that differs in one figure, or in length, is not confirmed")
    func rejectsMisreads() throws {
        let (lines, verifier) = try Self.lines()
        let image = lines.draw("31010419760310960X")
        // 1 ↔ 7, 3 ↔ 8, 0 ↔ 6, 9 ↔ 4: the misreads Tesseract makes on these forms.
        for misread in ["31010419760310960X".replacing("4", with: "1", maxReplacements: 1), "81010419760310960X",
            "31010419760310966X", "31010414760310960X"]
        {
            let outcome = verifier.verify(misread, image: image, alphabet: .idNumber)
            #expect(outcome != .confirmed, "\(misread) was confirmed")
        }
        #expect(verifier.verify("3101041976031096X", image: image, alphabet: .idNumber) != .confirmed)
        #expect(verifier.verify("310104197603109600X", image: image, alphabet: .idNumber) != .confirmed)
    }

    /// Draws `text` in tabular figures: each glyph centred in a cell `cell` pixels wide, the glyph at an
    /// index in `shifts` moved that many pixels right (where a 4's stem stands, for a 4 that lost its strokes).
    /// Glyphs at an index in `split` lose their middle column, as a thin face's 0 breaks into two halves on a
    /// bilevel scan; a hyphen is a short bar.
    static func tabular(
        _ text: String, lines: PrototypeLines, cell: Int, shifts: [Int: Int] = [:], split: Set<Int> = [],
        replaced: [Int: Glyph] = [:]
    ) -> GrayImage {
        let height = lines.glyphs.values.map(\.height).max()! + 16
        let width = cell * text.count + 16
        var pixels = [UInt8](repeating: 255, count: width * height)
        for (index, character) in text.enumerated() {
            // A point: a small square on the baseline, in a cell of its own.
            let glyph =
                if let replacement = replaced[index] { replacement } else {
                switch character {
                case ".": Glyph(width: 5, height: 5, ink: Array(repeating: true, count: 25))
                case "-": Glyph(width: 10, height: 3, ink: Array(repeating: true, count: 30))
                default: lines.glyphs[character]!
                }
                }
            let left = 8 + index * cell + (cell - glyph.width) / 2 + (shifts[index] ?? 0)
            let top = height - 8 - glyph.height - (character == "-" ? lines.glyphs["0"]!.height / 2 : 0)
            for gy in 0..<glyph.height {
                for gx in 0..<glyph.width where glyph.ink[gy * glyph.width + gx] {
                    if split.contains(index) && abs(gx - glyph.width / 2) <= 1 { continue }
                    pixels[(top + gy) * width + left + gx] = 0
                }
            }
        }
        return GrayImage(width: width, height: height, pixels: pixels)
    }

    @Test("A 1 standing where a 4's stem does is doubted, whoever reads it 1; a 1 in its place is not")
    func misplacedOne() throws {
        let (lines, verifier) = try Self.lines()
        let cell = lines.glyphs["0"]!.width + 6
        // The invoice number 06202124 on a bilevel scan: the last 4 lost its diagonal and bar, and what is
        // left, a stem on a foot, is a 1 standing right of its cell's middle.
        let broken = Self.tabular("06202121", lines: lines, cell: cell, shifts: [7: cell / 5])
        let doubt = try #require(verifier.placementDoubt("06202121", image: broken))
        #expect(doubt.contains("glyph 8"))
        guard case .doubtful = verifier.verify("06202121", image: broken, alphabet: .alphanumeric) else {
            Issue.record("the figure classifier confirmed a misplaced 1"); return
        }
        // Every 1 in its place, the first one too: no doubt.
        #expect(verifier.placementDoubt("06202121", image: Self.tabular("06202121", lines: lines, cell: cell)) == nil)
        #expect(verifier.placementDoubt("11202121", image: Self.tabular("11202121", lines: lines, cell: cell)) == nil)
        // Proportional figures (each glyph its own width apart) stand at no even steps: no judgement.
        #expect(verifier.placementDoubt("06202121", image: lines.draw("06202121")) == nil)
        // The pure rule over glyph extents: figures 12 wide at steps of 20 (centres at 10.5), 1s 4 wide.
        func pieces(oneAt index: Int, start: Int) -> [GlyphLine.Piece] {
            (0..<8).map { $0 == index ? GlyphLine.Piece(start: 20 * $0 + start, end: 20 * $0 + start + 4) : GlyphLine.Piece(start: 20 * $0 + 5, end: 20 * $0 + 17) }
        }
        #expect(FigureVerifier.misplacedOne(Array("02210222"), pieces: pieces(oneAt: 3, start: 9)) == nil, "centred: 10.5")
        #expect(FigureVerifier.misplacedOne(Array("02210222"), pieces: pieces(oneAt: 3, start: 7)) == nil, "left of the middle: 8.5")
        #expect(FigureVerifier.misplacedOne(Array("02210222"), pieces: pieces(oneAt: 3, start: 12)) == 3, "right of it: 13.5")
        // One other figure off its step (a thin 3 whose left half was lost: centred 3 px right) among seven
        // is left out of the fit; two such are no even steps.
        var oneOff = pieces(oneAt: 3, start: 12)
        oneOff[6] = GlyphLine.Piece(start: 20 * 6 + 8, end: 20 * 6 + 20)
        #expect(FigureVerifier.misplacedOne(Array("02210222"), pieces: oneOff) == 3)
        var twoOff = oneOff
        twoOff[1] = GlyphLine.Piece(start: 20 + 8, end: 20 + 20)
        #expect(FigureVerifier.misplacedOne(Array("02210222"), pieces: twoOff) == nil)
    }

    /// What a 4 of a thin face keeps of itself on a 1-bit scan: a stem as tall as the face's 1, a quarter as wide.
    static func bareStem(_ lines: PrototypeLines) -> Glyph {
        let one = lines.glyphs["1"]!
        let width = max(2, one.width / 4)
        return Glyph(width: width, height: one.height, ink: Array(repeating: true, count: width * one.height))
    }

    @Test("A 1 that is a bare stem, without a 1's flag, is doubted wherever it stands; a 1 with its flag is not")
    func flaglessOne() throws {
        let (lines, verifier) = try Self.lines()
        let cell = lines.glyphs["0"]!.width + 6
        // The stem centred in its cell as a 1 stands, so that its place does not give it away (the invoice
        // code 096939594744 read 096939591744).
        let stem = Self.bareStem(lines)
        let code = Self.tabular("096939591744", lines: lines, cell: cell, replaced: [8: stem])
        #expect(FigureVerifier.misplacedOne(Array("096939591744"), pieces: try #require(GlyphLine(image: code, splitWide: false)).pieces) == nil)
        #expect(verifier.placementDoubt("096939591744", image: code)?.contains("glyph 9 is read 1 but is a stem") == true)
        #expect(verifier.placementDoubt("096939591744", image: Self.tabular("096939591744", lines: lines, cell: cell)) == nil)
        // In a date's runs of figures too: 2026-09-04 read 2026-09-01.
        let date = Self.tabular("2026-09-01", lines: lines, cell: cell, replaced: [9: stem])
        #expect(verifier.placementDoubt("2026-09-01", image: date)?.contains("glyph 8") == true)
        #expect(verifier.placementDoubt("2026-09-01", image: Self.tabular("2026-09-01", lines: lines, cell: cell)) == nil)
    }

    @Test("Where glyphs and characters do not pair up, a bare stem more than the 4s read is doubted")
    func strayStem() throws {
        let (lines, verifier) = try Self.lines()
        let cell = lines.glyphs["0"]!.width + 6
        let stem = Self.bareStem(lines)
        // A tax ID 91310115B26EDG457W read …G157W by both engines and its check character passing; its B broken
        // in two, so that its glyphs and characters do not pair up and the 4's place cannot be found.
        let taxID = Self.tabular("91310115B26EDG157W", lines: lines, cell: cell, split: [8], replaced: [14: stem])
        let doubt = try #require(verifier.placementDoubt("91310115B26EDG157W", image: taxID))
        #expect(doubt.contains("1 bare stem") && doubt.contains("0 4s read"))
        // Read right, the stem is the 4's: no doubt. Drawn whole, nothing is a bare stem.
        #expect(verifier.placementDoubt("91310115B26EDG457W", image: taxID) == nil)
        #expect(
            verifier.placementDoubt("91310115B26EDG157W", image: Self.tabular("91310115B26EDG157W", lines: lines, cell: cell, split: [8]))
                == nil)
        // Figures with flags, an I drawn as it is (a bare stem, allowed for), an L wider than a stem.
        let letters = try #require(GlyphLine(image: Self.tabular("1714I0L", lines: lines, cell: cell), splitWide: false))
        #expect(letters.bareStems().map { letters.glyph($0).width } == [lines.glyphs["I"]!.width])
    }

    @Test("A claim number's letters and an amount's cents are left aside: the run of figures between is judged")
    func misplacedOneAfterLettersAndBeforeCents() throws {
        let (lines, verifier) = try Self.lines()
        let cell = lines.glyphs["0"]!.width + 6
        // BX68224331061 on a G4 scan: glyph 7 (the 4) lost its diagonal and bar.
        let claim = Self.tabular("BX68221331061", lines: lines, cell: cell, shifts: [6: cell / 5])
        #expect(verifier.placementDoubt("BX68221331061", image: claim)?.contains("glyph 7") == true)
        #expect(verifier.placementDoubt("BX68221331061", image: Self.tabular("BX68221331061", lines: lines, cell: cell)) == nil)
        // 47598.36 read 17598.36: the first figure is the 4's stem.
        let total = Self.tabular("17598.36", lines: lines, cell: cell, shifts: [0: cell / 5])
        #expect(verifier.placementDoubt("17598.36", image: total)?.contains("glyph 1") == true)
        #expect(verifier.placementDoubt("17598.36", image: Self.tabular("17598.36", lines: lines, cell: cell)) == nil)
        // Four figures before the point find the step with the cents' two (each run its own start)...
        #expect(verifier.placementDoubt("1759.36", image: Self.tabular("1759.36", lines: lines, cell: cell, shifts: [0: cell / 5])) != nil)
        // ...three other figures are too few, the cents' lone 3 gives no step: no judgement.
        #expect(verifier.placementDoubt("175.31", image: Self.tabular("175.31", lines: lines, cell: cell, shifts: [0: cell / 5])) == nil)
    }

    @Test("A date's and a tax ID's runs of figures are judged each from its own start, with one step for all")
    func misplacedOneInRuns() throws {
        let (lines, verifier) = try Self.lines()
        let cell = lines.glyphs["0"]!.width + 6
        // 2026-09-04 on a G4 scan read 2026-09-01 by both engines: the last glyph is the 4's stem.
        let date = Self.tabular("2026-09-01", lines: lines, cell: cell, shifts: [9: cell / 5])
        #expect(verifier.placementDoubt("2026-09-01", image: date)?.contains("glyph 8") == true)
        #expect(verifier.placementDoubt("2026-09-01", image: Self.tabular("2026-09-01", lines: lines, cell: cell)) == nil)
        // The same with the 0s broken into halves, as a thin face's are at 200 dpi: the halves join in their cells.
        let broken = Self.tabular("2026-09-01", lines: lines, cell: cell, shifts: [9: cell / 5], split: [1, 5, 8])
        #expect(verifier.placementDoubt("2026-09-01", image: broken)?.contains("glyph 8") == true)
        #expect(
            verifier.placementDoubt("2026-09-01", image: Self.tabular("2026-09-01", lines: lines, cell: cell, split: [1, 5, 8])) == nil)
        // A 1 where a 4 makes no date (the day's tens of 2026-12-10) is no lost 4, however it stands; the
        // day's units of 2026-09-01 may be a 4 (2026-09-04), so that doubt stays.
        let isDate = { (text: String) in FieldNormalizer.date(text)?.check == .valid }
        let tens = Self.tabular("2026-12-10", lines: lines, cell: cell, shifts: [8: cell / 5])
        #expect(verifier.placementDoubt("2026-12-10", image: tens)?.contains("glyph 7") == true)
        #expect(verifier.placementDoubt("2026-12-10", image: tens, fourMayStandThere: isDate) == nil)
        #expect(verifier.placementDoubt("2026-09-01", image: date, fourMayStandThere: isDate)?.contains("glyph 8") == true)
        // A tax ID's leading figures before its letters: 911101054899BE33A6 read 911101051899BE33A6.
        let taxID = Self.tabular("911101051899BE33A6", lines: lines, cell: cell, shifts: [8: cell / 5])
        #expect(verifier.placementDoubt("911101051899BE33A6", image: taxID)?.contains("glyph 9") == true)
        #expect(verifier.placementDoubt("911101051899BE33A6", image: Self.tabular("911101051899BE33A6", lines: lines, cell: cell)) == nil)
        // Its 0s and a 9 broken into halves: the leading run of figures is cut off the letters and judged alone.
        let halves: Set<Int> = [4, 6, 10]
        let brokenTaxID = Self.tabular("911101051899BE33A6", lines: lines, cell: cell, shifts: [8: cell / 5], split: halves)
        #expect(verifier.placementDoubt("911101051899BE33A6", image: brokenTaxID)?.contains("glyph 9") == true)
        #expect(
            verifier.placementDoubt("911101051899BE33A6", image: Self.tabular("911101051899BE33A6", lines: lines, cell: cell, split: halves))
                == nil)
        // Glyphs drawn each its own width apart (proportional) stand at no even steps: no judgement.
        #expect(verifier.placementDoubt("2026-09-01", image: lines.draw("2026-09-01")) == nil)
    }

    @Test("A lone 1 that Tesseract reads as 4 is not confirmed; read as 1 it is")
    func loneOne() throws {
        let (lines, verifier) = try Self.lines()
        let image = lines.draw("1")
        #expect(verifier.verify("4", image: image, alphabet: .digits) != .confirmed)
        #expect(verifier.verify("1", image: image, alphabet: .digits) == .confirmed)
    }

    @Test("Hyphens joined to their neighbours are cut out of a date, and only where a hyphen was read")
    func hyphens() throws {
        let (lines, verifier) = try Self.lines()
        let joined = lines.draw("2026-01-08", hyphenOverlap: 2)
        #expect(GlyphLine(image: joined, splitWide: false)!.pieces.count == 6)  // 2 0 2 6-0 1-0 8
        #expect(verifier.verify("2026-01-08", image: joined, alphabet: .digits) == .confirmed)
        #expect(verifier.verify("2026-01-03", image: joined, alphabet: .digits) != .confirmed)
        // The crossbar of an H is such a stroke as well: a credit code with an H stays whole.
        let code = "91110105DC4G2EHD7H"
        #expect(verifier.verify(code, image: lines.draw(code), alphabet: .creditCode) == .confirmed)
    }

    @Test("An amount is read from its glyphs alone, point and all; a line with a glyph that is no figure is not")
    func readsAmounts() throws {
        let (lines, verifier) = try Self.lines()
        #expect(verifier.readAmount(image: lines.draw("4411.48", specks: 20)) == "4411.48")
        #expect(verifier.readAmount(image: lines.draw("90367.05")) == "90367.05")
        #expect(verifier.readAmount(image: lines.draw("44K1.48")) == nil)
        #expect(verifier.readAmount(image: lines.draw("441148")) == nil)  // no point: not an amount
        #expect(verifier.readAmount(image: lines.draw("44.1148")) == nil)  // point in the wrong place
    }

    @Test("A value with a check character is read from its glyphs alone only when every glyph is clear and the length fits")
    func readsCheckedValues() throws {
        let (lines, verifier) = try Self.lines()
        let id = "31010419760310960X"
        #expect(verifier.read(image: lines.draw(id, specks: 30), alphabet: .idNumber, lengths: 18...18) == id)
        #expect(verifier.read(image: lines.draw("6228482753012633"), alphabet: .digits, lengths: 16...19) == "6228482753012633")
        // A lone 1, which Tesseract reads as 4, is read as 1.
        #expect(verifier.read(image: lines.draw("1"), alphabet: .digits, lengths: 1...4) == "1")
        // One glyph short, or a glyph outside the alphabet (K is no ID character): no reading at all.
        #expect(verifier.read(image: lines.draw(String(id.dropLast())), alphabet: .idNumber, lengths: 18...18) == nil)
        #expect(verifier.read(image: lines.draw("31010419760310K60X"), alphabet: .idNumber, lengths: 18...18) == nil)
        var strict = verifier
        strict.minimumMargin = 100
        #expect(strict.read(image: lines.draw(id), alphabet: .idNumber, lengths: 18...18) == nil)
    }

    @Test("A rate is read from its glyphs: one or two clear figures, then a sign that is no figure and as wide")
    func readsRates() throws {
        let (lines, verifier) = try Self.lines()
        #expect(verifier.readRate(image: lines.draw("3%", specks: 10)) == "3%")
        #expect(verifier.readRate(image: lines.draw("13%")) == "13%")
        #expect(verifier.readRate(image: lines.draw("9%")) == "9%")
        // No sign, a sign that is a figure, or more than two figures: no reading.
        #expect(verifier.readRate(image: lines.draw("13")) == nil)
        #expect(verifier.readRate(image: lines.draw("38")) == nil)
        #expect(verifier.readRate(image: lines.draw("133%")) == nil)
        // A figure that is no clear digit (a letter) before the sign.
        #expect(verifier.readRate(image: lines.draw("K%")) == nil)
        var strict = verifier
        strict.minimumMargin = 100
        #expect(strict.readRate(image: lines.draw("3%")) == nil)
    }

    @Test("The second model's code is taken where the figure glyphs confirm it and Tesseract read it once, against Tesseract's majority")
    func codeConfirmedByFigures() throws {
        let (lines, verifier) = try Self.lines()
        let printed = "BX80276577634"
        func confirmation(image: GrayImage, tesseract: [String]) -> FigureConfirmation {
            FigureConfirmation(verifier: verifier, alphabet: .alphanumeric, image: { image }) { tesseract.map { .text($0) } }
        }
        let model = NormalizedReading(value: .text(printed), check: .valid)
        let eights = ["BX80276577684", "BX80276577684", printed, "BX80276577684"]
        #expect(try confirmation(image: lines.draw(printed), tesseract: eights).judge(model) == .confirms)
        // Not a reading of Tesseract's, or glyphs that show another figure: no opinion.
        if case .confirms = try confirmation(image: lines.draw(printed), tesseract: ["BX80276577684"]).judge(model) {
            Issue.record("confirmed a value no reading of Tesseract's gave")
        }
        if case .confirms = try confirmation(image: lines.draw("BX80276577684"), tesseract: eights).judge(model) {
            Issue.record("confirmed a 3 the glyphs show as 8")
        }
        // In the policy: the model's own reading, confirmed so, is taken over Tesseract's repeated 8.
        let readings = eights.map { NormalizedReading(value: .text($0), check: .valid) }
        let decision = try FieldPolicy.decide(
            readings, agreement: TesseractAgreement(needs: .strong, layoutPass: false), glyphs: nil,
            secondReader: FieldPolicy.SecondReader(
                model: SecondModelJudge { model }, doubt: nil, confirm: confirmation(image: lines.draw(printed), tesseract: eights),
                onlyUnsplitReadings: true),
            glyphsMustConfirm: false, glyphsConfirmAReading: false, contradictionWaits: false, modelMayObject: true,
            tesseractDoubts: false, final: true)
        guard case .accept(let chosen, let judges, _) = decision else {
            Issue.record("not accepted: \(decision)")
            return
        }
        #expect(chosen.value == .text(printed))
        #expect(judges == ["second model", "figure glyphs"])
    }

    @Test("Figures too alike to tell apart are not confirmed")
    func ambiguity() throws {
        let (lines, verifier) = try Self.lines()
        var strict = verifier
        strict.minimumMargin = 100
        #expect(strict.verify("123", image: lines.draw("123"), alphabet: .digits) != .confirmed)
        #expect(verifier.verify("123", image: lines.draw("123"), alphabet: .digits) == .confirmed)
    }
}
