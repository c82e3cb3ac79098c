import ArgumentParser
import FormFlowLedger
import FormFlowPostgres
import FormFlowRuntime
import Foundation

/// `formflow ledger export|import`: moves a ledger between backends (an SQLite ledger into PostgreSQL
/// when an office outgrows one host). Export the configured ledger to a JSON file, then import it into
/// the ledger named by `--ledger`; rows already there are kept.
struct LedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Export the ledger to a file, or import one (e.g. SQLite into PostgreSQL).",
        subcommands: [Export.self, Import.self]
    )

    static func open(_ options: CommonOptions) throws -> any Ledger & LedgerTransfer {
        let settings = try options.settings()
        do {
            if let url = settings.ledger { return try PostgresLedger(url: url) }
            let path = (settings.stateFolder as NSString).appendingPathComponent("ledger.sqlite")
            guard FileManager.default.fileExists(atPath: path) else {
                throw ValidationError("no ledger at \(path); pass --config or --out of the installation to export")
            }
            return try SQLiteLedger(path: path)
        } catch let error as PostgresLedgerError {
            FileHandle.standardError.write(Data("formflow ledger: \(error)\n".utf8))
            throw error.kind == .unreachable ? ExitCodes.storage : ExitCodes.configuration
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write every document, key and transition of the configured ledger to a JSON file.")

        @Option(name: .customLong("to"), help: "The file to write.")
        var file: String

        @OptionGroup var options: CommonOptions

        func run() throws {
            let dump = try LedgerCommand.open(options).exportAll()
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            try encoder.encode(dump).write(to: URL(fileURLWithPath: file))
            print("exported \(dump.documents.count) documents, \(dump.acceptedKeys.count) accepted keys, \(dump.pendingKeys.count) pending keys, \(dump.transitions.count) transitions to \(file)")
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add the rows of an exported file to the configured ledger (--ledger postgres://… for PostgreSQL); rows already there are kept.")

        @Argument(help: "A file written by `formflow ledger export`.")
        var file: String

        @OptionGroup var options: CommonOptions

        func run() throws {
            let dump = try JSONDecoder().decode(LedgerDump.self, from: Data(contentsOf: URL(fileURLWithPath: file)))
            let ledger = try LedgerCommand.open(options)
            try ledger.importAll(dump)
            print("imported \(dump.documents.count) documents, \(dump.acceptedKeys.count) accepted keys, \(dump.pendingKeys.count) pending keys into the ledger")
        }
    }
}
