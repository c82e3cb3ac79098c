import Crypto
import FormFlowCore
import FormFlowDigital
import FormFlowExtraction
import FormFlowOCR
import FormFlowValidation
import Foundation

/// Turns one input file into its record. One processor per worker: it owns that worker's engine.
public final class DocumentProcessor {
    public let pipeline: Pipeline
    public let settings: Settings
    let engine: OCREngine
    let loader: ImageLoader
    let classifier: FormClassifier
    let frameRecognizer: FrameRecognizer
    private let validator: Validator
    private let digital: DigitalDocuments

    /// Once per process, before the first worker reads (see `AllocatorMemory.limitArenas`).
    private static let arenasLimited: Void = AllocatorMemory.limitArenas()

    public init(pipeline: Pipeline, settings: Settings) throws(OCRError) {
        _ = Self.arenasLimited
        self.pipeline = pipeline
        self.settings = settings
        self.engine = try OCREngine(dataPath: settings.tessdata, languages: pipeline.languages)
        engine.secondModel = try SecondModel.launch()
        self.loader = ImageLoader(limits: settings.limits)
        self.classifier = FormClassifier(templates: pipeline.templates)
        self.frameRecognizer = FrameRecognizer(templates: pipeline.templates, text: pipeline.text)
        self.validator = Validator(rules: pipeline.rules)
        self.digital = DigitalDocuments(templates: pipeline.templates)
    }

    /// Reads, classifies and decides one file. Never throws for bad input: that becomes a quarantine
    /// record. Throws only when this machine fails (engine or image library trouble).
    public func process(file: URL, name: String, batch: String) throws(OCRError) -> ProcessedDocument {
        var crops: [String: [UInt8]] = [:]
        var pageImage: [UInt8]?
        let record = try decide(file: file, name: name, batch: batch, crops: &crops, pageImage: &pageImage)
        return ProcessedDocument(record: record, crops: crops, pageImage: pageImage)
    }

    private func decide(
        file: URL, name: String, batch: String, crops: inout [String: [UInt8]], pageImage: inout [UInt8]?
    ) throws(OCRError)
        -> DocumentRecord
    {
        var timings: [String: Double] = [:]
        let clock = ContinuousClock()
        var lap = clock.now
        func stop(_ stage: String) {
            let now = clock.now
            let elapsed = lap.duration(to: now)
            timings[stage] = elapsed.inMilliseconds.rounded(toPlaces: 1)
            lap = now
        }

        func quarantine(_ sha: String, _ reason: String) -> DocumentRecord {
            DocumentRecord(
                document: name, sha256: sha, form: nil, status: .quarantine, reason: reason, batch: batch,
                pipeline: pipeline.identifier, timings: timings, processedAt: Self.now())
        }

        let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
        if size > settings.maxFileBytes {
            return quarantine(
                "", "the file is \(size) bytes, over the limit of \(settings.maxFileBytes) bytes (max_file_bytes)")
        }
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.read(path: file.path)
        } catch {
            return quarantine("", "the file cannot be read: \(error.reason)")
        }
        let sha = Self.sha256(bytes)

        // A phone's picture decodes to 40–60 MB of colour: such pages are decoded and prepared one at a
        // time per process (the others' workers go on with ordinary scans), which keeps the peak memory
        // of several workers to one large page's worth. Prepared, a page is the template's size.
        let large = ((try? loader.header(of: bytes)).map { $0.width * $0.height } ?? 0) > LargePageGate.threshold
        var holdingGate = large
        if holdingGate { LargePageGate.shared.enter() }
        // Freed memory goes back to the system after every document, not only a large one: two workers'
        // heaps otherwise keep what each document left free in the middle of them (a set of 160, 2 workers:
        // 370 → 360 MB peak, for 0.4% more CPU).
        defer {
            if holdingGate { LargePageGate.shared.leave() }
            AllocatorMemory.returnFreed()
        }

        // PDF, OFD and XML carry their values as text: read exactly, no OCR. A scanned PDF's pages
        // take the scan path below.
        var source = "scan"
        var preparationNotes: [String] = []
        var pending: [PageImage] = []
        if let format = DigitalFormat.sniff(bytes) {
            switch digital.read(format, file: file, bytes: bytes) {
            case .invoice(let invoice, let textLayer):
                stop("read")
                var record = digitalRecord(invoice, name: name, sha: sha, batch: batch)
                if let textLayer {
                    explainTextLayer(&record, textLayer)
                }
                stop("validate")
                record.timings = timings
                return record
            case .refused(let error):
                stop("read")
                var record = quarantine(sha, error.reason)
                record.source = format.rawValue
                return record
            case .scannedPages(let images, let note):
                source = "pdf_scan"
                if let note { preparationNotes.append(note) }
                do {
                    for image in images { pending += try loader.load(bytes: image) }
                } catch where error.isInputProblem {
                    return quarantine(sha, error.message)
                }
            }
        } else {
            do {
                pending = try loader.load(bytes: bytes)
            } catch where error.isInputProblem {
                return quarantine(sha, error.message)
            }
        }
        stop("load")

        // Every page is looked at: the first that is a known form is read, the others are listed as
        // attachments (receipts pasted on paper). A second form in one file is for an operator to split.
        let pageCount = pending.count
        let pages = try recognisePages(&pending, orientation: ExifOrientation.of(jpeg: bytes)) { recognised in
            // Pixels prepared ("normalise") and the form recognised ("classify"), over every page.
            let now = clock.now
            let spent = lap.duration(to: now)
            timings["normalise", default: 0] += recognised.preparationTime.inMilliseconds.rounded(toPlaces: 1)
            timings["classify", default: 0] += (spent - recognised.preparationTime).inMilliseconds.rounded(toPlaces: 1)
            lap = now
        }
        let found = pages.form
        let formPages = pages.otherForms
        let otherPages = pages.attachments
        let firstEvidence = pages.firstEvidence
        if holdingGate {
            // Every page is prepared and template-sized now: the next large page may go.
            holdingGate = false
            AllocatorMemory.returnFreed()
            LargePageGate.shared.leave()
        }
        guard let recognisedPage = found, let template = recognisedPage.template else {
            let summary = firstEvidence.map { evidence in
                "\(evidence.form): found \(evidence.found.count) of \(evidence.found.count + evidence.missing.count) labels"
            }.joined(separator: "; ")
            var record = DocumentRecord(
                document: name, sha256: sha, form: nil, status: .exception,
                violations: [
                    Violation(
                        rule: "unknown_form",
                        message: "\(pageCount > 1 ? "none of the \(pageCount) pages" : "the page") matches a known form (\(summary)); check the scan or add a template")
                ],
                batch: batch, pipeline: pipeline.identifier, pages: pageCount,
                classification: firstEvidence, timings: timings, processedAt: Self.now())
            record.source = source
            return record
        }
        let page = recognisedPage.values
        let reader = TesseractPageReader(engine: engine, page: page, fromBilevel: recognisedPage.fromBilevel)
        let extraction: ExtractionResult
        do {
            extraction = try fields(of: recognisedPage, as: template, reader: reader)
        } catch let error as OCRError {
            throw error
        } catch {
            throw OCRError(.imageOperationFailed, "reading the page failed: \(error)")
        }
        stop("extract")
        timings["ocr"] = (reader.recognitionTime + recognisedPage.recognitionTime).inMilliseconds.rounded(toPlaces: 1)
        let classification = FormClassifier.Result(template: template, evidence: recognisedPage.evidence)

        let tableName = template.table?.name
        let fields = extraction.fields(tableName: tableName)
        var violations = extraction.problems
        if !formPages.isEmpty {
            violations.append(
                Violation(
                    rule: "several_forms",
                    message: "pages \(([recognisedPage.pageNumber] + formPages).map(String.init).joined(separator: ", ")) are each a form; only page \(recognisedPage.pageNumber) was read. Scan each form as its own file"))
        }
        violations += validator.evaluate(
            form: template.form, fields: fields, uncertain: extraction.uncertainFields(tableName: tableName),
            disputed: extraction.disputedAmounts(tableName: tableName))
        stop("validate")
        // The operator sees what was read beside each value a violation names, and the whole page behind
        // the field boxes (in the boxes' frame); ID and bank numbers masked there as in text.
        let evidence = extraction.evidence(tableName: tableName)
        let shown = violations.isEmpty ? page : (try? page.blackedOut(Self.personalAreas(template, fields, evidence))) ?? page
        for field in Set(violations.flatMap(\.fields)) {
            let boxes = evidence.filter { $0.key == field || $0.key.hasPrefix("\(field)[") }.compactMap(\.value.box)
            guard let first = boxes.first else { continue }
            let area = boxes.dropFirst().reduce(first) { $0.union($1) }.insetBy(dx: -20, dy: -12).clamped(to: page.bounds)
            if let png = try? shown.cropped(to: area).pngData() { crops[field] = png }
        }
        if !violations.isEmpty { pageImage = try? shown.jpegData() }
        var record = DocumentRecord(
            document: name, sha256: sha, form: template.form, status: violations.isEmpty ? .accepted : .exception,
            fields: fields, violations: violations, batch: batch,
            pipeline: pipeline.identifier, pages: pageCount, evidence: extraction.evidence(tableName: tableName),
            classification: classification.evidence, timings: timings, processedAt: Self.now(),
            formPage: pageCount > 1 ? recognisedPage.pageNumber : nil,
            attachedPages: pageCount > 1 ? otherPages : nil,
            preparation: recognisedPage.preparation.isEmpty && preparationNotes.isEmpty
                ? nil : preparationNotes + recognisedPage.preparation)
        record.source = source
        return record
    }

    /// Where the hidden characters of each ID and bank number lie: all but the first six and the last four
    /// (as `Masking.mask` shows them), in proportion to the value's length within its box.
    static func personalAreas(_ template: FormTemplate, _ fields: [String: FieldValue], _ evidence: [String: FieldEvidence])
        -> [PixelRect]
    {
        template.fields.filter { $0.type == .id18 || $0.type == .bankCard }.compactMap { spec in
            guard let box = evidence[spec.name]?.box else { return nil }
            let length = max(11, fields[spec.name]?.text?.count ?? (spec.type == .id18 ? 18 : 19))
            let start = box.x + box.width * 6 / length
            let end = box.x + box.width * (length - 4) / length
            return PixelRect(x: start, y: box.y, width: end - start, height: box.height)
        }
    }

    /// How a PDF's text layer was read, in every field's evidence; its two readings disagreeing, or the
    /// text layer disagreeing with its page, goes to an operator with both values.
    private func explainTextLayer(_ record: inout DocumentRecord, _ textLayer: TextLayerReading) {
        if var evidence = record.evidence {
            for field in evidence.keys { evidence[field]?.note = textLayer.note }
            record.evidence = evidence
        }
        if !textLayer.disagreements.isEmpty {
            record.status = .exception
            record.violations.append(
                Violation(
                    rule: "text_layer_disagreement",
                    message: "the PDF's text read by the template's zones and by its printed labels differs (\(textLayer.disagreements.joined(separator: "; "))): check the invoice's layout and values by hand",
                    fields: textLayer.disagreements.compactMap { $0.split(separator: ":").first.map(String.init) }))
        }
        compareTextLayer(&record, total: textLayer.invoice.total, image: textLayer.totalImage)
    }

    /// A PDF's text layer against its page: a disagreement goes to an operator with both values.
    private func compareTextLayer(_ record: inout DocumentRecord, total: Decimal, image: GrayImage?) {
        let check = TextLayerCheck.compare(total: total, image: image, figures: pipeline.figures)
        switch check {
        case .agrees:
            let read = record.evidence?["total"]?.note ?? "read from the PDF's text layer"
            record.evidence?["total"]?.note = "\(read); the page's glyphs show the same"
            record.evidence?["total"]?.decidedBy = ["pdf_text", "figure glyphs"]
        case .noOpinion(let why):
            let read = record.evidence?["total"]?.note ?? "read from the PDF's text layer"
            record.evidence?["total"]?.note = "\(read); not compared with the page: \(why)"
        case .disagrees(let shown):
            record.status = .exception
            record.violations.append(
                Violation(
                    rule: "text_layer_mismatch",
                    message: "the PDF's text layer says total \(Money.format(total)), the page shows \(shown): the text layer may have been edited; check the original invoice",
                    fields: ["total"]))
        }
    }

    /// The record of an invoice read from its text: exact values, checked by the same rules as a scan's.
    private func digitalRecord(
        _ invoice: DigitalInvoice, name: String, sha: String, batch: String
    ) -> DocumentRecord {
        let fields = invoice.fields
        let violations = validator.evaluate(form: .vatInvoice, fields: fields, uncertain: [])
        var record = DocumentRecord(
            document: name, sha256: sha, form: .vatInvoice, status: violations.isEmpty ? .accepted : .exception,
            fields: fields, violations: violations, batch: batch, pipeline: pipeline.identifier, pages: 1,
            evidence: invoice.evidence, processedAt: Self.now())
        record.source = invoice.source.rawValue
        if invoice.source == .ofd { record.signature = invoice.signed ? "present (not verified)" : "absent" }
        return record
    }

    static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    static func now() -> String {
        Date().ISO8601Format(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}

extension Double {
    func rounded(toPlaces places: Int) -> Double {
        let factor = pow(10, Double(places))
        return (self * factor).rounded() / factor
    }
}

/// One large page (a phone's photo) at a time per process: see `DocumentProcessor.decide`.
final class LargePageGate: Sendable {
    static let shared = LargePageGate()
    /// Pages above this many pixels (phones take 7–12 megapixels; an A5 form at 300 dpi is 4.3) pass one
    /// at a time.
    static let threshold = 6_000_000
    private let semaphore = DispatchSemaphore(value: 1)

    func enter() { semaphore.wait() }
    func leave() { semaphore.signal() }
}

/// A decided document: its record, and PNG crops of the fields its violations name.
public struct ProcessedDocument: Sendable {
    public var record: DocumentRecord
    public var crops: [String: [UInt8]]
    /// For exceptions read from a page: the prepared page (JPEG) in the frame of the evidence boxes.
    public var pageImage: [UInt8]?

    public init(record: DocumentRecord, crops: [String: [UInt8]], pageImage: [UInt8]? = nil) {
        self.record = record
        self.crops = crops
        self.pageImage = pageImage
    }
}

extension DocumentProcessor {
    /// The fields of a recognised page: by its registration (ruled box, labels or values) or by the
    /// layout pass's reading.
    func fields(of recognised: Recognised, as template: FormTemplate, reader: TesseractPageReader) throws
        -> ExtractionResult
    {
        let extractor = pipeline.extractor(for: template)
        if let registration = recognised.registration {
            return try extractor.extract(registration: registration, reader: reader)
        }
        return try extractor.extract(layout: recognised.layoutText!, reader: reader)
    }
}
