import FormFlowCore
import FormFlowDigital
import FormFlowExtraction
import Foundation

/// What a digital file turned out to be: an invoice read from its text, pages to take the scan path
/// (a scanned PDF), or a file refused with its reason.
enum DigitalReading {
    /// `textLayer`: for a PDF, how its text layer was read.
    case invoice(DigitalInvoice, textLayer: TextLayerReading? = nil)
    case scannedPages([[UInt8]], note: String?)
    case refused(DigitalError)
}

/// Chooses the reader for a PDF, OFD or XML file. An OFD or XML is the issuer's data: read exactly or
/// refused. A PDF page with a text layer is read as text through the pipeline's templates (the same
/// recognition, registration and zones as a scan, with one reading of confidence 100 per field); a PDF
/// whose first page has none (a scan saved as PDF), or whose text is no template's, is rendered at the
/// templates' resolution for OCR.
struct DigitalDocuments {
    var pdfLimits = PDFDocument.Limits()
    var tools = PopplerTools()
    let textLayer: TextLayerReader

    init(templates: [FormTemplate]) {
        self.textLayer = TextLayerReader(templates: templates)
    }

    func read(_ format: DigitalFormat, file: URL, bytes: [UInt8]) -> DigitalReading {
        do {
            switch format {
            case .ofd:
                return .invoice(
                    try OFDInvoiceReader.read(bytes) { page, source throws(DigitalError) in
                        let read = try reading(page, source: source)
                        guard read.disagreements.isEmpty else {
                            throw DigitalError(
                                .notAnInvoice,
                                "the page's text read by the template's zones and by its printed labels differs: \(read.disagreements.joined(separator: "; "))")
                        }
                        return read.invoice
                    })
            case .xml: return .invoice(try EInvoiceXMLReader.read(bytes))
            case .pdf: return try readPDF(file)
            }
        } catch {
            return .refused(error)
        }
    }

    private func readPDF(_ file: URL) throws(DigitalError) -> DigitalReading {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("formflow-pdf-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        } catch {
            throw DigitalError(.toolFailed, "no scratch folder for the PDF tools in \(scratch.deletingLastPathComponent().path): \(error)")
        }
        defer { try? FileManager.default.removeItem(at: scratch) }
        let document = try PDFDocument(file: file, scratch: scratch, limits: pdfLimits, tools: tools)
        var note: String? = nil
        if let first = document.pages.first, first.hasText {
            do {
                var read = try reading(
                    PageText(runs: first.words, width: first.width, height: first.height, unitsPerInch: 72), source: .pdfText)
                // Anyone can edit a text layer: what the page shows at the total is rendered to compare.
                read.totalImage = read.totalBox.flatMap { try? document.renderRegion($0, dpi: pdfLimits.dpi) }
                return .invoice(read.invoice, textLayer: read)
            } catch {
                // A text layer that is not an e-invoice (an OCR layer over a scanned claim): the page image decides.
                note = "the PDF's text layer is not an e-invoice (\(error.message)); its pages were read as images"
            }
        }
        var pages: [[UInt8]] = []
        for number in 1...max(1, document.pages.count) {
            pages.append(try document.renderPage(number, dpi: pdfLimits.dpi))
        }
        return .scannedPages(pages, note: note)
    }

    /// A page's text (a PDF's text layer, an OFD page) read twice: through the template it fits (`TextLayerReader`: the scan's
    /// recognition, registration and zones) and by its printed labels (`NationalLayout`: labels are fixed
    /// by the tax office, positions vary by issuer). Both are exact readers of the same text, so they must
    /// agree; where one cannot read the page (an issuer's layout no template describes) the other decides,
    /// and where both read it differently an operator sees both.
    func reading(_ page: PageText, source: DigitalInvoice.Source) throws(DigitalError) -> TextLayerReading {
        let read = try readingTwice(page, source: source)
        if FieldExtractor.trace { FieldExtractor.tracePrint("TRACE page text (\(source.rawValue)): \(read.note) \(read.disagreements)") }
        return read
    }

    private func readingTwice(_ page: PageText, source: DigitalInvoice.Source) throws(DigitalError) -> TextLayerReading {
        let byTemplate = Result { () throws(DigitalError) in try templateReading(page, source: source) }
        let byLabels = Result { () throws(DigitalError) in
            let layout = NationalLayout(page.runs)
            return (try layout.invoice(source: source), layout.totalBox())
        }
        let origin = source == .pdfText ? "the PDF's text layer" : "the page's text"
        switch (byTemplate, byLabels) {
        case (.success(let zones), .success(let labels)):
            let disagreements = Self.differences(zones.invoice, labels.0)
            return TextLayerReading(
                invoice: zones.invoice, totalBox: zones.totalBox,
                note: disagreements.isEmpty
                    ? "read from \(origin) through \(zones.template)'s zones; its printed labels say the same"
                    : "read from \(origin) through \(zones.template)'s zones; its printed labels say otherwise",
                disagreements: disagreements)
        case (.success(let zones), .failure(let why)):
            return TextLayerReading(
                invoice: zones.invoice, totalBox: zones.totalBox,
                note: "read from \(origin) through \(zones.template)'s zones (its labels alone do not give every value: \(why.message))")
        case (.failure(let why), .success(let labels)):
            return TextLayerReading(
                invoice: labels.0, totalBox: labels.1,
                note: "read from \(origin) by its printed labels (no template's zones fit: \(why.message))")
        case (.failure(let why), .failure):
            throw why
        }
    }

    /// The page's text, placed at the templates' resolution, read through the template it fits.
    private func templateReading(_ page: PageText, source: DigitalInvoice.Source) throws(DigitalError)
        -> (invoice: DigitalInvoice, totalBox: PositionedText?, template: String)
    {
        let pixelsPerUnit = Double(pdfLimits.dpi) / page.unitsPerInch
        func pixels(_ value: Double) -> Int { Int((value * pixelsPerUnit).rounded()) }
        let runs = page.runs.map { word in
            TextLayerPage.Run(
                text: InvoiceText.clean(word.text),
                box: PixelRect(x: pixels(word.x), y: pixels(word.y), width: pixels(word.width), height: pixels(word.height)))
        }
        let text = TextLayerPage(
            runs: runs.filter { !$0.text.isEmpty },
            size: PixelRect(x: 0, y: 0, width: pixels(page.width), height: pixels(page.height)), labels: textLayer.labels)
        let read: TextLayerReader.Result
        switch textLayer.read(text) {
        case .success(let result): read = result
        case .failure(.notRecognised(let why)), .failure(.notRegistered(let why)): throw DigitalError(.notAnInvoice, why)
        }
        guard read.template.form == .vatInvoice else {
            throw DigitalError(.notAnInvoice, "the page's text is a \(read.template.form), not an e-invoice")
        }
        let invoice = try DigitalInvoice.printed(read.fields, lines: read.rows, source: source)
        let totalBox = read.boxes["total"].map { box in
            PositionedText(
                text: read.fields["total"] ?? "", x: Double(box.x) / pixelsPerUnit, y: Double(box.y) / pixelsPerUnit,
                width: Double(box.width) / pixelsPerUnit, height: Double(box.height) / pixelsPerUnit)
        }
        return (invoice, totalBox, (read.template.file as NSString).lastPathComponent)
    }

    /// The record's fields on which two readings of one text differ, with both values.
    static func differences(_ zones: DigitalInvoice, _ labels: DigitalInvoice) -> [String] {
        let a = zones.fields
        let b = labels.fields
        return Set(a.keys).union(b.keys).sorted().compactMap { name in
            guard a[name] != b[name] else { return nil }
            func shown(_ value: FieldValue?) -> String { value.map { $0.text ?? "\($0)" } ?? "nothing" }
            return "\(name): \(shown(a[name])) by the template's zones, \(shown(b[name])) by the printed labels"
        }
    }
}

/// How a PDF's text layer was read, for the record.
struct TextLayerReading {
    var invoice: DigitalInvoice
    /// Where the total is printed (PDF points), and what the page shows there.
    var totalBox: PositionedText?
    var totalImage: GrayImage? = nil
    /// Every field's evidence note: which reader decided and whether the other agreed.
    var note: String
    /// Fields the two readings of the text give differently, with both values: for an operator.
    var disagreements: [String] = []
}

/// Compares a PDF's text layer with what its page shows at the total: the glyphs read as an amount on
/// their own (no Tesseract). Only a clear reading that differs is a disagreement; unclear glyphs (another
/// typeface) are no opinion.
enum TextLayerCheck: Equatable {
    case agrees
    case disagrees(shown: String)
    case noOpinion(String)

    static func compare(total: Decimal, image: GrayImage?, figures: FigureVerifier?) -> TextLayerCheck {
        guard let image, let figures else { return .noOpinion("the page was not rendered") }
        if let shown = figures.readRenderedAmount(image: image) {
            return Money.parse(shown) == total ? .agrees : .disagrees(shown: shown)
        }
        return .noOpinion("the glyphs at the total could not be read on their own")
    }
}

extension DigitalInvoice {
    /// Per-field evidence: the value as the file states it, exact, and which part of the file said it.
    var evidence: [String: FieldEvidence] {
        let origin: String =
            switch source {
            case .ofd: "the OFD's invoice data"
            case .xml: "the 数电 XML"
            case .pdfText: "the PDF's text layer"
            }
        var evidence: [String: FieldEvidence] = [:]
        for (name, value) in fields {
            guard let text = value.text else { continue }
            evidence[name] = FieldEvidence(
                raw: text, confidence: 100, box: nil, uncertain: false, note: "read from \(origin)", decidedBy: [source.rawValue])
        }
        return evidence
    }
}
