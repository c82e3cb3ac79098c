import ArgumentParser
import FormFlowRuntime
import FormFlowYAML
import Foundation

/// Options every command that processes documents shares.
struct CommonOptions: ParsableArguments {
    @Option(
        name: .long,
        help: "Settings file. Default: $FORMFLOW_CONFIG, else ./config/formflow.yaml, else /etc/formflow/formflow.yaml, else built-in defaults.")
    var config: String?

    @Option(name: .long, help: "Pipeline YAML (templates and rules). Default: the one the settings name.")
    var pipeline: String?

    @Option(name: .long, help: "Folder to take scans from. Default: the settings' inbox.")
    var inbox: String?

    @Option(name: .long, help: "Folder for records and originals (accepted/, exceptions/, quarantine/). Default: the settings' out.")
    var out: String?

    @Option(name: .long, help: "Number of OCR workers, one Tesseract engine each. Default: the settings' workers (0 = one per core).")
    var workers: Int?

    @Option(
        name: .long,
        help: "Ledger database: postgres://USER[:PASS]@HOST:PORT/DB, shared by many processes and hosts. Default: the settings' ledger, $FORMFLOW_LEDGER, else SQLite in the state folder.")
    var ledger: String?

    @Flag(name: .long, help: "Print only the summary, no per-document log lines.")
    var quiet = false

    func validate() throws {
        if let workers, workers < 1 || workers > 256 {
            throw ValidationError("--workers must be between 1 and 256")
        }
    }

    /// Settings and the pipeline they name; a configuration error is printed with file and line and
    /// becomes exit code 78.
    func load() throws -> (Settings, Pipeline) {
        do {
            let settings = try settings()
            return (settings, try Pipeline.load(path: settings.pipelinePath))
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("formflow: configuration error: \(error)\n".utf8))
            throw ExitCodes.configuration
        }
    }

    /// Settings from the file, then the command line on top.
    func settings() throws -> Settings {
        var settings = Settings.defaults
        if let path = Settings.configPath(option: config) {
            settings = try Settings.load(path: path)
        } else if let installed = Settings.installedPipeline() {
            settings.pipelinePath = installed
        }
        if let pipeline { settings.pipelinePath = pipeline }
        if let inbox { settings.inbox = inbox }
        if let out { settings.out = out }
        if let workers { settings.workers = workers }
        if let ledger { settings.ledger = ledger.isEmpty ? nil : ledger }
        return settings
    }
}
