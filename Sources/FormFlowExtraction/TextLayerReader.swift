import FormFlowCore
import Foundation

/// A page whose text is known exactly: a born-digital PDF's text layer, an OFD page's text objects.
/// Each run of text becomes one symbol per character, with confidence 100 and a box in template pixels,
/// so that the page can be recognised, registered and read by the same templates as a scan.
public struct TextLayerPage: Sendable {
    /// A run of text as the file places it, its box already in pixels at the templates' resolution.
    public struct Run: Sendable, Hashable {
        public var text: String
        public var box: PixelRect

        public init(text: String, box: PixelRect) {
            self.text = text
            self.box = box
        }
    }

    public let size: PixelRect
    /// Every character, labels included: what recognition and registration look at.
    public let symbols: [RecognizedSymbol]
    /// The characters of values only: a printed label (`名称：`, `（小写）`) is taken out, so that a zone
    /// may overlap its label, and a label and its value printed as one run (`名称：科游有限公司`) split.
    public let values: [RecognizedSymbol]
    /// For each of `values`, the run it came from: a value is placed by its run, not by each character.
    let valueRuns: [Int]

    /// `labels`: the printed labels of the templates (anchors, field labels, keywords), longest first.
    public init(runs: [Run], size: PixelRect, labels: [String]) {
        let lines = TextLines.grouped(runs, centreY: \.box.midY, height: { Double($0.box.height) }, x: { Double($0.box.x) })
        var symbols: [RecognizedSymbol] = []
        var values: [RecognizedSymbol] = []
        var valueRuns: [Int] = []
        var runNumber = 0
        for (number, line) in lines.enumerated() {
            for run in line {
                let characters = Array(run.text)
                let labelLength = Self.labelLength(of: run.text, labels: labels)
                for (index, symbol) in Self.split(run, line: number).enumerated() {
                    symbols.append(symbol)
                    if index >= labelLength && !":：".contains(characters[index]) {
                        values.append(symbol)
                        valueRuns.append(runNumber)
                    }
                }
                runNumber += 1
            }
        }
        self.size = size
        self.symbols = symbols
        self.values = values
        self.valueRuns = valueRuns
    }

    /// The value characters in `zone`, by run: a run with at least half of its characters inside is
    /// taken whole (a value printed after its label in one run starts where the label was), a run mostly
    /// outside gives only the characters inside. In reading order.
    func values(in zone: PixelRect) -> [RecognizedSymbol] {
        let inside = Set(values.indices.filter { zone.containsCentre(of: values[$0].box) })
        var taken: [Int] = []
        for (_, members) in Dictionary(grouping: values.indices, by: { valueRuns[$0] }) {
            let count = members.filter(inside.contains).count
            guard count > 0 else { continue }
            taken += 2 * count >= members.count ? members : members.filter(inside.contains)
        }
        return taken.sorted().map { values[$0] }.filter { !$0.text.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    /// The run's characters, each with its share of the run's width: a full-width character (汉字, ¥ in
    /// a CJK font) one em, an ASCII character half of one.
    static func split(_ run: Run, line: Int) -> [RecognizedSymbol] {
        let characters = Array(run.text)
        let weights = characters.map { $0.isASCII ? 0.5 : 1.0 }
        let total = max(weights.reduce(0, +), 0.5)
        var x = Double(run.box.x)
        var symbols: [RecognizedSymbol] = []
        for (character, weight) in zip(characters, weights) {
            let width = Double(run.box.width) * weight / total
            let box = PixelRect(
                x: Int(x.rounded()), y: run.box.y, width: max(1, Int(width.rounded())), height: run.box.height)
            symbols.append(RecognizedSymbol(text: String(character), box: box, confidence: 100, line: line))
            x += width
        }
        return symbols
    }

    /// How many characters at the start of `text` are a printed label: the whole run when it is a label
    /// (colons around it allowed), or a label followed by a colon (`名称：…`). A value that merely starts
    /// like a label (合计科技有限公司) keeps every character.
    static func labelLength(of text: String, labels: [String]) -> Int {
        let characters = Array(text)
        for label in labels {
            let wanted = Array(label)
            var index = 0
            var matched = 0
            while index < characters.count, matched < wanted.count {
                let character = characters[index]
                if character == wanted[matched] {
                    matched += 1
                } else if !character.isWhitespace {
                    break
                }
                index += 1
            }
            guard matched == wanted.count else { continue }
            let rest = characters[index...]
            if rest.allSatisfy({ ":：".contains($0) || $0.isWhitespace }) { return characters.count }
            if let first = rest.first, ":：".contains(first) { return index + 1 }
        }
        return 0
    }
}

/// Reads a `TextLayerPage` through the pipeline's templates: `FormClassifier` says which template by the
/// page's title and keywords, `Registrar` registers it by its printed labels, and each field's value is the
/// text in its zone. The text is exact, so there is one reading per field and nothing to reconcile; what
/// the values mean (amounts, dates, rates) is the caller's to parse.
public struct TextLayerReader: Sendable {
    public struct Result: Sendable {
        public var template: FormTemplate
        public var registration: Registration
        /// Each field's text as printed in its zone (labels taken out), with the zone's text box.
        public var fields: [String: String]
        public var boxes: [String: PixelRect]
        /// The item table's rows, column name → text, in printed order.
        public var rows: [[String: String]]
        public var evidence: [ClassificationEvidence]
    }

    public let templates: [FormTemplate]
    /// Every label the templates print, longest first (so that 价税合计(大写) is taken before 价税合计),
    /// with the full-width brackets a text layer prints where the templates write ASCII ones.
    public let labels: [String]
    /// How far (template pixels at 300 dpi, on average) the page's labels may lie from the template's:
    /// about a millimetre, what a PDF's text boxes differ from the layout's by rounding and font metrics.
    public static let maximumResidual = 15.0

    public init(templates: [FormTemplate]) {
        self.templates = templates
        var labels: Set<String> = []
        for template in templates {
            labels.formUnion(template.anchors.map(\.text))
            labels.formUnion(template.fields.compactMap(\.label))
            labels.formUnion(template.recognition.keywords)
            labels.formUnion(template.table?.header ?? [])
        }
        let fullWidth = labels.map { $0.replacingOccurrences(of: "(", with: "（").replacingOccurrences(of: ")", with: "）") }
        self.labels = labels.union(fullWidth).sorted { $0.count > $1.count }
    }

    public enum Failure: Error, Equatable {
        /// No template's title and keywords are on the page.
        case notRecognised(String)
        /// The template was recognised but its labels are not where it prints them.
        case notRegistered(String)
    }

    public func read(_ page: TextLayerPage) -> Swift.Result<Result, Failure> {
        let classification = FormClassifier(templates: templates).classify(
            pageText: page.symbols.map(\.text).joined())
        guard let template = classification.template else {
            let best = classification.evidence.max { $0.score < $1.score }
            return .failure(
                .notRecognised(
                    "no template's title and keywords are on the page\(best.map { " (nearest: \($0.form), missing \($0.missing.joined(separator: ", ")))" } ?? "")"
                ))
        }
        let file = (template.file as NSString).lastPathComponent
        guard let registration = Registrar.register(template: template, symbols: page.symbols, pageSize: page.size)
        else {
            return .failure(.notRegistered("the printed labels of \(template.form) are not where \(file) places them"))
        }
        // Exact text puts every label exactly where the layout prints it: a label missing or out of place
        // is another layout (an issuer's own), whose values the zones would cut wrongly.
        guard registration.missing.isEmpty, registration.residual <= Self.maximumResidual else {
            let missing = registration.missing.isEmpty ? "" : ", \(registration.missing.joined(separator: ", ")) not found"
            return .failure(
                .notRegistered(
                    "the page's labels are not where \(file) places them (off by \(Int(registration.residual)) pixels on average\(missing))"
                ))
        }
        let transform = registration.transform
        var fields: [String: String] = [:]
        var boxes: [String: PixelRect] = [:]
        for spec in template.fields {
            let zone = transform.map(spec.zone)
            let inside = page.values(in: zone)
            guard let first = inside.first else { continue }
            fields[spec.name] = inside.map(\.text).joined()
            boxes[spec.name] = inside.map(\.box).reduce(first.box) { $0.union($1) }
        }
        let rows = template.table.map { table(of: page, $0, transform: transform) } ?? []
        return .success(
            Result(
                template: template, registration: registration, fields: fields, boxes: boxes, rows: rows,
                evidence: classification.evidence))
    }

    /// The item table: each text line between the first row's top and the last row's bottom is a row,
    /// its characters taken by the column whose zone holds them. A line with text in the first column
    /// only continues the row above (a long name wraps); the table's rows are as many as the page prints,
    /// not the template's pitch.
    private func table(of page: TextLayerPage, _ table: TableSpec, transform: PageTransform) -> [[String: String]] {
        let top = transform.apply(x: 0, y: Double(table.firstRowY)).y
        let bottom = transform.apply(x: 0, y: Double(table.firstRowY + table.maxRows * table.rowPitch)).y
        let columns = table.columns.map { column in
            (column.name, transform.map(PixelRect(x: column.zone.x, y: table.firstRowY, width: column.zone.width, height: 1)))
        }
        let inTable = page.values.filter { $0.box.midY >= top && $0.box.midY <= bottom }
        var rows: [[String: String]] = []
        for (_, line) in Dictionary(grouping: inTable, by: \.line).sorted(by: { $0.key < $1.key }) {
            var row: [String: String] = [:]
            for symbol in line.sorted(by: { $0.box.x < $1.box.x }) {
                guard let column = columns.first(where: { symbol.box.midX >= Double($0.1.x) && symbol.box.midX <= Double($0.1.maxX) })
                else { continue }
                row[column.0, default: ""] += symbol.text
            }
            guard let firstColumn = table.columns.first?.name, !row.isEmpty else { continue }
            if row.keys.allSatisfy({ $0 == firstColumn }), !rows.isEmpty {
                rows[rows.count - 1][firstColumn, default: ""] += row[firstColumn]!
            } else {
                rows.append(row)
            }
        }
        return rows
    }
}
