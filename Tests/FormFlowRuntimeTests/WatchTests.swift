import FormFlowCore
import FormFlowTestSupport
import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

@Suite("formflow watch: drops, half-written files, /metrics, graceful SIGTERM", .serialized)
struct WatchTests {
    func fetch(_ url: URL) async -> String? {
        guard let (data, _) = try? await URLSession.shared.data(from: url) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    func records(_ out: URL) -> [String] {
        ["accepted", "exceptions", "quarantine"].flatMap { folder in
            ((try? FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent(folder).path)) ?? [])
                .filter { $0.hasSuffix(".json") }
        }
    }

    @Test("files dropped while watching are decided; SIGTERM finishes documents in flight")
    func watch() async throws {
        let root = try TestSupport.scratchFolder("watch")
        let inbox = root.appendingPathComponent("inbox")
        let out = root.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        let port = Int.random(in: 20_000...40_000)
        let config = root.appendingPathComponent("formflow.yaml")
        try """
            pipeline: \(TestSupport.pipelines.appendingPathComponent("default.yaml").path)
            workers: 2
            stable_seconds: 3
            """.write(to: config, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = try TestSupport.formflowExecutable()
        process.arguments = [
            "watch", "--config", config.path, "--inbox", inbox.path, "--out", out.path, "--port", "\(port)",
            "--poll-seconds", "0.2",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        let health = URL(string: "http://127.0.0.1:\(port)/health")!
        var up = false
        for _ in 0..<100 where !up {
            up = await fetch(health) == "ok\n"
            if !up { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(up, "/health did not answer")

        // A complete file, and one written in two halves with a pause: it must not be read half.
        try FileManager.default.copyItem(
            at: TestSupport.sample("expense_claim-001-000.png"), to: inbox.appendingPathComponent("claim.png"))
        // Written by a separate process, so that the pause between the halves does not depend on this
        // test process's (shared, busy) thread pool.
        let slow = try Data(contentsOf: TestSupport.sample("vat_invoice-001-001.png"))
        let first = root.appendingPathComponent("first-half")
        let second = root.appendingPathComponent("second-half")
        try slow.prefix(slow.count / 2).write(to: first)
        try slow.suffix(from: slow.count / 2).write(to: second)
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sh")
        writer.arguments = [
            "-c", "cat '\(first.path)' > '\(inbox.path)/invoice.png' && sleep 0.5 && cat '\(second.path)' >> '\(inbox.path)/invoice.png'",
        ]
        try writer.run()
        writer.waitUntilExit()
        #expect(writer.terminationStatus == 0, "the second half could not be appended: the file was taken half-written")

        var done: [String] = []
        for _ in 0..<300 where done.count < 2 {
            try await Task.sleep(for: .milliseconds(100))
            done = records(out)
        }
        #expect(Set(done) == ["claim.png.json", "invoice.png.json"])
        // The half-written file was read whole: it is a readable invoice, not a quarantined stub.
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("quarantine/invoice.png.json").path) == false)

        let metrics = await fetch(URL(string: "http://127.0.0.1:\(port)/metrics")!) ?? ""
        // Labelled with the host, so that several hosts sharing one ledger are told apart.
        #expect(metrics.contains("formflow_documents_total{host=\"\(ProcessInfo.processInfo.hostName)\",form=\"expense_claim\""))
        #expect(metrics.contains("formflow_stage_seconds_bucket"))
        #expect(metrics.contains("formflow_ocr_seconds"))

        // Three more, then SIGTERM while they are being read: all three finish before the exit.
        for name in ["vat_invoice-002-000.tif", "expense_claim-002-001.jpg", "vat_invoice-001-005.png"] {
            try FileManager.default.copyItem(at: TestSupport.sample(name), to: inbox.appendingPathComponent(name))
        }
        let processing = out.appendingPathComponent("state/processing")
        for _ in 0..<100 {
            let taken = (try? FileManager.default.contentsOfDirectory(atPath: processing.path)) ?? []
            if !taken.isEmpty { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: processing.path)) ?? []).isEmpty, "a taken document was left unfinished")
        // Every file is either decided or still waiting in the inbox: nothing is lost.
        let left = try FileManager.default.contentsOfDirectory(atPath: inbox.path)
        #expect(records(out).count + left.count == 5)
    }
}
