import FormFlowCore
import FormFlowExtraction
import FormFlowRuntime
import Foundation

/// What the pages show, built from exception records: plain values for the templates, with every ID and
/// bank number masked. Pure code, tested without a server.
public struct ReviewPages: Sendable {
    /// Fields whose values are personal data (resident ID, bank card), by form: masked everywhere; their
    /// inputs start empty.
    let personalFields: [String: Set<String>]
    /// Field names in the template's order, by form.
    let fieldOrder: [String: [String]]
    let tableNames: [String: String]

    public init(templates: [FormTemplate]) {
        var personal: [String: Set<String>] = [:]
        var order: [String: [String]] = [:]
        var tables: [String: String] = [:]
        // A form may have several templates (the VAT invoice's layouts): their fields are merged, in the
        // order of the first template that names each.
        for template in templates {
            let form = template.form.rawValue
            let specs = template.fields + (template.table?.columns ?? [])
            personal[form, default: []].formUnion(specs.filter { $0.type == .id18 || $0.type == .bankCard }.map(\.name))
            let known = order[form] ?? []
            order[form] = known + template.fields.map(\.name).filter { !known.contains($0) }
            if let table = template.table, tables[form] == nil { tables[form] = table.name }
        }
        personalFields = personal
        fieldOrder = order
        tableNames = tables
    }

    // MARK: The queue

    public struct QueueRow: Sendable {
        public var id: String
        public var document: String
        public var form: String
        public var batch: String
        public var rules: String
        public var age: String
        public var lowestConfidence: String
        var ageSeconds: TimeInterval
        var confidence: Double
    }

    /// Oldest first (by day), and within a day the least certain first: what has waited longest and what
    /// most needs a person.
    public func queue(_ entries: [ExceptionDesk.Entry]) -> [QueueRow] {
        entries.map { entry in
            let record = entry.record
            let lowest = Self.lowestConfidence(record.evidence ?? [:])
            return QueueRow(
                id: entry.id, document: Masking.maskDigitRuns(in: record.document), form: record.form?.rawValue ?? "unrecognised",
                batch: record.batch, rules: record.violations.map(\.rule).joined(separator: ", "),
                age: Self.age(entry.age), lowestConfidence: lowest.map { String(Int($0)) } ?? "—",
                ageSeconds: entry.age, confidence: lowest ?? 100)
        }
        .sorted { Self.queueOrder($0, $1) }
    }

    /// Tesseract's lowest confidence over the fields; an uncertain field counts as 0. Fields decided by
    /// glyph judges alone carry no confidence and are left out.
    static func lowestConfidence(_ evidence: [String: FieldEvidence]) -> Double? {
        evidence.values.compactMap { $0.uncertain ? 0 : ($0.confidence > 0 ? $0.confidence : nil) }.min()
    }

    static func queueOrder(_ a: QueueRow, _ b: QueueRow) -> Bool {
        let dayA = Int(a.ageSeconds / 86_400)
        let dayB = Int(b.ageSeconds / 86_400)
        if dayA != dayB { return dayA > dayB }
        if a.confidence != b.confidence { return a.confidence < b.confidence }
        return a.document < b.document
    }

    static func age(_ seconds: TimeInterval) -> String {
        switch seconds {
        case ..<3600: "\(max(1, Int(seconds / 60))) min"
        case ..<86_400: "\(Int(seconds / 3600)) h"
        default: "\(Int(seconds / 86_400)) d"
        }
    }

    // MARK: The document page

    public struct FieldRow: Sendable {
        /// The form input's name: `field:total`, `field:items[1].amount`.
        public var input: String
        public var name: String
        /// What the page shows (masked for personal data).
        public var shown: String
        /// What the input starts with: the value, or nothing for personal data and unconfirmed values (the
        /// operator types what the paper says; the reading is the placeholder).
        public var editable: String
        public var personal: Bool
        public var confidence: String
        public var uncertain: Bool
        /// Named by a broken rule: shown first, and the first of them takes the keyboard's focus.
        public var flagged: Bool
        public var focus: Bool
        public var evidence: String
        public var raw: String
        /// `x,y,width,height` in the page image's pixels, or empty.
        public var box: String
    }

    public struct TableRow: Sendable {
        public var index: Int
        public var cells: [FieldRow]
    }

    public struct ViolationRow: Sendable {
        public var rule: String
        public var message: String
        public var fields: String
    }

    public struct DocumentPage: Sendable {
        public var id: String
        public var document: String
        public var form: String
        public var batch: String
        public var source: String
        public var version: String
        public var age: String
        public var violations: [ViolationRow]
        public var fields: [FieldRow]
        public var tableName: String
        public var tableColumns: [String]
        public var tableRows: [TableRow]
        public var hasTable: Bool
        public var preparation: String
        public var hasPreparation: Bool
        /// An unrecognised page has no fields to fix: it can only be rejected or read again.
        public var hasFields: Bool
    }

    public func document(_ entry: ExceptionDesk.Entry) -> DocumentPage {
        let record = entry.record
        let form = record.form?.rawValue ?? ""
        let personal = personalFields[form] ?? []
        let flaggedNames = Set(record.violations.flatMap(\.fields))
        let evidence = record.evidence ?? [:]
        let tableName = tableNames[form] ?? ""
        let scalarNames = (fieldOrder[form] ?? []) + record.fields.keys.sorted()
        var seen = Set<String>()
        var rows: [FieldRow] = []
        for name in scalarNames where name != tableName && seen.insert(name).inserted {
            if case .rows = record.fields[name] { continue }
            rows.append(
                row(
                    path: name, column: name, value: record.fields[name], evidence: evidence[name],
                    personal: personal.contains(name), flagged: flaggedNames.contains(name)))
        }
        var tableRows: [TableRow] = []
        var columns: [String] = []
        if case .rows(let items) = record.fields[tableName] {
            columns = Array(Set(items.flatMap(\.keys))).sorted()
            for (index, item) in items.enumerated() {
                let cells = columns.map { column in
                    let path = "\(tableName)[\(index)].\(column)"
                    return row(
                        path: path, column: column, value: item[column], evidence: evidence[path],
                        personal: personal.contains(column),
                        flagged: flaggedNames.contains(path) || flaggedNames.contains(tableName))
                }
                tableRows.append(TableRow(index: index + 1, cells: cells))
            }
        }
        // Flagged fields first; the first flagged one (else the first uncertain one) takes the focus.
        rows = rows.filter(\.flagged) + rows.filter { !$0.flagged }
        if let first = rows.firstIndex(where: \.flagged) ?? rows.firstIndex(where: \.uncertain) {
            rows[first].focus = true
        }
        return DocumentPage(
            id: entry.id, document: Masking.maskDigitRuns(in: record.document), form: form.isEmpty ? "unrecognised" : form,
            batch: record.batch, source: record.source ?? "scan", version: entry.version, age: Self.age(entry.age),
            violations: record.violations.map {
                ViolationRow(
                    rule: $0.rule,
                    message: $0.fields.contains(where: personal.contains)
                        ? Masking.maskNumberFragments(in: $0.message) : Masking.maskDigitRuns(in: $0.message),
                    fields: $0.fields.joined(separator: ", "))
            },
            fields: rows, tableName: tableName, tableColumns: columns, tableRows: tableRows, hasTable: !tableRows.isEmpty,
            preparation: (record.preparation ?? []).joined(separator: "; "), hasPreparation: !(record.preparation ?? []).isEmpty,
            hasFields: record.form != nil)
    }

    func row(path: String, column: String, value: FieldValue?, evidence: FieldEvidence?, personal: Bool, flagged: Bool)
        -> FieldRow
    {
        let text = value.map(Self.display) ?? ""
        let uncertain = evidence?.uncertain ?? (value == nil || text.isEmpty)
        func mask(_ text: String) -> String {
            personal ? (text.isEmpty ? "" : Masking.mask(text)) : Masking.maskDigitRuns(in: text)
        }
        var judges = evidence?.decidedBy ?? []
        if let note = evidence?.note { judges.append(note) }
        let box = evidence?.box.map { "\($0.x),\($0.y),\($0.width),\($0.height)" } ?? ""
        return FieldRow(
            input: "field:\(path)", name: path, shown: text.isEmpty ? "—" : mask(text),
            editable: personal || uncertain ? "" : Masking.maskDigitRuns(in: text), personal: personal,
            confidence: evidence.map { $0.confidence > 0 || $0.uncertain ? String(Int($0.confidence)) : "✓" } ?? "—", uncertain: uncertain,
            flagged: flagged, focus: false,
            evidence: personal ? Masking.maskNumberFragments(in: judges.joined(separator: "; ")) : Masking.maskDigitRuns(in: judges.joined(separator: "; ")),
            raw: evidence.map { mask($0.raw) } ?? "", box: box)
    }

    /// The value at `total` or `items[1].amount`, as shown.
    static func value(at path: String, in record: DocumentRecord) -> String {
        guard let open = path.firstIndex(of: "["), let close = path.firstIndex(of: "]"), let dot = path.firstIndex(of: ".")
        else { return record.fields[path].map(display) ?? "" }
        guard case .rows(let rows) = record.fields[String(path[..<open])],
            let index = Int(path[path.index(after: open)..<close]), rows.indices.contains(index)
        else { return "" }
        return rows[index][String(path[path.index(after: dot)...])].map(display) ?? ""
    }

    static func display(_ value: FieldValue) -> String {
        switch value {
        case .text(let text): text
        case .integer(let number): String(number)
        case .null: ""
        case .rows(let rows): "\(rows.count) rows"
        }
    }

    // MARK: What an operator's form says

    /// The assignments a fix form asks for. Inputs that start empty (personal numbers, and values that
    /// could not be confirmed) count only when the operator typed something: an unconfirmed reading is
    /// never confirmed by a key press, only by typing what the paper says. Prefilled inputs count when
    /// changed.
    public func assignments(form fields: [(String, String)], record: DocumentRecord) -> [String] {
        var result: [String] = []
        for (name, value) in fields where name.hasPrefix("field:") {
            let path = String(name.dropFirst("field:".count))
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            let current = Self.value(at: path, in: record)
            if startsEmpty(path, in: record) {
                if trimmed.isEmpty { continue }
            } else if trimmed == current || Masking.maskDigitRuns(in: current) == trimmed {
                // Unchanged (a long digit run in a non-personal field is shown masked).
                continue
            }
            result.append("\(path)=\(trimmed)")
        }
        return result
    }

    /// Whether the field's input starts empty: a personal number, or a value not confirmed (or not read).
    func startsEmpty(_ path: String, in record: DocumentRecord) -> Bool {
        let column = path.split(separator: ".").last.map(String.init) ?? path
        if (personalFields[record.form?.rawValue ?? ""] ?? []).contains(column) { return true }
        guard let evidence = record.evidence?[path] else { return Self.value(at: path, in: record).isEmpty }
        return evidence.uncertain
    }
}
