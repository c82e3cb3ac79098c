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

    /// A page of tinted paper (gray 234) with brown labels (gray 110) and black values whose strokes
    /// are 3 pixels wide, as a form's are at 200 dpi; 6% of the page is value ink, as on an invoice.
    static func tintedForm() throws -> PageImage {
        let width = 600
        let height = 400
        var pixels = [UInt8](repeating: 234, count: width * height)
        for row in 0..<height {
            for column in 0..<width {
                let label = row % 40 < 12 && column % 16 < 9 && column < 200
                let value = row % 40 < 14 && column % 14 < 3 && column >= 262 && column < 560
                if label { pixels[row * width + column] = 110 }
                if value { pixels[row * width + column] = 15 }
            }
        }
        return try PageImage(gray: GrayImage(width: width, height: height, pixels: pixels), dpi: 200)
    }

    @Test("a dithered black-and-white page is told from a thresholded one")
    func ditheredIsTold() throws {
        let form = try Self.tintedForm()
        #expect(try form.bilevel(dithered: true).isDithered)
        #expect(try !form.bilevel(dithered: false).isDithered)
        // Only a 1-bit page can be dithered.
        #expect(!form.isDithered)
    }

    @Test("smoothed more, a dithered page's labels come back as even gray; its values stay black")
    func ditheredLabelsBecomeGray() throws {
        let dithered = try Self.tintedForm().bilevel(dithered: true)
        func spread(_ page: PageImage, rows: Range<Int>, columns: Range<Int>) throws -> (mean: Double, deviation: Double) {
            let image = try page.grayImage()
            var values: [Double] = []
            // The page is at 300 dpi now: 1.5 times the 200-dpi coordinates.
            for row in rows { for column in columns { values.append(Double(image.pixels[row * image.width + column])) } }
            let mean = values.reduce(0, +) / Double(values.count)
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
            return (mean, variance.squareRoot())
        }
        // Inside a label's stroke (200 dpi: rows 2–9 of a band, columns 2–6 of a stroke) and inside a
        // value's (columns 266–268).
        let labelRows = 4..<14
        let labelColumns = 4..<9
        let smoothed = try dithered.smoothedFromBilevel()
        let descreened = try dithered.smoothedFromBilevel(blur: 2)
        let before = try spread(smoothed, rows: labelRows, columns: labelColumns)
        let after = try spread(descreened, rows: labelRows, columns: labelColumns)
        #expect(after.deviation < before.deviation / 2, "dots: \(before), descreened: \(after)")
        #expect(after.mean > 60 && after.mean < 200)
        let value = try spread(descreened, rows: 5..<16, columns: 400..<402)
        #expect(value.mean < 100)
    }
}
