import FormFlowCore

/// Reads one page with a worker's engine: the bridge between extraction (which knows only
/// `PageReader`) and Tesseract. Reduced copies of the page are made once per scale and kept.
public final class TesseractPageReader: PageReader {
    public let engine: OCREngine
    public let page: PageImage
    private var scaledPages: [Double: PageImage] = [:]
    /// Time spent inside Tesseract through this reader, for the OCR-seconds metric.
    public private(set) var recognitionTime: Duration = .zero

    public init(engine: OCREngine, page: PageImage) {
        self.engine = engine
        self.page = page
    }

    deinit {
        engine.release(page)
        for scaled in scaledPages.values { engine.release(scaled) }
    }

    public var pageSize: PixelRect { page.bounds }
    public var dpi: Int { page.dpi }

    public func read(_ zone: PixelRect?, options: RecognitionOptions, scale: Double) throws -> Recognition {
        let started = ContinuousClock.now
        defer { recognitionTime += started.duration(to: .now) }
        guard scale < 0.999 else {
            return try engine.recognize(page, in: zone, options: options)
        }
        let reduced: PageImage
        if let cached = scaledPages[scale] {
            reduced = cached
        } else {
            reduced = try page.scaled(by: scale)
            scaledPages[scale] = reduced
        }
        let scaledZone = zone.map { Self.scale($0, by: scale) }
        var recognition = try engine.recognize(reduced, in: scaledZone, options: options)
        let back = 1 / scale
        recognition.words = recognition.words.map { word in
            var word = word
            word.box = Self.scale(word.box, by: back)
            return word
        }
        recognition.symbols = recognition.symbols.map { symbol in
            var symbol = symbol
            symbol.box = Self.scale(symbol.box, by: back)
            return symbol
        }
        return recognition
    }

    public func pixels(in zone: PixelRect) throws -> GrayImage {
        try page.cropped(to: zone).grayImage()
    }

    private static func scale(_ rect: PixelRect, by factor: Double) -> PixelRect {
        PixelRect(
            x: Int((Double(rect.x) * factor).rounded()), y: Int((Double(rect.y) * factor).rounded()),
            width: Int((Double(rect.width) * factor).rounded()), height: Int((Double(rect.height) * factor).rounded()))
    }
}
