import Foundation
import FormFlowCore
import FormFlowYAML

/// The type of a field's value: it decides how the zone is read, checked and normalised.
public enum FieldType: String, Sendable, CaseIterable {
    /// Letters and digits matching `pattern` (claim numbers, invoice codes).
    case code
    /// A calendar date, normalised to `YYYY-MM-DD`.
    case date
    /// A Chinese personal name of 2–3 characters.
    case chineseName = "chinese_name"
    /// An organisation name in Chinese.
    case organisation
    /// One of a closed vocabulary (departments, categories): confirmed by the list when read exactly as an
    /// entry, never mapped to the nearest one.
    case enumerated
    /// A money amount, normalised to two decimals.
    case money
    /// Chinese financial capitals (大写), normalised to the characters themselves.
    case amountInWords = "amount_in_words"
    /// A whole number (receipt and attachment counts).
    case integer
    /// An 18-character resident ID number (GB 11643).
    case id18
    /// An 18-character unified social credit code (GB 32100).
    case uscc
    /// A 16–19 digit bank card number.
    case bankCard = "bank_card"
    /// A percentage from a closed set (`3%`, `6%` …).
    case percent
    /// Free text recorded as printed (an invoice line's name): nothing on the form checks it, so on a
    /// scan every reading must agree.
    case text
}

extension FieldType {
    /// Whether the second OCR model's agreement with Tesseract decides a value of this type. Not for
    /// money (the form's sums and the amount in words check it). For counts it is also asked where the
    /// figure glyphs do not confirm Tesseract (`FieldPolicy.decide`'s `modelMayObject`).
    public var readBySecondModel: Bool {
        switch self {
        case .money, .amountInWords: false
        default: true
        }
    }

    /// Values that carry a check character (or Luhn digit) over the rest.
    public var hasCheckCharacter: Bool {
        switch self {
        case .id18, .uscc, .bankCard: true
        default: false
        }
    }

    /// How many characters a value of this type has, where its type fixes that (`1...64` otherwise).
    public var lengths: ClosedRange<Int> {
        switch self {
        case .id18, .uscc: 18...18
        case .bankCard: 16...19
        default: 1...64
        }
    }
}

/// Tesseract settings for one field, as the template author writes them.
public struct ZoneOCR: Sendable, Hashable {
    public var language: String
    public var segmentation: PageSegmentation
    public var whitelist: String?

    public var options: RecognitionOptions {
        RecognitionOptions(language: language, segmentation: segmentation, whitelist: whitelist)
    }
}

/// One field of a form: where its value lies and what it is.
public struct FieldSpec: Sendable {
    public var name: String
    /// The printed label the value belongs to; its position on the page corrects the zone locally.
    public var label: String?
    /// Where the value lies, in template space (x, y, width, height).
    public var zone: PixelRect
    public var type: FieldType
    /// For `code`: the value's regular expression (whole match).
    public var pattern: String?
    /// For `enumerated`: the name of the vocabulary; for `organisation`: the known names; for
    /// `chinese_name`: the known surnames. For `percent`: the allowed values.
    public var vocabulary: String?
    public var allowed: [String]
    /// For `chinese_name`: the characters of given names (the vocabulary `given_names` names). A name that
    /// starts with one of them and with no known surname has lost its surname (black under a seal's star, a
    /// blot): 建国 for 郭建国 is not a rare surname read right.
    public var givenNameCharacters: Set<Character> = []
    public var ocr: ZoneOCR
    /// Whether the form is incomplete without this field.
    public var required: Bool
    /// Line in the template file, for messages about this field.
    public var line: Int
    /// A mark printed before every value (`¥` on e-invoices): on a scan its glyph is cut off before the
    /// value is read, since Tesseract takes it for a digit (¥6469.10 → 16469.10).
    public var prefix: String? = nil
}

/// The repeated rows of a table (the expense claim's items).
public struct TableSpec: Sendable {
    public var name: String
    /// The header labels; the first one anchors the table.
    public var header: [String]
    /// The top of the first data row, in template space.
    public var firstRowY: Int
    public var rowPitch: Int
    public var rowHeight: Int
    public var maxRows: Int
    /// The columns, each a field spec whose zone gives x, width and the offset within a row.
    public var columns: [FieldSpec]
    /// Columns that are also a field of the document: the value every row shares, or `mixed` when rows
    /// differ (an invoice's tax rate, from its lines).
    public var common: [String] = []
}

/// A printed label used to register the page onto the template.
public struct AnchorSpec: Sendable, Hashable {
    public var text: String
    /// Top-left corner of the label in template space.
    public var x: Int
    public var y: Int
}

/// How to tell this form from others.
public struct RecognitionSpec: Sendable {
    public var titles: [String]
    public var keywords: [String]
    /// Fewest keywords that must be found when no title is.
    public var minKeywords: Int
    /// Where the title is printed, in template space: with `frame`, a page is recognised by reading only
    /// this band instead of the whole page.
    public var titleZone: PixelRect?
}

/// A form template: recognition, anchors, fields and table, loaded from one YAML file.
public struct FormTemplate: Sendable {
    public var form: FormKind
    public var file: String
    public var pageWidth: Int
    public var pageHeight: Int
    public var recognition: RecognitionSpec
    public var anchors: [AnchorSpec]
    /// The outer ruled box of the form in template space (x, y, width, height), when it has one: found
    /// on the page, it registers the page without OCR.
    public var frame: PixelRect?
    public var fields: [FieldSpec]
    public var table: TableSpec?
    public var vocabularies: [String: [String]]

    /// All field names in record order (table last).
    public var fieldNames: [String] {
        fields.map(\.name) + (table.map { [$0.name] } ?? [])
    }
}

extension FormTemplate {
    /// Loads and checks a template; any mistake is reported with file and line.
    public static func load(path: String) throws(ConfigurationError) -> FormTemplate {
        try parse(ConfigNode.load(path: path))
    }

    public static func parse(_ root: ConfigNode) throws(ConfigurationError) -> FormTemplate {
        try root.allowOnly(["form", "description", "page", "recognise", "anchors", "frame", "fields", "table", "vocabularies"])
        let form = FormKind(try root.required("form").string())
        let page = try root.required("page")
        try page.allowOnly(["width", "height", "dpi"])
        let width = try page.required("width").int()
        let height = try page.required("height").int()
        guard width > 0, height > 0 else { throw page.error("width and height must be positive") }

        let recogniseNode = try root.required("recognise")
        try recogniseNode.allowOnly(["title", "title_zone", "keywords", "min_keywords"])
        let recognition = RecognitionSpec(
            titles: try recogniseNode.optional("title")?.strings() ?? [],
            keywords: try recogniseNode.optional("keywords")?.strings() ?? [],
            minKeywords: try recogniseNode.optional("min_keywords")?.int() ?? 3,
            titleZone: try recogniseNode.optional("title_zone").map { node throws(ConfigurationError) in
                try rect(node, what: "title_zone")
            }
        )
        if recognition.titleZone != nil && recognition.titles.isEmpty {
            throw recogniseNode.error("'title_zone' says where the title is printed: give the 'title' too")
        }
        guard !recognition.titles.isEmpty || !recognition.keywords.isEmpty else {
            throw recogniseNode.error("give a title or keywords, or the form can never be recognised")
        }

        var vocabularies: [String: [String]] = [:]
        if let vocabularyNode = try root.optional("vocabularies") {
            for (name, list) in try vocabularyNode.entries() {
                // A long list (surnames) can live in its own file beside the template: one entry per
                // line or separated by spaces, `#` starting a comment.
                if list.isScalar {
                    let relative = try list.string()
                    let directory = (list.file as NSString).deletingLastPathComponent
                    let path = relative.hasPrefix("/") ? relative : (directory as NSString).appendingPathComponent(relative)
                    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                        throw list.error("cannot read the vocabulary file \(path); give the list inline or fix the path")
                    }
                    let entries = text.split(separator: "\n").flatMap { line in
                        line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
                            .split(whereSeparator: \.isWhitespace).map(String.init)
                    }
                    guard !entries.isEmpty else { throw list.error("the vocabulary file \(path) holds no entries") }
                    vocabularies[name] = entries
                } else {
                    vocabularies[name] = try list.strings()
                }
            }
        }

        var anchors: [AnchorSpec] = []
        for item in try root.required("anchors").items() {
            try item.allowOnly(["text", "at"])
            let at = try item.required("at").ints()
            guard at.count == 2 else { throw item.error("'at' is [x, y], the label's top-left corner") }
            anchors.append(AnchorSpec(text: try item.required("text").string(), x: at[0], y: at[1]))
        }
        guard anchors.count >= 2 else {
            throw root.error("a template needs at least two anchors to register a page")
        }

        let frame = try root.optional("frame").map { node throws(ConfigurationError) in try rect(node, what: "frame") }

        var fields: [FieldSpec] = []
        for (name, node) in try root.required("fields").entries() {
            fields.append(try parseField(name: name, node: node, vocabularies: vocabularies))
        }

        var table: TableSpec?
        if let tableNode = try root.optional("table") {
            try tableNode.allowOnly(["name", "header", "first_row_y", "row_pitch", "row_height", "max_rows", "columns", "common"])
            var columns: [FieldSpec] = []
            for (name, node) in try tableNode.required("columns").entries() {
                columns.append(try parseField(name: name, node: node, vocabularies: vocabularies))
            }
            table = TableSpec(
                name: try tableNode.required("name").string(),
                header: try tableNode.required("header").strings(),
                firstRowY: try tableNode.required("first_row_y").int(),
                rowPitch: try tableNode.required("row_pitch").int(),
                rowHeight: try tableNode.required("row_height").int(),
                maxRows: try tableNode.required("max_rows").int(),
                columns: columns
            )
            if let commonNode = try tableNode.optional("common") {
                let common = try commonNode.strings()
                for name in common where !columns.contains(where: { $0.name == name }) {
                    throw commonNode.error("'common' names \(name), which is not a column of the table")
                }
                for name in common where fields.contains(where: { $0.name == name }) {
                    throw commonNode.error("'common' names \(name), which is also a field with a zone of its own")
                }
                table?.common = common
            }
        }

        return FormTemplate(
            form: form, file: root.file, pageWidth: width, pageHeight: height, recognition: recognition,
            anchors: anchors, frame: frame, fields: fields, table: table, vocabularies: vocabularies)
    }

    private static func rect(_ node: ConfigNode, what: String) throws(ConfigurationError) -> PixelRect {
        let values = try node.ints()
        guard values.count == 4, values[2] > 0, values[3] > 0 else {
            throw node.error("'\(what)' is [x, y, width, height] in template pixels, with positive width and height")
        }
        return PixelRect(x: values[0], y: values[1], width: values[2], height: values[3])
    }

    private static func parseField(
        name: String, node: ConfigNode, vocabularies: [String: [String]]
    ) throws(ConfigurationError) -> FieldSpec {
        try node.allowOnly(["label", "zone", "type", "pattern", "vocabulary", "allowed", "given_names", "ocr", "required", "prefix"])
        let typeNode = try node.required("type")
        let typeName = try typeNode.string()
        guard let type = FieldType(rawValue: typeName) else {
            throw typeNode.error(
                "unknown field type '\(typeName)'; expected one of: \(FieldType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let zoneNode = try node.required("zone")
        let zone = try zoneNode.ints()
        guard zone.count == 4, zone[2] > 0, zone[3] > 0 else {
            throw zoneNode.error("'zone' is [x, y, width, height] in template pixels, with positive width and height")
        }
        let pattern = try node.optional("pattern")?.string()
        if let pattern {
            do { _ = try Regex(pattern) } catch {
                throw try node.required("pattern").error("not a valid regular expression: \(error)")
            }
        }
        if type == .code && pattern == nil { throw node.error("a 'code' field needs a 'pattern'") }
        let vocabulary = try node.optional("vocabulary")?.string()
        if type == .enumerated && vocabulary == nil { throw node.error("an 'enumerated' field needs a 'vocabulary'") }
        if let vocabulary, vocabularies[vocabulary] == nil {
            throw try node.required("vocabulary").error("no vocabulary named '\(vocabulary)'; define it under 'vocabularies'")
        }
        let allowed = try node.optional("allowed")?.strings() ?? []
        var givenNameCharacters: Set<Character> = []
        if let givenNames = try node.optional("given_names")?.string() {
            guard let entries = vocabularies[givenNames] else {
                throw try node.required("given_names").error("no vocabulary named '\(givenNames)'; define it under 'vocabularies'")
            }
            givenNameCharacters = Set(entries.joined())
        }
        if type == .percent && allowed.isEmpty { throw node.error("a 'percent' field needs its 'allowed' values") }

        var ocr = ZoneOCR(language: "chi_sim", segmentation: .singleLine, whitelist: nil)
        if let ocrNode = try node.optional("ocr") {
            try ocrNode.allowOnly(["language", "psm", "whitelist"])
            if let language = try ocrNode.optional("language") { ocr.language = try language.string() }
            if let psmNode = try ocrNode.optional("psm") {
                let psmName = try psmNode.string()
                guard let psm = PageSegmentation(name: psmName) else {
                    throw psmNode.error(
                        "unknown page segmentation '\(psmName)'; use single_line, single_word, single_block, sparse_text or auto")
                }
                ocr.segmentation = psm
            }
            ocr.whitelist = try ocrNode.optional("whitelist")?.string()
        }
        return FieldSpec(
            name: name, label: try node.optional("label")?.string(),
            zone: PixelRect(x: zone[0], y: zone[1], width: zone[2], height: zone[3]), type: type, pattern: pattern,
            vocabulary: vocabulary, allowed: allowed, givenNameCharacters: givenNameCharacters, ocr: ocr,
            required: try node.optional("required")?.bool() ?? true, line: node.line, prefix: try node.optional("prefix")?.string())
    }
}
