import FormFlowTestSupport
import Foundation
import Testing

@testable import FormFlowCore
@testable import FormFlowExtraction

/// Pages photographed at a slant: drawn ruled boxes (a frame with a table grid) seen through a
/// homography, on a dark desk, under a shadow; the box's corners must be found and the page rectified.
@Suite("Perspective: the ruled box's corners found on drawn quadrilaterals, the page rectified onto the template")
struct PerspectiveTests {
    /// A page in template space (`width` × `height`): white paper, a ruled box with rows and columns.
    static func templatePage(width: Int, height: Int, frame: PixelRect, ink: UInt8 = 40) -> GrayImage {
        var pixels = [UInt8](repeating: 250, count: width * height)
        func line(x0: Int, y0: Int, x1: Int, y1: Int) {
            for y in y0...y1 {
                for x in x0...x1 where x >= 0 && y >= 0 && x < width && y < height { pixels[y * width + x] = ink }
            }
        }
        let thickness = 3
        for row in 0...6 {
            let y = frame.y + frame.height * row / 6
            line(x0: frame.x, y0: y, x1: frame.maxX, y1: y + thickness)
        }
        for column in [0, 35, 70, 100] {
            let x = frame.x + frame.width * column / 100
            line(x0: x, y0: frame.y, x1: x + thickness, y1: frame.maxY + thickness)
        }
        // Some "text" above the box: short strokes.
        for k in 0..<20 {
            line(x0: frame.x + 40 + k * 60, y0: frame.y - 80, x1: frame.x + 70 + k * 60, y1: frame.y - 50)
        }
        return GrayImage(width: width, height: height, pixels: pixels)
    }

    /// The page drawn into a photo: `corners` are where the page's four corners land; a dark desk
    /// around it and a shadow darkening its left part.
    static func photograph(
        _ page: GrayImage, into size: (Int, Int), corners: [PagePoint], shadow: Bool, shadowLight: Double = 0.55
    ) -> GrayImage {
        let pageCorners = [
            PagePoint(x: 0, y: 0), PagePoint(x: Double(page.width), y: 0),
            PagePoint(x: Double(page.width), y: Double(page.height)), PagePoint(x: 0, y: Double(page.height)),
        ]
        let photoToPage = Homography(from: corners, to: pageCorners)!
        var photo = page.warped(width: size.0, height: size.1, sourceOf: photoToPage)
        // Outside the page: the desk (warped() leaves it white).
        for y in 0..<size.1 {
            for x in 0..<size.0 {
                let p = photoToPage.map(PagePoint(x: Double(x), y: Double(y)))
                if p.x < 0 || p.y < 0 || p.x >= Double(page.width) || p.y >= Double(page.height) {
                    photo.pixels[y * size.0 + x] = 55
                } else if shadow {
                    // A soft shadow over the left part: light falls from 55% (`shadowLight`) to full over a fifth
                    // of the width.
                    let ramp = min(1, max(0, (Double(x) - 0.3 * Double(size.0)) / (0.2 * Double(size.0))))
                    photo.pixels[y * size.0 + x] = UInt8(
                        Double(photo.pixels[y * size.0 + x]) * (shadowLight + (1 - shadowLight) * ramp))
                }
            }
        }
        return photo
    }

    static let frame = PixelRect(x: 150, y: 420, width: 2180, height: 760)

    /// A 2480 × 1754 page photographed into a 1240 × 900 picture, its corners landing at `corners` (by
    /// default at a slant), and where the corners of `frame` drawn 3 px thick land in that picture.
    static func photographed(
        _ page: GrayImage,
        corners: [PagePoint] = [
            PagePoint(x: 120, y: 90), PagePoint(x: 1130, y: 150), PagePoint(x: 1100, y: 820), PagePoint(x: 80, y: 760),
        ], shadow: Bool = false, shadowLight: Double = 0.55
    ) throws -> (photo: GrayImage, box: [PagePoint]) {
        let pageToPhoto = try #require(
            Homography(
                from: [
                    PagePoint(x: 0, y: 0), PagePoint(x: 2480, y: 0), PagePoint(x: 2480, y: 1754),
                    PagePoint(x: 0, y: 1754),
                ],
                to: corners))
        let box = [
            PagePoint(x: Double(frame.x), y: Double(frame.y)), PagePoint(x: Double(frame.maxX + 3), y: Double(frame.y)),
            PagePoint(x: Double(frame.maxX + 3), y: Double(frame.maxY + 3)),
            PagePoint(x: Double(frame.x), y: Double(frame.maxY + 3)),
        ].map(pageToPhoto.map)
        return (photograph(page, into: (1240, 900), corners: corners, shadow: shadow, shadowLight: shadowLight), box)
    }

    /// A blank 2480 × 1754 page with the filled rectangles `lines` (x0, y0, x1, y1, inclusive) in ink.
    static func page(lines: [(Int, Int, Int, Int)]) -> GrayImage {
        var pixels = [UInt8](repeating: 250, count: 2480 * 1754)
        for (x0, y0, x1, y1) in lines {
            for y in y0...y1 { for x in x0...x1 { pixels[y * 2480 + x] = 40 } }
        }
        return GrayImage(width: 2480, height: 1754, pixels: pixels)
    }

    static func expectCorners(_ quad: Quadrilateral, at expected: [PagePoint]) {
        for (found, wanted) in zip(quad.corners, expected) {
            #expect(found.distance(to: wanted) < 4, "corner \(found) instead of \(wanted)")
        }
    }

    @Test("a homography maps four corners exactly and round-trips")
    func homography() throws {
        let source = [
            PagePoint(x: 10, y: 20), PagePoint(x: 900, y: 60), PagePoint(x: 870, y: 700), PagePoint(x: 30, y: 650),
        ]
        let target = [
            PagePoint(x: 0, y: 0), PagePoint(x: 1000, y: 0), PagePoint(x: 1000, y: 700), PagePoint(x: 0, y: 700),
        ]
        let forward = try #require(Homography(from: source, to: target))
        let back = try #require(Homography(from: target, to: source))
        for (s, t) in zip(source, target) {
            #expect(forward.map(s).distance(to: t) < 1e-6)
            #expect(back.map(forward.map(s)).distance(to: s) < 1e-6)
        }
        #expect(Homography(from: [source[0], source[0], source[1], source[2]], to: target) == nil)
    }

    @Test(
        "the box's corners are found at a slant, turned, in shadow, filling 50-100% of the frame",
        arguments: [
            // Page corners in a 1240 × 900 photo (clockwise from top left).
            [
                PagePoint(x: 120, y: 90), PagePoint(x: 1130, y: 150), PagePoint(x: 1100, y: 820),
                PagePoint(x: 80, y: 760),
            ],
            [
                PagePoint(x: 300, y: 250), PagePoint(x: 950, y: 200), PagePoint(x: 980, y: 680),
                PagePoint(x: 320, y: 700),
            ],
            [PagePoint(x: 40, y: 40), PagePoint(x: 1200, y: 20), PagePoint(x: 1215, y: 880), PagePoint(x: 15, y: 860)],
            [
                PagePoint(x: 200, y: 60), PagePoint(x: 1150, y: 200), PagePoint(x: 1050, y: 860),
                PagePoint(x: 90, y: 700),
            ],
        ])
    func cornersFound(pageCorners: [PagePoint]) throws {
        let page = Self.templatePage(width: 2480, height: 1754, frame: Self.frame)
        for shadow in [false, true] {
            let (photo, box) = try Self.photographed(page, corners: pageCorners, shadow: shadow)
            let quad = try #require(QuadFinder.find(in: photo), "no box found (shadow: \(shadow))")
            Self.expectCorners(quad, at: box)
        }
    }

    @Test(
        "a box of pale lines whose side lies in a deep shadow (paper at 50, its line at 40) is found; on lit paper such a step is no ink"
    )
    func boxInDeepShadow() throws {
        // A thin brown line in a photo reduced to an overview is a pale gray: 200 on paper at 250.
        let page = Self.templatePage(width: 2480, height: 1754, frame: Self.frame, ink: 200)
        let (photo, box) = try Self.photographed(page, shadow: true, shadowLight: 0.2)
        // The first look sees only the lit part (from the first column line on), never the whole box.
        func isWhole(_ quad: Quadrilateral) -> Bool { zip(quad.corners, box).allSatisfy { $0.distance(to: $1) < 4 } }
        #expect(!QuadFinder.boxes(in: photo).contains(where: isWhole), "the first look already finds it: the test shows nothing")
        Self.expectCorners(
            try #require(QuadFinder.boxes(in: photo, deepShadows: true).first, "no box found in the shadow"), at: box)
        // The same ten levels on lit paper stay paper: noise and the paper's own grain are no ink.
        #expect(QuadFinder.contrast(besidePaperAt: 250) == QuadFinder.contrast)
        #expect(QuadFinder.contrast(besidePaperAt: 50) <= 9)
        #expect(QuadFinder.contrast(besidePaperAt: 10) == QuadFinder.minimumContrast)
    }

    @Test("a seal over the box's top and a line of text joined to the seal do not tilt the box's side")
    func sealOnTheBox() throws {
        var page = Self.templatePage(width: 2480, height: 1754, frame: Self.frame)
        // A ring 400 wide over the top line, a third of the way along, and a line of text through it: all
        // one piece of ink with the box, its top 260 px above the box's top line.
        let centre = (x: Self.frame.x + 600, y: Self.frame.y - 60)
        for y in 0..<page.height {
            for x in 0..<page.width {
                let distance =
                    ((Double(x - centre.x) * Double(x - centre.x) + Double(y - centre.y) * Double(y - centre.y)))
                    .squareRoot()
                if abs(distance - 200) < 6 { page.pixels[y * page.width + x] = 60 }
            }
        }
        for k in 0..<14 {
            let x0 = Self.frame.x + 300 + k * 55
            for y in (Self.frame.y - 160)..<(Self.frame.y - 120) {
                for x in x0..<(x0 + 45) where (x - x0) % 15 < 4 || (y - Self.frame.y + 160) % 20 < 4 {
                    page.pixels[y * page.width + x] = 40
                }
            }
        }
        let (photo, box) = try Self.photographed(page)
        Self.expectCorners(try #require(QuadFinder.find(in: photo)), at: box)
    }

    @Test("a box a shadow broke into two L-shaped pieces (gaps at two opposite corners) is found as one box")
    func boxInTwoPieces() throws {
        let frame = Self.frame
        // Top and right side apart from left side and bottom: 60 px gaps at the top-left and bottom-right.
        let page = Self.page(lines: [
            (frame.x + 60, frame.y, frame.maxX + 3, frame.y + 3),
            (frame.maxX, frame.y, frame.maxX + 3, frame.maxY - 60),
            (frame.x, frame.maxY, frame.maxX - 60, frame.maxY + 3),
            (frame.x, frame.y + 60, frame.x + 3, frame.maxY + 3),
        ])
        let (photo, box) = try Self.photographed(page)
        Self.expectCorners(try #require(QuadFinder.find(in: photo)), at: box)
    }

    @Test("a box cut in two across its sides gives its upper part first and the whole box after it")
    func boxCutAcross() throws {
        let frame = Self.frame
        // The upper 70% is a closed frame (a row line closes it); both sides break 60 px below that line,
        // as under a seal across the box, so the bottom part is a piece of its own.
        let row = frame.y + frame.height * 7 / 10
        let (left, right) = (frame.x, frame.maxX)
        let page = Self.page(lines: [
            (left, frame.y, right + 3, frame.y + 3), (left, row, right + 3, row + 3),
            (left, frame.maxY, right + 3, frame.maxY + 3),
            (left, frame.y, left + 3, row + 3), (left, row + 60, left + 3, frame.maxY + 3),
            (right, frame.y, right + 3, row + 3), (right, row + 60, right + 3, frame.maxY + 3),
        ])
        let (photo, whole) = try Self.photographed(page)
        let boxes = QuadFinder.boxes(in: photo)
        func isWhole(_ quad: Quadrilateral) -> Bool { zip(quad.corners, whole).allSatisfy { $0.distance(to: $1) < 4 } }
        let first = try #require(boxes.first)
        #expect(!isWhole(first), "the upper frame is the largest single piece")
        #expect(boxes.dropFirst().contains(where: isWhole), "the whole box, its pieces joined, follows")
    }

    @Test("a part warped and flattened on its own is pixel for pixel the part of the whole page")
    func partOfWarpedPage() throws {
        let page = PixelRect(x: 0, y: 0, width: 900, height: 640)
        let drawn = Self.templatePage(width: 900, height: 640, frame: PixelRect(x: 60, y: 140, width: 780, height: 440))
        let photo = Self.photograph(
            drawn, into: (1000, 760),
            corners: [
                PagePoint(x: 70, y: 40), PagePoint(x: 930, y: 75), PagePoint(x: 960, y: 700), PagePoint(x: 30, y: 690),
            ], shadow: true)
        let pageCorners = [PagePoint(x: 0, y: 0), PagePoint(x: 900, y: 0), PagePoint(x: 900, y: 640), PagePoint(x: 0, y: 640)]
        let sourceOf = try #require(
            Homography(
                from: pageCorners,
                to: [PagePoint(x: 70, y: 40), PagePoint(x: 930, y: 75), PagePoint(x: 960, y: 700), PagePoint(x: 30, y: 690)]))
        let whole = photo.warped(width: page.width, height: page.height, sourceOf: sourceOf).flattened()
        // Inside, at the page's edges and corners, odd origins, and reaching past the page.
        for rect in [
            PixelRect(x: 321, y: 203, width: 257, height: 61), PixelRect(x: 0, y: 0, width: 140, height: 90),
            PixelRect(x: 777, y: 571, width: 200, height: 100), PixelRect(x: 5, y: 300, width: 880, height: 33),
        ] {
            let part = photo.warpedAndFlattened(rect, page: page, sourceOf: sourceOf)
            let clipped = rect.clamped(to: page)
            #expect(part.width == clipped.width && part.height == clipped.height)
            var differing = 0
            for y in 0..<part.height {
                for x in 0..<part.width where part[x, y] != whole[clipped.x + x, clipped.y + y] { differing += 1 }
            }
            #expect(differing == 0, "\(differing) pixels of \(rect) differ")
        }
    }

    @Test("flattening takes a soft shadow's paper as paper, all the way across")
    func flatteningSoftShadow() {
        // Light rises from half to full over six 32-pixel blocks (9% a block); a rule across it all.
        var pixels = [UInt8](repeating: 0, count: 512 * 128)
        for y in 0..<128 {
            for x in 0..<512 { pixels[y * 512 + x] = UInt8(230 * (0.5 + 0.5 * min(1, max(0, Double(x - 128) / 192)))) }
        }
        for x in 10..<502 { pixels[64 * 512 + x] = UInt8(Double(pixels[64 * 512 + x]) * 0.25) }
        let flat = GrayImage(width: 512, height: 128, pixels: pixels).flattened()
        for x in stride(from: 40, to: 480, by: 40) {
            #expect(flat[x, 20] >= 240, "paper at x \(x) is \(flat[x, 20])")
            #expect(flat[x, 64] < 90, "the rule at x \(x) is \(flat[x, 64])")
        }
    }

    @Test("the running maximum, minimum and mean of a line equal the brute-force ones inside the line")
    func lineFilters() {
        var generator = SystemRandomNumberGenerator()
        let values = (0..<300).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for radius in [1, 4, 15] {
            var maxima = values
            var minima = values
            var means = values
            var scratch = [UInt8](repeating: 0, count: 2 * values.count)
            maxima.withUnsafeMutableBufferPointer { line in
                scratch.withUnsafeMutableBufferPointer {
                    GrayImage.extremumLine(line, $0, radius: radius, largest: true)
                }
            }
            minima.withUnsafeMutableBufferPointer { line in
                scratch.withUnsafeMutableBufferPointer {
                    GrayImage.extremumLine(line, $0, radius: radius, largest: false)
                }
            }
            means.withUnsafeMutableBufferPointer { line in
                scratch.withUnsafeMutableBufferPointer { GrayImage.blurLine(line, $0, radius: radius) }
            }
            for index in radius..<(values.count - radius) {
                let window = values[(index - radius)...(index + radius)]
                #expect(maxima[index] == window.max()!, "maximum at \(index), radius \(radius)")
                #expect(minima[index] == window.min()!, "minimum at \(index), radius \(radius)")
                #expect(Int(means[index]) == window.reduce(0) { $0 + Int($1) } / (2 * radius + 1), "mean at \(index)")
            }
        }
    }

    @Test("a box whose thin sides broke into dots a pixel apart is still one box, its bottom side its own")
    func dottedSides() throws {
        let (width, height) = (1240, 1654)
        var pixels = [UInt8](repeating: 235, count: width * height)
        // A landscape form turned a quarter in a portrait photo, as an overview shows a blurred 1 px box line:
        // the top and sides whole, the bottom side (and a rule inside) dots with a pixel of paper between.
        let (left, top, right, bottom) = (203, 300, 959, 1540)
        for x in left...right { pixels[top * width + x] = 120 }
        for y in top...bottom { pixels[y * width + left] = 120; pixels[y * width + right] = 120 }
        for x in stride(from: left, through: right, by: 2) { pixels[bottom * width + x] = 120 }
        for y in stride(from: top, through: bottom, by: 2) { pixels[y * width + 560] = 120 }
        // Found first, then required: a failed expectation would print the whole image otherwise.
        let found = QuadFinder.find(in: GrayImage(width: width, height: height, pixels: pixels))
        let quad = try #require(found, "no box found")
        let expected = [
            PagePoint(x: Double(left), y: Double(top)), PagePoint(x: Double(right), y: Double(top)),
            PagePoint(x: Double(right), y: Double(bottom)), PagePoint(x: Double(left), y: Double(bottom)),
        ]
        for (found, wanted) in zip(quad.corners, expected) {
            #expect(found.distance(to: wanted) < 3, "corner \(found) instead of \(wanted)")
        }
    }

    @Test("the page is rectified onto the template: the box lands on the template's frame")
    func rectifiedOntoTemplate() throws {
        let template = try FormTemplate.load(
            path: TestSupport.pipelines.appendingPathComponent("templates/expense_claim.yaml").path)
        let frame = try #require(template.frame)
        let page = Self.templatePage(width: template.pageWidth, height: template.pageHeight, frame: frame)
        let corners = [
            PagePoint(x: 200, y: 60), PagePoint(x: 1150, y: 200), PagePoint(x: 1050, y: 860), PagePoint(x: 90, y: 700),
        ]
        let photo = Self.photograph(page, into: (1240, 900), corners: corners, shadow: true)
        let quad = try #require(QuadFinder.find(in: photo))
        #expect(quad.keystoneDegrees > 1)
        let plan = try #require(Rectification.plan(quad: quad, pageWidth: photo.width, templates: [template]))
        #expect(plan.template.form == template.form)
        #expect(!plan.straight)
        let rectified = photo.warped(width: plan.width, height: plan.height, sourceOf: plan.sourceOf).flattened()
        // The box's rules are where the template has them: dark on the rule, light beside it.
        for x in stride(from: frame.x + 100, to: frame.maxX - 100, by: 150) {
            let onTop = (frame.y - 3...frame.y + 6).map { Int(rectified[x, $0]) }.min()!
            let beside = Int(rectified[x, frame.y + 40])
            #expect(onTop < 150 && beside > 200, "x \(x): rule \(onTop), paper \(beside)")
        }
    }

    @Test("a page without a box, or with a box of other proportions, is not rectified")
    func noBox() throws {
        let blank = GrayImage(width: 600, height: 400, pixels: [UInt8](repeating: 240, count: 600 * 400))
        #expect(QuadFinder.find(in: blank) == nil)
        let template = try FormTemplate.load(
            path: TestSupport.pipelines.appendingPathComponent("templates/expense_claim.yaml").path)
        let square = Quadrilateral(
            topLeft: PagePoint(x: 100, y: 100), topRight: PagePoint(x: 600, y: 100),
            bottomRight: PagePoint(x: 600, y: 600),
            bottomLeft: PagePoint(x: 100, y: 600))
        #expect(Rectification.plan(quad: square, pageWidth: 800, templates: [template]) == nil)
    }

    @Test("flattening keeps a dense glyph dark: its paper is the paper around it, not the gray between its strokes")
    func flatteningDenseGlyph() {
        // A 44-pixel character (a value's size at 300 dpi) in a blurred photo: strokes 2 px apart never
        // reach the paper's level between them (160 and 100 on paper of 230).
        var pixels = [UInt8](repeating: 230, count: 256 * 256)
        for y in 106..<150 { for x in 106..<150 { pixels[y * 256 + x] = (x / 2) % 2 == 0 ? 100 : 160 } }
        let flat = GrayImage(width: 256, height: 256, pixels: pixels).flattened()
        #expect(flat[10, 10] > 245)
        for x in [120, 128, 136] where (x / 2) % 2 == 0 {
            #expect(flat[x, 128] < 130, "a stroke in the middle of the glyph is \(flat[x, 128])")
        }
    }

    @Test("flattening makes a shadowed paper white and keeps ink dark")
    func flattening() {
        var pixels = [UInt8](repeating: 230, count: 256 * 256)
        for y in 0..<256 { for x in 0..<128 { pixels[y * 256 + x] = 120 } }  // a shadow over the left half
        for x in 20..<236 { pixels[128 * 256 + x] = 40; pixels[129 * 256 + x] = 40 }  // a rule across both
        let flat = GrayImage(width: 256, height: 256, pixels: pixels).flattened()
        #expect(flat[10, 10] > 230 && flat[200, 10] > 230)
        #expect(flat[60, 128] < 110 && flat[200, 128] < 110)
        // The shadow's edge is hard: paper a stroke's width beside it, on either side, is paper too.
        for x in [72, 84, 172, 184] { #expect(flat[x, 60] > 225, "paper at x \(x) is \(flat[x, 60])") }
    }

    @Test("shapes that are no box (an L, a cross, a single bar) give no corners and never stop the run")
    func degenerateShapes() {
        func image(_ draw: (inout [UInt8], Int) -> Void) -> GrayImage {
            var pixels = [UInt8](repeating: 240, count: 800 * 600)
            draw(&pixels, 800)
            return GrayImage(width: 800, height: 600, pixels: pixels)
        }
        let l = image { pixels, width in
            for x in 100..<700 { pixels[500 * width + x] = 30 }
            for y in 100..<500 { pixels[y * width + 100] = 30 }
        }
        let cross = image { pixels, width in
            for x in 100..<700 { pixels[300 * width + x] = 30 }
            for y in 100..<500 { pixels[y * width + 400] = 30 }
        }
        let bar = image { pixels, width in
            for x in 100..<700 { for y in 290..<294 { pixels[y * width + x] = 30 } }
        }
        for shape in [l, cross, bar] {
            if let quad = QuadFinder.find(in: shape) {
                #expect(quad.meanWidth > 0)
            }
        }
    }
}
