import ArgumentParser
import FormFlowLedger
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

        @Option(help: "The audit log. Default: audit.log in the state folder the settings name (<out>/state).")
        var log: String?

        @OptionGroup var options: CommonOptions

        func run() throws {
            let path = try log ?? (options.settings().stateFolder as NSString).appendingPathComponent("audit.log")
            let result: (entries: Int, breaks: [AuditLog.Break])
            do {
                result = try AuditLog(path: path).verify()
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
