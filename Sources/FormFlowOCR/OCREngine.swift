import CTesseract
import FormFlowCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A Tesseract engine for one worker: created once, reused for every page that worker reads.
///
/// It keeps one initialised `TessBaseAPI` per language string (initialising one costs 0.1–0.2 s, so they
/// are made on first use and kept), remembers which page each of them holds so that reading many zones of
/// one page sets the image once, and frees every C allocation it makes. An engine is not thread-safe:
/// each worker owns its own (that is why it is not `Sendable`).
public final class OCREngine {
    /// Where the `*.traineddata` files are; `nil` uses Tesseract's compiled-in default.
    public let dataPath: String?
    /// The worker's second OCR model (`SecondModel`), when one is installed.
    public var secondModel: SecondModel?
    private var handles: [String: OpaquePointer] = [:]
    /// The page each handle currently holds, so that zones of one page share one `SetImage`.
    private var loadedPage: [String: ObjectIdentifier] = [:]
    private var loadedPageRetained: [String: PageImage] = [:]
    /// Variables set on each handle, so that unchanged ones are not set again per zone.
    private var variables: [String: [String: String]] = [:]

    /// Makes an engine and initialises the given languages eagerly (so start-up fails early when a
    /// model is missing, not in the middle of a batch).
    public init(dataPath: String? = nil, languages: [String] = []) throws(OCRError) {
        OCREngine.limitThreads()
        Leptonica.silence()
        self.dataPath = dataPath
        for language in languages {
            _ = try handle(for: language)
        }
    }

    deinit {
        for (_, handle) in handles {
            TessBaseAPIEnd(handle)
            TessBaseAPIDelete(handle)
        }
    }

    /// The languages installed where this engine looks (e.g. `["chi_sim", "eng", "osd"]`).
    public var availableLanguages: [String] {
        guard let handle = handles.values.first else { return [] }
        guard let list = TessBaseAPIGetAvailableLanguagesAsVector(handle) else { return [] }
        defer { TessDeleteTextArray(list) }
        var result: [String] = []
        var index = 0
        while let entry = list[index] {
            result.append(String(cString: entry))
            index += 1
        }
        return result
    }

    /// Reads the whole page, or only `rect` (in page pixels) when given.
    public func recognize(
        _ page: PageImage, in rect: PixelRect? = nil, options: RecognitionOptions = RecognitionOptions()
    ) throws(OCRError) -> Recognition {
        let handle = try handle(for: options.language)
        let area = (rect ?? page.bounds).clamped(to: page.bounds)
        guard !area.isEmpty else {
            return Recognition(text: "", words: [], meanConfidence: 0)
        }
        // A zone is cut out and given to Tesseract on its own: setting a whole page and a rectangle
        // makes Tesseract copy and threshold far more than the zone, which costs more than the cut.
        let target = area == page.bounds ? try page.materialized() : try page.cropped(to: area)
        if loadedPage[options.language] != ObjectIdentifier(target) {
            TessBaseAPISetImage2(handle, target.pix)
            TessBaseAPISetSourceResolution(handle, Int32(page.dpi))
            loadedPage[options.language] = ObjectIdentifier(target)
            loadedPageRetained[options.language] = target
        }
        TessBaseAPISetPageSegMode(handle, TessPageSegMode(UInt32(options.segmentation.rawValue)))
        set("tessedit_char_whitelist", options.whitelist ?? "", on: handle, language: options.language)
        set("lstm_choice_mode", options.symbolChoices ? "2" : "0", on: handle, language: options.language)
        guard TessBaseAPIRecognize(handle, nil) == 0 else {
            return Recognition(text: "", words: [], meanConfidence: 0)
        }

        var text = ""
        if let raw = TessBaseAPIGetUTF8Text(handle) {
            text = String(cString: raw)
            TessDeleteText(raw)
        }
        let dx = area.x
        let dy = area.y
        let words = Self.words(from: handle).map { word in
            var word = word
            word.box.x += dx
            word.box.y += dy
            return word
        }
        let symbols = (options.symbolChoices || options.collectSymbols ? Self.symbols(from: handle, choices: options.symbolChoices) : []).map { symbol in
            var symbol = symbol
            symbol.box.x += dx
            symbol.box.y += dy
            return symbol
        }
        if target !== page {
            // The cut-out zone is not reused: let Tesseract drop its copy now.
            TessBaseAPIClear(handle)
            loadedPage[options.language] = nil
            loadedPageRetained[options.language] = nil
        }
        let mean = words.isEmpty ? 0 : words.map(\.confidence).reduce(0, +) / Double(words.count)
        return Recognition(text: text, words: words, symbols: symbols, meanConfidence: mean)
    }

    /// Lets the page go: the engine no longer keeps a reference to it.
    public func release(_ page: PageImage) {
        for (language, id) in loadedPage where id == ObjectIdentifier(page) {
            if let handle = handles[language] { TessBaseAPIClear(handle) }
            loadedPage[language] = nil
            loadedPageRetained[language] = nil
        }
    }

    // MARK: - C plumbing

    private func handle(for language: String) throws(OCRError) -> OpaquePointer {
        if let existing = handles[language] { return existing }
        guard let handle = TessBaseAPICreate() else {
            throw OCRError(.engineUnavailable, "Tesseract could not allocate an engine")
        }
        let status = TessBaseAPIInit2(handle, dataPath, language, OEM_LSTM_ONLY)
        guard status == 0 else {
            TessBaseAPIDelete(handle)
            throw OCRError(
                .engineUnavailable,
                "Tesseract has no model for '\(language)' in \(dataPath ?? "its default tessdata folder"); install tesseract-ocr-\(language.replacingOccurrences(of: "_", with: "-")) (apt-get install tesseract-ocr-chi-sim tesseract-ocr-eng)"
            )
        }
        // Tesseract writes warnings such as "Invalid resolution" to stderr; route them nowhere.
        TessBaseAPISetVariable(handle, "debug_file", "/dev/null")
        // Scanned forms are dark on light: skip Tesseract's second pass over inverted text lines.
        TessBaseAPISetVariable(handle, "tessedit_do_invert", "0")
        handles[language] = handle
        return handle
    }

    private func set(_ name: String, _ value: String, on handle: OpaquePointer, language: String) {
        if variables[language]?[name] == value { return }
        TessBaseAPISetVariable(handle, name, value)
        variables[language, default: [:]][name] = value
    }

    private static func words(from handle: OpaquePointer) -> [RecognizedWord] {
        guard let iterator = TessBaseAPIGetIterator(handle) else { return [] }
        defer { TessResultIteratorDelete(iterator) }
        let pageIterator = TessResultIteratorGetPageIterator(iterator)
        var words: [RecognizedWord] = []
        var line = -1
        repeat {
            if TessPageIteratorIsAtBeginningOf(pageIterator, RIL_TEXTLINE) != 0 { line += 1 }
            guard let raw = TessResultIteratorGetUTF8Text(iterator, RIL_WORD) else { continue }
            let text = String(cString: raw)
            TessDeleteText(raw)
            let box = Self.boundingBox(pageIterator, RIL_WORD)
            let confidence = Double(TessResultIteratorConfidence(iterator, RIL_WORD))
            words.append(RecognizedWord(text: text, box: box, confidence: confidence, line: max(line, 0)))
        } while TessResultIteratorNext(iterator, RIL_WORD) != 0
        return words
    }

    private static func symbols(from handle: OpaquePointer, choices wantChoices: Bool) -> [RecognizedSymbol] {
        guard let iterator = TessBaseAPIGetIterator(handle) else { return [] }
        defer { TessResultIteratorDelete(iterator) }
        let pageIterator = TessResultIteratorGetPageIterator(iterator)
        var symbols: [RecognizedSymbol] = []
        var line = -1
        repeat {
            if TessPageIteratorIsAtBeginningOf(pageIterator, RIL_TEXTLINE) != 0 { line += 1 }
            guard let raw = TessResultIteratorGetUTF8Text(iterator, RIL_SYMBOL) else { continue }
            let text = String(cString: raw)
            TessDeleteText(raw)
            let box = Self.boundingBox(pageIterator, RIL_SYMBOL)
            let confidence = Double(TessResultIteratorConfidence(iterator, RIL_SYMBOL))
            var choices: [RecognizedSymbol.Choice] = []
            if wantChoices, let choiceIterator = TessResultIteratorGetChoiceIterator(iterator) {
                repeat {
                    if let choiceText = TessChoiceIteratorGetUTF8Text(choiceIterator) {
                        // The choice iterator's text belongs to Tesseract: copied, not freed.
                        choices.append(
                            .init(text: String(cString: choiceText), confidence: Double(TessChoiceIteratorConfidence(choiceIterator))))
                    }
                } while TessChoiceIteratorNext(choiceIterator) != 0
                TessChoiceIteratorDelete(choiceIterator)
            }
            symbols.append(
                RecognizedSymbol(text: text, box: box, confidence: confidence, choices: choices, line: max(line, 0)))
        } while TessResultIteratorNext(iterator, RIL_SYMBOL) != 0
        return symbols
    }

    private static func boundingBox(_ iterator: OpaquePointer?, _ level: TessPageIteratorLevel) -> PixelRect {
        var left: Int32 = 0
        var top: Int32 = 0
        var right: Int32 = 0
        var bottom: Int32 = 0
        TessPageIteratorBoundingBox(iterator, level, &left, &top, &right, &bottom)
        return PixelRect(x: Int(left), y: Int(top), width: Int(right - left), height: Int(bottom - top))
    }

    /// Tesseract's OpenMP threads fight the worker pool for cores; one thread per engine is fastest.
    /// Effective only for processes started with it (see `ProcessStart`); set here too for child processes.
    private static let threadLimit: Void = {
        setenv("OMP_THREAD_LIMIT", "1", 0)
    }()

    static func limitThreads() { _ = threadLimit }
}
