import CoreMetrics
import FormFlowCore
import FormFlowLedger
import FormFlowOCR
import FormFlowPostgres
import FormFlowRouting
import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The run itself failed (not a document): configuration, storage, lock. Maps to the exit codes in `--help`.
public struct RunError: Error, CustomStringConvertible {
    public enum Kind: Sendable { case configuration, storage, engine, locked }
    public let kind: Kind
    public let message: String
    public var description: String { message }
}

/// Drains the inbox once: every file present at the start (and every file a killed run left in the
/// processing area) ends with exactly one record.
public struct BatchRunner: Sendable {
    public let settings: Settings
    public let pipeline: Pipeline
    public let logger: Logger

    public init(settings: Settings, pipeline: Pipeline, logger: Logger) {
        self.settings = settings
        self.pipeline = pipeline
        self.logger = logger
    }

    /// Checks the folders, takes the state folder's lock and opens the ledger: what `run` and `watch` share.
    static func prepare(settings: Settings, pipeline: Pipeline, logger: Logger) throws(RunError) -> (Context, RunLock?) {
        let inbox = URL(fileURLWithPath: settings.inbox)
        let state = URL(fileURLWithPath: settings.stateFolder)
        try Self.checkFolders(inbox: inbox, out: URL(fileURLWithPath: settings.out), state: state)
        let outputs = OutputFolders(root: URL(fileURLWithPath: settings.out))
        do {
            try outputs.create()
            try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        } catch {
            throw RunError(kind: .storage, message: "cannot create the output folders under \(settings.out): \(Storage.explain(error))")
        }
        // SQLite: one process per state folder (the lock; a second run exits 75). PostgreSQL: any number
        // of processes on any number of hosts, coordinated by claims in the database instead.
        let lock = settings.ledger == nil ? try RunLock(path: state.appendingPathComponent("run.lock").path) : nil
        let ledger: any Ledger
        var claims: (any WorkClaims)? = nil
        var audit: any AuditTrail = AuditLog(path: state.appendingPathComponent("audit.log").path)
        do {
            if let url = settings.ledger {
                let shared = try Self.openPostgres(url, logger: logger)
                ledger = shared
                claims = shared
                audit = shared  // one chain for every process and host
            } else {
                ledger = try SQLiteLedger(path: state.appendingPathComponent("ledger.sqlite").path)
            }
        } catch let error as RunError {
            lock?.release()
            throw error
        } catch {
            lock?.release()
            throw RunError(
                kind: .storage,
                message: "cannot open the ledger in \(state.path): \(Storage.explain(error))"
                    + (Self.diskFull(error) ? ". The disk is full: free space on \(Storage.mountPoint(of: state)) and rerun; nothing was taken from the inbox." : ""))
        }
        let owner = "\(ProcessInfo.processInfo.hostName)-\(getpid())-\(UUID().uuidString.prefix(8).lowercased())"
        let intake = Intake(inbox: inbox, state: state, stableSeconds: settings.stableSeconds, claims: claims, owner: owner)
        do {
            try intake.checkWritable()
        } catch {
            lock?.release()
            throw error
        }
        outputs.removePartialCopies()
        let context = Context(
            outputs: outputs, ledger: ledger, audit: audit,
            duplicates: DuplicateGuard(rules: pipeline.rules, ledger: ledger), superseded: SupersededCopies(), intake: intake,
            logger: logger, batch: Self.newBatchID())
        return (context, lock)
    }

    /// The PostgreSQL ledger, its errors as the run's: unreachable is storage (74), a bad address or a
    /// newer schema configuration (78).
    static func openPostgres(_ url: String, logger: Logger) throws(RunError) -> PostgresLedger {
        do {
            return try PostgresLedger(url: url, logger: logger)
        } catch {
            switch error.kind {
            case .unreachable, .failed: throw RunError(kind: .storage, message: error.message)
            case .badAddress, .newerSchema: throw RunError(kind: .configuration, message: error.message)
            }
        }
    }

    public func run() async throws(RunError) -> BatchSummary {
        let (context, lock) = try Self.prepare(settings: settings, pipeline: pipeline, logger: logger)
        defer { lock?.release() }
        let leases = LeaseKeeper(intake: context.intake, logger: logger)
        defer { leases.stop() }
        try context.completeDeliveries()
        let intake = context.intake
        let outputs = context.outputs

        let leftOver: [Intake.Taken]
        let scan: (files: [String], refused: [Intake.Refused])
        do {
            leftOver = try intake.leftOver()
            scan = try intake.scan()
        } catch {
            throw RunError(kind: .storage, message: "cannot list the inbox \(settings.inbox): \(Storage.explain(error))")
        }
        let total = leftOver.count + scan.files.count + scan.refused.count
        let workerCount = min(settings.effectiveWorkers, max(1, leftOver.count + scan.files.count))
        logger.info(
            "batch started",
            metadata: [
                "batch": "\(context.batch)", "files": "\(total)", "recovered": "\(leftOver.count)", "workers": "\(workerCount)",
                "second_model": "\(SecondModel.installedPython == nil ? "none: names with rarer characters go to an operator" : "PP-OCR")",
            ])
        let started = ContinuousClock.now
        let progress = Progress(total: total, started: started)

        var records: [DocumentRecord] = []
        do {
            for refused in scan.refused {
                guard let taken = try intake.take(refused) else { continue }
                records.append(try context.quarantine(taken, reason: refused.reason))
                progress.step()
            }
        } catch let error as RunError {
            throw error
        } catch {
            throw RunError(kind: .storage, message: "cannot move a refused entry: \(Storage.explain(error))")
        }

        let queue = WorkQueue(leftOver: leftOver, names: scan.files, intake: intake)
        let settings = settings
        let pipeline = pipeline
        do {
            records += try await withThrowingTaskGroup(of: [DocumentRecord].self) { group in
                for _ in 0..<workerCount {
                    group.addTask {
                        let processor = try DocumentProcessor(pipeline: pipeline, settings: settings)
                        var done: [DocumentRecord] = []
                        while let item = try await queue.next() {
                            done.append(try await context.work(item.taken, recovered: item.recovered, processor: processor))
                            progress.step()
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
            throw RunError(kind: .storage, message: "\(Storage.explain(error))")
        }
        progress.finish()
        intake.tidy()
        records = context.markSuperseded(in: records)

        do {
            try BatchExport.write(records, batch: context.batch, to: outputs.folder(for: .accepted))
        } catch {
            throw RunError(kind: .storage, message: "cannot write the batch export: \(Storage.explain(error))")
        }
        let elapsedSoFar = started.duration(to: .now)
        do {
            let html = BatchReport.html(
                batch: context.batch, records: records, crops: Self.crops(of: records, in: outputs),
                seconds: Double(elapsedSoFar.components.seconds))
            let reports = outputs.root.appendingPathComponent("reports", isDirectory: true)
            try FileManager.default.createDirectory(at: reports, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
            try OutputFolders.writeAtomically(
                Data(html.utf8), to: reports.appendingPathComponent("batch-\(context.batch).html"),
                permissions: 0o640)
        } catch {
            // Every document is delivered by now; only the report is missing.
            throw RunError(
                kind: .storage,
                message: "cannot write the batch report in \(outputs.root.path)/reports: \(Storage.explain(error)). Every document of the batch was delivered; free space on \(Storage.mountPoint(of: outputs.root)) for the next batch's report.")
        }
        let elapsed = started.duration(to: .now)
        var summary = BatchSummary(batch: context.batch, out: settings.out)
        summary.seconds = elapsed.inSeconds
        summary.deferred = await queue.deferred
        for record in records { summary.add(record) }
        summary.computeStages(records)
        summary.peakResidentMegabytes = BatchSummary.peakResidentMegabytesOfThisProcess()
        do {
            try summary.write(to: outputs.root.appendingPathComponent("reports"))
        } catch {
            throw RunError(kind: .storage, message: "cannot write the batch summary: \(Storage.explain(error))")
        }
        logger.info(
            "batch finished",
            metadata: [
                "batch": "\(context.batch)", "documents": "\(summary.total)", "seconds": "\(summary.seconds)",
                "accepted": "\(summary.byStatus["accepted"] ?? 0)", "exceptions": "\(summary.byStatus["exception"] ?? 0)",
                "quarantine": "\(summary.byStatus["quarantine"] ?? 0)",
            ])
        return summary
    }

    /// The crops written beside each exception record, read back for the report.
    static func crops(of records: [DocumentRecord], in outputs: OutputFolders) -> [String: [String: [UInt8]]] {
        let folder = outputs.folder(for: .exception)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        var crops: [String: [String: [UInt8]]] = [:]
        for record in records where record.status == .exception {
            for field in Set(record.violations.flatMap(\.fields)) {
                let fileName = "\(record.document).\(OutputFolders.safe(field)).png"
                guard names.contains(fileName), let data = try? Data(contentsOf: folder.appendingPathComponent(fileName)) else { continue }
                crops[record.document, default: [:]][field] = [UInt8](data)
            }
        }
        return crops
    }

    /// Whether a ledger error says its disk is full (SQLite's SQLITE_FULL, PostgreSQL's disk_full).
    static func diskFull(_ error: any Error) -> Bool {
        let text = "\(error)"
        return text.contains("disk is full") || text.contains("No space left on device") || text.contains("53100")
    }

    /// The output and state folders must not lie inside the inbox: FormFlow would read its own results.
    static func checkFolders(inbox: URL, out: URL, state: URL) throws(RunError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: inbox.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RunError(kind: .storage, message: "the inbox \(inbox.path) does not exist or is not a folder; create it or pass --inbox")
        }
        let inboxPath = inbox.resolvingSymlinksInPath().standardizedFileURL.path
        for (label, folder) in [("output", out), ("state", state)] {
            let path = folder.resolvingSymlinksInPath().standardizedFileURL.path
            if path == inboxPath || path.hasPrefix(inboxPath + "/") {
                throw RunError(
                    kind: .configuration,
                    message: "the \(label) folder \(path) lies inside the inbox \(inboxPath); choose a folder outside it")
            }
        }
    }

    static func newBatchID() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: Date()) + "-" + String(UUID().uuidString.prefix(4)).lowercased()
    }
}

/// The copies waiting for an operator that copies accepted in this batch supersede.
final class SupersededCopies: Sendable {
    private let copies = Mutex<[DuplicateGuard.Superseded]>([])

    func add(_ more: [DuplicateGuard.Superseded]) {
        guard !more.isEmpty else { return }
        copies.withLock { $0 += more }
    }

    /// Every copy noted so far, the list emptied.
    func take() -> [DuplicateGuard.Superseded] { copies.withLock { taken in defer { taken = [] }; return taken } }
}

extension Context {
    /// Marks each superseded copy a duplicate of the copy accepted after it, and returns this batch's
    /// records with those of its own copies updated. A copy that cannot be marked (fixed meanwhile, or
    /// another host's, not yet delivered) stays as it is: it is an exception, and a fix meets the key.
    func markSuperseded(in records: [DocumentRecord]) -> [DocumentRecord] {
        var records = records
        for marked in markSupersededSoFar(retry: false) {
            if let at = records.firstIndex(where: { $0.document == marked.document && $0.batch == marked.batch }) {
                records[at] = marked
            }
        }
        return records
    }

    /// The watcher's way: the copies noted so far are marked; one not found yet (its delivery may be
    /// under way in another worker) is tried again a few times.
    @discardableResult
    func markSupersededSoFar(retry: Bool = true) -> [DocumentRecord] {
        let marker = DuplicateMarker(outputs: outputs, ledger: ledger, audit: audit)
        var marked: [DocumentRecord] = []
        for var copy in superseded.take() {
            do {
                if let record = try marker.mark(copy) {
                    marked.append(record)
                    continue
                }
            } catch {
                logger.warning(
                    "could not mark a copy waiting for review as a duplicate",
                    metadata: ["document": "\(copy.waiting.document)", "error": "\(Storage.explain(error))"])
            }
            copy.attempts += 1
            if retry && copy.attempts < 5 {
                superseded.add([copy])
            } else {
                logger.notice(
                    "a copy waiting for review was not marked as a duplicate (fixed meanwhile?); a fix of it meets the accepted copy's key",
                    metadata: ["document": "\(copy.waiting.document)", "accepted_as": "\(copy.acceptedAs)"])
            }
        }
        return marked
    }
}

/// What every worker of one batch shares.
struct Context: Sendable {
    let outputs: OutputFolders
    let ledger: any Ledger
    let audit: any AuditTrail
    let duplicates: DuplicateGuard
    /// Copies waiting for an operator that a copy accepted in this batch supersedes: marked once every
    /// document of the batch is delivered (one of them may be this batch's, still being delivered).
    let superseded: SupersededCopies
    let intake: Intake
    let logger: Logger
    let batch: String

    /// Decides one taken file and delivers it. The decision is stored in the ledger before the file is
    /// moved, so a run killed in between delivers the same decision next time instead of deciding again.
    func handle(_ taken: Intake.Taken, recovered: Bool, processor: DocumentProcessor) throws -> DocumentRecord {
        // attributesOfItem does not follow links: a link is its own type here.
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: taken.url.path) else {
            // A retry after the original was moved and its record could not be written (a disk that filled
            // up just then): finish that delivery from the ledger.
            let decided = (try? ledger.undelivered())?.first { $0.document == taken.name && $0.batch == batch }
            if let decided, try completeDelivery(of: decided) {
                intake.release(taken)
                return decided
            }
            throw RunError(kind: .storage, message: "\(taken.name) vanished from the processing area")
        }
        if attributes[.type] as? FileAttributeType != .typeRegular {
            return try quarantine(taken, reason: "not a regular file (a folder or link taken by an earlier run)")
        }
        let sha = (try? FileBytes.read(path: taken.url.path)).map(DocumentProcessor.sha256) ?? ""
        // Content decided before is not read again, unless it was unreadable: a re-sent broken file
        // gets its own quarantine record and reason.
        if !sha.isEmpty, let first = try ledger.firstDecision(sha256: sha), first.status != .quarantine || first.document == taken.name {
            if first.document == taken.name && (recovered || first.batch == batch) {
                // A run was killed after deciding this file and before moving it: deliver that decision.
                try deliver(first, taken: taken, crops: [:], action: "recovered")
                return first
            }
            do {
                let record = DocumentRecord(
                    document: taken.name, sha256: sha, form: first.form, status: .exception,
                    violations: [
                        Violation(
                            rule: "already_processed",
                            message: "the same file (SHA-256) was processed before as \(first.document) in batch \(first.batch), with status \(first.status.rawValue); it is not processed again"
                        )
                    ], batch: batch, pipeline: first.pipeline, processedAt: DocumentProcessor.now())
                try decideAndDeliver(record, taken: taken, crops: [:])
                return record
            }
        }
        try audit.append(actor: "formflow", action: "received", document: taken.name, batch: batch, sha256: sha, detail: recovered ? "recovered from the processing area" : "taken from the inbox")
        let processed = try processor.process(file: taken.url, name: taken.name, batch: batch)
        var record = processed.record
        let routing = ContinuousClock.now
        try ledger.transition(document: taken.name, sha256: record.sha256, batch: batch, to: "read")
        let supersededCopies = try duplicates.apply(to: &record)
        try decideAndDeliver(record, taken: taken, crops: processed.crops, pageImage: processed.pageImage)
        superseded.add(supersededCopies)
        // Routing ends with the record on disk, so its time cannot be in that record: it goes to the
        // metrics and the batch report.
        let milliseconds = routing.duration(to: .now).inMilliseconds
        Telemetry.stage("route", milliseconds: milliseconds)
        record.timings?["route"] = milliseconds.rounded(toPlaces: 1)
        return record
    }

    /// `handle` with retries: storage errors are retried with backoff and then fail the run (nothing can
    /// be written); any other failure is retried and then the document is quarantined with the error, so
    /// one poison document never stops the batch.
    func work(_ taken: Intake.Taken, recovered: Bool, processor: DocumentProcessor) async throws -> DocumentRecord {
        Telemetry.inFlight.increment()
        defer { Telemetry.inFlight.decrement() }
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try handle(taken, recovered: recovered || attempt > 1, processor: processor)
            } catch let error as RunError where error.kind == .storage {
                guard attempt < 3 else { throw error }
                logger.warning("storage failed, retrying", metadata: ["document": "\(taken.name)", "attempt": "\(attempt)", "error": "\(error)"])
                Telemetry.retried(stage: "storage")
                try await Task.sleep(for: .milliseconds(250 << (2 * attempt)))
            } catch {
                guard attempt < 3 else {
                    return try quarantine(
                        taken,
                        reason: "reading failed \(attempt) times (\(Masking.maskDigitRuns(in: "\(error)"))); set aside so that the batch could go on")
                }
                Telemetry.retried(stage: "read")
                try await Task.sleep(for: .milliseconds(100 * attempt))
            }
        }
    }

    /// A run killed while delivering can leave an original in its output folder without its record (the
    /// file is no longer in the processing area, so recovery would not see it). The decision is in the
    /// ledger: write the missing record next to the original.
    func completeDeliveries() throws(RunError) {
        let pending: [DocumentRecord]
        do {
            pending = try ledger.undelivered()
        } catch {
            throw RunError(kind: .storage, message: "cannot read the ledger: \(Storage.explain(error))")
        }
        for record in pending { _ = try completeDelivery(of: record) }
    }

    /// Writes the record of a decision whose original lies in its output folder without it, and marks the
    /// delivery done. False when the original is not there: one still in the processing area (a copy across
    /// file systems may already be in place) is delivered by the normal recovery, and writing its record
    /// here too would give it two.
    func completeDelivery(of record: DocumentRecord) throws(RunError) -> Bool {
        guard !intake.holds(record.document) else { return false }
        let recordFolder = outputs.folder(for: record.status)
        let originalFolder = record.status == .accepted ? outputs.archive(batch: record.batch) : recordFolder
        let fitting = OutputFolders.fitting(record.document)
        // Under its own name, or under the name a delivery gives it beside another document of that name.
        for name in [fitting, OutputFolders.disambiguated(fitting, sha256: record.sha256)] {
            guard Storage.entryExists(originalFolder.appendingPathComponent(name)) else { continue }
            let recordURL = recordFolder.appendingPathComponent(name + ".json")
            do {
                if let data = FileManager.default.contents(atPath: recordURL.path) {
                    // Written already, by this delivery or a later decision of the same file; another
                    // document's record means this one's original is under the other name.
                    guard let written = try? JSONDecoder().decode(DocumentRecord.self, from: data),
                        written.document == record.document, written.sha256 == record.sha256
                    else { continue }
                } else {
                    try outputs.writeRecord(record, named: name)
                    try audit.append(
                        actor: "formflow", action: "recovered", document: record.document, batch: record.batch,
                        sha256: record.sha256, detail: "record rewritten from the ledger after an interrupted delivery")
                }
                try ledger.markDelivered(document: record.document, batch: record.batch)
            } catch {
                throw RunError(kind: .storage, message: "cannot complete the delivery of \(record.document): \(Storage.explain(error))")
            }
            return true
        }
        return false
    }

    func quarantine(_ taken: Intake.Taken, reason: String) throws -> DocumentRecord {
        let record = DocumentRecord(
            document: taken.name, sha256: "", form: nil, status: .quarantine, reason: reason, batch: batch,
            pipeline: "-", processedAt: DocumentProcessor.now())
        try decideAndDeliver(record, taken: taken, crops: [:])
        return record
    }

    private func decideAndDeliver(
        _ record: DocumentRecord, taken: Intake.Taken, crops: [String: [UInt8]], pageImage: [UInt8]? = nil
    ) throws {
        do {
            try ledger.finish(record)
        } catch {
            throw RunError(
                kind: .storage,
                message: "cannot record the decision for \(taken.name) in the ledger: \(Storage.explain(error))"
                    + (BatchRunner.diskFull(error) ? ". The disk is full: free space where the ledger lies and rerun; \(taken.name) stays in the processing area and is decided again." : ""))
        }
        try deliver(record, taken: taken, crops: crops, pageImage: pageImage, action: "routed")
    }

    private func deliver(
        _ record: DocumentRecord, taken: Intake.Taken, crops: [String: [UInt8]], pageImage: [UInt8]? = nil, action: String
    ) throws {
        do {
            try outputs.deliver(record, original: taken.url, crops: crops, pageImage: pageImage)
        } catch {
            throw RunError(kind: .storage, message: error.description)
        }
        try? ledger.markDelivered(document: record.document, batch: record.batch)
        intake.release(taken)
        Telemetry.documentDone(record)
        do {
            try audit.append(
                actor: "formflow", action: action, document: taken.name, batch: record.batch, sha256: record.sha256,
                detail: "\(record.status.rawValue) \(record.form?.rawValue ?? "-") \(record.violations.map(\.rule).joined(separator: ","))")
        } catch {
            throw RunError(kind: .storage, message: "cannot write the audit log: \(Storage.explain(error))")
        }
        logger.info(
            "document done",
            metadata: [
                "batch": "\(record.batch)", "document": "\(Masking.maskDigitRuns(in: taken.name))",
                "status": "\(record.status.rawValue)", "form": "\(record.form?.rawValue ?? "-")",
                "rules": "\(record.violations.map(\.rule).joined(separator: ","))",
                "ms": "\(Int(record.timings?.filter { $0.key != "ocr" }.values.reduce(0, +) ?? 0))",
            ])
    }
}

/// Hands out work: files a killed run left first, then inbox files, each taken only once stable.
actor WorkQueue {
    private var leftOver: [Intake.Taken]
    private var names: [String]
    private let intake: Intake
    /// Files still being written when the run ended: left in the inbox for the next run.
    private(set) var deferred = 0

    init(leftOver: [Intake.Taken], names: [String], intake: Intake) {
        self.leftOver = leftOver.reversed()
        self.names = names.reversed()
        self.intake = intake
    }

    func next() async throws -> (taken: Intake.Taken, recovered: Bool)? {
        if let taken = leftOver.popLast() { return (taken, true) }
        while let name = names.popLast() {
            guard intake.waitUntilStable(name) else {
                deferred += 1
                continue
            }
            if let taken = try intake.take(name) { return (taken, false) }
        }
        // Shared: the inbox is drained, but files other processes took are not decided yet. Wait while
        // they work; take over the folders of any that died (their leases expire), so that the run ends
        // only when every file has its record.
        guard intake.claims != nil else { return nil }
        let patience = ContinuousClock.now + .seconds(600)
        while ContinuousClock.now < patience {
            leftOver = try intake.takeOverExpired().reversed()
            if let taken = leftOver.popLast() { return (taken, true) }
            // A process killed between claiming a folder and moving its file in leaves the file in the
            // inbox, behind every other process's list: look again.
            for name in try intake.scan().files where intake.waitUntilStable(name, maximumWait: 5) {
                if let taken = try intake.take(name) { return (taken, false) }
            }
            guard try intake.othersAtWork() else { return nil }
            try await Task.sleep(for: .seconds(1))
        }
        return nil
    }
}

/// Shared mode: renews this process's claims every third of their lease, on its own thread (workers
/// may be busy in Tesseract for seconds).
final class LeaseKeeper: @unchecked Sendable {
    private let condition = NSCondition()
    private var stopped = false

    init(intake: Intake, logger: Logger) {
        guard let claims = intake.claims else {
            stopped = true
            return
        }
        let interval = Double(Intake.lease.components.seconds) / 3
        let owner = intake.owner
        Thread.detachNewThread { [self] in
            condition.lock()
            defer { condition.unlock() }
            while !stopped {
                _ = condition.wait(until: Date().addingTimeInterval(interval))
                guard !stopped else { break }
                do {
                    try claims.renew(owner: owner, lease: Intake.lease)
                } catch {
                    logger.warning("cannot renew the work claims", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }
}

/// One run at a time per state folder: a second `formflow run` (cron overlap) exits with its own code
/// instead of racing the first.
final class RunLock: Sendable {
    private let descriptor: Int32

    init(path: String) throws(RunError) {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else { throw RunError(kind: .storage, message: "cannot open the lock file \(path)") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw RunError(kind: .locked, message: "another formflow run holds \(path); this run exits without touching the inbox")
        }
        self.descriptor = descriptor
    }

    func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
