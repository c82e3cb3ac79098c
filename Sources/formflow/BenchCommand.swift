import ArgumentParser
import FormFlowCore
import FormFlowRuntime
import FormFlowOCR
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `formflow bench`: the naive loop (the `tesseract` command on every full page, chi_sim+eng, with the
/// same parallelism through `xargs -P`) against FormFlow with one worker and with N, on the same unique
/// scans, in one run. Writes a JSON report and updates the table in BENCHMARKS.md.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmark FormFlow against the naive tesseract loop on the same scans; update BENCHMARKS.md."
    )

    @Option(help: "How many unique scans to make (tools/make_scans.py) when --scans is not given.")
    var count = 200

    @Flag(help: "Make documents as offices send them (phone photos, colour scans with seals, G4 TIFFs, other typefaces, look-alike suppliers) instead of office scans.")
    var office = false

    /// An office inbox as issue 15 measured one: of 80 documents, 14 phone photos, 19 colour scans, 7
    /// black-and-white TIFFs and the rest office scans.
    static let officeMix = "phone,phone,scan,scan,scan,scan,scan,scan,colour,colour,colour,bw"

    @Option(help: "With --office: the capture modes to make, in proportion (comma list of phone, colour, bw, scan). Default: an office inbox's mix, \(BenchCommand.officeMix); phone,colour,bw,scan makes a quarter of each.")
    var capture = BenchCommand.officeMix

    @Flag(help: "Measure digital invoices instead (OFD, 数电 XML, PDF with a text layer): CPU per document and format.")
    var digital = false

    @Option(help: "PostgreSQL ledger (postgres://…): compare N processes × 1 worker on it with 1 process × N workers on SQLite. Its tables are emptied first: use a database of its own.")
    var ledger: String?

    @Option(help: "Use the scans in this folder instead of making new ones.")
    var scans: String?

    @Option(help: "Parallelism of the baseline and of the second FormFlow run. Default: the number of cores.")
    var workers: Int?

    @Option(help: "Folder for scans, outputs and bench.json. Default: a new folder under /tmp.")
    var work: String?

    @Option(help: "BENCHMARKS.md to update (the table between its markers).")
    var markdown = "BENCHMARKS.md"

    @Option(help: "Pipeline YAML.")
    var pipeline = "Pipelines/default.yaml"

    struct Measurement: Codable {
        var name: String
        var workers: Int
        var pages: Int
        var seconds: Double
        var pagesPerSecond: Double
        var cpuUtilisation: Double
        var peakRSSMegabytes: Double?
        var tesseractShare: Double?
        var stageSecondsPerPage: [String: Double]?
    }

    func run() throws {
        let parallel = workers ?? ProcessInfo.processInfo.activeProcessorCount
        let repository = try Self.repositoryRoot()
        // The baseline is the `tesseract` command itself (Debian's tesseract-ocr), which FormFlow does not need.
        if !digital && ledger == nil {
            try Self.shell("command -v tesseract >/dev/null || '\(repository.path)/scripts/install-deps.sh' tesseract-ocr")
        }
        let folder = URL(fileURLWithPath: work ?? NSTemporaryDirectory() + "formflow-bench-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        if digital {
            try DigitalBench(count: count, folder: folder, pipeline: pipeline, markdown: markdown).run(repository: repository)
            return
        }
        let scanFolder: URL
        if let scans {
            scanFolder = URL(fileURLWithPath: scans)
        } else {
            scanFolder = folder.appendingPathComponent("scans")
            print("making \(count) unique scans in \(scanFolder.path) …")
            // The wrapper installs Pillow and the font the generator needs when they are missing.
            try Self.shell(
                "'\(repository.path)/tools/make-scans.sh' '\(scanFolder.path)' --count \(count) --seed \(Int.random(in: 1...9999)) --violations 0.3\(office ? " --capture \(capture)" : "")")
        }
        let images = try FileManager.default.contentsOfDirectory(atPath: scanFolder.path)
            .filter { ["png", "jpg", "tif"].contains(($0 as NSString).pathExtension) }.sorted()
        guard !images.isEmpty else { throw ValidationError("no scans in \(scanFolder.path)") }

        if let ledger {
            try LedgerBench(
                ledger: ledger, scans: scanFolder, images: images, folder: folder, workers: parallel, pipeline: pipeline,
                markdown: markdown
            ).run()
            return
        }
        var results: [Measurement] = []
        print("baseline: tesseract CLI, full page, chi_sim+eng, xargs -P \(parallel) …")
        let list = folder.appendingPathComponent("list.txt")
        try images.map { scanFolder.appendingPathComponent($0).path }.joined(separator: "\n").write(to: list, atomically: true, encoding: .utf8)
        // Each file's wall time is noted too (a `date` either side, about 2 ms): the shares of the capture
        // modes in the baseline's time (`CaptureShares`).
        let perFile = folder.appendingPathComponent("baseline-per-file.txt")
        try? FileManager.default.removeItem(at: perFile)
        // The loop runs with the allocator's settings as this program was started with them, not with the
        // huge pages FormFlow asks for itself (`ProcessStart`): they make the tesseract CLI faster too.
        let tunables = ProcessStart.tunablesAsStarted.map { "GLIBC_TUNABLES='\($0)'" } ?? "env -u GLIBC_TUNABLES"
        let baseline = try Self.measure {
            try Self.shell(
                "\(tunables) OMP_THREAD_LIMIT=1 xargs -a '\(list.path)' -d '\\n' -P \(parallel) -I{} sh -c 'b=$(date +%s%N); tesseract \"$1\" - -l chi_sim+eng > /dev/null 2>&1; echo \"$(( $(date +%s%N) - b )) $1\" >> \"$2\"' _ {} '\(perFile.path)'")
        }
        results.append(
            Measurement(
                name: "tesseract CLI (naive)", workers: parallel, pages: images.count, seconds: baseline.seconds,
                pagesPerSecond: Double(images.count) / baseline.seconds,
                cpuUtilisation: baseline.cpu / baseline.seconds / Double(ProcessInfo.processInfo.activeProcessorCount),
                peakRSSMegabytes: nil))

        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
        for workerCount in Array(Set([1, parallel])).sorted() {
            print("FormFlow, \(workerCount) worker(s) …")
            let inbox = folder.appendingPathComponent("inbox-\(workerCount)")
            let out = folder.appendingPathComponent("out-\(workerCount)")
            try? FileManager.default.removeItem(at: inbox)
            try? FileManager.default.removeItem(at: out)
            try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
            for image in images {
                try FileManager.default.copyItem(at: scanFolder.appendingPathComponent(image), to: inbox.appendingPathComponent(image))
            }
            let config = folder.appendingPathComponent("bench.yaml")
            try "stable_seconds: 0\npipeline: \(URL(fileURLWithPath: pipeline).path)\n".write(to: config, atomically: true, encoding: .utf8)
            let measured = try Self.measure {
                try Self.shell(
                    "'\(executable)' run --config '\(config.path)' --inbox '\(inbox.path)' --out '\(out.path)' --workers \(workerCount) --quiet > /dev/null")
            }
            let report = try Self.batchReport(out: out)
            // Mean seconds per document of each stage.
            let stages = report.stages.compactMapValues { $0["mean_ms"].map { $0 / 1000 } }
            // The run's own peak from its report: the children's peak `measure` sees also counts the
            // generator and the baseline's tesseract processes.
            let peak = report.peakResidentMegabytes ?? measured.peakRSS
            let share = (stages["ocr"] ?? 0) * Double(images.count) / (measured.seconds * Double(workerCount))
            results.append(
                Measurement(
                    name: "FormFlow", workers: workerCount, pages: images.count, seconds: measured.seconds,
                    pagesPerSecond: Double(images.count) / measured.seconds,
                    cpuUtilisation: measured.cpu / measured.seconds / Double(ProcessInfo.processInfo.activeProcessorCount),
                    peakRSSMegabytes: peak, tesseractShare: share, stageSecondsPerPage: stages))
        }

        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(results).write(to: folder.appendingPathComponent("bench.json"))
        var table = Self.table(results, machine: Self.machine())
        if let shares = try? CaptureShares(
            baselineTimes: perFile, baselineCPU: baseline.cpu, records: folder.appendingPathComponent("out-1"))
        {
            table += "\n\n" + shares.table()
        }
        print(table)
        try Self.update(markdown: markdown, with: table)
        print("report: \(folder.appendingPathComponent("bench.json").path); table updated in \(markdown)")
    }

    /// The checkout this binary was built in (or the working directory): its tools and scripts make the
    /// scans and install what the baseline needs.
    static func repositoryRoot() throws -> URL {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var candidates = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        var folder = executable.deletingLastPathComponent()
        while folder.path != "/" {
            candidates.append(folder)
            folder = folder.deletingLastPathComponent()
        }
        guard let root = candidates.first(where: { FileManager.default.fileExists(atPath: $0.appendingPathComponent("tools/make-scans.sh").path) })
        else {
            throw ValidationError("cannot find the FormFlow checkout (tools/make-scans.sh); run `formflow bench` from it")
        }
        return root
    }

    /// The batch report a run wrote (`<out>/reports/batch-<id>.json`): its stage timings, which also
    /// hold the routing time the records cannot, and the run's own peak memory.
    static func batchReport(out: URL) throws -> BatchSummary {
        let reports = out.appendingPathComponent("reports")
        let names = try FileManager.default.contentsOfDirectory(atPath: reports.path)
            .filter { $0.hasPrefix("batch-") && $0.hasSuffix(".json") }
        guard names.count == 1, let name = names.first else {
            throw ValidationError("expected one batch report in \(reports.path), found \(names.count)")
        }
        return try JSONDecoder().decode(BatchSummary.self, from: Data(contentsOf: reports.appendingPathComponent(name)))
    }

    static func shell(_ command: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidationError("command failed (\(process.terminationStatus)): \(command)")
        }
    }

    /// Wall seconds, CPU seconds of the children, and the largest child's peak resident memory (MB).
    static func measure(_ body: () throws -> Void) throws -> (seconds: Double, cpu: Double, peakRSS: Double) {
        var before = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &before)
        let started = ContinuousClock.now
        try body()
        let elapsed = started.duration(to: .now)
        var after = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &after)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        let cpu = seconds(after.ru_utime) + seconds(after.ru_stime) - seconds(before.ru_utime) - seconds(before.ru_stime)
        return (
            elapsed.inSeconds, cpu,
            Double(after.ru_maxrss) / 1024
        )
    }

    static func machine() -> String {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = info.split(separator: "\n").first { $0.hasPrefix("model name") }
        let cpu = model.flatMap { $0.split(separator: ":").last }.map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown CPU"
        return "\(ProcessInfo.processInfo.activeProcessorCount) cores, \(cpu), \(ProcessInfo.processInfo.physicalMemory / 1_073_741_824) GiB"
    }

    static func table(_ results: [Measurement], machine: String) -> String {
        let baseline = results.first { $0.name.hasPrefix("tesseract") }
        var lines = [
            "Measured \(Date().ISO8601Format()) on \(machine), \(results.first?.pages ?? 0) unique scans.", "",
            "| run | workers | pages/s | × baseline | ms/page: load / normalise / OCR (Tesseract) / extract (form + fields, without Tesseract) / validate / route | Tesseract share | peak RSS MB | CPU use |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for result in results {
            let ratio = baseline.map { result.pagesPerSecond / $0.pagesPerSecond } ?? 0
            var stages = "—"
            if let perStage = result.stageSecondsPerPage {
                let ocr = perStage["ocr"] ?? 0
                let ownExtraction = (perStage["classify"] ?? 0) + (perStage["extract"] ?? 0) - ocr
                stages = [perStage["load"], perStage["normalise"], ocr, ownExtraction, perStage["validate"], perStage["route"]]
                    .map { String(format: "%.1f", ($0 ?? 0) * 1000) }.joined(separator: " / ")
            }
            lines.append(
                "| \(result.name) | \(result.workers) | \(String(format: "%.2f", result.pagesPerSecond)) | \(String(format: "%.2f", ratio)) | \(stages) | \(result.tesseractShare.map { String(format: "%.0f%%", $0 * 100) } ?? "—") | \(result.peakRSSMegabytes.map { String(format: "%.0f", $0) } ?? "—") | \(String(format: "%.0f%%", result.cpuUtilisation * 100)) |"
            )
        }
        return lines.joined(separator: "\n")
    }

    static let begin = "<!-- bench:begin -->"
    static let end = "<!-- bench:end -->"

    static func update(markdown path: String, with table: String, begin: String = begin, end: String = end) throws {
        var text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? "# Benchmarks\n\n\(begin)\n\(end)\n"
        if let start = text.range(of: begin), let stop = text.range(of: end), start.upperBound <= stop.lowerBound {
            text.replaceSubrange(start.upperBound..<stop.lowerBound, with: "\n" + table + "\n")
        } else {
            text += "\n\(begin)\n\(table)\n\(end)\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
