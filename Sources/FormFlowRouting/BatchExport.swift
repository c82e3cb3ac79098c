import FormFlowCore
import Foundation

/// The accepted results of one batch as the downstream finance system takes them: one JSON Lines file
/// (a record per line) and one CSV file (a row per document, the item table as JSON in one column).
public enum BatchExport {
    public static func write(_ records: [DocumentRecord], batch: String, to folder: URL) throws {
        let accepted = records.filter { $0.status == .accepted }.sorted { $0.document < $1.document }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var jsonLines = Data()
        for record in accepted {
            jsonLines.append(try encoder.encode(record))
            jsonLines.append(0x0A)
        }
        try OutputFolders.writeAtomically(
            jsonLines, to: folder.appendingPathComponent("batch-\(batch).jsonl"), permissions: 0o640)

        let fieldNames = Array(Set(accepted.flatMap(\.fields.keys))).sorted()
        var csv = (["document", "form", "batch", "sha256"] + fieldNames).map(quote).joined(separator: ",") + "\r\n"
        for record in accepted {
            var cells = [record.document, record.form?.rawValue ?? "", record.batch, record.sha256]
            for name in fieldNames {
                switch record.fields[name] {
                case .rows(let rows)?:
                    let data = try encoder.encode(rows)
                    cells.append(String(decoding: data, as: UTF8.self))
                case let value?:
                    cells.append(value.text ?? "")
                case nil:
                    cells.append("")
                }
            }
            csv += cells.map(quote).joined(separator: ",") + "\r\n"
        }
        try OutputFolders.writeAtomically(
            Data(csv.utf8), to: folder.appendingPathComponent("batch-\(batch).csv"), permissions: 0o640)
    }

    /// RFC 4180 quoting; a leading = + - @ is prefixed with ' so spreadsheets do not run it as a formula.
    static func quote(_ cell: String) -> String {
        var text = cell
        if let first = text.first, "=+-@".contains(first) { text = "'" + text }
        guard text.contains(where: { ",\"\r\n".contains($0) }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
