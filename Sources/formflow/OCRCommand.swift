import ArgumentParser
import FormFlowCore
import FormFlowOCR
import Foundation

/// `formflow ocr`: reads one scan (or one zone of it) the way the pipeline does. For template authors
/// checking a zone, and for measuring recognition cost and memory with one reused engine.
struct OCRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ocr",
        abstract: "Read one scan, or one zone of it, with one Tesseract engine, and print text and timings as JSON."
    )

    @Argument(help: "The image file (PNG, JPEG or TIFF; the first page is read).")
    var file: String

    @Option(help: "Zone to read, as x,y,width,height in page pixels after deskewing. Default: the whole page.")
    var zone: String?

    @Option(help: "Tesseract language(s), e.g. chi_sim, eng, chi_sim+eng.")
    var language = "chi_sim"

    @Option(help: "Page segmentation: auto, single_block, single_line, single_word, sparse_text, raw_line (or 3, 6, 7, 8, 11, 13).")
    var psm = "auto"

    @Option(help: "Only these characters may be returned.")
    var whitelist: String?

    @Option(help: "Read the scale-reduced page (e.g. 0.5) instead of the full page.")
    var scale = 1.0

    @Option(help: "Recognise this many times with the same engine, to measure time per call and memory.")
    var `repeat` = 1

    @Option(help: "Tesseract data folder. Default: Tesseract's own.")
    var tessdata: String?

    func validate() throws {
        guard PageSegmentation(name: psm) != nil else { throw ValidationError("unknown --psm '\(psm)'") }
        guard `repeat` >= 1 else { throw ValidationError("--repeat must be at least 1") }
        guard scale > 0.1, scale <= 1 else { throw ValidationError("--scale must lie in (0.1, 1]") }
        if let zone { _ = try Self.parseZone(zone) }
    }

    static func parseZone(_ text: String) throws -> PixelRect {
        let parts = text.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 4, parts[2] > 0, parts[3] > 0 else {
            throw ValidationError("--zone is x,y,width,height with positive width and height, e.g. 500,1190,700,80")
        }
        return PixelRect(x: parts[0], y: parts[1], width: parts[2], height: parts[3])
    }

    func run() throws {
        let options = RecognitionOptions(
            language: language, segmentation: PageSegmentation(name: psm)!, whitelist: whitelist)
        let engine: OCREngine
        let page: PageImage
        do {
            engine = try OCREngine(dataPath: tessdata, languages: [language])
            var loaded = try ImageLoader().load(path: file)[0].normalized()
            if scale < 1 { loaded = try loaded.scaled(by: scale) }
            page = loaded
        } catch {
            FileHandle.standardError.write(Data("formflow ocr: \(error)\n".utf8))
            throw ExitCode(error.code == .engineUnavailable ? 69 : 65)
        }
        let rect = try zone.map(Self.parseZone)
        var result = try engine.recognize(page, in: rect, options: options)
        let residentBefore = Self.residentBytes()
        let clock = ContinuousClock()
        let started = clock.now
        for _ in 1..<`repeat` {
            result = try engine.recognize(page, in: rect, options: options)
        }
        let elapsed = started.duration(to: clock.now)
        let seconds = elapsed.inSeconds
        let output: [String: Any] = [
            "text": Masking.maskDigitRuns(in: result.text.trimmingCharacters(in: .whitespacesAndNewlines)),
            "words": result.words.count,
            "mean_confidence": (result.meanConfidence * 10).rounded() / 10,
            "page": ["width": page.width, "height": page.height, "dpi": page.dpi, "deskew_degrees": page.appliedDeskew],
            "repeat": `repeat`,
            "seconds_per_call": `repeat` > 1 ? seconds / Double(`repeat` - 1) : 0,
            "resident_bytes_before": residentBefore,
            "resident_bytes_after": Self.residentBytes(),
        ]
        let data = try JSONSerialization.data(withJSONObject: output, options: [.prettyPrinted, .sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }

    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
