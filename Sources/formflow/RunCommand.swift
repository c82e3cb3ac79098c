import ArgumentParser
import FormFlowCore
import FormFlowRuntime
import FormFlowYAML
import Foundation
import Logging

/// `formflow run`: the cron job. Drains the inbox once and exits.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Drain the inbox once: read, check and route every scan in it, then exit.",
        discussion: "Exits 0 when every file was routed; see `formflow --help` for the other exit codes."
    )

    @OptionGroup var options: CommonOptions

    func run() async throws {
        let logger = Logger(label: "formflow")
        let (settings, pipeline) = try options.load()
        PrometheusMetrics.bootstrap()
        let runner = BatchRunner(
            settings: settings, pipeline: pipeline, logger: options.quiet ? Logger(label: "formflow", factory: { _ in SwiftLogNoOpLogHandler() }) : logger)
        let summary: BatchSummary
        do {
            summary = try await runner.run()
        } catch {
            FileHandle.standardError.write(Data("formflow: \(error.message)\n".utf8))
            switch error.kind {
            case .configuration: throw ExitCodes.configuration
            case .storage: throw ExitCodes.storage
            case .engine: throw ExitCodes.engineUnavailable
            case .locked: throw ExitCodes.locked
            }
        }
        // For cron hosts: node-exporter's textfile collector picks this file up.
        let textfile = (settings.out as NSString).appendingPathComponent("reports/formflow.prom")
        do {
            try PrometheusMetrics.writeTextfile(to: textfile)
        } catch {
            FileHandle.standardError.write(Data("formflow: cannot write \(textfile): \(error)\n".utf8))
        }
        print(Self.describe(summary))
    }

    static func describe(_ summary: BatchSummary) -> String {
        var lines: [String] = []
        lines.append(
            "batch \(summary.batch): \(summary.total) documents in \(String(format: "%.1f", summary.seconds)) s (\(String(format: "%.2f", summary.documentsPerSecond)) docs/s)")
        for status in DocumentStatus.allCases {
            lines.append("  \(status.folder.padding(toLength: 11, withPad: " ", startingAt: 0)) \(summary.byStatus[status.rawValue] ?? 0)")
        }
        if !summary.byRule.isEmpty {
            lines.append(
                "  rules: " + summary.byRule.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
        }
        if summary.deferred > 0 { lines.append("  still being written, left for the next run: \(summary.deferred)") }
        lines.append("results: \(URL(fileURLWithPath: summary.out).standardizedFileURL.path)")
        return lines.joined(separator: "\n")
    }
}
