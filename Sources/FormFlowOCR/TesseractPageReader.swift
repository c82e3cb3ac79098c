import FormFlowCore
import Foundation

/// Reads one page with a worker's engine: the bridge between extraction (which knows only
/// `PageReader`) and Tesseract. Reduced copies of the page are made once per scale and kept.
public final class TesseractPageReader: PageReader {
    public let engine: OCREngine
    public let page: PageImage
    private var scaledPages: [Double: PageImage] = [:]
    /// Time spent inside Tesseract through this reader, for the OCR-seconds metric.
    public private(set) var recognitionTime: Duration = .zero

    static let trace = ProcessInfo.processInfo.environment["FORMFLOW_TRACE"] != nil

    /// A trace line on standard error (`FORMFLOW_TRACE`): what was read where, and how long it took.
    static func traceLine(_ text: String) {
        FileHandle.standardError.write(Data("TRACE \(text)\n".utf8))
    }

    /// The page came from a 1-bit scan (`PageReader.strokesMayBeLost`).
    public let strokesMayBeLost: Bool

    public init(engine: OCREngine, page: PageImage, fromBilevel: Bool = false) {
        self.engine = engine
        self.page = page
        self.strokesMayBeLost = fromBilevel
    }

    deinit {
        engine.release(page)
        for scaled in scaledPages.values { engine.release(scaled) }
    }

    public var pageSize: PixelRect { page.bounds }

    public func readLine(in zone: PixelRect) throws -> LineReading? {
        guard let model = engine.secondModel else { return nil }
        let area = zone.clamped(to: page.bounds)
        guard !area.isEmpty else { return nil }
        let started = ContinuousClock.now
        defer {
            recognitionTime += started.duration(to: .now)
            if Self.trace { Self.traceLine("second model zone \(area) \(started.duration(to: .now))") }
        }
        return model.read(try pixels(in: area))
    }
    public var dpi: Int { page.dpi }

    public func read(_ zone: PixelRect?, options: RecognitionOptions, scale: Double) throws -> Recognition {
        let started = ContinuousClock.now
        defer {
            recognitionTime += started.duration(to: .now)
            if Self.trace {
                Self.traceLine(
                    "\(options.language) psm\(options.segmentation.rawValue) scale \(scale) zone \(zone.map(\.description) ?? "page") \(started.duration(to: .now))"
                )
            }
        }
        guard scale < 0.999 else {
            return try engine.recognize(page, in: zone, options: options)
        }
        var recognition: Recognition
        var origin = (x: 0, y: 0)
        if let zone {
            // A zone is cut out first and only the cut is reduced: reducing the whole page for one
            // small zone costs more than reading it.
            let area = zone.clamped(to: page.bounds)
            guard !area.isEmpty else { return Recognition(text: "", words: [], meanConfidence: 0) }
            let reduced = try page.cropped(to: area).scaled(by: scale)
            defer { engine.release(reduced) }
            recognition = try engine.recognize(reduced, options: options)
            origin = (area.x, area.y)
        } else {
            recognition = try engine.recognize(reducedPage(scale), options: options)
        }
        let back = 1 / scale
        recognition.words = recognition.words.map { word in
            var word = word
            word.box = Self.scale(word.box, by: back)
            word.box.x += origin.x
            word.box.y += origin.y
            return word
        }
        recognition.symbols = recognition.symbols.map { symbol in
            var symbol = symbol
            symbol.box = Self.scale(symbol.box, by: back)
            symbol.box.x += origin.x
            symbol.box.y += origin.y
            return symbol
        }
        return recognition
    }

    public func pixels(in zone: PixelRect) throws -> GrayImage {
        try page.cropped(to: zone).grayImage()
    }

    public func inkTouchesScanEdge(in rect: PixelRect) throws -> Bool {
        try page.inkTouchesScanEdge(in: rect)
    }

    public func overview(scale: Double) throws -> GrayImage {
        try reducedPage(scale).grayImage()
    }

    private func reducedPage(_ scale: Double) throws(OCRError) -> PageImage {
        if let cached = scaledPages[scale] { return cached }
        let reduced = try page.scaled(by: scale)
        scaledPages[scale] = reduced
        return reduced
    }

    private static func scale(_ rect: PixelRect, by factor: Double) -> PixelRect {
        PixelRect(
            x: Int((Double(rect.x) * factor).rounded()), y: Int((Double(rect.y) * factor).rounded()),
            width: Int((Double(rect.width) * factor).rounded()), height: Int((Double(rect.height) * factor).rounded()))
    }
}
