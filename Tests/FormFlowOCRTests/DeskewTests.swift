import FormFlowCore
import FormFlowTestSupport
import Foundation
import Testing

@testable import FormFlowOCR

@Suite("Deskewing by zone gives the pixels of deskewing the page")
struct DeskewTests {
    /// Mean absolute gray difference between `a` and `b` shifted by (dx, dy), over their overlap.
    static func difference(_ a: GrayImage, _ b: GrayImage, dx: Int = 0, dy: Int = 0) -> Double {
        var total = 0
        var count = 0
        for y in max(0, -dy)..<min(a.height, b.height - dy) {
            for x in max(0, -dx)..<min(a.width, b.width - dx) {
                total += abs(Int(a[x, y]) - Int(b[x + dx, y + dy]))
                count += 1
            }
        }
        return count == 0 ? .infinity : Double(total) / Double(count)
    }

    @Test("zones cut from a lazily rotated page match zones of the rotated page, to the pixel")
    func zonesMatch() throws {
        var found = 0
        for name in ["expense_claim-002-000.jpg", "expense_claim-041-000.tif", "vat_invoice-001-000.png", "expense_claim-001-003.png"] {
            let loaded = try ImageLoader().load(bytes: [UInt8](try Data(contentsOf: TestSupport.sample(name))))[0]
            let eager = try loaded.normalized(rotateLazily: false)
            let lazy = try loaded.normalized()
            #expect(eager.appliedDeskew == lazy.appliedDeskew)
            guard abs(lazy.appliedDeskew) >= 0.1 else { continue }
            found += 1
            #expect(lazy.pendingRotation != 0)
            for zone in [
                PixelRect(x: 300, y: 200, width: 600, height: 90), PixelRect(x: 1500, y: 1400, width: 700, height: 120),
                PixelRect(x: 0, y: 0, width: 400, height: 300), PixelRect(x: eager.width - 500, y: eager.height - 200, width: 500, height: 200),
            ] {
                let expected = try eager.cropped(to: zone).grayImage()
                let actual = try lazy.cropped(to: zone).grayImage()
                #expect(expected.width == actual.width && expected.height == actual.height)
                let aligned = Self.difference(expected, actual)
                // Interpolation differs a little; a pixel's misalignment differs a lot more on printed text.
                #expect(aligned < 6, "\(name) \(zone): \(aligned)")
                #expect(aligned < Self.difference(expected, actual, dx: 2) || aligned < 1, "\(name) \(zone)")
            }
            // A reduced copy is rotated after reducing: the same page at a fraction of the cost.
            let reducedEager = try eager.scaled(by: 0.5).grayImage()
            let reducedLazy = try lazy.scaled(by: 0.5).grayImage()
            #expect(Self.difference(reducedEager, reducedLazy) < 6)
        }
        #expect(found >= 2, "the samples should include skewed scans")
    }
}

@Suite("Ink cut off by the scanner's edge is told from ink near it")
struct ScanEdgeTests {
    /// A white 600×400 scan with black blocks at the given rects.
    static func scan(_ blocks: [PixelRect]) -> GrayImage {
        var image = GrayImage(width: 600, height: 400, pixels: [UInt8](repeating: 255, count: 600 * 400))
        for block in blocks {
            for y in block.y..<block.maxY {
                for x in block.x..<block.maxX { image.pixels[y * 600 + x] = 0 }
            }
        }
        return image
    }

    @Test("on a page as scanned, ink at the top edge touches it and ink 30 px below does not")
    func unrotated() throws {
        let page = try PageImage(gray: Self.scan([PixelRect(x: 100, y: 0, width: 60, height: 12), PixelRect(x: 400, y: 30, width: 60, height: 20)]))
        #expect(try page.inkTouchesScanEdge(in: PixelRect(x: 80, y: 0, width: 100, height: 60)))
        // The rect reaches the edge, the ink in it does not.
        #expect(try !page.inkTouchesScanEdge(in: PixelRect(x: 380, y: 0, width: 100, height: 80)))
    }

    @Test("on a deskewed page the scan's edge is slanted: ink is mapped back to the scan to tell")
    func rotated() throws {
        // Turned by ±3°, the scan's top corner on one side comes about 15 px down into the page (the
        // other goes up, out of it): a block there, cut by the scan's edge, shows 12 px below the page's top.
        for (angle, x) in [(Float(0.05), 520), (-0.05, 20)] {
            let area = PixelRect(x: x - 20, y: 0, width: 100, height: 120)
            let cut = try PageImage(gray: Self.scan([PixelRect(x: x, y: 0, width: 60, height: 10)]), pendingRotation: angle)
            let shown = try cut.cropped(to: area).grayImage()
            #expect(shown.pixels.contains { $0 < 100 }, "the block is in the page")
            #expect(try cut.inkTouchesScanEdge(in: area), "\(angle)")
            let clear = try PageImage(gray: Self.scan([PixelRect(x: x, y: 30, width: 60, height: 20)]), pendingRotation: angle)
            #expect(try clear.cropped(to: area).grayImage().pixels.contains { $0 < 100 }, "the block is in the page")
            #expect(try !clear.inkTouchesScanEdge(in: area), "\(angle)")
        }
    }
}
