import FormFlowCore
import FormFlowTestSupport
import Foundation
import Testing

@testable import FormFlowOCR

@Suite("Tesseract engine on real scans")
struct OCREngineTests {
    static let scan = "expense_claim-001-000.png"

    func page(_ name: String = scan) throws -> PageImage {
        let bytes = [UInt8](try Data(contentsOf: TestSupport.sample(name)))
        return try ImageLoader().load(bytes: bytes)[0].normalized()
    }

    @Test("the whole page is read, with word boxes and confidences")
    func wholePage() throws {
        let engine = try OCREngine(languages: ["chi_sim"])
        let result = try engine.recognize(try page(), options: RecognitionOptions(language: "chi_sim"))
        let squeezed = result.text.filter { !$0.isWhitespace }
        // The claim number printed on this scan, and the form's title.
        #expect(squeezed.contains("BX20264267222"))
        #expect(squeezed.contains("报销单"))
        #expect(!result.words.isEmpty)
        #expect(result.words.allSatisfy { $0.confidence >= 0 && $0.confidence <= 100 && !$0.box.isEmpty })
    }

    @Test("one rectangle is read with eng and a whitelist; boxes are in page pixels")
    func rectangle() throws {
        let engine = try OCREngine(languages: ["eng"])
        let page = try page()
        // The 合计金额(小写) value zone of this scan (2480×1754 page).
        let zone = PixelRect(x: 500, y: 1190, width: 700, height: 80)
        let result = try engine.recognize(
            page, in: zone,
            options: RecognitionOptions(language: "eng", segmentation: .singleLine, whitelist: "0123456789."))
        #expect(result.text.trimmingCharacters(in: .whitespacesAndNewlines) == "5506.08")
        let box = try #require(result.words.first?.box)
        #expect(box.x >= zone.x && box.maxX <= zone.maxX && box.y >= zone.y && box.maxY <= zone.maxY)
    }

    @Test("each page of a multi-page TIFF is recognised")
    func multiPage() throws {
        let url = TestSupport.packageRoot.appendingPathComponent("Tests/Fixtures/three-pages.tif")
        let pages = try ImageLoader().load(bytes: [UInt8](try Data(contentsOf: url)))
        let engine = try OCREngine(languages: ["eng"])
        let options = RecognitionOptions(language: "eng", segmentation: .singleLine, whitelist: "0123456789")
        let texts = try pages.map { try engine.recognize($0, options: options).text.trimmingCharacters(in: .whitespacesAndNewlines) }
        #expect(texts == ["101", "202", "303"])
    }

    @Test("a missing language model is a typed error")
    func missingModel() {
        do {
            _ = try OCREngine(languages: ["xx_nonexistent"])
            Issue.record("an engine started without its model")
        } catch {
            #expect(error.code == .engineUnavailable)
        }
    }

    @Test("200 recognitions with one engine leave resident memory flat (measured in its own process)")
    func memoryIsFlat() throws {
        // Measured in a child process: tests running in parallel in this one would disturb the figure.
        let result = try TestSupport.runFormFlow([
            "ocr", TestSupport.sample(Self.scan).path, "--zone", "352,1380,1300,130", "--language", "eng",
            "--psm", "single_line", "--whitelist", "0123456789X", "--repeat", "201",
        ])
        #expect(result.status == 0, "\(result.error)")
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let before = try #require(report["resident_bytes_before"] as? Int)
        let after = try #require(report["resident_bytes_after"] as? Int)
        // Each call cuts a zone (a Pix) and gets text and an iterator back from Tesseract; leaking any of
        // them per call would add megabytes over 200 calls.
        #expect(after - before < 2 * 1024 * 1024, "resident memory grew by \((after - before) / 1024) KiB")
        #expect((report["text"] as? String)?.hasSuffix("1582") == true)
    }
}
