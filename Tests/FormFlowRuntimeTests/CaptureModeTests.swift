import FormFlowCore
import FormFlowTestSupport
import Foundation
import Testing

@testable import FormFlowOCR
@testable import FormFlowRuntime

/// The capture mode `formflow bench` reports by is read from the notes page preparation writes: the two
/// must agree, or the bench would file every document under "office scan".
@Suite("Capture mode: told by the notes a page was prepared with")
struct CaptureModeTests {
    /// The notes `grayPages` writes for `page`.
    static func notes(_ page: PageImage, orientation: ExifOrientation? = nil) throws -> [String] {
        var notes: [String] = []
        _ = try DocumentProcessor.grayPages(of: page, orientation: orientation, notes: &notes)
        return notes
    }

    /// A colour page: tinted paper with a red mark on it.
    static func colour(dpi: Int) throws -> PageImage {
        let width = 400
        let height = 300
        var bytes: [UInt8] = []
        for index in 0..<(width * height) {
            bytes += index % 37 == 0 ? [220, 40, 50] : [250, 240, 230]
        }
        return try PageImage(rgb: bytes, width: width, height: height, dpi: dpi)
    }

    @Test("a phone's colour photo (72 dpi, or turned by EXIF), a colour scan, a gray scan, a 1-bit TIFF")
    func modes() throws {
        #expect(CaptureMode.of(preparation: try Self.notes(try Self.colour(dpi: 72))) == .phonePhoto)
        #expect(
            CaptureMode.of(preparation: try Self.notes(try Self.colour(dpi: 300), orientation: .turnedRight)) == .phonePhoto)
        #expect(CaptureMode.of(preparation: try Self.notes(try Self.colour(dpi: 300))) == .colourScan)
        let gray = try PageImage(gray: GrayImage(width: 200, height: 100, pixels: [UInt8](repeating: 240, count: 20_000)), dpi: 300)
        #expect(CaptureMode.of(preparation: try Self.notes(gray)) == .officeScan)
        // A gray page with a low resolution claim is a scan, not a photo.
        let lowGray = try PageImage(gray: GrayImage(width: 200, height: 100, pixels: [UInt8](repeating: 240, count: 20_000)), dpi: 100)
        #expect(CaptureMode.of(preparation: try Self.notes(lowGray)) == .officeScan)
        let fixture = TestSupport.packageRoot.appendingPathComponent("Tests/Fixtures/red-invoice-bw-g4.tif")
        let bilevel = try ImageLoader().load(path: fixture.path)[0]
        #expect(CaptureMode.of(preparation: try Self.notes(bilevel)) == .blackAndWhite)
    }
}
