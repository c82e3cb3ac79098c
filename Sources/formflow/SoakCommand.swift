import ArgumentParser
import FormFlowRuntime
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `formflow soak`: drops scans into a running `formflow watch` in bursts and measures drop-to-record
/// latency and the daemon's resident memory over the run.
struct SoakCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak",
        abstract: "Drop scans into `formflow watch` in bursts; report drop-to-record latency p50/p95 and memory over the run."
    )

    @Option(help: "Folder of scans to drop (each dropped once, in name order). Make them with tools/make_scans.py.")
    var scans: String

    @Option(help: "Scans per burst.")
    var burst = 50

    @Option(help: "Seconds between bursts.")
    var pause = 5.0

    @Option(help: "Workers of the watch daemon.")
    var workers = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Folder for the daemon's inbox and output. Default: a new folder under /tmp.")
    var work: String?

    @Option(help: "Port for the daemon's /metrics.")
    var port = 19_464

    func run() throws {
        let folder = URL(fileURLWithPath: work ?? NSTemporaryDirectory() + "formflow-soak-\(UUID().uuidString.prefix(8))")
        let inbox = folder.appendingPathComponent("inbox")
        let staging = folder.appendingPathComponent("staging")
        let out = folder.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        let images = try FileManager.default.contentsOfDirectory(atPath: scans)
            .filter { ["png", "jpg", "tif"].contains(($0 as NSString).pathExtension) }.sorted()
        guard !images.isEmpty else { throw ValidationError("no scans in \(scans)") }

        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        daemon.arguments = [
            "watch", "--inbox", inbox.path, "--out", out.path, "--workers", "\(workers)", "--port", "\(port)",
            "--poll-seconds", "0.2",
        ]
        daemon.standardOutput = FileHandle.nullDevice
        daemon.standardError = FileHandle.nullDevice
        try daemon.run()
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }

        var dropped: [String: Date] = [:]
        var latencies: [Double] = []
        var memory: [(documents: Int, megabytes: Double)] = []
        var done: Set<String> = []
        var next = 0
        let started = Date()
        var lastBurst = Date.distantPast
        while done.count < images.count {
            if next < images.count && Date().timeIntervalSince(lastBurst) >= pause {
                for image in images[next..<min(images.count, next + burst)] {
                    // Copied beside the inbox, then renamed in: the daemon never sees half a file here.
                    let staged = staging.appendingPathComponent(image)
                    try FileManager.default.copyItem(at: URL(fileURLWithPath: scans).appendingPathComponent(image), to: staged)
                    try FileManager.default.moveItem(at: staged, to: inbox.appendingPathComponent(image))
                    dropped[image] = Date()
                }
                next = min(images.count, next + burst)
                lastBurst = Date()
            }
            usleep(200_000)
            for status in ["accepted", "exceptions", "quarantine"] {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent(status).path)) ?? []
                for name in names where name.hasSuffix(".json") {
                    let document = String(name.dropLast(5))
                    if !done.contains(document), let time = dropped[document] {
                        done.insert(document)
                        latencies.append(Date().timeIntervalSince(time))
                        if done.count == 200 || done.count % 500 == 0 || done.count == images.count {
                            memory.append((done.count, Self.residentMegabytes(of: daemon.processIdentifier)))
                        }
                    }
                }
            }
            guard daemon.isRunning else { throw ValidationError("the watch daemon stopped early") }
        }
        kill(daemon.processIdentifier, SIGTERM)
        daemon.waitUntilExit()

        latencies.sort()
        func percentile(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count - 1) * p))] }
        let seconds = Date().timeIntervalSince(started)
        print("soak: \(images.count) documents in bursts of \(burst) every \(pause) s, \(workers) workers, \(String(format: "%.0f", seconds)) s")
        print(String(format: "drop-to-record latency p50 %.2f s, p95 %.2f s", percentile(0.5), percentile(0.95)))
        for sample in memory { print(String(format: "resident memory after %d documents: %.0f MB", sample.documents, sample.megabytes)) }
        print("daemon exit status after SIGTERM: \(daemon.terminationStatus)")
    }

    static func residentMegabytes(of pid: Int32) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return 0 }
        let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        return kilobytes / 1024
    }
}
