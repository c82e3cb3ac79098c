import FormFlowRuntime
import Foundation

/// The bench by capture mode, as FormFlow saw each document (its record's preparation notes, not how the
/// generator made it): the baseline's CPU time shared out over the files by their wall times, against the
/// time FormFlow's record gives each document with one worker. Office scans and phone photos cost FormFlow
/// very different amounts, so the mix of a set decides its overall ratio; this shows each part.
struct CaptureShares {
    struct Row {
        var mode: String
        var documents = 0
        /// Milliseconds, summed over the mode's documents.
        var baseline = 0.0
        var formFlow = 0.0
    }

    let rows: [Row]

    /// `baselineTimes`: a line "nanoseconds path" per file the baseline read; `records`: the output folder
    /// of FormFlow's run with one worker.
    init(baselineTimes: URL, baselineCPU: Double, records: URL) throws {
        var wall: [String: Double] = [:]
        for line in try String(contentsOf: baselineTimes, encoding: .utf8).split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, let nanoseconds = Double(parts[0]) else { continue }
            wall[URL(fileURLWithPath: String(parts[1])).lastPathComponent] = nanoseconds
        }
        let totalWall = wall.values.reduce(0, +)
        guard totalWall > 0 else { throw CocoaError(.fileReadCorruptFile) }
        var byMode: [String: Row] = [:]
        let files = FileManager.default.enumerator(at: records, includingPropertiesForKeys: nil)
        while let url = files?.nextObject() as? URL {
            guard url.pathExtension == "json", let data = try? Data(contentsOf: url),
                let record = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let document = record["document"] as? String, let timings = record["timings"] as? [String: Double],
                let baselineWall = wall[document]
            else { continue }
            let mode = CaptureMode.of(preparation: record["preparation"] as? [String] ?? []).rawValue
            var row = byMode[mode] ?? Row(mode: mode)
            row.documents += 1
            row.baseline += baselineCPU * 1000 * baselineWall / totalWall
            // "ocr" is the part of the other stages spent in Tesseract.
            row.formFlow += timings.filter { $0.key != "ocr" }.values.reduce(0, +)
            byMode[mode] = row
        }
        rows = byMode.values.sorted { $0.documents > $1.documents }
    }

    func table() -> String {
        var lines = [
            "By capture mode (as FormFlow saw each document): the baseline's CPU per document (its CPU time shared out by each file's time) against FormFlow's time per document with 1 worker.",
            "",
            "| capture | documents | baseline ms/document | FormFlow ms/document | × baseline |",
            "|---|---|---|---|---|",
        ]
        for row in rows where row.documents > 0 {
            let baseline = row.baseline / Double(row.documents)
            let formFlow = row.formFlow / Double(row.documents)
            lines.append(
                "| \(row.mode) | \(row.documents) | \(String(format: "%.0f", baseline)) | \(String(format: "%.0f", formFlow)) | \(String(format: "%.2f", formFlow > 0 ? baseline / formFlow : 0)) |"
            )
        }
        return lines.joined(separator: "\n")
    }
}
