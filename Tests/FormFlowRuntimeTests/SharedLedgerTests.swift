import FormFlowTestSupport
import Foundation
import Testing

import FormFlowLedger
import FormFlowPostgres

@testable import FormFlowRuntime

/// Many `formflow run` processes on one inbox and one output folder, coordinated by a PostgreSQL ledger
/// (a private cluster on loopback that the test process starts and stops).
@Suite(
    "Many processes, one inbox, one PostgreSQL ledger", .serialized,
    .enabled(if: PostgresTestServer.available, "needs the PostgreSQL test cluster (scripts/test.sh installs postgresql)"))
struct SharedLedgerTests {
    static let scans = [
        "expense_claim-001-000.png", "expense_claim-001-001.png", "expense_claim-002-000.jpg", "vat_invoice-001-000.png",
        "vat_invoice-001-001.png", "vat_invoice-002-000.tif", "vat_invoice-001-003.png", "not_a_form-letter.jpg",
    ]

    /// The inbox (scans, and two invoices each arriving twice in two formats), its settings file.
    static func setUp(ledger: String) throws -> (root: URL, config: URL, names: [String]) {
        let root = try TestSupport.scratchFolder("shared")
        let inbox = root.appendingPathComponent("inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        for scan in scans { try FileManager.default.copyItem(at: TestSupport.sample(scan), to: inbox.appendingPathComponent(scan)) }
        let digital: [(String, [UInt8])] = [
            ("older.ofd", try EInvoiceFixtures.olderOFD(.older)), ("older.pdf", EInvoiceFixtures.olderPDF(.older)),
            ("digital.ofd", try EInvoiceFixtures.digitalOFD(.digital)), ("digital.xml", EInvoiceFixtures.digitalXML(.digital)),
        ]
        for (name, bytes) in digital { try Data(bytes).write(to: inbox.appendingPathComponent(name)) }
        let config = root.appendingPathComponent("formflow.yaml")
        try """
            pipeline: \(TestSupport.pipelines.appendingPathComponent("default.yaml").path)
            inbox: inbox
            out: out
            state: state
            stable_seconds: 0
            ledger: \(ledger)
            """.write(to: config, atomically: true, encoding: .utf8)
        return (root, config, scans + digital.map(\.0))
    }

    static func start(_ config: URL) throws -> Process {
        let process = Process()
        process.executableURL = try TestSupport.formflowExecutable()
        process.arguments = ["run", "--config", config.path, "--workers", "1", "--quiet"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    @Test("three processes, one killed with SIGKILL mid-batch, a fourth after them: every file exactly one record")
    func killOneOfThree() throws {
        let server = try #require(PostgresTestServer.shared)
        let ledger = try server.database("shared")
        let (root, config, names) = try Self.setUp(ledger: ledger)
        let runs = try (0..<3).map { _ in try Self.start(config) }
        // Kill the first run while each of the three holds a file (one worker each: at most one file
        // each in the processing area), so that its file must be taken over.
        let claimed = root.appendingPathComponent("inbox/.formflow-claimed")
        func inProcessing() -> Int {
            let folders = (try? FileManager.default.contentsOfDirectory(atPath: claimed.path)) ?? []
            return folders.reduce(0) { $0 + ((try? FileManager.default.contentsOfDirectory(atPath: claimed.appendingPathComponent($1).path))?.count ?? 0) }
        }
        let deadline = Date().addingTimeInterval(60)
        while inProcessing() < 3 && Date() < deadline { usleep(20_000) }
        #expect(inProcessing() == 3, "the three runs did not each take a file")
        kill(runs[0].processIdentifier, SIGKILL)
        for run in runs { run.waitUntilExit() }
        #expect(runs[0].terminationReason == .uncaughtSignal)
        #expect(runs[1].terminationStatus == 0 && runs[2].terminationStatus == 0)
        let fourth = try Self.start(config)
        fourth.waitUntilExit()
        #expect(fourth.terminationStatus == 0)

        let out = root.appendingPathComponent("out")
        let records = try CrashSafetyTests.recordsByDocument(out)
        for name in names {
            #expect(records[name]?.count == 1, "\(name): \(records[name] ?? [])")
        }
        #expect(records.count == names.count)
        // Each invoice that came twice is accepted once, the other copy is a duplicate.
        for pair in [["older.ofd", "older.pdf"], ["digital.ofd", "digital.xml"]] {
            let folders = pair.compactMap { records[$0]?.first }
            #expect(folders.filter { $0 == "accepted" }.count == 1, "\(pair): \(folders)")
        }
        let inbox = root.appendingPathComponent("inbox")
        let left = try FileManager.default.contentsOfDirectory(atPath: inbox.path).filter { !$0.hasPrefix(".") }
        #expect(left.isEmpty, "left in the inbox: \(left)")
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: claimed.path)) ?? []
        let leftFiles = folders.flatMap { (try? FileManager.default.contentsOfDirectory(atPath: claimed.appendingPathComponent($0).path)) ?? [] }
        #expect(leftFiles.isEmpty, "left in the processing area: \(leftFiles)")
        // The killed run's file was finished by another process once its lease expired.
        // One audit chain for the four processes, in the database, intact; the takeover is in it.
        let verified = try TestSupport.runFormFlow(["audit", "verify", "--config", config.path])
        #expect(verified.status == 0, "\(verified.output)")
        #expect(verified.output.contains("chain intact"))
        let dump = root.appendingPathComponent("ledger.json")
        #expect(try TestSupport.runFormFlow(["ledger", "export", "--config", config.path, "--to", dump.path]).status == 0)
        #expect(try String(contentsOf: dump, encoding: .utf8).contains("older.ofd"))
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("state/audit.log").path))
        let recovered = try PostgresLedger(url: ledger).auditEntries().filter { $0.detail == "recovered from the processing area" }
        #expect(recovered.count == 1, "the killed run's file was taken over once")
    }

    @Test("the database restarted mid-batch: the run reconnects and nothing is lost")
    func databaseRestart() throws {
        let server = try PostgresTestServer.make()
        let (root, config, names) = try Self.setUp(ledger: try server.database("restart"))
        let run = try Self.start(config)
        let out = root.appendingPathComponent("out")
        // Once the first documents are decided, the server goes away for three seconds.
        let deadline = Date().addingTimeInterval(60)
        while ((try? CrashSafetyTests.recordsByDocument(out).count) ?? 0) < 2 && Date() < deadline { usleep(50_000) }
        server.stop()
        sleep(3)
        server.start()
        run.waitUntilExit()
        #expect(run.terminationStatus == 0)
        let records = try CrashSafetyTests.recordsByDocument(out)
        for name in names {
            #expect(records[name]?.count == 1, "\(name): \(records[name] ?? [])")
        }
    }

    @Test("LISTEN/NOTIFY: a watcher that polls once a minute is woken by another that sees more files than it takes")
    func idleWatcherWoken() async throws {
        let server = try #require(PostgresTestServer.shared)
        let ledger = try server.database("notify")
        let root = try TestSupport.scratchFolder("notify")
        let inbox = root.appendingPathComponent("inbox")
        let out = root.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        let config = root.appendingPathComponent("formflow.yaml")
        try """
            pipeline: \(TestSupport.pipelines.appendingPathComponent("default.yaml").path)
            stable_seconds: 0
            ledger: \(ledger)
            """.write(to: config, atomically: true, encoding: .utf8)
        func watcher(poll: String) throws -> (Process, Int) {
            let port = Int.random(in: 20_000...40_000)
            let process = Process()
            process.executableURL = try TestSupport.formflowExecutable()
            process.arguments = [
                "watch", "--config", config.path, "--inbox", inbox.path, "--out", out.path, "--port", "\(port)", "--workers", "1",
                "--poll-seconds", poll,
            ]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return (process, port)
        }
        let (busy, busyPort) = try watcher(poll: "0.2")
        let (idle, idlePort) = try watcher(poll: "60")
        defer {
            for process in [busy, idle] where process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        for port in [busyPort, idlePort] {
            var up = false
            for _ in 0..<150 where !up {
                up = await WatchTests().fetch(URL(string: "http://127.0.0.1:\(port)/health")!) == "ok\n"
                if !up { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(up, "a watcher did not start")
        }
        try await Task.sleep(for: .seconds(1))  // both have looked at the empty inbox: the idle one now sleeps a minute
        for scan in Self.scans.prefix(6) {
            try FileManager.default.copyItem(at: TestSupport.sample(scan), to: inbox.appendingPathComponent(scan))
        }
        var batches: Set<String> = []
        var decided = 0
        for _ in 0..<300 where decided < 6 {
            try await Task.sleep(for: .milliseconds(100))
            var seen: Set<String> = []
            decided = 0
            for folder in ["accepted", "exceptions", "quarantine"] {
                let url = out.appendingPathComponent(folder)
                for name in (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? [] where name.hasSuffix(".png.json") || name.hasSuffix(".jpg.json") || name.hasSuffix(".tif.json") {
                    decided += 1
                    if let data = try? Data(contentsOf: url.appendingPathComponent(name)),
                        let record = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let batch = record["batch"] as? String
                    {
                        seen.insert(batch)
                    }
                }
            }
            batches = seen
        }
        #expect(decided == 6)
        #expect(batches.count == 2, "the idle watcher took no file within 30 s: it was not woken")
        // SIGTERM ends both promptly, the one pausing for a minute too.
        let stopping = ContinuousClock.now
        for process in [busy, idle] { kill(process.processIdentifier, SIGTERM) }
        for process in [busy, idle] { process.waitUntilExit() }
        #expect(stopping.duration(to: .now) < .seconds(20))
        #expect(busy.terminationStatus == 0 && idle.terminationStatus == 0)
    }

    @Test("two hosts (network namespaces with their own addresses) share the inbox, the output and the database")
    func twoHosts() throws {
        guard let network = NetworkHosts(count: 2) else {
            // Said, not hidden: without namespaces the processes of the other tests stand in for hosts.
            print("SharedLedgerTests.twoHosts: network namespaces cannot be made here (needs root and ip); skipped")
            return
        }
        let server = try PostgresTestServer.make(listen: network.hosts.map(\.gateway), allow: NetworkHosts.network)
        let database = try server.database("hosts")
        let (root, config, names) = try Self.setUp(ledger: database)
        let logs = network.hosts.map { root.appendingPathComponent("\($0.namespace).log") }
        let runs = try zip(network.hosts, logs).map { host, log in
            // Each host reaches the database at its own gateway address, not over loopback.
            try network.start(
                on: host, try TestSupport.formflowExecutable(),
                [
                    "run", "--config", config.path, "--workers", "1", "--quiet", "--ledger",
                    database.replacingOccurrences(of: "127.0.0.1", with: host.gateway),
                ], errors: log)
        }
        for run in runs { run.waitUntilExit() }
        let errors = logs.map { (try? String(contentsOf: $0, encoding: .utf8)) ?? "" }.joined(separator: "\n").suffix(1500)
        #expect(runs.allSatisfy { $0.terminationStatus == 0 }, "exit codes \(runs.map(\.terminationStatus)): \(errors) server: \(server.log.suffix(800))")
        let records = try CrashSafetyTests.recordsByDocument(root.appendingPathComponent("out"))
        for name in names {
            #expect(records[name]?.count == 1, "\(name): \(records[name] ?? [])")
        }
        for pair in [["older.ofd", "older.pdf"], ["digital.ofd", "digital.xml"]] {
            #expect(pair.compactMap { records[$0]?.first }.filter { $0 == "accepted" }.count == 1, "\(pair)")
        }
        // Both hosts decided documents, and their audit entries form one chain.
        let entries = try PostgresLedger(url: database).auditEntries()
        #expect(Set(entries.filter { $0.action == "routed" }.map(\.batch)).count == 2)
        #expect(try PostgresLedger(url: database).verify().breaks.isEmpty)
    }
}
