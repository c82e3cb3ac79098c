import Foundation

/// Tesseract's page-segmentation modes that FormFlow uses, by what they assume about the zone.
public enum PageSegmentation: Int32, Sendable, Codable, CaseIterable {
    /// Automatic layout analysis of a whole page.
    case auto = 3
    /// One uniform block of text.
    case singleBlock = 6
    /// One line of text: the right choice for a value beside its label.
    case singleLine = 7
    /// One word.
    case singleWord = 8
    /// As much text as possible, in no particular order: finds scattered labels.
    case sparseText = 11
    /// A raw line, bypassing Tesseract's own line finding.
    case rawLine = 13

    /// Accepts the number (`7`) or the name (`single_line`) a pipeline author writes.
    public init?(name: String) {
        switch name {
        case "auto", "3": self = .auto
        case "single_block", "block", "6": self = .singleBlock
        case "single_line", "line", "7": self = .singleLine
        case "single_word", "word", "8": self = .singleWord
        case "sparse_text", "sparse", "11": self = .sparseText
        case "raw_line", "13": self = .rawLine
        default: return nil
        }
    }
}

/// How to read one zone: language model, segmentation and an optional character whitelist.
public struct RecognitionOptions: Sendable, Hashable {
    /// Tesseract language string: `chi_sim`, `eng`, or a combination such as `chi_sim+eng`.
    public var language: String
    public var segmentation: PageSegmentation
    /// Only these characters may be returned; `nil` allows all the model knows.
    public var whitelist: String?
    /// Collect every character with its box (for anchors and value boxes: word boxes of Chinese text
    /// are unreliable, character boxes are tight).
    public var collectSymbols: Bool
    /// Also collect the alternative readings of each character (slower; for verification).
    public var symbolChoices: Bool

    public init(
        language: String = "chi_sim", segmentation: PageSegmentation = .auto, whitelist: String? = nil,
        collectSymbols: Bool = false, symbolChoices: Bool = false
    ) {
        self.language = language
        self.segmentation = segmentation
        self.whitelist = whitelist
        self.collectSymbols = collectSymbols
        self.symbolChoices = symbolChoices
    }
}

/// One recognised word (for Chinese, usually a run of characters) with its box in page pixels.
public struct RecognizedWord: Sendable, Hashable {
    public var text: String
    public var box: PixelRect
    /// Tesseract's confidence, 0–100.
    public var confidence: Double
    /// Index of the text line the word belongs to, counted within one recognition.
    public var line: Int

    public init(text: String, box: PixelRect, confidence: Double, line: Int) {
        self.text = text
        self.box = box
        self.confidence = confidence
        self.line = line
    }
}

/// One recognised character with the alternatives Tesseract considered for it.
public struct RecognizedSymbol: Sendable, Hashable {
    public struct Choice: Sendable, Hashable {
        public var text: String
        public var confidence: Double

        public init(text: String, confidence: Double) {
            self.text = text
            self.confidence = confidence
        }
    }
    public var text: String
    public var box: PixelRect
    public var confidence: Double
    public var choices: [Choice]
    /// Index of the text line the character belongs to, counted within one recognition.
    public var line: Int

    public init(text: String, box: PixelRect, confidence: Double, choices: [Choice] = [], line: Int = 0) {
        self.text = text
        self.box = box
        self.confidence = confidence
        self.choices = choices
        self.line = line
    }
}

/// What Tesseract read in one page or zone.
public struct Recognition: Sendable, Hashable {
    public var text: String
    public var words: [RecognizedWord]
    public var symbols: [RecognizedSymbol]
    /// Mean word confidence, 0–100 (0 when nothing was read).
    public var meanConfidence: Double

    public init(text: String, words: [RecognizedWord], symbols: [RecognizedSymbol] = [], meanConfidence: Double) {
        self.text = text
        self.words = words
        self.symbols = symbols
        self.meanConfidence = meanConfidence
    }

    /// The words grouped into their lines, each line's words in reading order.
    public var lines: [[RecognizedWord]] {
        Dictionary(grouping: words, by: \.line).sorted { $0.key < $1.key }.map(\.value)
    }
}

/// Reads text off one page. The OCR module implements it over Tesseract; extraction code depends only
/// on this protocol, so it is tested with scripted readers and no Tesseract at all.
public protocol PageReader {
    /// Size of the page in pixels, the coordinate space of every box.
    var pageSize: PixelRect { get }
    /// Resolution of the page in dots per inch.
    var dpi: Int { get }
    /// Reads the whole page (`zone == nil`) or one zone. `scale` below 1 reads a reduced copy (faster,
    /// good enough for layout); boxes are always returned in page pixels.
    func read(_ zone: PixelRect?, options: RecognitionOptions, scale: Double) throws -> Recognition
    /// The gray pixels of a zone at full resolution, for code that looks at glyphs itself.
    func pixels(in zone: PixelRect) throws -> GrayImage
    /// The whole page reduced by `scale` (below 1), for code that looks at its layout (ruled lines).
    func overview(scale: Double) throws -> GrayImage
    /// Whether ink inside `rect` reaches the edge of the scanned image (which, on a deskewed page, is a
    /// slanted line): what is printed there may be cut off by the scanner.
    func inkTouchesScanEdge(in rect: PixelRect) throws -> Bool
    /// The second OCR model's reading of one line (a value's ink), or nil when there is no second model.
    func readLine(in zone: PixelRect) throws -> LineReading?
    /// Whether the page came from a black-and-white (1-bit) scan, whose thin strokes may be lost: a 4
    /// that keeps only its stem reads as 1 to every reader, so the sums must not take such a 1 as read.
    var strokesMayBeLost: Bool { get }
}

extension PageReader {
    /// No second model unless the reader has one.
    public func readLine(in zone: PixelRect) throws -> LineReading? { nil }

    /// A gray or colour page unless the reader says otherwise.
    public var strokesMayBeLost: Bool { false }

    /// For a page that was not rotated: `rect` reaches the page's own edge.
    public func inkTouchesScanEdge(in rect: PixelRect) throws -> Bool {
        rect.x <= 1 || rect.y <= 1 || rect.maxX >= pageSize.maxX - 1 || rect.maxY >= pageSize.maxY - 1
    }
}

/// One line of text as a second OCR model read it (`SecondModel`): the text and each character's
/// probability, 0–1.
public struct LineReading: Sendable, Hashable {
    public var text: String
    public var confidences: [Double]
    /// Per character read, the likeliest characters at its place with their probabilities, best first
    /// (the read character among them); empty where the model gave none.
    public var alternatives: [[Alternative]]

    public struct Alternative: Sendable, Hashable {
        public var character: Character
        public var probability: Double

        public init(character: Character, probability: Double) {
            self.character = character
            self.probability = probability
        }
    }

    public init(text: String, confidences: [Double], alternatives: [[Alternative]] = []) {
        self.text = text
        self.confidences = confidences
        self.alternatives = alternatives
    }

    /// From the model's answer, `{"text": "…", "confidences": [0.99, …], "alternatives": [[["字", 0.9], …], …]}`.
    public init?(json: String) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
            let text = object["text"] as? String, let confidences = object["confidences"] as? [Double]
        else { return nil }
        let alternatives = (object["alternatives"] as? [[[Any]]] ?? []).map { place in
            place.compactMap { pair -> Alternative? in
                guard pair.count == 2, let text = pair[0] as? String, text.count == 1, let probability = pair[1] as? Double
                else { return nil }
                return Alternative(character: text.first!, probability: probability)
            }
        }
        self.init(text: text, confidences: confidences, alternatives: alternatives.count == text.count ? alternatives : [])
    }

    /// The least sure character's probability (1 for an empty line).
    public var lowestConfidence: Double { confidences.min() ?? 1 }

    /// The line without the punctuation and spaces around `value`, where the line is `value` with only such
    /// characters before or after it: a label's colon read before a code (":40491335", the colon at 0.88)
    /// says nothing about how surely the code was read. Otherwise the line as it is.
    public func trimmed(to value: String) -> LineReading {
        let characters = Array(text)
        let wanted = Array(value)
        guard !wanted.isEmpty, characters.count > wanted.count, confidences.count == characters.count,
            let start = (0...(characters.count - wanted.count)).first(where: {
                Array(characters[$0..<($0 + wanted.count)]) == wanted
            })
        else { return self }
        let end = start + wanted.count
        let around = characters[..<start] + characters[end...]
        guard around.allSatisfy({ $0.isWhitespace || $0.isPunctuation }) else { return self }
        return LineReading(
            text: value, confidences: Array(confidences[start..<end]),
            alternatives: alternatives.count == characters.count ? Array(alternatives[start..<end]) : [])
    }
}
