import FormFlowCore
import FormFlowExtraction
import FormFlowLedger
import FormFlowRouting
import FormFlowValidation
import Crypto
import Foundation
import Logging

/// What operators do with exceptions: look, fix a misread value, send a document through the pipeline
/// again, or reject it. Every action is recorded in the ledger and the audit log with the operator's
/// name, and no action loses the original file.
public struct ExceptionDesk: Sendable {
    public let settings: Settings
    public let pipeline: Pipeline
    public private(set) var operatorName: String
    public let outputs: OutputFolders
    let ledger: any Ledger
    let audit: any AuditTrail

    public struct DeskError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The same desk, its actions recorded under another operator's name (one desk serves every
    /// operator of the review server).
    public func acting(as name: String) -> ExceptionDesk {
        var desk = self
        desk.operatorName = name
        return desk
    }

    public init(settings: Settings, pipeline: Pipeline, operatorName: String) throws {
        self.settings = settings
        self.pipeline = pipeline
        self.operatorName = operatorName
        outputs = OutputFolders(root: URL(fileURLWithPath: settings.out))
        let state = URL(fileURLWithPath: settings.stateFolder)
        if let url = settings.ledger {
            let shared = try BatchRunner.openPostgres(url, logger: Logger(label: "formflow.exceptions"))
            ledger = shared
            audit = shared
        } else {
            ledger = try SQLiteLedger(path: state.appendingPathComponent("ledger.sqlite").path)
            audit = AuditLog(path: state.appendingPathComponent("audit.log").path)
        }
    }

    public struct Entry: Sendable {
        public var record: DocumentRecord
        public var url: URL
        public var age: TimeInterval
        /// Changes whenever the record is written again: an action names the version the operator saw, so
        /// that two operators cannot overwrite each other's decision.
        public var version: String

        public init(record: DocumentRecord, url: URL, age: TimeInterval, version: String) {
            self.record = record
            self.url = url
            self.age = age
            self.version = version
        }

        /// A name for the document that is safe in a web address (from the record's file name).
        public var id: String { Self.id(forRecordNamed: url.lastPathComponent) }

        public static func id(forRecordNamed name: String) -> String {
            String(SHA256.hash(data: Data(name.utf8)).map { String(format: "%02x", $0) }.joined().prefix(20))
        }
    }

    /// The whole audit chain, oldest first, and whether it is intact.
    public func auditTrail() throws -> (entries: [AuditEntry], breaks: [AuditLog.Break]) {
        let entries = try audit.entries()
        return (entries, try audit.verify().breaks)
    }

    /// Exception records, filtered; newest first.
    public func list(batch: String? = nil, form: String? = nil, rule: String? = nil, olderThanDays: Double? = nil) throws
        -> [Entry]
    {
        let folder = outputs.folder(for: .exception)
        // No run has written an exception yet.
        guard FileManager.default.fileExists(atPath: folder.path) else { return [] }
        var entries: [Entry] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".json") {
            let url = folder.appendingPathComponent(name)
            guard let bytes = try? Data(contentsOf: url),
                let record = try? JSONDecoder().decode(DocumentRecord.self, from: bytes)
            else { continue }
            let modified = (try? FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date) ?? Date()
            let age = Date().timeIntervalSince(modified)
            if let batch, record.batch != batch { continue }
            if let form, record.form?.rawValue != form { continue }
            if let rule, !record.violations.contains(where: { $0.rule == rule }) { continue }
            if let olderThanDays, age < olderThanDays * 86_400 { continue }
            let version = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined().prefix(16)
            entries.append(Entry(record: record, url: url, age: age, version: String(version)))
        }
        return entries.sorted { $0.age < $1.age }
    }

    /// The exception named `document` (its file name, or its id); with `version`, only as the operator
    /// saw it.
    public func find(_ document: String, version: String? = nil) throws -> Entry {
        guard
            let entry = try list().first(where: {
                $0.record.document == document || $0.url.lastPathComponent == document + ".json" || $0.id == document
            })
        else {
            throw DeskError(description: "no exception named \(Masking.maskDigitRuns(in: document)) in \(outputs.folder(for: .exception).path) (decided meanwhile?); see `formflow exceptions list`")
        }
        if let version, version != entry.version {
            throw DeskError(
                description: "\(Masking.maskDigitRuns(in: entry.record.document)) was changed by someone else after you opened it; look at it again before you act")
        }
        return entry
    }

    /// Files beside a record that belong to it: the original, the reason file, the crops.
    func companions(of entry: Entry) -> (original: URL, extras: [URL]) {
        let base = String(entry.url.lastPathComponent.dropLast(".json".count))
        let folder = entry.url.deletingLastPathComponent()
        let extras = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter {
                $0.hasPrefix(base + ".") && $0 != base + ".json"
                    && ($0.hasSuffix(".png") || $0.hasSuffix(".reason.txt") || $0 == base + OutputFolders.pageImageSuffix)
            }
            .map { folder.appendingPathComponent($0) }
        return (folder.appendingPathComponent(base), extras)
    }

    /// Sets fields (`total=1234.50`, `items[1].amount=88.00`) as the operator read them from the paper,
    /// validates again, and accepts the document if nothing is left. Returns the new record.
    public func fix(_ document: String, assignments: [String], reason: String, version: String? = nil) throws -> DocumentRecord {
        let entry = try find(document, version: version)
        var record = entry.record
        var changes: [String] = []
        var confirmed: [String] = []
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "=") else {
                throw DeskError(description: "'\(assignment)' is not FIELD=VALUE")
            }
            let path = String(assignment[..<equals])
            let text = String(assignment[assignment.index(after: equals)...])
            let value: FieldValue =
                text.isEmpty ? .null : Int(text).map { $0 < 10_000 ? .integer($0) : .text(text) } ?? .text(text)
            let old: FieldValue?
            if let open = path.firstIndex(of: "["), let close = path.firstIndex(of: "]"), let dot = path.firstIndex(of: ".") {
                let table = String(path[..<open])
                guard let row = Int(path[path.index(after: open)..<close]), var rows = record.fields[table]?.rows,
                    rows.indices.contains(row)
                else { throw DeskError(description: "\(path): no such row") }
                let column = String(path[path.index(after: dot)...])
                old = rows[row][column]
                rows[row][column] = value
                record.fields[table] = .rows(rows)
            } else {
                guard record.fields[path] != nil || pipeline.templates.contains(where: { $0.fieldNames.contains(path) }) else {
                    throw DeskError(description: "\(path) is not a field of \(record.form?.rawValue ?? "this document")")
                }
                old = record.fields[path]
                record.fields[path] = value
            }
            // The operator confirmed this value against the paper: typed anew, or seen and left as read.
            let unchanged = old?.description == value.description
            let box = record.evidence?[path]?.box
            record.evidence?[path] = FieldEvidence(
                raw: text, confidence: 100, box: box, uncertain: false,
                note: "\(unchanged ? "confirmed" : "set") by \(operatorName)")
            if unchanged {
                confirmed.append(path)
            } else {
                changes.append(
                    "\(path): \(Masking.maskDigitRuns(in: old?.description ?? "—")) → \(Masking.maskDigitRuns(in: value.description))")
            }
        }
        guard let form = record.form else { throw DeskError(description: "the document has no form; it cannot be validated") }
        let uncertain = (record.evidence ?? [:]).filter(\.value.uncertain).map(\.key).sorted()
        record.violations = Validator(rules: pipeline.rules).evaluate(form: form, fields: record.fields, uncertain: uncertain)
        record.status = record.violations.isEmpty ? .accepted : .exception
        var superseded: [DuplicateGuard.Superseded] = []
        if record.status == .accepted {
            superseded = try DuplicateGuard(rules: pipeline.rules, ledger: ledger).apply(to: &record)
        }
        record.processedAt = DocumentProcessor.now()
        try ledger.finish(record)
        let files = companions(of: entry)
        for extra in files.extras { try? FileManager.default.removeItem(at: extra) }
        try FileManager.default.removeItem(at: entry.url)
        try outputs.deliver(record, original: files.original)
        // Other copies of it waiting here are now its duplicates.
        for copy in superseded { try DuplicateMarker(outputs: outputs, ledger: ledger, audit: audit).mark(copy) }
        try audit.append(
            actor: operatorName, action: "fixed", document: record.document, batch: record.batch, sha256: record.sha256,
            detail: [
                changes.isEmpty ? nil : changes.joined(separator: "; "),
                confirmed.isEmpty ? nil : "confirmed as read: \(confirmed.joined(separator: ", "))",
                "now \(record.status.rawValue)\(record.violations.isEmpty ? "" : " (" + record.violations.map(\.rule).joined(separator: ", ") + ")")",
                "reason: \(reason)",
            ].compactMap { $0 }.joined(separator: "; "))
        return record
    }

    /// Sends the original back through the pipeline (e.g. after a template fix): it returns to the inbox,
    /// and the ledger no longer counts its content as decided.
    public func requeue(_ document: String, reason: String, version: String? = nil) throws {
        let entry = try find(document, version: version)
        let files = companions(of: entry)
        let target = URL(fileURLWithPath: settings.inbox).appendingPathComponent(entry.record.document)
        guard !FileManager.default.fileExists(atPath: target.path) else {
            throw DeskError(description: "the inbox already holds a file named \(entry.record.document)")
        }
        try ledger.mark(document: entry.record.document, batch: entry.record.batch, status: "requeued")
        try Storage.move(
            files.original, to: target, file: entry.record.document, from: Place("exceptions/", outputs.folder(for: .exception)),
            to: Place("the inbox", URL(fileURLWithPath: settings.inbox)))
        for extra in files.extras { try? FileManager.default.removeItem(at: extra) }
        try FileManager.default.removeItem(at: entry.url)
        try audit.append(
            actor: operatorName, action: "requeued", document: entry.record.document, batch: entry.record.batch,
            sha256: entry.record.sha256, detail: "back to the inbox; reason: \(reason)")
    }

    /// Moves the document, with its record and reason, to `<out>/rejected/`.
    public func reject(_ document: String, reason: String, version: String? = nil) throws {
        let entry = try find(document, version: version)
        let files = companions(of: entry)
        let rejected = outputs.root.appendingPathComponent("rejected", isDirectory: true)
        try FileManager.default.createDirectory(at: rejected, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        for url in [files.original, entry.url] + files.extras where FileManager.default.fileExists(atPath: url.path) {
            try FileManager.default.moveItem(at: url, to: rejected.appendingPathComponent(url.lastPathComponent))
        }
        try ledger.mark(document: entry.record.document, batch: entry.record.batch, status: "rejected")
        try audit.append(
            actor: operatorName, action: "rejected", document: entry.record.document, batch: entry.record.batch,
            sha256: entry.record.sha256, detail: "reason: \(reason)")
    }
}
