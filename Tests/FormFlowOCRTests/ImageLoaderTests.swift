import FormFlowCore
import FormFlowTestSupport
import Foundation
import Testing

@testable import FormFlowOCR

@Suite("Image loading refuses bad files with typed errors")
struct ImageLoaderTests {
    let loader = ImageLoader()

    @Test("a zero-byte file is an empty file")
    func zeroBytes() {
        #expect(throws: OCRError.self) { try loader.load(bytes: []) }
        do {
            _ = try loader.load(bytes: [])
        } catch {
            #expect(error.code == .emptyFile)
            #expect(error.isInputProblem)
        }
    }

    @Test("a text file named .png is not an image")
    func textNamedPNG() throws {
        let bytes = Array("Quarterly figures: 1,204.50 — please file by Friday.\n".utf8)
        do {
            _ = try loader.load(bytes: bytes)
            Issue.record("a text file was decoded as an image")
        } catch {
            #expect(error.code == .notAnImage)
        }
    }

    @Test("truncated PNG, JPEG and TIFF fail to decode", arguments: [
        "expense_claim-001-000.png", "expense_claim-002-000.jpg", "vat_invoice-002-000.tif",
    ])
    func truncated(name: String) throws {
        let bytes = try BadFiles.truncated(TestSupport.sample(name), keeping: 0.4)
        do {
            let pages = try loader.load(bytes: bytes)
            // libjpeg pads a cut JPEG with grey instead of failing: it decodes, but must not crash,
            // and the page keeps the header's size.
            #expect(name.hasSuffix(".jpg"), "a truncated \(name) decoded to \(pages.count) pages")
        } catch {
            #expect(error.code == .decodeFailed)
        }
    }

    @Test("a PNG header claiming 30000×30000 pixels is refused before decoding")
    func hugeHeader() {
        let bytes = BadFiles.pngHeader(width: 30_000, height: 30_000)
        do {
            _ = try loader.header(of: bytes)
            Issue.record("the header was accepted")
        } catch {
            #expect(error.code == .tooManyPixels)
            #expect(error.message.contains("30000×30000"))
        }
    }

    @Test("a header claiming billions of pixels does not overflow")
    func overflowingHeader() {
        let bytes = BadFiles.pngHeader(width: 0x7FFF_FFFF, height: 0x7FFF_FFFF)
        #expect(throws: OCRError.self) { try loader.header(of: bytes) }
    }

    @Test("a small limit refuses an ordinary scan")
    func configuredLimit() throws {
        let bytes = [UInt8](try Data(contentsOf: TestSupport.sample("expense_claim-001-000.png")))
        let strict = ImageLoader(limits: ImageLimits(maxPixels: 1_000_000))
        #expect(throws: OCRError.self) { try strict.load(bytes: bytes) }
        let header = try loader.header(of: bytes)
        #expect(header.format == .png)
        #expect(header.width * header.height > 1_000_000)
    }

    @Test("every page of a three-page TIFF is loaded")
    func threePageTIFF() throws {
        let url = TestSupport.packageRoot.appendingPathComponent("Tests/Fixtures/three-pages.tif")
        let bytes = [UInt8](try Data(contentsOf: url))
        let header = try loader.header(of: bytes)
        #expect(header.pages == 3)
        let pages = try loader.load(bytes: bytes)
        #expect(pages.count == 3)
        #expect(pages.allSatisfy { $0.width == 800 && $0.height == 400 && $0.dpi == 300 })

        let tooMany = ImageLoader(limits: ImageLimits(maxPages: 2))
        do {
            _ = try tooMany.load(bytes: bytes)
            Issue.record("a three-page TIFF passed a two-page limit")
        } catch {
            #expect(error.code == .tooManyPages)
        }
    }

    @Test("a file without a resolution gets the configured default DPI")
    func defaultDPI() throws {
        // SampleDocs' not_a_form-photo.png records 150 dpi; our synthetic header records none.
        let photo = [UInt8](try Data(contentsOf: TestSupport.sample("not_a_form-photo.png")))
        #expect(try loader.load(bytes: photo)[0].dpi == 150)
    }

    @Test("a JPEG above the decoding limit is decoded reduced, its resolution with it; one below is not")
    func largeJPEGDecodedReduced() throws {
        let gray = GrayImage(width: 3000, height: 2000, pixels: [UInt8](repeating: 200, count: 3000 * 2000))
        let jpeg = try PageImage(gray: gray, dpi: 300).jpegData()
        // 6 megapixels against a limit of 2: a half (1.5 megapixels) fits.
        let reduced = try ImageLoader(limits: ImageLimits(reducedDecodingAbove: 2_000_000)).load(bytes: jpeg)[0]
        #expect(reduced.width == 1500 && reduced.height == 1000)
        #expect(reduced.dpi == 150)
        #expect(ImageLimits(reducedDecodingAbove: 2_000_000).jpegReduction(width: 8160, height: 6120) == 8)
        #expect(ImageLimits().jpegReduction(width: 8160, height: 6120) == 2)
        #expect(ImageLimits().jpegReduction(width: 4032, height: 3024) == 1)
        let whole = try loader.load(bytes: jpeg)[0]
        #expect(whole.width == 3000 && whole.dpi == 300)
    }
}
