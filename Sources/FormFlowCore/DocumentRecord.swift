/// Where a document ends: exactly one of these per input file.
public enum DocumentStatus: String, Sendable, Codable, CaseIterable {
    case accepted
    case exception
    case quarantine

    /// The folder under the output directory that holds records of this status.
    public var folder: String {
        switch self {
        case .accepted: "accepted"
        case .exception: "exceptions"
        case .quarantine: "quarantine"
        }
    }
}

/// One broken rule: which, why in words an operator understands, and the fields involved.
public struct Violation: Hashable, Sendable, Codable {
    public var rule: String
    public var message: String
    public var fields: [String]

    public init(rule: String, message: String, fields: [String] = []) {
        self.rule = rule
        self.message = message
        self.fields = fields
    }
}

/// How a field was read: the raw OCR text, confidence and where on the page it was found.
public struct FieldEvidence: Hashable, Sendable, Codable {
    public var raw: String
    public var confidence: Double
    public var box: PixelRect?
    /// True when the reading failed its type or could not be confirmed by the form's redundancy.
    public var uncertain: Bool
    /// Why the reading is uncertain, or how it was confirmed.
    public var note: String?
    /// The judges whose evidence decided it ("tesseract agreement", "name glyphs", "check character" …).
    public var decidedBy: [String]?

    public init(
        raw: String, confidence: Double, box: PixelRect?, uncertain: Bool, note: String? = nil, decidedBy: [String]? = nil
    ) {
        self.raw = raw
        self.confidence = confidence
        self.box = box
        self.uncertain = uncertain
        self.note = note
        self.decidedBy = decidedBy
    }

    enum CodingKeys: String, CodingKey {
        case raw, confidence, box, uncertain, note
        case decidedBy = "decided_by"
    }
}

/// Why a page was, or was not, taken for each known form.
public struct ClassificationEvidence: Hashable, Sendable, Codable {
    public var form: String
    public var score: Double
    public var found: [String]
    public var missing: [String]

    public init(form: String, score: Double, found: [String], missing: [String]) {
        self.form = form
        self.score = score
        self.found = found
        self.missing = missing
    }
}

/// The result record: the contract downstream systems and operators read (SPEC "Result records").
public struct DocumentRecord: Sendable, Codable {
    public var document: String
    public var sha256: String
    public var form: FormKind?
    public var status: DocumentStatus
    public var fields: [String: FieldValue]
    public var violations: [Violation]
    /// For quarantined files: why the file could not be read, in words for the operator.
    public var reason: String?
    public var batch: String
    public var pipeline: String
    public var pages: Int?
    /// Where the values came from: `scan` (an image file), `pdf_scan` (a PDF's page image), `pdf_text`
    /// (a PDF's text layer), `ofd` or `xml` (the issuing system's own data).
    public var source: String?
    /// For e-invoices: whether the file carries the issuer's electronic signature. Present is recorded,
    /// not verified (SM2 verification is out of scope).
    public var signature: String?
    /// In a file of several pages: the page (from 1) that holds the form, and the other pages, which are
    /// not a form (attached receipts). Every page is accounted for; nothing is ignored silently.
    public var formPage: Int?
    public var attachedPages: [Int]?
    /// What was done to the page before it was read (turned upright, rectified from a photo, colour
    /// dropped), for the operator who wonders why a crop looks different from the file.
    public var preparation: [String]?
    public var evidence: [String: FieldEvidence]?
    public var classification: [ClassificationEvidence]?
    /// Milliseconds per stage (load, normalise, classify, extract, validate).
    public var timings: [String: Double]?
    public var processedAt: String

    public init(
        document: String, sha256: String, form: FormKind?, status: DocumentStatus,
        fields: [String: FieldValue] = [:], violations: [Violation] = [], reason: String? = nil,
        batch: String, pipeline: String, pages: Int? = nil, evidence: [String: FieldEvidence]? = nil,
        classification: [ClassificationEvidence]? = nil, timings: [String: Double]? = nil, processedAt: String,
        formPage: Int? = nil, attachedPages: [Int]? = nil, preparation: [String]? = nil
    ) {
        self.formPage = formPage
        self.attachedPages = attachedPages
        self.preparation = preparation
        self.document = document
        self.sha256 = sha256
        self.form = form
        self.status = status
        self.fields = fields
        self.violations = violations
        self.reason = reason
        self.batch = batch
        self.pipeline = pipeline
        self.pages = pages
        self.evidence = evidence
        self.classification = classification
        self.timings = timings
        self.processedAt = processedAt
    }

    enum CodingKeys: String, CodingKey {
        case document, sha256, form, status, fields, violations, reason, batch, pipeline, pages, evidence,
            classification, timings, preparation, source, signature
        case formPage = "form_page"
        case attachedPages = "attached_pages"
        case processedAt = "processed_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(document, forKey: .document)
        try container.encode(sha256, forKey: .sha256)
        try container.encode(form, forKey: .form)  // explicit null when unclassified, as the contract says
        try container.encode(status, forKey: .status)
        try container.encode(fields, forKey: .fields)
        try container.encode(violations, forKey: .violations)
        try container.encodeIfPresent(reason, forKey: .reason)
        try container.encode(batch, forKey: .batch)
        try container.encode(pipeline, forKey: .pipeline)
        try container.encodeIfPresent(source, forKey: .source)
        try container.encodeIfPresent(signature, forKey: .signature)
        try container.encodeIfPresent(pages, forKey: .pages)
        try container.encodeIfPresent(formPage, forKey: .formPage)
        try container.encodeIfPresent(attachedPages, forKey: .attachedPages)
        try container.encodeIfPresent(preparation, forKey: .preparation)
        try container.encodeIfPresent(evidence, forKey: .evidence)
        try container.encodeIfPresent(classification, forKey: .classification)
        try container.encodeIfPresent(timings, forKey: .timings)
        try container.encode(processedAt, forKey: .processedAt)
    }
}
