import FormFlowCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Counts and timings of one batch, printed at the end and written as `<out>/reports/batch-<id>.json`.
public struct BatchSummary: Sendable, Codable {
    public var batch: String
    public var total: Int = 0
    public var byStatus: [String: Int] = [:]
    public var byForm: [String: Int] = [:]
    public var byRule: [String: Int] = [:]
    public var seconds: Double = 0
    /// Files still being written when the run ended, left in the inbox for the next run.
    public var deferred: Int = 0
    /// Per stage: mean, median and 95th percentile in milliseconds. `ocr` is Tesseract's time within
    /// `classify` and `extract`; `route` (ledger, duplicate check, delivery, audit) is not in the records.
    public var stages: [String: [String: Double]] = [:]
    public var out: String
    /// The largest resident memory of this process so far (MB), when the batch ended: the workers' peak
    /// (the second OCR model's processes are not counted).
    public var peakResidentMegabytes: Double?

    public var documentsPerSecond: Double { seconds > 0 ? Double(total) / seconds : 0 }

    /// Of the documents of a known form, the share accepted without an operator.
    public var straightThroughRate: Double {
        let classified = (byStatus["accepted"] ?? 0) + (byStatus["exception"] ?? 0) - (byRule["unknown_form"] ?? 0)
        return classified > 0 ? Double(byStatus["accepted"] ?? 0) / Double(classified) : 0
    }

    enum CodingKeys: String, CodingKey {
        case batch, total, seconds, out, deferred, stages
        case byStatus = "by_status"
        case byForm = "by_form"
        case byRule = "by_rule"
        case documentsPerSecond = "documents_per_second"
        case straightThroughRate = "straight_through_rate"
        case peakResidentMegabytes = "peak_rss_mb"
    }

    public init(batch: String, out: String) {
        self.batch = batch
        self.out = out
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        batch = try container.decode(String.self, forKey: .batch)
        out = try container.decode(String.self, forKey: .out)
        total = try container.decode(Int.self, forKey: .total)
        seconds = try container.decode(Double.self, forKey: .seconds)
        deferred = try container.decode(Int.self, forKey: .deferred)
        stages = try container.decode([String: [String: Double]].self, forKey: .stages)
        byStatus = try container.decode([String: Int].self, forKey: .byStatus)
        byForm = try container.decode([String: Int].self, forKey: .byForm)
        byRule = try container.decode([String: Int].self, forKey: .byRule)
        peakResidentMegabytes = try container.decodeIfPresent(Double.self, forKey: .peakResidentMegabytes)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(batch, forKey: .batch)
        try container.encode(out, forKey: .out)
        try container.encode(total, forKey: .total)
        try container.encode(seconds, forKey: .seconds)
        try container.encode(deferred, forKey: .deferred)
        try container.encode(stages, forKey: .stages)
        try container.encode(byStatus, forKey: .byStatus)
        try container.encode(byForm, forKey: .byForm)
        try container.encode(byRule, forKey: .byRule)
        try container.encode(documentsPerSecond, forKey: .documentsPerSecond)
        try container.encode(straightThroughRate, forKey: .straightThroughRate)
        try container.encodeIfPresent(peakResidentMegabytes, forKey: .peakResidentMegabytes)
    }

    /// This process's peak resident memory so far, in MB (Linux reports `ru_maxrss` in KB).
    static func peakResidentMegabytesOfThisProcess() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    mutating func add(_ record: DocumentRecord) {
        total += 1
        byStatus[record.status.rawValue, default: 0] += 1
        byForm[record.form?.rawValue ?? "unknown", default: 0] += 1
        for violation in record.violations { byRule[violation.rule, default: 0] += 1 }
    }

    mutating func computeStages(_ records: [DocumentRecord]) {
        var samples: [String: [Double]] = [:]
        for record in records {
            for (stage, milliseconds) in record.timings ?? [:] { samples[stage, default: []].append(milliseconds) }
        }
        for (stage, values) in samples {
            let sorted = values.sorted()
            func percentile(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p + 0.5))] }
            stages[stage] = [
                "mean_ms": values.reduce(0, +) / Double(values.count), "p50_ms": percentile(0.5),
                "p95_ms": percentile(0.95),
            ]
        }
    }

    func write(to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: folder.appendingPathComponent("batch-\(batch).json"), options: .atomic)
    }
}

/// Progress on a terminal: one line rewritten in place (done/total, docs/s, ETA). Silent when standard
/// error is not a terminal (cron), where the per-document log lines say the same.
final class Progress: @unchecked Sendable {
    private let lock = NSLock()
    private let total: Int
    private let started: ContinuousClock.Instant
    private var done = 0
    private let enabled = isatty(STDERR_FILENO) == 1

    init(total: Int, started: ContinuousClock.Instant) {
        self.total = total
        self.started = started
    }

    func step() {
        guard enabled else { return }
        lock.withLock {
            done += 1
            let elapsed = started.duration(to: .now)
            let seconds = elapsed.inSeconds
            let rate = seconds > 0 ? Double(done) / seconds : 0
            let eta = rate > 0 ? Double(total - done) / rate : 0
            let line = String(format: "\r%d/%d documents, %.2f docs/s, ETA %.0f s   ", done, total, rate, eta)
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
