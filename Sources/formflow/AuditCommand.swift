import ArgumentParser
import FormFlowLedger
import FormFlowPostgres
import FormFlowRuntime
import Foundation

/// `formflow audit verify`: checks the hash chain of the audit log.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Work with the audit log.",
        subcommands: [Verify.self]
    )

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that no audit entry was edited, removed or reordered; exits 1 and names the lines when one was."
        )

        @Option(help: "The audit log. Default: the PostgreSQL ledger's chain when one is configured (--ledger), else audit.log in the state folder the settings name (<out>/state).")
        var log: String?

        @OptionGroup var options: CommonOptions

        func run() throws {
            let settings = try options.settings()
            let trail: any AuditTrail
            let path: String
            if log == nil, let url = settings.ledger {
                do {
                    trail = try PostgresLedger(url: url)
                } catch {
                    FileHandle.standardError.write(Data("formflow audit: \(error)\n".utf8))
                    throw error.kind == .unreachable ? ExitCodes.storage : ExitCodes.configuration
                }
                path = PostgresAddress(url)?.description ?? "the ledger"
            } else {
                path = log ?? (settings.stateFolder as NSString).appendingPathComponent("audit.log")
                trail = AuditLog(path: path)
            }
            let result: (entries: Int, breaks: [AuditLog.Break])
            do {
                result = try trail.verify()
            } catch {
                FileHandle.standardError.write(Data("formflow audit: \(error)\n".utf8))
                throw ExitCodes.storage
            }
            if result.breaks.isEmpty {
                print("\(path): \(result.entries) entries, chain intact")
                return
            }
            for entry in result.breaks { print("\(path):\(entry.line): \(entry.reason)") }
            print("\(path): \(result.entries) entries, \(result.breaks.count) broken link(s)")
            throw ExitCode(1)
        }
    }
}
