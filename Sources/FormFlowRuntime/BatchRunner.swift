import FormFlowCore
import FormFlowLedger
import FormFlowOCR
import FormFlowRouting
import Foundation
import Logging

/// Counts of one batch, for the console summary and the batch summary file.
public struct BatchSummary: Sendable, Codable {
    public var batch: String
    public var total: Int = 0
    public var byStatus: [String: Int] = [:]
    public var byForm: [String: Int] = [:]
    public var byRule: [String: Int] = [:]
    public var seconds: Double = 0
    public var out: String

    public var documentsPerSecond: Double { seconds > 0 ? Double(total) / seconds : 0 }

    enum CodingKeys: String, CodingKey {
        case batch, total, seconds, out
        case byStatus = "by_status"
        case byForm = "by_form"
        case byRule = "by_rule"
    }

    mutating func add(_ record: DocumentRecord) {
        total += 1
        byStatus[record.status.rawValue, default: 0] += 1
        byForm[record.form?.rawValue ?? "unknown", default: 0] += 1
        for violation in record.violations { byRule[violation.rule, default: 0] += 1 }
    }
}

/// The run itself failed (not a document): configuration, storage. Maps to the exit codes in `--help`.
public struct RunError: Error, CustomStringConvertible {
    public enum Kind: Sendable { case configuration, storage, engine }
    public let kind: Kind
    public let message: String
    public var description: String { message }
}

/// Drains the inbox once: every file present at the start ends with exactly one record.
public struct BatchRunner: Sendable {
    public let settings: Settings
    public let pipeline: Pipeline
    public let logger: Logger

    public init(settings: Settings, pipeline: Pipeline, logger: Logger) {
        self.settings = settings
        self.pipeline = pipeline
        self.logger = logger
    }

    /// Files the inbox holds now, in name order: regular files only; hidden, temporary and partial
    /// names are skipped (a scanner may still be writing them).
    public static func inboxFiles(in inbox: URL) throws -> [URL] {
        let names = try FileManager.default.contentsOfDirectory(atPath: inbox.path).sorted()
        return names.filter { name in
            !(name.hasPrefix(".") || name.hasSuffix(".part") || name.hasSuffix(".tmp") || name.hasPrefix("~$"))
        }.map { inbox.appendingPathComponent($0) }.filter { url in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
    }

    public func run() async throws(RunError) -> BatchSummary {
        let inbox = URL(fileURLWithPath: settings.inbox)
        let outputs = OutputFolders(root: URL(fileURLWithPath: settings.out))
        do {
            try outputs.create()
        } catch {
            throw RunError(kind: .storage, message: "cannot create the output folders under \(settings.out): \(error)")
        }
        let files: [URL]
        do {
            files = try Self.inboxFiles(in: inbox)
        } catch {
            throw RunError(kind: .storage, message: "cannot list the inbox \(settings.inbox): \(error)")
        }
        let ledger: SQLiteLedger
        do {
            ledger = try SQLiteLedger(path: (settings.stateFolder as NSString).appendingPathComponent("ledger.sqlite"))
        } catch {
            throw RunError(kind: .storage, message: "cannot open the ledger in \(settings.stateFolder): \(error)")
        }
        let audit = AuditLog(path: (settings.stateFolder as NSString).appendingPathComponent("audit.log"))
        let duplicates = DuplicateGuard(rules: pipeline.rules, ledger: ledger)
        let batch = Self.newBatchID()
        let queue = WorkQueue(files)
        let workerCount = min(settings.effectiveWorkers, max(1, files.count))
        logger.info(
            "batch started", metadata: ["batch": "\(batch)", "files": "\(files.count)", "workers": "\(workerCount)"])
        let started = ContinuousClock.now
        let settings = settings
        let pipeline = pipeline
        let logger = logger

        let records: [DocumentRecord]
        do {
            records = try await withThrowingTaskGroup(of: [DocumentRecord].self) { group in
                for _ in 0..<workerCount {
                    group.addTask {
                        let processor = try DocumentProcessor(pipeline: pipeline, settings: settings)
                        var done: [DocumentRecord] = []
                        while let file = await queue.next() {
                            let record = try Self.handle(
                                file: file, processor: processor, outputs: outputs, batch: batch, logger: logger,
                                ledger: ledger, audit: audit, duplicates: duplicates)
                            done.append(record)
                        }
                        return done
                    }
                }
                var all: [DocumentRecord] = []
                for try await part in group { all += part }
                return all
            }
        } catch let error as RunError {
            throw error
        } catch let error as OCRError {
            throw RunError(kind: .engine, message: error.message)
        } catch {
            throw RunError(kind: .storage, message: "\(error)")
        }

        do {
            try BatchExport.write(records, batch: batch, to: outputs.folder(for: .accepted))
        } catch {
            throw RunError(kind: .storage, message: "cannot write the batch export: \(error)")
        }
        var summary = BatchSummary(batch: batch, out: settings.out)
        for record in records { summary.add(record) }
        let elapsed = started.duration(to: .now)
        summary.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return summary
    }

    private static func handle(
        file: URL, processor: DocumentProcessor, outputs: OutputFolders, batch: String, logger: Logger,
        ledger: any Ledger, audit: AuditLog, duplicates: DuplicateGuard
    ) throws -> DocumentRecord {
        let name = file.lastPathComponent
        do {
            try audit.append(actor: "formflow", action: "received", document: name, batch: batch, sha256: "", detail: "taken from the inbox")
        } catch {
            throw RunError(kind: .storage, message: "cannot write the audit log: \(error)")
        }
        let processed = try processor.process(file: file, name: name, batch: batch)
        var record = processed.record
        do {
            try ledger.transition(document: name, sha256: record.sha256, batch: batch, to: "read")
            try duplicates.apply(to: &record)
        } catch {
            throw RunError(kind: .storage, message: "the ledger failed for \(name): \(error)")
        }
        do {
            try outputs.deliver(record, original: file, crops: processed.crops)
        } catch {
            throw RunError(kind: .storage, message: error.description)
        }
        do {
            try ledger.finish(record)
            try audit.append(
                actor: "formflow", action: "routed", document: name, batch: batch, sha256: record.sha256,
                detail: "\(record.status.rawValue) \(record.form?.rawValue ?? "-") \(record.violations.map(\.rule).joined(separator: ","))")
        } catch {
            throw RunError(kind: .storage, message: "cannot record the decision for \(name): \(error)")
        }
        logger.info(
            "document done",
            metadata: [
                "batch": "\(batch)", "document": "\(Masking.maskDigitRuns(in: name))",
                "status": "\(record.status.rawValue)", "form": "\(record.form?.rawValue ?? "-")",
                "rules": "\(record.violations.map(\.rule).joined(separator: ","))",
                "ms": "\(record.timings?.values.reduce(0, +) ?? 0)",
            ])
        return record
    }

    static func newBatchID() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: Date()) + "-" + String(UUID().uuidString.prefix(4)).lowercased()
    }
}

/// Hands out the batch's files to workers, one at a time.
actor WorkQueue {
    private var files: [URL]
    init(_ files: [URL]) { self.files = files.reversed() }
    func next() -> URL? { files.popLast() }
}
