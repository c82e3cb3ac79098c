import FormFlowCore
import FormFlowDigital
import Foundation

/// What a digital file turned out to be: an invoice read from its text, pages to take the scan path
/// (a scanned PDF), or a file refused with its reason.
enum DigitalReading {
    case invoice(DigitalInvoice)
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
            case .ofd: return .invoice(try OFDInvoiceReader.read(bytes))
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
                return .invoice(try NationalLayout(first.words).invoice(source: .pdfText))
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
