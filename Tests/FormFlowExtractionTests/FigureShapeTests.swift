import FormFlowCore
import FormFlowTestSupport
import Foundation
import Testing

@testable import FormFlowExtraction

@Suite("Figure shapes: a 3 told from an 8 by its loops, whatever the typeface")
struct FigureShapeTests {
    /// A glyph from rows of `#` (ink) and `.` (paper).
    static func glyph(_ rows: [String]) -> Glyph {
        let width = rows[0].count
        return Glyph(width: width, height: rows.count, ink: rows.flatMap { $0.map { $0 == "#" } })
    }

    /// An old-style 3 with ball terminals (AR PL KaitiM) as a colour scan's amount 3334.98 gave it, read 8
    /// by Tesseract at every resolution.
    static let kaiThree = glyph([
        "....########.....", "...###.....###...", "..###.......###..", "..##........###..", ".####........###.",
        ".####........###.", ".####........###.", "..##.........###.", "............###..", "............##...",
        "...........###...", "..........##.....", "......######.....", "...........###...", "............###..",
        ".............###.", ".............###.", "..............###", "####..........###", "####..........###",
        "####.........###.", ".##..........###.", ".###.........##..", "..###.......##...", "....#########....",
    ])

    /// The 8 of the same line.
    static let kaiEight = glyph([
        ".......###.......", "....##....##.....", "...##.......##...", "..##.........##..", ".##..........##..",
        ".##..........###.", ".##..........###.", ".##..........##..", ".###........###..", "..###......###...",
        "..#####...###....", "....#######......", ".....######......", "....########.....", "...###..######...",
        "..###.....#####..", ".###........####.", "###..........####", "###...........###", "###...........###",
        "###...........###", "###...........###", "###...........##.", ".###.........##..", "..###.......##...",
        "....########.....",
    ])

    /// The 8 blurred until its loops filled: no longer clearly either.
    static let filledEight = glyph([
        ".....#####.....", "...#########...", "..###########..", "..###########..", "..###########..",
        "...#########...", "....#######....", "...#########...", "..###########..", ".#############.",
        ".#############.", ".#############.", ".#############.", "..###########..", "....#######....",
    ])

    @Test("a Kai 3 is a 3 and not an 8; its 8 is an 8 and not a 3")
    func threeAndEight() {
        #expect(FigureShape.holes(Self.kaiThree) == 0)
        // Its loop's top is one pixel thin and broke at the ink's level: one hole, the left side closed.
        #expect(FigureShape.holes(Self.kaiEight) == 1)
        #expect(FigureShape.tellsApart(Self.kaiThree, "3", from: "8"))
        #expect(!FigureShape.tellsApart(Self.kaiThree, "8", from: "3"))
        #expect(FigureShape.tellsApart(Self.kaiEight, "8", from: "3"))
        #expect(!FigureShape.tellsApart(Self.kaiEight, "3", from: "8"))
    }

    @Test("a figure whose shape is neither clearly says nothing: a filled 8, an 8 with one loop open, other pairs")
    func noOpinion() {
        #expect(!FigureShape.tellsApart(Self.filledEight, "3", from: "8"))
        #expect(!FigureShape.tellsApart(Self.filledEight, "8", from: "3"))
        // The upper bowl's left side lost (a stroke a seal's removal took): one loop, the paper reaching in
        // beside the upper bowl only: no 8, and no 3 either.
        var rows = (0..<Self.kaiEight.height).map { y in
            String((0..<Self.kaiEight.width).map { Self.kaiEight.ink[y * Self.kaiEight.width + $0] ? "#" : "." })
        }
        for y in 2...11 { rows[y] = "......" + rows[y].dropFirst(6) }
        let opened = Self.glyph(rows)
        #expect(FigureShape.holes(opened) == 1)
        #expect(!FigureShape.tellsApart(opened, "3", from: "8"))
        #expect(!FigureShape.tellsApart(opened, "8", from: "3"))
        #expect(!FigureShape.tellsApart(Self.kaiThree, "3", from: "5"))
    }

    @Test("in every face and variant the figure prototypes are drawn in, each 3 is a 3 and each 8 an 8 by shape")
    func everyFace() throws {
        let path = TestSupport.pipelines.appendingPathComponent("glyphs/digits.txt").path
        let drawn = try GlyphClassifier.readGlyphs(path: path)
        // Droid Sans Fallback has no figures of its own: its "3" is the missing-glyph box.
        let threes = drawn.filter { $0.character == "3" && !$0.font.hasPrefix("Droid") }
        let eights = drawn.filter { $0.character == "8" }
        #expect(threes.count >= 18 && eights.count >= 18)
        for entry in threes {
            #expect(FigureShape.tellsApart(entry.glyph, "3", from: "8"), "\(entry.font) \(entry.variant)")
            #expect(!FigureShape.tellsApart(entry.glyph, "8", from: "3"), "\(entry.font) \(entry.variant)")
        }
        // The 8s drawn whole (variants 0 and 1) are 8s; those drawn with broken loops may be neither.
        for entry in eights {
            if entry.variant < 2 && !entry.font.hasPrefix("Droid") {
                #expect(FigureShape.tellsApart(entry.glyph, "8", from: "3"), "\(entry.font) \(entry.variant)")
            }
            #expect(!FigureShape.tellsApart(entry.glyph, "3", from: "8"), "\(entry.font) \(entry.variant)")
        }
    }

    @Test("a 3 whose prototypes lie as near an 8's is confirmed only where its shape may settle it; never as an 8")
    func verifierWithShapes() throws {
        // Prototypes of 3 and 8 nearly alike: the glyph lies within the margin of either, as an old-style
        // 3 can; the 8 a little further.
        let features = Self.kaiThree.features()
        var eight = features
        for cell in [42, 43, 62, 63] { eight[cell] = min(1, eight[cell] + 0.1) }
        let aspect = Double(Self.kaiThree.width) / Double(Self.kaiThree.height)
        let classifier = GlyphClassifier(prototypes: [
            .init(character: "3", font: "kai", features: features, aspect: aspect),
            .init(character: "8", font: "kai", features: eight, aspect: aspect),
        ])
        let verifier = FigureVerifier(classifier: classifier)
        var pixels = [UInt8](repeating: 255, count: 45 * 41)
        for y in 0..<Self.kaiThree.height {
            for x in 0..<Self.kaiThree.width where Self.kaiThree.ink[y * Self.kaiThree.width + x] {
                pixels[(y + 8) * 45 + x + 14] = 0
            }
        }
        let image = GrayImage(width: 45, height: 41, pixels: pixels)
        #expect(verifier.verify("3", image: image, alphabet: .digits) == .unconfirmed("glyph 1 could be 3 or 8"))
        #expect(verifier.verify("3", image: image, alphabet: .digits, shapesSettle: true) == .confirmed)
        #expect(verifier.verify("8", image: image, alphabet: .digits, shapesSettle: true) != .confirmed)
    }
}
