import FormFlowCore
import FormFlowDigital
import FormFlowExtraction
import Foundation

/// What a digital file turned out to be: an invoice read from its text, pages to take the scan path
/// (a scanned PDF), or a file refused with its reason.
enum DigitalReading {
    /// `totalImage`: for a PDF's text layer, what the page shows where the total is printed.
    case invoice(DigitalInvoice, totalImage: GrayImage? = nil)
    case scannedPages([[UInt8]], note: String?)
    case refused(DigitalError)
}

/// Chooses the reader for a PDF, OFD or XML file. An OFD or XML is the issuer's data: read exactly or
/// refused. A PDF page with a text layer is read as text; a PDF whose first page has none (a scan saved
/// as PDF), or whose text is not an e-invoice, is rendered at the templates' resolution for OCR.
struct DigitalDocuments {
    var pdfLimits = PDFDocument.Limits()
    var tools = PopplerTools()

    func read(_ format: DigitalFormat, file: URL, bytes: [UInt8]) -> DigitalReading {
        do {
            switch format {
            case .ofd: return .invoice(try OFDInvoiceReader.read(bytes), totalImage: nil)
            case .xml: return .invoice(try EInvoiceXMLReader.read(bytes), totalImage: nil)
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
                let layout = NationalLayout(first.words)
                let invoice = try layout.invoice(source: .pdfText)
                // Anyone can edit a text layer: what the page shows at the total is rendered to compare.
                let image = layout.totalBox().flatMap { try? document.renderRegion($0, dpi: pdfLimits.dpi) }
                return .invoice(invoice, totalImage: image)
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
