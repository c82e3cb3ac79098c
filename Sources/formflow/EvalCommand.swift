import ArgumentParser
import FormFlowRuntime
import Foundation

/// `formflow eval`: scores a run's records against truth files (SPEC.md "What counts").
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Score result records against truth files: silent errors, violation recall, straight-through rate, field accuracy.",
        discussion: "Exits 1 when a given threshold is missed, so it can gate a release."
    )

    @Option(help: "Folder with the *.truth.json files.")
    var truth: String

    @Option(help: "Output folder of the run (accepted/, exceptions/, quarantine/).")
    var out: String

    @Option(help: "Write the full report as JSON to this file.")
    var json: String?

    @Option(help: "Fail below this straight-through rate (0–1).")
    var minStp: Double?

    @Option(help: "Fail below this violation recall (0–1).")
    var minRecall: Double?

    @Option(help: "Fail above this many silent errors.")
    var maxSilent: Int?

    @Option(help: "Fail below this field accuracy (0–1).")
    var minField: Double?

    func run() throws {
        let result = try Evaluation.evaluate(
            truthFolder: URL(fileURLWithPath: truth), outFolder: URL(fileURLWithPath: out))
        func percent(_ ratio: Evaluation.Ratio) -> String {
            String(format: "%5.1f%% (%d/%d)", ratio.rate * 100, ratio.hits, ratio.total)
        }
        print("documents \(result.documents), missing records \(result.missing.count), more than one record \(result.multiple.count)")
        print("\nfield                 accuracy")
        for (name, ratio) in result.perField.sorted(by: { $0.key < $1.key }) {
            print("  \(name.padding(toLength: 20, withPad: " ", startingAt: 0)) \(percent(ratio))")
        }
        print("\nrule                  recall")
        for (name, ratio) in result.perRule.sorted(by: { $0.key < $1.key }) {
            print("  \(name.padding(toLength: 20, withPad: " ", startingAt: 0)) \(percent(ratio))")
        }
        for line in result.silentErrors { print("  SILENT: \(line)") }
        for line in result.missedViolations { print("  MISSED: \(line)") }
        for line in result.missing.prefix(20) { print("  MISSING: \(line)") }
        print(
            "\nsilent \(result.silentErrors.count) | violation recall \(percent(result.violationRecall)) | straight-through \(percent(result.straightThrough)) | field accuracy \(percent(result.fieldAccuracy)) | missing \(result.missing.count)"
        )
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(result).write(to: URL(fileURLWithPath: json))
        }
        var failed = !result.missing.isEmpty || !result.multiple.isEmpty
        if let minStp, result.straightThrough.rate < minStp { failed = true }
        if let minRecall, result.violationRecall.rate < minRecall { failed = true }
        if let maxSilent, result.silentErrors.count > maxSilent { failed = true }
        if let minField, result.fieldAccuracy.rate < minField { failed = true }
        if failed { throw ExitCode(1) }
    }
}
