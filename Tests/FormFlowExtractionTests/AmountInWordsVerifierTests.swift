import FormFlowCore
import Foundation
import Testing

@testable import FormFlowExtraction

/// The amount in words judged by its glyphs: a contradiction needs glyphs within reach of the prototypes.
@Suite("Amount in words: glyphs far from every prototype are no opinion")
struct AmountInWordsVerifierTests {
    /// The figures say 1464.09; the words on the paper say 1474.09 (柒拾 for 陆拾).
    static let figures = ChineseAmount.render(Decimal(string: "1464.09")!)
    static let printed = "壹仟肆佰柒拾肆元零玖分"

    /// `image` with its ink spread `radius` pixels every way: strokes far heavier than any face drawn.
    static func heavy(_ image: GrayImage, radius: Int) -> GrayImage {
        var out = image
        for y in 0..<image.height {
            for x in 0..<image.width where image.pixels[y * image.width + x] < 128 {
                for dy in -radius...radius {
                    for dx in -radius...radius {
                        let (u, v) = (x + dx, y + dy)
                        guard u >= 0, v >= 0, u < image.width, v < image.height else { continue }
                        out.pixels[v * image.width + u] = 0
                    }
                }
            }
        }
        return out
    }

    @Test(
        "words in a face the prototypes know contradict the figures; the same words in strokes far from every prototype do not"
    )
    func farGlyphsAreNoOpinion() throws {
        #expect(Self.figures == "壹仟肆佰陆拾肆元零玖分")
        let lines = try PrototypeLines(file: "financial-capitals.txt", heldOut: "AR_PL_UKai_CN_Book")
        let known = lines.draw(Self.printed, gap: 10)
        #expect(
            AmountInWordsVerifier.verify(image: known, expected: Self.figures, classifier: lines.classifier)
                == .contradicts(Self.printed))
        // One pixel heavier all round: the glyphs lie beyond reach of every prototype (a display face lay so,
        // and spelled 叁 for 陆), and what they spell here is another wrong amount (柒 for 分). No contradiction
        // is claimed on them: what they read goes to a second reader to back or not.
        let far = Self.heavy(known, radius: 1)
        let (_, aligned) = AmountInWordsVerifier.positions(
            image: far, expected: Self.figures, classifier: lines.classifier)
        let nearest = try #require(aligned).map(\.nearestDistance).sorted()
        #expect(nearest[nearest.count / 2] > AmountInWordsVerifier.typefaceReach)
        let verdict = AmountInWordsVerifier.verify(image: far, expected: Self.figures, classifier: lines.classifier)
        guard case .unknownTypeface(let glyphsRead) = verdict else {
            Issue.record("far glyphs gave \(verdict)"); return
        }
        #expect(glyphsRead.count == Self.figures.count)
    }

    @Test("a glyph far from every prototype and nearer another character agrees with nothing")
    func unplacedGlyphDoesNotAgree() {
        // The tens of a phone photo's 肆拾 under figures that say 叁拾: 5.36 from 肆, 5.48 from 叁.
        let tens = AmountInWordsVerifier.Position(
            expected: "叁", nearest: "肆", expectedDistance: 5.48, nearestDistance: 5.36)
        #expect(AmountInWordsVerifier.isUnplaced(tens))
        // Nearest its own character, or within reach of the prototypes: the agreement margin holds.
        #expect(!AmountInWordsVerifier.isUnplaced(.init(expected: "叁", nearest: "叁", expectedDistance: 5.4, nearestDistance: 5.4)))
        #expect(!AmountInWordsVerifier.isUnplaced(.init(expected: "叁", nearest: "肆", expectedDistance: 3.2, nearestDistance: 3.0)))
    }

    @Test("the words are taken with 圆 only where the unit's glyph is clearly 圆; a printed 元 keeps 元")
    func roundYuanOnlyWhenClear() throws {
        let lines = try PrototypeLines(file: "financial-capitals.txt", heldOut: "AR_PL_UKai_CN_Book")
        let plain = ChineseAmount.render(1464.09)
        let printed = plain.replacingOccurrences(of: "元", with: "圆")
        let withRound = lines.draw(printed, gap: 10)
        let withPlain = lines.draw(plain, gap: 10)
        #expect(Reconciler.unitClearlyRound(image: withRound, plain: plain, printed: printed, glyphs: lines.classifier))
        #expect(!Reconciler.unitClearlyRound(image: withPlain, plain: plain, printed: printed, glyphs: lines.classifier))
        // A printed 元 is taken as 元.
        #expect(Reconciler.verifyWords(image: withPlain, amount: 1464.09, glyphs: lines.classifier).text == plain)
    }
}
