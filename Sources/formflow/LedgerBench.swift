import ArgumentParser
import FormFlowPostgres
import Foundation

/// `formflow bench --ledger postgres://…`: coordination must not cost throughput. On the same scans:
/// one process with N workers on the embedded SQLite ledger, then N processes with one worker each on the
/// PostgreSQL ledger (sharing the inbox, as hosts would). Reports both rates, their ratio and the database
/// transactions per document (each statement is one: the round trips).
struct LedgerBench {
    var ledger: String
    var scans: URL
    var images: [String]
    var folder: URL
    var workers: Int
    var pipeline: String
    var markdown: String

    func run() throws {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
        func prepare(_ label: String, ledgerLine: String) throws -> (inbox: URL, config: URL) {
            let root = folder.appendingPathComponent("ledger-\(label)")
            try? FileManager.default.removeItem(at: root)
            let inbox = root.appendingPathComponent("inbox")
            try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
            for image in images {
                try FileManager.default.copyItem(at: scans.appendingPathComponent(image), to: inbox.appendingPathComponent(image))
            }
            let config = root.appendingPathComponent("formflow.yaml")
            try "pipeline: \(URL(fileURLWithPath: pipeline).path)\ninbox: inbox\nout: out\nstate: state\nstable_seconds: 0\n\(ledgerLine)\n"
                .write(to: config, atomically: true, encoding: .utf8)
            return (inbox, config)
        }

        print("SQLite: 1 process × \(workers) workers …")
        let local = try prepare("sqlite", ledgerLine: "")
        let sqlite = try BenchCommand.measure {
            try BenchCommand.shell("'\(executable)' run --config '\(local.config.path)' --workers \(workers) --quiet > /dev/null")
        }

        // A fresh schema per bench: the business keys of the SQLite run's scans must not be held already.
        let database = try PostgresLedger(url: ledger)
        try database.resetForBench()
        let before = try database.transactionsCommitted()
        print("PostgreSQL: \(workers) processes × 1 worker …")
        let shared = try prepare("postgres", ledgerLine: "ledger: \(ledger)")
        let postgres = try BenchCommand.measure {
            // Processes started directly and waited for one by one (a shell's `wait` can hang on children
            // whose exit signal the shell never sees).
            let runs = try (0..<workers).map { _ in
                let process = Process()
                process.executableURL = URL(fileURLWithPath: executable)
                process.arguments = ["run", "--config", shared.config.path, "--workers", "1", "--quiet"]
                process.standardOutput = FileHandle.nullDevice
                try process.run()
                return process
            }
            for run in runs { run.waitUntilExit() }
            guard runs.allSatisfy({ $0.terminationStatus == 0 }) else {
                throw ValidationError("a PostgreSQL run failed: exit codes \(runs.map(\.terminationStatus))")
            }
        }
        let transactions = try database.transactionsCommitted() - before
        let sqliteRate = Double(images.count) / sqlite.seconds
        let postgresRate = Double(images.count) / postgres.seconds
        let table = [
            "Measured \(Date().ISO8601Format()) on \(BenchCommand.machine()), \(images.count) scans, the same in both runs.", "",
            "| run | pages/s | × SQLite | database transactions per document |", "|---|---|---|---|",
            "| SQLite, 1 process × \(workers) workers | \(String(format: "%.2f", sqliteRate)) | 1.00 | — |",
            "| PostgreSQL, \(workers) processes × 1 worker | \(String(format: "%.2f", postgresRate)) | \(String(format: "%.2f", postgresRate / sqliteRate)) | \(String(format: "%.1f", Double(transactions) / Double(images.count))) |",
        ].joined(separator: "\n")
        print(table)
        try BenchCommand.update(markdown: markdown, with: table, begin: "<!-- bench-ledger:begin -->", end: "<!-- bench-ledger:end -->")
    }
}
