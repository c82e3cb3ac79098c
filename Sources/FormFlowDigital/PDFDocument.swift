import FormFlowCore
import Foundation

/// A PDF file, looked at through poppler before anything is rendered: encryption, page count and page
/// sizes are checked against limits first, from the same pass that reads each page's text layer with its
/// word boxes.
public struct PDFDocument {
    public struct Limits: Sendable {
        /// A claim with its receipts is a few pages; a file of thousands is not a document to read.
        public var maxPages = 20
        /// Largest page to render, in pixels at the rendering resolution (the scan limit).
        public var maxPixels = 60_000_000
        /// Resolution at which scanned pages are rendered (the templates' own).
        public var dpi = 300

        public init() {}
    }

    /// A page: its size in points and its text layer's words (boxes in points, from the top left).
    public struct Page: Sendable {
        public var width: Double
        public var height: Double
        public var words: [PositionedText]

        /// A page whose text layer carries text (a born-digital page), as opposed to a scanned image.
        public var hasText: Bool { words.count >= 5 }
    }

    public let pages: [Page]
    let file: URL
    let tools: PopplerTools
    let scratch: URL

    /// Reads the text layer of the first `maxPages + 1` pages with `pdftotext -bbox` (one child process:
    /// it also tells an encrypted or broken file, the page count past the limit and each page's size), and
    /// checks them against the limits before anything is rendered.
    public init(file: URL, scratch: URL, limits: Limits = Limits(), tools: PopplerTools = PopplerTools())
        throws(DigitalError)
    {
        self.file = file
        self.tools = tools
        self.scratch = scratch
        let layoutFile = scratch.appendingPathComponent("words.html")
        let layout = try tools.run(
            "pdftotext", ["-bbox", "-enc", "UTF-8", "-l", "\(limits.maxPages + 1)", file.path, layoutFile.path],
            output: scratch.appendingPathComponent("pdftotext.out"))
        if layout.standardError.contains("Incorrect password") {
            throw DigitalError(.encrypted, "the PDF is encrypted; ask the sender for the invoice without a password")
        }
        guard layout.status == 0 else {
            throw DigitalError(
                .malformed,
                "the PDF cannot be read (\(layout.standardError.split(separator: "\n").first ?? "pdftotext failed")); it may be cut short or damaged")
        }
        let pages = try Self.parseWords((try? Data(contentsOf: layoutFile)).map { [UInt8]($0) } ?? [])
        guard !pages.isEmpty else { throw DigitalError(.malformed, "the PDF has no pages") }
        guard pages.count <= limits.maxPages else {
            throw DigitalError(
                .tooLarge, "the PDF has more than \(limits.maxPages) pages; split it into one file per document")
        }
        for (index, page) in pages.enumerated() {
            let pixels = page.width / 72 * Double(limits.dpi) * page.height / 72 * Double(limits.dpi)
            guard pixels <= Double(limits.maxPixels) else {
                throw DigitalError(
                    .tooLarge,
                    "page \(index + 1) of \(Int(page.width)) × \(Int(page.height)) points is \(Int(pixels / 1_000_000)) megapixels at \(limits.dpi) dpi, over the limit")
            }
        }
        self.pages = pages
    }

    /// pdftotext's `-bbox` XHTML: `<page width height><word xMin yMin xMax yMax>text</word>…</page>`. Its
    /// DOCTYPE line is poppler's own and is dropped; any other declaration is refused by `SafeXML`.
    static func parseWords(_ bytes: [UInt8]) throws(DigitalError) -> [Page] {
        var text = String(decoding: bytes, as: UTF8.self)
        if let start = text.range(of: "<!DOCTYPE"), let end = text[start.upperBound...].firstIndex(of: ">") {
            text.removeSubrange(start.lowerBound...end)
        }
        let root = try SafeXML.parse(Array(text.utf8), part: "the PDF's text layer")
        return root.all("page").map { page in
            Page(
                width: Double(page.attributes["width"] ?? "") ?? 0, height: Double(page.attributes["height"] ?? "") ?? 0,
                words: page.all("word").compactMap { word in
                    guard let x0 = Double(word.attributes["xMin"] ?? ""), let y0 = Double(word.attributes["yMin"] ?? ""),
                        let x1 = Double(word.attributes["xMax"] ?? ""), let y1 = Double(word.attributes["yMax"] ?? "")
                    else { return nil }
                    return PositionedText(text: word.text, x: x0, y: y0, width: x1 - x0, height: y1 - y0)
                })
        }
    }

    /// Renders a region of page 1 (a box in points, from the top left) as gray pixels at `dpi`: what the
    /// page shows there, to compare with what its text layer says.
    public func renderRegion(_ box: PositionedText, dpi: Int) throws(DigitalError) -> GrayImage {
        let scale = Double(dpi) / 72
        let margin = box.height * 0.25
        let (x, y) = (Int(((box.x - margin) * scale).rounded(.down)), Int(((box.y - margin) * scale).rounded(.down)))
        let (width, height) = (Int(((box.width + 2 * margin) * scale).rounded(.up)), Int(((box.height + 2 * margin) * scale).rounded(.up)))
        let prefix = scratch.appendingPathComponent("region")
        let result = try tools.run(
            "pdftoppm",
            ["-gray", "-r", "\(dpi)", "-f", "1", "-l", "1", "-x", "\(max(0, x))", "-y", "\(max(0, y))", "-W", "\(width)", "-H", "\(height)",
                "-singlefile", file.path, prefix.path],
            output: scratch.appendingPathComponent("pdftoppm.out"))
        guard result.status == 0, let data = try? Data(contentsOf: prefix.appendingPathExtension("pgm")),
            let image = Self.parsePGM([UInt8](data))
        else {
            throw DigitalError(.malformed, "the PDF's page cannot be rendered (\(result.standardError.prefix(200)))")
        }
        return image
    }

    /// A binary PGM (P5, 8 bits), as pdftoppm -gray writes it.
    static func parsePGM(_ bytes: [UInt8]) -> GrayImage? {
        var fields: [Int] = []
        var index = 2
        guard bytes.starts(with: Array("P5".utf8)) else { return nil }
        while fields.count < 3, index < bytes.count {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
                index += 1
            }
            var number = 0
            var digits = 0
            while index < bytes.count, (0x30...0x39).contains(bytes[index]), digits < 7 {
                number = number * 10 + Int(bytes[index] - 0x30)
                index += 1
                digits += 1
            }
            guard digits > 0 else { return nil }
            fields.append(number)
        }
        index += 1  // the single whitespace after the maximum value
        let (width, height) = (fields[0], fields[1])
        guard fields.count == 3, fields[2] == 255, width > 0, height > 0, bytes.count - index >= width * height else { return nil }
        return GrayImage(width: width, height: height, pixels: Array(bytes[index..<(index + width * height)]))
    }

    /// Renders one page (from 1) as an 8-bit gray PNG at `dpi`, for the scan path.
    public func renderPage(_ number: Int, dpi: Int) throws(DigitalError) -> [UInt8] {
        let prefix = scratch.appendingPathComponent("page-\(number)")
        let result = try tools.run(
            "pdftoppm", ["-gray", "-png", "-r", "\(dpi)", "-f", "\(number)", "-l", "\(number)", "-singlefile", file.path, prefix.path],
            output: scratch.appendingPathComponent("pdftoppm.out"))
        guard result.status == 0, let data = try? Data(contentsOf: prefix.appendingPathExtension("png")) else {
            throw DigitalError(.malformed, "page \(number) of the PDF cannot be rendered (\(result.standardError.prefix(200)))")
        }
        try? FileManager.default.removeItem(at: prefix.appendingPathExtension("png"))
        return [UInt8](data)
    }
}
