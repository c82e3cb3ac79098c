import FormFlowCore
import Testing

@testable import FormFlowOCR

@Suite("Coloured ink is dropped for the values, black ink is kept")
struct PageColourTests {
    /// Pixels of one colour each, side by side, as the values page shows them.
    func levels(of colours: [(UInt8, UInt8, UInt8)]) throws -> [UInt8] {
        let page = try PageImage(rgb: colours.flatMap { [$0.0, $0.1, $0.2] }, width: colours.count, height: 1)
        return try #require(try page.valuesWithoutColour()).grayImage().pixels
    }

    @Test("a seal's red, brown form print and tinted paper turn to paper")
    func colourIsPaper() throws {
        let seal: (UInt8, UInt8, UInt8) = (235, 79, 90)
        let brownPrint: (UInt8, UInt8, UInt8) = (150, 62, 42)
        let tintedPaper: (UInt8, UInt8, UInt8) = (250, 238, 236)
        #expect(try levels(of: [seal, brownPrint, tintedPaper]).allSatisfy { $0 >= 230 })
    }

    @Test("black under a seal, blended to dark red, stays ink")
    func blackUnderASealIsInk() throws {
        // Measured on a colour scan whose seal's star lay over a claimant's first character: with its
        // saturation added in full, (84, 16, 7) came out at 199, paper to the glyph judges, and 郭建国
        // was read 建国 by both engines.
        let blackUnderSeal: (UInt8, UInt8, UInt8) = (84, 16, 7)
        let black: (UInt8, UInt8, UInt8) = (20, 18, 22)
        let shown = try levels(of: [blackUnderSeal, black])
        #expect(shown[0] < 100)
        #expect(shown[1] < 40)
    }

    @Test("a gray page has no values page of its own")
    func grayPageIsItsOwnValues() throws {
        let page = try PageImage(gray: GrayImage(width: 2, height: 1, pixels: [0, 255]))
        #expect(try page.valuesWithoutColour() == nil)
    }

    @Test("eight pixels at once give each pixel's level exactly, and a page's pixels past the last eight too")
    func eightAtOnce() throws {
        var checked = 0
        for red in stride(from: 0, through: 255, by: 5) {
            for green in stride(from: 0, through: 255, by: 3) {
                var pixels: [UInt32] = []
                for blue in stride(from: 0, through: 255, by: 4) {
                    pixels.append(UInt32(red) << 24 | UInt32(green) << 16 | UInt32(blue) << 8)
                }
                while pixels.count % 8 != 0 { pixels.append(pixels[pixels.count % 7]) }
                for start in stride(from: 0, to: pixels.count, by: 8) {
                    let eight = SIMD8<UInt32>(pixels[start..<(start + 8)])
                    let levels = PageImage.levels(eight)
                    for lane in 0..<8 {
                        #expect(levels[lane] == PageImage.level(eight[lane]))
                        checked += 1
                    }
                }
            }
        }
        #expect(checked > 200_000)
        // A width that is no multiple of eight: the last pixels take the one-at-a-time path.
        let colours: [(UInt8, UInt8, UInt8)] = (0..<13).map { (index: Int) -> (UInt8, UInt8, UInt8) in
            let red = UInt8(index * 19)
            let green = UInt8(255 - index * 11)
            return (red, green, UInt8(index * 7))
        }
        let shown = try levels(of: colours)
        for (index, colour) in colours.enumerated() {
            let rgb = UInt32(colour.0) << 24 | UInt32(colour.1) << 16 | UInt32(colour.2) << 8
            #expect(UInt32(shown[index]) == PageImage.level(rgb), "pixel \(index)")
        }
    }
}
