import FormFlowCore
import Foundation

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
        guard !cells.contains(where: { column, reading in texts(reading).contains { holds($0, column) } }) else {
            return nil
        }
        // The second model looks at the ink too (only where Tesseract found nothing, so rarely).
        for (column, reading) in cells where reading.box != nil {
            if let read = model(column.name), holds(read, column) { return nil }
        }
        let seen = distinctTexts(cells.map(\.1))
        return seen.isEmpty
            ? "marks in the row, but no figures, count or category read in them"
            : "marks in the row read as \(seen.joined(separator: " / ")): no figures, count or category"
    }

    /// The rows at the end of `rows` that the items above them do without, last first, each with why: no
    /// figures in their amount or count (by Tesseract or the second model), whatever their other cells
    /// hold, below amounts that were each read with confidence and add up to the total read with
    /// confidence. A seal's text across an empty row reads as a category (院政务, 一人人, 智科技), so
    /// `trailingMarks` keeps the row: it may be an item. But an item has an amount, and one whose figures
    /// no reader sees would be missing from a total the items above make to the cent; a real amount there
    /// (a total that leaves out the last line) is read and keeps the row, and its sum_mismatch stands.
    static func rowsTheItemsDoWithout(
        _ rows: [[String: FieldReading]], total: FieldReading?, amount: Column, count: Column?,
        model: (_ row: Int, _ column: String) -> String?
    ) -> [(row: Int, why: String)] {
        guard let total, !total.uncertain, let whole = Reconciler.money(total.chosen) else { return [] }
        func figuresIn(_ row: Int, _ column: Column?) -> Bool {
            guard let column, let cell = rows[row][column.name] else { return false }
            if texts(cell).contains(where: { holds($0, column) }) { return true }
            return cell.box != nil && model(row, column.name).map { holds($0, column) } == true
        }
        var first = rows.count
        while first > 1, !figuresIn(first - 1, amount), !figuresIn(first - 1, count) { first -= 1 }
        guard first < rows.count else { return [] }
        let above = rows[..<first].map { $0[amount.name] }
        guard above.allSatisfy({ $0.map { !$0.uncertain && Reconciler.money($0.chosen) != nil } ?? false }),
            above.compactMap({ Reconciler.money($0?.chosen) }).reduce(0, +) == whole
        else { return [] }
        return (first..<rows.count).reversed().map { index in
            let read = distinctTexts(rows[index].sorted { $0.key < $1.key }.map(\.value))
            let marks = read.isEmpty ? "marks" : "marks read as \(read.joined(separator: " / "))"
            return (
                index,
                "\(marks), no figures in the amount or count, and the items above make the total \(Money.format(whole))"
            )
        }
    }

    /// What was read in `cells`, each text once, in order.
    static func distinctTexts(_ cells: [FieldReading]) -> [String] {
        var seen: [String] = []
        for text in cells.flatMap(texts) where !text.isEmpty && !seen.contains(text) { seen.append(text) }
        return seen
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
