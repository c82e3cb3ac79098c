import ArgumentParser
import Foundation

/// `formflow bench --digital`: CPU per document of each digital format (OFD, 数电 XML, PDF with a text
/// layer), each format run alone with one worker, minus the CPU of the same run on an empty inbox (start-up:
/// the glyph prototypes). CPU counts the child processes too (poppler's tools for PDFs).
struct DigitalBench {
    var count: Int
    var folder: URL
    var pipeline: String
    var markdown: String

    struct Result: Codable {
        var format: String
        var documents: Int
        var cpuMillisecondsPerDocument: Double
        var wallMillisecondsPerDocument: Double
    }

    func run(repository: URL) throws {
        let invoices = folder.appendingPathComponent("einvoices")
        let seed = Int.random(in: 1...9999)
        print("making \(count) digital invoices (seed \(seed)) in \(invoices.path) …")
        try BenchCommand.shell(
            "python3 '\(repository.path)/tools/make_einvoices.py' '\(invoices.path)' --count \(count) --seed \(seed) --formats ofd-older,ofd-digital,xml,pdf-older,pdf-digital > /dev/null")
        let files = try FileManager.default.contentsOfDirectory(atPath: invoices.path).filter { !$0.hasSuffix(".json") }.sorted()
        let groups = Dictionary(grouping: files) { ($0 as NSString).pathExtension }
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
        let config = folder.appendingPathComponent("bench.yaml")
        try "stable_seconds: 0\npipeline: \(URL(fileURLWithPath: pipeline).path)\n".write(to: config, atomically: true, encoding: .utf8)

        func measureRun(_ names: [String], label: String) throws -> (seconds: Double, cpu: Double) {
            let inbox = folder.appendingPathComponent("inbox-\(label)")
            let out = folder.appendingPathComponent("out-\(label)")
            try? FileManager.default.removeItem(at: inbox)
            try? FileManager.default.removeItem(at: out)
            try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
            for name in names {
                try FileManager.default.copyItem(at: invoices.appendingPathComponent(name), to: inbox.appendingPathComponent(name))
            }
            let measured = try BenchCommand.measure {
                try BenchCommand.shell(
                    "'\(executable)' run --config '\(config.path)' --inbox '\(inbox.path)' --out '\(out.path)' --workers 1 --quiet > /dev/null")
            }
            return (measured.seconds, measured.cpu)
        }

        print("start-up (empty inbox) …")
        let empty = try measureRun([], label: "empty")
        var results: [Result] = []
        for format in ["ofd", "xml", "pdf"] {
            guard let names = groups[format], !names.isEmpty else { continue }
            print("\(format): \(names.count) documents, one worker …")
            let measured = try measureRun(names, label: format)
            results.append(
                Result(
                    format: format, documents: names.count,
                    cpuMillisecondsPerDocument: max(0, measured.cpu - empty.cpu) * 1000 / Double(names.count),
                    wallMillisecondsPerDocument: max(0, measured.seconds - empty.seconds) * 1000 / Double(names.count)))
        }
        var lines = [
            "Measured \(Date().ISO8601Format()) on \(BenchCommand.machine()): \(files.count) generated digital invoices (seed \(seed)), one worker, start-up (\(String(format: "%.2f", empty.cpu)) s CPU on an empty inbox) subtracted.",
            "", "| format | documents | CPU ms per document (poppler's child processes included) | wall ms per document |", "|---|---|---|---|",
        ]
        for result in results {
            lines.append(
                "| \(result.format) | \(result.documents) | \(String(format: "%.1f", result.cpuMillisecondsPerDocument)) | \(String(format: "%.1f", result.wallMillisecondsPerDocument)) |")
        }
        let table = lines.joined(separator: "\n")
        print(table)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(results).write(to: folder.appendingPathComponent("bench-digital.json"))
        try BenchCommand.update(markdown: markdown, with: table, begin: "<!-- bench-digital:begin -->", end: "<!-- bench-digital:end -->")
    }
}
