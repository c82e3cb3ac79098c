import Foundation

/// poppler's command-line tools (`pdfinfo`, `pdftotext`, `pdftoppm`) run as child processes, each with a
/// wall-clock limit, a CPU-time limit and an address-space limit. A hostile PDF that crashes or hangs
/// poppler costs one child process, never the worker (see README: why poppler runs out of process).
public struct PopplerTools: Sendable {
    public var timeout: Duration
    /// Address space of one tool run, in kilobytes.
    public var memoryLimitKB: Int

    public init(timeout: Duration = .seconds(20), memoryLimitKB: Int = 1_048_576) {
        self.timeout = timeout
        self.memoryLimitKB = memoryLimitKB
    }

    public struct Output: Sendable {
        public var status: Int32
        public var standardError: String
    }

    /// Whether poppler-utils is installed (scripts/install-deps.sh installs it).
    public static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/pdftotext") }

    /// Runs `tool` with `arguments`; its standard output goes to `output` (a file: no pipe to deadlock on).
    public func run(_ tool: String, _ arguments: [String], output: URL) throws(DigitalError) -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        let seconds = max(1, Int(timeout.components.seconds))
        // ulimit in the child's shell, then exec: the limits hold for the tool alone.
        process.arguments = ["-c", "ulimit -v \(memoryLimitKB) -t \(seconds) 2>/dev/null; exec \"$0\" \"$@\"", "/usr/bin/\(tool)"] + arguments
        let errorFile = output.appendingPathExtension("stderr")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorFile) }
        do {
            process.standardOutput = try FileHandle(forWritingTo: output)
            process.standardError = try FileHandle(forWritingTo: errorFile)
            process.standardInput = FileHandle.nullDevice
            try process.run()
        } catch {
            throw DigitalError(.toolFailed, "\(tool) could not be started (\(error)); install poppler-utils (scripts/install-deps.sh)")
        }
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                throw DigitalError(.toolFailed, "\(tool) took longer than \(timeout) on this file; it was stopped")
            }
            usleep(2_000)
        }
        let standardError = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
        if process.terminationReason == .uncaughtSignal {
            throw DigitalError(
                .toolFailed,
                "\(tool) died on this file (signal \(process.terminationStatus): over its memory or time limit, or a damaged file)")
        }
        return Output(status: process.terminationStatus, standardError: String(standardError.prefix(2_000)))
    }
}
