import FormFlowCore
import FormFlowTestSupport
import Foundation
import Testing

@testable import FormFlowExtraction

/// A white canvas to draw synthetic pages and zones on.
private struct Canvas {
    var image: GrayImage

    init(width: Int, height: Int) {
        image = GrayImage(width: width, height: height, pixels: [UInt8](repeating: 255, count: width * height))
    }

    mutating func fill(x: Int, y: Int, width: Int, height: Int, level: UInt8 = 0) {
        for row in max(0, y)..<min(image.height, y + height) {
            for column in max(0, x)..<min(image.width, x + width) { image.pixels[row * image.width + column] = level }
        }
    }

    /// Salt-and-pepper specks, as scanners leave them.
    mutating func specks(_ count: Int, seed: UInt64) {
        var state = seed
        for _ in 0..<count {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let index = Int(state >> 33) % image.pixels.count
            image.pixels[index] = 0
        }
    }

    /// Text-like ink: glyph-sized blocks with small gaps, as a printed line looks from afar.
    mutating func textLine(x: Int, y: Int, glyphs: Int, size: Int, level: UInt8 = 0) {
        for index in 0..<glyphs {
            fill(x: x + index * (size + size / 6), y: y, width: size, height: size, level: level)
        }
    }
}

@Suite("Ruled box and value ink, found without OCR")
struct InkLayoutTests {
    @Test("the ruled box of a page is found among text lines and specks")
    func frameIsFound() throws {
        var canvas = Canvas(width: 1240, height: 877)
        let box = PixelRect(x: 75, y: 210, width: 1090, height: 380)
        canvas.fill(x: box.x, y: box.y, width: box.width, height: 2)
        canvas.fill(x: box.x, y: box.maxY, width: box.width, height: 2)
        canvas.fill(x: box.x, y: box.y, width: 2, height: box.height)
        canvas.fill(x: box.maxX, y: box.y, width: 2, height: box.height)
        for row in 1...6 { canvas.fill(x: box.x, y: box.y + row * 54, width: box.width, height: 1) }  // row rules
        canvas.fill(x: 450, y: box.y, width: 2, height: box.height)  // a column rule
        canvas.textLine(x: 430, y: 40, glyphs: 5, size: 44)  // the title
        canvas.textLine(x: 75, y: 620, glyphs: 40, size: 22)  // a long line of text under the box
        canvas.specks(20_000, seed: 7)

        let found = try #require(FrameFinder.frame(in: canvas.image))
        #expect(abs(found.x - box.x) <= 2 && abs(found.y - box.y) <= 2)
        #expect(abs(found.width - box.width) <= 3 && abs(found.height - box.height) <= 3)
    }

    @Test("two long lines without sides, or text alone, are no box")
    func noFrame() {
        var lines = Canvas(width: 1240, height: 877)
        lines.fill(x: 75, y: 210, width: 1090, height: 2)
        lines.fill(x: 75, y: 590, width: 1090, height: 2)
        #expect(FrameFinder.frame(in: lines.image) == nil)

        var text = Canvas(width: 1240, height: 877)
        for row in 0..<12 { text.textLine(x: 60, y: 60 + row * 60, glyphs: 45, size: 22) }
        #expect(FrameFinder.frame(in: text.image) == nil)
    }

    @Test("a value is boxed by its ink: rules, specks and the label's colon left out")
    func valueBox() throws {
        var canvas = Canvas(width: 700, height: 170)
        let zone = PixelRect(x: 60, y: 40, width: 600, height: 90)
        canvas.fill(x: 0, y: 20, width: 700, height: 4)  // a table rule just above the value, across the crop
        canvas.fill(x: 640, y: 0, width: 3, height: 170)  // a column rule at the right
        canvas.fill(x: 64, y: 70, width: 7, height: 7)  // the label's colon reaching into the zone
        canvas.fill(x: 64, y: 92, width: 7, height: 7)
        canvas.textLine(x: 120, y: 60, glyphs: 6, size: 40)  // the value
        canvas.fill(x: 300, y: 24, width: 30, height: 10)  // a value stroke touching the rule
        canvas.specks(1_500, seed: 3)

        let box = try #require(InkLocator.valueBox(in: canvas.image, zone: zone))
        // Specks touching a glyph join it: a pixel or two either way.
        #expect(abs(box.x - 120) <= 2, "the colon is left out")
        #expect(abs(box.maxX - (120 + 5 * 46 + 40)) <= 2)
        #expect(abs(box.y - 60) <= 2, "the rule and the stroke centred outside the zone are left out")
        #expect(abs(box.maxY - 100) <= 2)
    }

    @Test("a value printed low and at a slant is boxed whole: its last glyphs centred under the zone, not the line above")
    func slantedValueBelowZone() throws {
        // A header zone 58 rows high; twelve 30-pixel figures printed low, each a pixel lower than the one
        // before (a slant of about 2.6°): the centres of the last three lie under the zone's lower edge.
        var canvas = Canvas(width: 560, height: 140)
        let zone = PixelRect(x: 40, y: 40, width: 460, height: 58)
        for index in 0..<12 {
            canvas.fill(x: 70 + index * 22, y: 75 + index, width: 18, height: 30)
        }
        // The line above (the previous header value), its centres above the zone, in the same columns.
        canvas.textLine(x: 70, y: 8, glyphs: 8, size: 30)

        let box = try #require(InkLocator.valueBox(in: canvas.image, zone: zone))
        #expect(abs(box.x - 70) <= 1)
        #expect(abs(box.maxX - (70 + 11 * 22 + 18)) <= 1, "every figure, also those centred under the zone")
        #expect(box.y >= 74 && box.maxY <= 75 + 11 + 30 + 1, "the line above is left out")
    }

    @Test("black print outweighs more grey ink at a raised level: a seal's leftover beside a photographed name")
    func blackOutweighsGrey() throws {
        // A phone photo under a shadow: paper at 240, the name's print at 100, so the zone's level is raised
        // to 170 and the seal's text, left grey (160) by the colour drop, is ink too.
        var canvas = Canvas(width: 700, height: 170)
        canvas.fill(x: 0, y: 0, width: 700, height: 170, level: 240)
        let zone = PixelRect(x: 60, y: 40, width: 600, height: 90)
        canvas.textLine(x: 80, y: 100, glyphs: 2, size: 40, level: 100)  // the name
        canvas.textLine(x: 300, y: 40, glyphs: 5, size: 40, level: 160)  // the seal's text
        #expect(InkLocator.level(in: canvas.image, zone: zone) == 170)
        let box = try #require(InkLocator.valueBox(in: canvas.image, zone: zone))
        #expect(box.x == 80 && box.y == 100, "the name, not the seal's more numerous grey glyphs")
        // Counted by pixels alone, the grey line has more ink.
        #expect(InkLocator.valueBox(in: canvas.image, zone: zone, unit: 1, level: 170, minimumInk: 150)?.x == 300)
    }

    @Test("a name whose faint first glyphs fell apart into a run of their own: the line is seen to go on beside the value")
    func lineGoesOnBesideValue() throws {
        // A phone photo's thin face: paper at 245, the name's last eight glyphs at 120, its first four at 185
        // and broken to two strokes each, with a gap wider than the line is high before the rest.
        var canvas = Canvas(width: 900, height: 170)
        canvas.fill(x: 0, y: 0, width: 900, height: 170, level: 245)
        let zone = PixelRect(x: 40, y: 40, width: 820, height: 90)
        for index in 0..<4 {
            for stroke in 0..<2 { canvas.fill(x: 60 + index * 40 + stroke * 16, y: 70, width: 4, height: 24, level: 185) }
        }
        canvas.textLine(x: 280, y: 66, glyphs: 8, size: 34, level: 120)
        let box = try #require(InkLocator.valueBox(in: canvas.image, zone: zone))
        #expect(box.x >= 270, "the heavier run alone is the value")
        #expect(InkLocator.lineGoesOn(beside: box, in: canvas.image, zone: zone))
        // The whole line boxed, or the name alone on its line: nothing goes on beside it.
        let whole = PixelRect(x: 60, y: box.y, width: box.maxX - 60, height: box.height)
        #expect(!InkLocator.lineGoesOn(beside: whole, in: canvas.image, zone: zone))
        var alone = Canvas(width: 900, height: 170)
        alone.fill(x: 0, y: 0, width: 900, height: 170, level: 245)
        alone.textLine(x: 280, y: 66, glyphs: 8, size: 34, level: 120)
        let own = try #require(InkLocator.valueBox(in: alone.image, zone: zone))
        #expect(!InkLocator.lineGoesOn(beside: own, in: alone.image, zone: zone))
    }

    @Test("a value at the edge of a photo's shadow band is found: the band, taller than the zone, took it along")
    func valueAtShadowEdge() throws {
        var canvas = Canvas(width: 700, height: 170)
        canvas.fill(x: 0, y: 0, width: 700, height: 170, level: 240)
        canvas.fill(x: 200, y: 0, width: 220, height: 170, level: 145)  // the shadow band, across the whole crop
        canvas.textLine(x: 170, y: 80, glyphs: 2, size: 40, level: 60)  // the name, across the band's edge
        let zone = PixelRect(x: 60, y: 40, width: 600, height: 90)
        #expect(InkLocator.level(in: canvas.image, zone: zone) == 150)
        let box = try #require(InkLocator.valueBox(in: canvas.image, zone: zone))
        #expect(abs(box.x - 170) <= 1 && abs(box.maxX - 256) <= 1 && abs(box.y - 80) <= 1 && abs(box.maxY - 120) <= 1)
        // A 1-bit page has no shadows: it is not looked at that way.
        #expect(InkLocator.valueBox(in: canvas.image, zone: zone, bilevel: true) == nil)
    }

    @Test("a faint, thin 1 is found although it breaks into specks at the usual ink level")
    func faintDigit() throws {
        var canvas = Canvas(width: 300, height: 130)
        canvas.fill(x: 0, y: 10, width: 300, height: 3)
        canvas.fill(x: 0, y: 118, width: 300, height: 3)
        // A stroke with a dark core two pixels wide and grey edges, as a light print of a Song face
        // scans; its serif is grey only.
        canvas.fill(x: 150, y: 50, width: 1, height: 28, level: 170)
        canvas.fill(x: 151, y: 50, width: 2, height: 28, level: 120)
        canvas.fill(x: 153, y: 50, width: 1, height: 28, level: 170)
        canvas.fill(x: 146, y: 78, width: 12, height: 2, level: 170)
        canvas.specks(300, seed: 5)
        let zone = PixelRect(x: 20, y: 20, width: 260, height: 90)
        #expect(
            InkLocator.valueBox(in: canvas.image, zone: zone, unit: 1, level: InkLocator.inkLevel, minimumInk: 150)
                == nil)

        let box = try #require(InkLocator.valueBox(in: canvas.image, zone: zone))
        #expect(abs(box.x - 146) <= 1 && abs(box.maxX - 158) <= 1)
        #expect(abs(box.y - 50) <= 1 && abs(box.maxY - 80) <= 1)

        // Grey specks alone are still no value at the lighter level.
        var specks = Canvas(width: 300, height: 130)
        for index in 0..<60 {
            specks.fill(x: 20 + (index * 37) % 250, y: 25 + (index * 53) % 80, width: 2, height: 2, level: 170)
        }
        #expect(InkLocator.valueBox(in: specks.image, zone: zone) == nil)
    }

    @Test("a thin 1 alone, a stem of 55 pixels, is a value; a blot of as much ink, or a rule's piece, is not")
    func thinOne() throws {
        let zone = PixelRect(x: 20, y: 20, width: 260, height: 90)
        func zoneHolding(_ draw: (inout Canvas) -> Void) -> GrayImage {
            var canvas = Canvas(width: 300, height: 130)
            canvas.fill(x: 0, y: 10, width: 300, height: 3)
            canvas.fill(x: 0, y: 118, width: 300, height: 3)
            draw(&canvas)
            return canvas.image
        }
        // A colour scan's uming 1: a stem 2 px wide, 24 high, a small foot: 56 pixels of ink.
        let one = zoneHolding { canvas in
            canvas.fill(x: 64, y: 59, width: 2, height: 24)
            canvas.fill(x: 62, y: 83, width: 4, height: 2)
        }
        let box = try #require(InkLocator.valueBox(in: one, zone: zone))
        #expect(abs(box.x - 62) <= 1 && abs(box.y - 59) <= 1 && abs(box.maxY - 85) <= 1)
        // As much ink in a blot is a mark, not a figure.
        #expect(InkLocator.valueBox(in: zoneHolding { $0.fill(x: 64, y: 59, width: 8, height: 7) }, zone: zone) == nil)
        // A stem taller than any figure is a rule's piece.
        #expect(InkLocator.valueBox(in: zoneHolding { $0.fill(x: 64, y: 25, width: 1, height: 80) }, zone: zone) == nil)
        // A thin 6 alone (a count on a 200 dpi colour scan), 85 pixels of ink: under a line's ink even at
        // the lighter level, but a figure's shape.
        let six = zoneHolding { canvas in
            canvas.fill(x: 64, y: 60, width: 2, height: 21)
            canvas.fill(x: 66, y: 60, width: 7, height: 1)
            canvas.fill(x: 66, y: 79, width: 10, height: 2)
            canvas.fill(x: 75, y: 70, width: 1, height: 9)
            canvas.fill(x: 66, y: 70, width: 7, height: 1)
        }
        let sixBox = try #require(InkLocator.valueBox(in: six, zone: zone))
        #expect(abs(sixBox.x - 64) <= 1 && abs(sixBox.y - 60) <= 1 && abs(sixBox.maxX - 76) <= 1)
        // As little ink in a shape wider than high (a bracket of marks) is no figure.
        #expect(
            InkLocator.valueBox(
                in: zoneHolding { canvas in
                    canvas.fill(x: 64, y: 60, width: 22, height: 1)
                    canvas.fill(x: 64, y: 79, width: 22, height: 1)
                    canvas.fill(x: 64, y: 61, width: 1, height: 18)
                }, zone: zone) == nil)
    }

    @Test("a value whose first figure is faint is boxed whole, not from its second figure")
    func faintFirstFigure() throws {
        var canvas = Canvas(width: 500, height: 130)
        canvas.fill(x: 0, y: 10, width: 500, height: 3)
        canvas.fill(x: 0, y: 118, width: 500, height: 3)
        canvas.fill(x: 100, y: 45, width: 30, height: 36, level: 175)  // the faint first figure
        canvas.textLine(x: 136, y: 45, glyphs: 5, size: 36)
        canvas.specks(300, seed: 8)
        let zone = PixelRect(x: 20, y: 20, width: 460, height: 90)
        let usual = try #require(
            InkLocator.valueBox(in: canvas.image, zone: zone, unit: 1, level: InkLocator.inkLevel, minimumInk: 150))
        #expect(abs(usual.x - 136) <= 2)

        let box = try #require(InkLocator.valueBox(in: canvas.image, zone: zone))
        #expect(abs(box.x - 100) <= 2)
        #expect(abs(box.maxX - usual.maxX) <= 2)
    }

    @Test(
        "light print is boxed whole, its lighter ends too; a seal's leftover text along the same rows is not the value")
    func lightPrint() throws {
        // A phone photo's grey print: the middle of the name at 115, its first and last glyphs at 165,
        // on paper at 245; a seal's text dropped to light grey (170) further along the same rows.
        var canvas = Canvas(width: 1400, height: 130)
        canvas.fill(x: 0, y: 0, width: 1400, height: 130, level: 245)
        canvas.fill(x: 100, y: 45, width: 36, height: 36, level: 165)
        canvas.textLine(x: 142, y: 45, glyphs: 6, size: 36, level: 115)
        canvas.fill(x: 394, y: 45, width: 36, height: 36, level: 165)
        canvas.textLine(x: 1000, y: 40, glyphs: 4, size: 40, level: 170)
        let zone = PixelRect(x: 20, y: 20, width: 1360, height: 90)
        let usual = try #require(
            InkLocator.valueBox(in: canvas.image, zone: zone, unit: 1, level: InkLocator.inkLevel, minimumInk: 150))
        #expect(usual.x >= 142 && usual.maxX <= 394, "the usual level leaves the light ends out")

        #expect(InkLocator.level(in: canvas.image, zone: zone) > InkLocator.inkLevel)
        let box = try #require(InkLocator.valueBox(in: canvas.image, zone: zone))
        #expect(abs(box.x - 100) <= 1 && abs(box.maxX - 430) <= 1, "the name's lighter ends are in its box")
        #expect(abs(box.y - 45) <= 1 && abs(box.maxY - 81) <= 1)

        // Black print on white keeps the usual level: nothing lighter becomes ink.
        var scan = Canvas(width: 700, height: 130)
        scan.textLine(x: 100, y: 45, glyphs: 6, size: 36)
        #expect(
            InkLocator.level(in: scan.image, zone: PixelRect(x: 20, y: 20, width: 660, height: 90))
                == InkLocator.inkLevel)
    }

    @Test(
        "a black-and-white scan's seal beside a value: its arcs, taller than any glyph, and its text far along the rows are left out"
    )
    func blackSeal() throws {
        // A G4 scan turns the red seal black: over the seller's tax ID row lie pieces of its ring, taller
        // than the value's glyphs and (drawn solid here) with more ink than the value, and its text.
        var canvas = Canvas(width: 1800, height: 170)
        let zone = PixelRect(x: 40, y: 40, width: 1700, height: 90)
        canvas.textLine(x: 80, y: 75, glyphs: 18, size: 24)
        canvas.fill(x: 1350, y: 65, width: 134, height: 63)
        canvas.fill(x: 1530, y: 77, width: 149, height: 57)
        canvas.fill(x: 1490, y: 110, width: 31, height: 10)
        let box = try #require(InkLocator.valueBox(in: canvas.image, zone: zone))
        #expect(
            abs(box.x - 80) <= 1 && abs(box.maxX - (80 + 17 * 28 + 24)) <= 1, "the tax ID alone, not the seal: \(box)")
        #expect(abs(box.y - 75) <= 1 && abs(box.maxY - 99) <= 1)

        // The seal's own characters, glyph-sized and black, in the rows of a name but far from it.
        var name = Canvas(width: 1800, height: 170)
        name.textLine(x: 80, y: 65, glyphs: 12, size: 36)
        name.textLine(x: 1400, y: 62, glyphs: 3, size: 30)
        let nameBox = try #require(InkLocator.valueBox(in: name.image, zone: zone))
        #expect(abs(nameBox.x - 80) <= 1 && abs(nameBox.maxX - (80 + 11 * 42 + 36)) <= 1, "the name alone: \(nameBox)")

        // The seal's solid star, taller than any character and heavier than the figures, in the rows
        // beneath a total's figures: the figures are the value.
        var total = Canvas(width: 900, height: 170)
        total.textLine(x: 80, y: 45, glyphs: 4, size: 24)
        total.fill(x: 400, y: 68, width: 70, height: 58)
        let totalBox = try #require(
            InkLocator.valueBox(in: total.image, zone: PixelRect(x: 40, y: 40, width: 800, height: 90)))
        #expect(
            abs(totalBox.x - 80) <= 1 && abs(totalBox.y - 45) <= 1 && abs(totalBox.maxY - 69) <= 1,
            "the figures, not the star: \(totalBox)")

        // A seal's heavy dashes along its arc, in the rows of a total printed in a thin face: more ink
        // than the figures, but their feet follow the arc; the figures stand on one baseline.
        var thin = Canvas(width: 900, height: 170)
        for index in 0..<7 { thin.fill(x: 80 + index * 18, y: 70, width: 10, height: 30) }
        for (index, top) in [66, 72, 78, 84, 84, 78, 72, 66].enumerated() {
            thin.fill(x: 400 + index * 50, y: top, width: 40, height: 14)
        }
        let thinBox = try #require(
            InkLocator.valueBox(in: thin.image, zone: PixelRect(x: 40, y: 40, width: 800, height: 90)))
        #expect(abs(thinBox.x - 80) <= 1 && abs(thinBox.maxX - 198) <= 1, "the figures, not the dashes: \(thinBox)")
        // The same dashes in rows of their own, below the figures (the ring's top under a total): two
        // lines, and the figures' one baseline outweighs the heavier arc.
        var below = Canvas(width: 900, height: 200)
        for index in 0..<8 { below.fill(x: 80 + index * 18, y: 50, width: 10, height: 28) }
        for (index, top) in [100, 105, 108, 108, 105, 100].enumerated() {
            below.fill(x: 250 + index * 36, y: top, width: 30, height: 16)
        }
        let belowBox = try #require(
            InkLocator.valueBox(in: below.image, zone: PixelRect(x: 40, y: 40, width: 800, height: 100)))
        #expect(
            abs(belowBox.x - 80) <= 1 && abs(belowBox.y - 50) <= 1 && abs(belowBox.maxY - 78) <= 1,
            "the figures, not the arc: \(belowBox)")
        // The pure rule: the most ink on one baseline, whatever stands beside it.
        func blob(_ x: Int, _ y: Int, _ width: Int, _ height: Int) -> InkLocator.Blob {
            // Black ink: its mass is its pixels.
            InkLocator.Blob(
                box: PixelRect(x: x, y: y, width: width, height: height), pixels: width * height, mass: width * height)
        }
        #expect(InkLocator.alignedInk([blob(0, 10, 10, 30), blob(20, 10, 10, 30), blob(40, 0, 10, 20)]) == 600)
        #expect(InkLocator.alignedInk([blob(0, 0, 40, 14), blob(50, 6, 40, 14), blob(100, 12, 40, 14)]) == 560)

        // A value with gaps of a character or two inside (a date's 年 and 月 apart) stays whole.
        var date = Canvas(width: 1800, height: 170)
        date.textLine(x: 80, y: 65, glyphs: 4, size: 36)
        date.textLine(x: 80 + 4 * 42 + 72, y: 65, glyphs: 2, size: 36)
        let dateBox = try #require(InkLocator.valueBox(in: date.image, zone: zone))
        #expect(abs(dateBox.x - 80) <= 1 && abs(dateBox.maxX - (80 + 4 * 42 + 72 + 42 + 36)) <= 1)
    }

    @Test("a small figure broken at a thin stroke (the bar of a 5 above its bowl) is one value")
    func brokenFigure() throws {
        var canvas = Canvas(width: 300, height: 130)
        canvas.fill(x: 0, y: 10, width: 300, height: 3)
        canvas.fill(x: 0, y: 118, width: 300, height: 3)
        canvas.fill(x: 100, y: 50, width: 14, height: 8)  // the bar
        canvas.fill(x: 100, y: 59, width: 16, height: 15)  // the bowl, a white row below the bar
        canvas.specks(300, seed: 9)
        let box = try #require(
            InkLocator.valueBox(in: canvas.image, zone: PixelRect(x: 20, y: 20, width: 260, height: 90)))
        #expect(abs(box.y - 50) <= 1 && abs(box.maxY - 74) <= 1)
        #expect(abs(box.x - 100) <= 1 && abs(box.maxX - 116) <= 1)
    }

    @Test("a faint photographed figure in pieces is one value: its foot 5 px below, or two halves sharing 3 rows")
    func faintFigureInPieces() throws {
        func zoneWith(_ pieces: [(x: Int, y: Int, width: Int, height: Int)]) -> PixelRect? {
            var canvas = Canvas(width: 300, height: 130)
            canvas.fill(x: 0, y: 10, width: 300, height: 3)
            canvas.fill(x: 0, y: 118, width: 300, height: 3)
            // Grey as a phone's faint print: only the lighter level sees it.
            for piece in pieces {
                canvas.fill(x: piece.x, y: piece.y, width: piece.width, height: piece.height, level: 170)
            }
            return InkLocator.valueBox(in: canvas.image, zone: PixelRect(x: 20, y: 20, width: 260, height: 90))
        }
        // A "2": its curve 14 px high, its foot 8 px high, 5 px below (seen on a phone photo's receipts count).
        let two = try #require(zoneWith([(140, 50, 12, 14), (138, 69, 16, 8)]))
        #expect(abs(two.y - 50) <= 1 && abs(two.maxY - 77) <= 1)
        // A "5" in two halves whose rows overlap by 3.
        let five = try #require(zoneWith([(140, 50, 15, 15), (139, 62, 19, 17)]))
        #expect(abs(five.y - 50) <= 1 && abs(five.maxY - 79) <= 1)
        // Two lines of text one above the other (a label over its value) are not one figure: the heavier
        // line alone is the value.
        var canvas = Canvas(width: 300, height: 130)
        canvas.textLine(x: 60, y: 36, glyphs: 2, size: 22, level: 170)
        canvas.textLine(x: 60, y: 64, glyphs: 5, size: 24, level: 170)
        let lines = try #require(
            InkLocator.valueBox(in: canvas.image, zone: PixelRect(x: 20, y: 20, width: 260, height: 90)))
        #expect(abs(lines.y - 64) <= 1 && abs(lines.maxY - 88) <= 1)
    }

    @Test("a zone with only rules and specks holds no value")
    func emptyZone() {
        var canvas = Canvas(width: 700, height: 170)
        canvas.fill(x: 0, y: 20, width: 700, height: 3)
        canvas.fill(x: 0, y: 128, width: 700, height: 3)
        canvas.fill(x: 5, y: 0, width: 3, height: 170)
        canvas.specks(1_500, seed: 11)
        #expect(InkLocator.valueBox(in: canvas.image, zone: PixelRect(x: 40, y: 30, width: 620, height: 90)) == nil)
    }

    @Test("templates with a frame and a title zone are the ones recognised by their box")
    func frameTemplates() throws {
        let template = try FormTemplate.load(
            path: TestSupport.pipelines.appendingPathComponent("templates/expense_claim.yaml").path)
        #expect(template.frame == PixelRect(x: 150, y: 420, width: 2180, height: 760))
        #expect(template.recognition.titleZone != nil)
        var withoutFrame = template
        withoutFrame.frame = nil
        #expect(FrameRecognizer(templates: [template, withoutFrame]).templates.count == 1)
    }

    /// A reader of the title band whose readings answer by segmentation and scale (`answer`), and which
    /// keeps what was asked of it.
    final class TitleBandReader: PageReader {
        let answer: (PageSegmentation, Double) -> String
        private(set) var readings: [(segmentation: PageSegmentation, scale: Double)] = []
        init(answer: @escaping (PageSegmentation, Double) -> String) { self.answer = answer }
        var pageSize: PixelRect { PixelRect(x: 0, y: 0, width: 2480, height: 1754) }
        var dpi: Int { 300 }
        func read(_ zone: PixelRect?, options: RecognitionOptions, scale: Double) throws -> Recognition {
            readings.append((options.segmentation, scale))
            let text = answer(options.segmentation, scale)
            return Recognition(text: text, words: [], meanConfidence: text.isEmpty ? 0 : 90)
        }
        func pixels(in zone: PixelRect) throws -> GrayImage {
            GrayImage(
                width: zone.width, height: zone.height, pixels: .init(repeating: 255, count: zone.width * zone.height))
        }
        func overview(scale: Double) throws -> GrayImage { GrayImage(width: 1, height: 1, pixels: [255]) }
    }

    /// A line reading finds nothing (a seal's ring reaches into the band), a scattered-text reading `sparse`.
    static func sealedTitle(sparse: String) -> TitleBandReader {
        TitleBandReader { segmentation, _ in segmentation == .sparseText ? sparse : "" }
    }

    @Test("a rectified page's title that a line reading misses (a seal's ring in the band) is read as scattered text")
    func titleReadAsScatteredText() throws {
        let template = try FormTemplate.load(
            path: TestSupport.pipelines.appendingPathComponent("templates/expense_claim.yaml").path)
        let recognizer = FrameRecognizer(templates: [template])
        let sealed = Self.sealedTitle(sparse: "-费用报销单")
        #expect(try recognizer.titleShown(band: sealed, as: template))
        #expect(sealed.readings.map(\.segmentation) == [.singleLine, .sparseText])
        // Another title read either way is no match.
        #expect(try !recognizer.titleShown(band: Self.sealedTitle(sparse: "增值税普通发票"), as: template))
    }

    @Test("a rectified page's title that half size misses is read at full size, after the two small readings")
    func titleReadAtFullSize() throws {
        let template = try FormTemplate.load(
            path: TestSupport.pipelines.appendingPathComponent("templates/expense_claim.yaml").path)
        // As Tesseract read a Kai title on a phone's rectified photo: "os" at half size.
        let reader = TitleBandReader { _, scale in scale >= 1 ? "SN费用报销单" : "os" }
        let recognizer = FrameRecognizer(templates: [template])
        #expect(try recognizer.titleShown(band: reader, as: template))
        #expect(reader.readings.map(\.scale) == [0.5, 0.5, 1])
    }
}
