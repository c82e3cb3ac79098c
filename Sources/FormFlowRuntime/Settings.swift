import FormFlowOCR
import FormFlowYAML
import Foundation

/// FormFlow's settings: the configured file (config/formflow.yaml), then command-line overrides.
public struct Settings: Sendable {
    public var pipelinePath: String
    public var inbox: String
    public var out: String
    /// Folder of the ledger and the audit log; `nil` means `<out>/state`.
    public var state: String?
    /// OCR workers; 0 means one per CPU core.
    public var workers: Int
    public var limits: ImageLimits
    public var maxFileBytes: Int
    /// Seconds a file's size and modification time must stay unchanged before it is taken.
    public var stableSeconds: Double
    public var tessdata: String?
    /// The ledger's database: nil is the embedded SQLite file in the state folder; `postgres://…` is a
    /// PostgreSQL database that many processes on many hosts share (`--ledger`, `ledger:`, `FORMFLOW_LEDGER`).
    public var ledger: String? = ProcessInfo.processInfo.environment["FORMFLOW_LEDGER"].flatMap { $0.isEmpty ? nil : $0 }

    /// The settings FormFlow uses when no file is given (the same values config/formflow.yaml ships).
    public static let defaults = Settings(
        pipelinePath: "Pipelines/default.yaml", inbox: "inbox", out: "out", state: nil, workers: 0, limits: ImageLimits(),
        maxFileBytes: 100 * 1024 * 1024, stableSeconds: 2, tessdata: nil)

    /// The folder of the ledger and the audit log.
    public var stateFolder: String { state ?? (out as NSString).appendingPathComponent("state") }

    /// The number of workers to start: the configured count, or the number of cores.
    public var effectiveWorkers: Int {
        workers > 0 ? workers : max(1, ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Reads a settings file; unknown keys and bad values fail with file and line.
    public static func load(path: String) throws(ConfigurationError) -> Settings {
        let root = try ConfigNode.load(path: path)
        try root.allowOnly([
            "pipeline", "inbox", "out", "state", "workers", "default_dpi", "max_pixels", "jpeg_reduced_above_pixels", "max_pages", "max_file_bytes", "stable_seconds", "tessdata", "ledger",
        ])
        var settings = Settings.defaults
        // Paths in a settings file are the file's own: relative ones resolve against its folder, so the
        // same file works whatever folder FormFlow is started from (cron, systemd: `/`).
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        func resolved(_ value: String) -> String {
            value.hasPrefix("/") ? value : folder.appendingPathComponent(value).standardizedFileURL.path
        }
        settings.pipelinePath = Self.installedPipeline() ?? settings.pipelinePath
        if let node = try root.optional("pipeline") { settings.pipelinePath = resolved(try node.string()) }
        if let node = try root.optional("inbox") { settings.inbox = resolved(try node.string()) }
        if let node = try root.optional("out") { settings.out = resolved(try node.string()) }
        if let node = try root.optional("state") {
            let value = try node.string()
            settings.state = value.isEmpty ? nil : resolved(value)
        }
        if let node = try root.optional("workers") {
            settings.workers = try node.int()
            guard settings.workers >= 0 else { throw node.error("workers must be 0 (one per core) or more") }
        }
        if let node = try root.optional("default_dpi") {
            settings.limits.defaultDPI = try node.int()
            guard (50...1200).contains(settings.limits.defaultDPI) else {
                throw node.error("default_dpi must lie between 50 and 1200")
            }
        }
        if let node = try root.optional("max_pixels") {
            settings.limits.maxPixels = try node.int()
            guard settings.limits.maxPixels > 0 else { throw node.error("max_pixels must be positive") }
        }
        if let node = try root.optional("jpeg_reduced_above_pixels") {
            settings.limits.reducedDecodingAbove = try node.int()
            guard settings.limits.reducedDecodingAbove >= 1_000_000 else {
                throw node.error("jpeg_reduced_above_pixels must be at least 1000000 (one megapixel)")
            }
        }
        if let node = try root.optional("max_pages") {
            settings.limits.maxPages = try node.int()
            guard settings.limits.maxPages > 0 else { throw node.error("max_pages must be positive") }
        }
        if let node = try root.optional("max_file_bytes") {
            settings.maxFileBytes = try node.int()
            guard settings.maxFileBytes > 0 else { throw node.error("max_file_bytes must be positive") }
        }
        if let node = try root.optional("stable_seconds") {
            settings.stableSeconds = try node.double()
            guard (0...600).contains(settings.stableSeconds) else { throw node.error("stable_seconds must lie between 0 and 600") }
        }
        if let node = try root.optional("tessdata") {
            let value = try node.string()
            settings.tessdata = value.isEmpty ? nil : resolved(value)
        }
        if let node = try root.optional("ledger"), settings.ledger == nil || ProcessInfo.processInfo.environment["FORMFLOW_LEDGER"] == nil {
            let value = try node.string()
            guard value.isEmpty || value.hasPrefix("postgres://") || value.hasPrefix("postgresql://") else {
                throw node.error("ledger must be empty (SQLite in the state folder) or postgres://USER[:PASS]@HOST:PORT/DB")
            }
            settings.ledger = value.isEmpty ? nil : value
        }
        return settings
    }

    /// Where the settings file is, when `--config` does not say: `FORMFLOW_CONFIG`, then
    /// `./config/formflow.yaml`, then `/etc/formflow/formflow.yaml`. Nil: the built-in defaults.
    public static func configPath(
        option: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
        exists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }
    ) -> String? {
        if let option { return option }
        if let variable = environment["FORMFLOW_CONFIG"], !variable.isEmpty { return variable }
        for candidate in ["config/formflow.yaml", "/etc/formflow/formflow.yaml"] where exists(candidate) { return candidate }
        return nil
    }

    /// The default pipeline when none is configured: `./Pipelines/default.yaml` in a checkout, else the
    /// installed one (`scripts/install.sh`: `/usr/local/share/formflow/Pipelines`, or `../share/formflow`
    /// beside the binary).
    public static func installedPipeline(exists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }) -> String? {
        if exists("Pipelines/default.yaml") { return nil }
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "/").resolvingSymlinksInPath()
        let besideBinary = executable.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("share/formflow/Pipelines/default.yaml").path
        return [besideBinary, "/usr/local/share/formflow/Pipelines/default.yaml"].first(where: exists)
    }
}
