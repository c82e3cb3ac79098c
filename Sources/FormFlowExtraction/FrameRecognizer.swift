import FormFlowCore
import Foundation

/// Recognises and registers a page from its ruled box and its title alone: the box (found in the ink)
/// gives scale and shift, its proportions say which forms it can be, and one small reading of the title
/// band says which form it is. This replaces a page-wide Chinese reading of every label, which is two
/// thirds of the cost of a page; pages it cannot settle go the long way (`FormClassifier`, `Registrar`).
public struct FrameRecognizer: Sendable {
    public struct Result: Sendable {
        public var template: FormTemplate
        public var registration: Registration
        public var evidence: [ClassificationEvidence]
    }

    /// Templates that say where their ruled box and title are; others are only found the long way.
    public let templates: [FormTemplate]
    /// Confirms a title by its glyphs, without Tesseract; titles it cannot confirm are read.
    public let text: TextVerifier?

    public init(templates: [FormTemplate], text: TextVerifier? = nil) {
        self.templates = templates.filter { $0.frame != nil && $0.recognition.titleZone != nil }
        self.text = text
    }

    /// Width of the reduced copy the box is looked for in (about 150 dpi for an A5 scan at 300 dpi).
    static let overviewWidth = 1240.0
    /// How far the box's width and height may disagree about the scale: more is another form.
    static let proportionTolerance = 0.03

    public func recognize(reader: any PageReader) throws -> Result? {
        guard !templates.isEmpty else { return nil }
        let page = reader.pageSize
        let reduction = min(1, Self.overviewWidth / Double(page.width))
        guard let found = FrameFinder.frame(in: try reader.overview(scale: reduction)) else {
            if FieldExtractor.trace { FieldExtractor.tracePrint("TRACE frame: no ruled box found") }
            return nil
        }
        let frame = (
            x: Double(found.x) / reduction, y: Double(found.y) / reduction,
            width: Double(found.width) / reduction, height: Double(found.height) / reduction
        )

        var matches: [Result] = []
        var evidence: [ClassificationEvidence] = []
        for template in templates {
            guard let box = template.frame, let titleZone = template.recognition.titleZone else { continue }
            let scaleX = frame.width / Double(box.width)
            let scaleY = frame.height / Double(box.height)
            let pageScale = Double(page.width) / Double(template.pageWidth)
            var found: [String] = []
            defer {
                evidence.append(
                    ClassificationEvidence(
                        form: template.form.rawValue, score: found.count == 2 ? 1 : found.isEmpty ? 0 : 0.5,
                        found: found, missing: ["ruled box", "title"].filter { !found.contains($0) }))
            }
            guard abs(scaleX / scaleY - 1) <= Self.proportionTolerance, abs(scaleX / pageScale - 1) < 0.2 else {
                if FieldExtractor.trace { FieldExtractor.tracePrint("TRACE frame \(template.form): box \(found) scale \(scaleX) × \(scaleY), page \(pageScale)") }
                continue
            }
            found.append("ruled box")
            let scale = (scaleX + scaleY) / 2
            let transform = PageTransform.scaleAndShift(
                scale: scale, dx: frame.x - scale * Double(box.x), dy: frame.y - scale * Double(box.y))
            let band = transform.map(titleZone).clamped(to: page)
            guard !band.isEmpty else { continue }
            guard try titleMatches(template, in: band, reader: reader) else { continue }
            found.append("title")
            matches.append(
                Result(
                    template: template,
                    registration: Registration(transform: transform, matched: [], missing: [], residual: 0, byFrame: true),
                    evidence: []))
        }
        // Two forms answering to one page is for the long way (and then an operator) to settle.
        guard matches.count == 1, var result = matches.first else { return nil }
        result.evidence = evidence
        return result
    }

    /// Whether a page rectified onto `template` (a photo, or a page found at a slant or another scale by
    /// its box's corners) shows its title, read from its title band alone: `band` is a reader of that band
    /// cut out on its own. Most pages that fail here are no form at all (a receipt whose outline has a
    /// form's proportions): they need not be rectified whole.
    public func titleShown(band: any PageReader, as template: FormTemplate) throws -> Bool {
        try titleMatches(template, in: band.pageSize, reader: band, atFullSize: true)
    }

    /// A page rectified onto `template` whose title was seen: registered as the template itself.
    public static func rectified(as template: FormTemplate) -> Result {
        Result(
            template: template,
            registration: Registration(
                transform: .scaleAndShift(scale: 1, dx: 0, dy: 0), matched: [], missing: [], residual: 0, byFrame: true),
            evidence: [
                ClassificationEvidence(form: template.form.rawValue, score: 1, found: ["ruled box", "title"], missing: [])
            ])
    }

    /// The title band spells one of the template's titles: by its glyphs, else by one small reading as a
    /// line, else as scattered text, else as a line at full size. A seal's ring reaching into the band (a
    /// claim stamped beside its title) leaves Tesseract's line reading empty; read as scattered text, the
    /// title stands apart from the arc. `atFullSize`, for a page rectified onto the template by a box of its
    /// proportions: a title in a Kai face on a phone's photo reads as nothing at half size and whole at full
    /// size (a claim's 费用报销单 read "os", then "费用报销单"); one more reading where the title was not found.
    private func titleMatches(
        _ template: FormTemplate, in band: PixelRect, reader: any PageReader, atFullSize: Bool = false
    ) throws -> Bool {
        if try titleConfirmedByGlyphs(template.recognition.titles, in: band, reader: reader) { return true }
        let readings: [(PageSegmentation, scale: Double)] =
            [(.singleLine, 0.5), (.sparseText, 0.5)] + (atFullSize ? [(.singleLine, 1)] : [])
        for (segmentation, scale) in readings {
            let title = try reader.read(band, options: RecognitionOptions(language: "chi_sim", segmentation: segmentation), scale: scale).text
            if FieldExtractor.trace { FieldExtractor.tracePrint("TRACE title band of \(template.form) read as \(segmentation) at \(scale): \(title)") }
            if template.recognition.titles.contains(where: { TextMatching.contains(title, $0) }) { return true }
        }
        return false
    }

    /// Whether the band's glyphs spell one of the titles exactly (the band holds the title alone).
    private func titleConfirmedByGlyphs(_ titles: [String], in band: PixelRect, reader: any PageReader) throws -> Bool {
        guard let text, titles.contains(where: text.canVerify) else { return false }
        let image = try reader.pixels(in: band)
        return titles.contains { text.canVerify($0) && text.verify($0, image: image) == .confirmed }
    }
}
