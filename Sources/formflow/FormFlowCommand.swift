import ArgumentParser
import FormFlowOCR

@main
struct FormFlowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "formflow",
        abstract: "Reads scanned expense claims and VAT invoices, checks them, and routes each to one place.",
        discussion: """
            Exit codes (for cron):
              0   every file was routed (accepted, exceptions and quarantine all count)
              64  wrong command-line usage
              69  the OCR engine could not start (language data missing)
              74  storage failed (inbox or output folder unreadable or unwritable, disk full)
              75  another formflow run holds the state folder's lock (cron overlap); nothing was touched
              78  configuration is invalid (the message names file and line)
            """,
        subcommands: [RunCommand.self, WatchCommand.self, ExceptionsCommand.self, EvalCommand.self, BenchCommand.self, SoakCommand.self, AuditCommand.self, LedgerCommand.self, ServeCommand.self, UsersCommand.self, OCRCommand.self, InspectCommand.self],
        defaultSubcommand: RunCommand.self
    )

    static func main() async {
        ProcessStart.restartIfNeeded()
        await main(nil)
    }
}

/// Exit codes from sysexits.h, so that cron and monitoring tell a failed run from a run with exceptions.
enum ExitCodes {
    static let configuration = ExitCode(78)
    static let storage = ExitCode(74)
    static let engineUnavailable = ExitCode(69)
    static let locked = ExitCode(75)
}
