import FormFlowCore
import FormFlowExtraction
import FormFlowOCR
import Foundation

/// What a run makes of one scan, for `formflow inspect`: the very path `process` takes (EXIF
/// orientation, colour dropped, a photo rectified by its ruled box, 1-bit pages smoothed, every page
/// classified), stopped before validation and routing.
public struct Inspection {
    /// What was done to the recognised page (turned, colour dropped, rectified …).
    public var preparation: [String]
    /// The first page that is a known form, and which page that was (1-based); nil when none is.
    public var template: FormTemplate?
    public var pageNumber: Int
    public var pageCount: Int
    /// How the page was registered: by the ruled box or labels, or nil for the layout pass.
    public var registration: Registration?
    /// The layout pass's reading, when the page was registered by it.
    public var layoutText: Recognition?
    public var evidence: [ClassificationEvidence]
    /// The page values were read from: its size and resolution.
    public var valuesPage: (width: Int, height: Int, dpi: Int)
    /// Every field reading with its evidence; nil when no page is a known form.
    public var extraction: ExtractionResult?
}

extension DocumentProcessor {
    /// Recognises and reads one image file as a run would, without validating or routing it. Digital
    /// invoices (PDF with a text layer, OFD, XML) are not images: `formflow run` reads them.
    public func inspect(file: URL) throws -> Inspection {
        let bytes = try [UInt8](Data(contentsOf: file))
        var pending = try loader.load(bytes: bytes)
        let pageCount = pending.count
        let pages = try recognisePages(&pending, orientation: ExifOrientation.of(jpeg: bytes), untilForm: true)
        if let recognised = pages.form, let template = recognised.template {
            let page = recognised.values
            let reader = TesseractPageReader(engine: engine, page: page, fromBilevel: recognised.fromBilevel)
            let extraction = try fields(of: recognised, as: template, reader: reader)
            return Inspection(
                preparation: recognised.preparation, template: template, pageNumber: recognised.pageNumber,
                pageCount: pageCount, registration: recognised.registration, layoutText: recognised.layoutText,
                evidence: recognised.evidence, valuesPage: (page.width, page.height, page.dpi), extraction: extraction)
        }
        return Inspection(
            preparation: [], template: nil, pageNumber: 0, pageCount: pageCount, registration: nil, layoutText: nil,
            evidence: pages.firstEvidence, valuesPage: (0, 0, 0), extraction: nil)
    }
}
