import FormFlowCore

/// Whether a table row below the last item holds an item at all, or only marks: a seal's ring crossing
/// the empty rows (black on a G4 scan, red like the form's ink on a photo), a shadow's edge, specks. Such
/// a row, read as 人 / 二 in the category and nothing in the amount, made a claim "uncertain" and hid its
/// real violation (an attachments count that did not add up).
///
/// A row is marks only when no cell holds what an item would: no figures in an amount (by Tesseract or
/// the second model), no digit in a count, no category-like text (an entry of the list, one character
/// from one, or three characters or more). Only rows after the last item are judged (`trailingMarks`): a
/// blank between items is more likely an item that could not be read. Leaving such a row out cannot hide
/// an item: a real one there would break the items' sum (sum_mismatch) and the receipts' count
/// (attachments_mismatch), and both are reported.
enum ItemRowJudge {
    /// A column of the table: its name, type and closed list (empty where it has none).
    struct Column: Sendable {
        var name: String
        var type: FieldType
        var vocabulary: [String]
    }

    /// What the second model reads in a cell's ink, by column name; nil where it reads nothing.
    typealias ModelReading = (_ column: String) -> String?

    /// The rows at the end of `rows` that hold marks only, last first, each with why; the rows before them
    /// are left as they are.
    static func trailingMarks(
        _ rows: [[String: FieldReading]], columns: [Column], model: (_ row: Int, _ column: String) -> String?
    ) -> [(row: Int, why: String)] {
        var found: [(row: Int, why: String)] = []
        for index in rows.indices.reversed() {
            guard let why = marksOnly(rows[index], columns: columns, model: { model(index, $0) }) else { break }
            found.append((index, why))
        }
        return found
    }

    /// Why the row holds marks only, for the record; nil where it may hold an item.
    static func marksOnly(_ row: [String: FieldReading], columns: [Column], model: ModelReading) -> String? {
        let cells = columns.compactMap { column in row[column.name].map { (column, $0) } }
        guard !cells.contains(where: { column, reading in texts(reading).contains { holds($0, column) } }) else { return nil }
        // The second model looks at the ink too (only where Tesseract found nothing, so rarely).
        for (column, reading) in cells where reading.box != nil {
            if let read = model(column.name), holds(read, column) { return nil }
        }
        var seen: [String] = []
        for text in cells.flatMap({ texts($0.1) }) where !text.isEmpty && !seen.contains(text) { seen.append(text) }
        return seen.isEmpty
            ? "marks in the row, but no figures, count or category read in them"
            : "marks in the row read as \(seen.joined(separator: " / ")): no figures, count or category"
    }

    static func texts(_ reading: FieldReading) -> [String] {
        [reading.raw] + reading.candidates.compactMap(\.value.text)
    }

    /// Whether `text`, read in a cell of `column`, is what an item would hold there.
    static func holds(_ text: String, _ column: Column) -> Bool {
        switch column.type {
        case .money: return text.filter(\.isASCIIDigit).count >= 2
        case .integer: return text.contains(where: \.isASCIIDigit)
        case .enumerated: return holdsCategoryText(text, vocabulary: column.vocabulary)
        default: return !text.filter({ $0.isCJK || $0.isLetter || $0.isNumber }).isEmpty
        }
    }

    static func holdsCategoryText(_ text: String, vocabulary: [String]) -> Bool {
        let characters = text.filter(\.isCJK)
        guard !characters.isEmpty else { return false }
        if characters.count >= 3 || vocabulary.contains(where: { characters.contains($0) }) { return true }
        return ListMatch.of(characters, in: vocabulary) != .unlisted
    }
}
