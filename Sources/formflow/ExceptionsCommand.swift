import ArgumentParser
import FormFlowCore
import FormFlowRouting
import FormFlowRuntime
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `formflow exceptions`: the operator's desk for the exceptions folder.
struct ExceptionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exceptions",
        abstract: "List, show, fix, requeue or reject exceptions; every action goes into the ledger and the audit log.",
        subcommands: [List.self, Show.self, Fix.self, Requeue.self, Reject.self]
    )

    struct DeskOptions: ParsableArguments {
        @OptionGroup var common: CommonOptions

        @Option(help: "Your name for the audit log. Default: the operating-system user.")
        var `operator`: String?

        func desk() throws -> ExceptionDesk {
            let (settings, pipeline) = try common.load()
            let name = `operator` ?? ProcessInfo.processInfo.environment["USER"] ?? getpwuid(getuid()).map { String(cString: $0.pointee.pw_name) } ?? "unknown"
            return try ExceptionDesk(settings: settings, pipeline: pipeline, operatorName: name)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List exceptions, newest first.")
        @OptionGroup var options: DeskOptions
        @Option(help: "Only this batch.") var batch: String?
        @Option(help: "Only this form (expense_claim, vat_invoice).") var form: String?
        @Option(help: "Only exceptions naming this rule.") var rule: String?
        @Option(help: "Only exceptions older than this many days.") var olderThan: Double?

        func run() throws {
            let entries = try options.desk().list(batch: batch, form: form, rule: rule, olderThanDays: olderThan)
            for entry in entries {
                let hours = Int(entry.age / 3600)
                print(
                    "\(Masking.maskDigitRuns(in: entry.record.document))\t\(entry.record.form?.rawValue ?? "-")\t\(entry.record.batch)\t\(hours) h\t\(entry.record.violations.map(\.rule).joined(separator: ","))"
                )
            }
            print("\(entries.count) exception(s)")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one exception: fields, violations, confidences, crops (personal data masked).")
        @OptionGroup var options: DeskOptions
        @Argument(help: "The document's file name.") var document: String

        func run() throws {
            let desk = try options.desk()
            let entry = try desk.find(document)
            print(ReasonFile.text(for: entry.record))
            let base = String(entry.url.lastPathComponent.dropLast(".json".count))
            let folder = entry.url.deletingLastPathComponent()
            let crops = (try FileManager.default.contentsOfDirectory(atPath: folder.path)).filter { $0.hasPrefix(base + ".") && $0.hasSuffix(".png") }
            for crop in crops.sorted() { print("crop: \(folder.appendingPathComponent(crop).path)") }
        }
    }

    struct Fix: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Correct misread fields (FIELD=VALUE, items[1].amount=88.00); validates again and accepts when nothing is left.")
        @OptionGroup var options: DeskOptions
        @Argument(help: "The document's file name.") var document: String
        @Argument(help: "FIELD=VALUE assignments.") var assignments: [String]
        @Option(help: "Why (goes into the audit log).") var reason: String

        func run() throws {
            let record = try options.desk().fix(document, assignments: assignments, reason: reason)
            print("\(Masking.maskDigitRuns(in: record.document)): \(record.status.rawValue)\(record.violations.isEmpty ? "" : " (" + record.violations.map(\.rule).joined(separator: ",") + ")")")
        }
    }

    struct Requeue: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send the original back to the inbox to be read again (e.g. after a template fix).")
        @OptionGroup var options: DeskOptions
        @Argument(help: "The document's file name.") var document: String
        @Option(help: "Why (goes into the audit log).") var reason = "requeued by an operator"

        func run() throws {
            try options.desk().requeue(document, reason: reason)
            print("\(Masking.maskDigitRuns(in: document)): back in the inbox")
        }
    }

    struct Reject: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Move the document and its record to <out>/rejected/.")
        @OptionGroup var options: DeskOptions
        @Argument(help: "The document's file name.") var document: String
        @Option(help: "Why (goes into the audit log).") var reason: String

        func run() throws {
            try options.desk().reject(document, reason: reason)
            print("\(Masking.maskDigitRuns(in: document)): rejected")
        }
    }
}
