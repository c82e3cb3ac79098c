import FormFlowCore
import FormFlowRouting
import FormFlowTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A tmpfs mounted by the test: another file system than the scratch folders on the main disk.
/// Mounting needs root (the CI runs as root); the tests that need one are skipped with that reason.
struct TmpfsMount {
    let url: URL

    static let available: Bool = {
        guard let probe = try? TmpfsMount(label: "probe") else { return false }
        probe.unmount()
        return true
    }()

    init(label: String, readOnly: Bool = false, size: String = "128m") throws {
        url = try TestSupport.scratchFolder("tmpfs-\(label)")
        let mount = try Self.command(["mount", "-t", "tmpfs", "-o", "size=\(size),mode=0755" + (readOnly ? ",ro" : ""), "tmpfs", url.path])
        guard mount == 0 else {
            struct NotMounted: Error {}
            throw NotMounted()
        }
    }

    /// Grows (or shrinks) the file system: a full disk given space again.
    func resize(to size: String) throws {
        _ = try Self.command(["mount", "-o", "remount,size=\(size)", url.path])
    }

    func unmount() {
        _ = try? Self.command(["umount", "-l", url.path])
        try? FileManager.default.removeItem(at: url)
    }

    static func command(_ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}

@Suite(
    "Inbox on another file system than the output", .serialized,
    .enabled(if: TmpfsMount.available, "mounting a tmpfs needs root and the mount command"))
struct CrossFilesystemTests {
    static let scans = [
        "expense_claim-001-000.png", "expense_claim-002-000.jpg", "vat_invoice-001-000.png", "vat_invoice-002-001.tif",
        "not_a_form-letter.jpg", "vat_invoice-001-003.png",
    ]

    /// Scans on a tmpfs inbox; output and state on the main disk.
    static func setUp(inbox: URL) throws -> (root: URL, config: URL) {
        let root = try TestSupport.scratchFolder("crossfs")
        for scan in scans {
            try FileManager.default.copyItem(at: TestSupport.sample(scan), to: inbox.appendingPathComponent(scan))
        }
        try FileManager.default.copyItem(
            at: TestSupport.sample("vat_invoice-001-000.png"), to: inbox.appendingPathComponent("copy of invoice.png"))
        try FileManager.default.createDirectory(at: inbox.appendingPathComponent("a folder"), withIntermediateDirectories: false)
        return (root, try CrashSafetyTests.writeConfig(in: root, inbox: inbox))
    }

    static var expected: Set<String> { Set(scans + ["copy of invoice.png", "a folder"]) }

    /// Everything left in the inbox, hidden entries (the claim folder) included: a drained inbox is empty.
    static func leftInInbox(_ inbox: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: inbox.path)
    }

    @Test("a normal run drains an inbox on a tmpfs: exit 0, one record per file, originals delivered whole")
    func normalRun() throws {
        let mount = try TmpfsMount(label: "inbox")
        defer { mount.unmount() }
        #expect(!Storage.sameFileSystem(mount.url, FileManager.default.temporaryDirectory))
        let (root, config) = try Self.setUp(inbox: mount.url)
        let result = try TestSupport.runFormFlow(["run", "--config", config.path, "--quiet"])
        #expect(result.status == 0, "\(result.error)")
        let out = root.appendingPathComponent("out")
        let records = try CrashSafetyTests.recordsByDocument(out)
        #expect(Set(records.keys) == Self.expected)
        #expect(records.values.allSatisfy { $0.count == 1 }, "\(records)")
        #expect(try Self.leftInInbox(mount.url).isEmpty)
        // The originals arrived byte for byte, and no partial copy was left.
        let exceptions = out.appendingPathComponent("exceptions")
        let copy = exceptions.appendingPathComponent("copy of invoice.png")
        #expect(FileManager.default.contents(atPath: copy.path) == FileManager.default.contents(atPath: TestSupport.sample("vat_invoice-001-000.png").path))
        let everything = FileManager.default.enumerator(atPath: out.path)?.allObjects as? [String] ?? []
        #expect(!everything.contains { $0.hasSuffix(Storage.partialSuffix) })
    }

    @Test("runs killed with SIGKILL twice mid-batch, then rerun: every file exactly one record, none left in the inbox")
    func killAndRerun() throws {
        let mount = try TmpfsMount(label: "inbox")
        defer { mount.unmount() }
        let (root, config) = try Self.setUp(inbox: mount.url)
        try CrashSafetyTests.killRuns(config: config, times: 2, within: 300_000...2_000_000)
        let final = try TestSupport.runFormFlow(["run", "--config", config.path, "--quiet"])
        #expect(final.status == 0, "\(final.error)")
        let out = root.appendingPathComponent("out")
        let records = try CrashSafetyTests.recordsByDocument(out)
        #expect(Set(records.keys) == Self.expected)
        for (document, folders) in records {
            #expect(folders.count == 1, "\(document) has records in \(folders)")
        }
        #expect(try Self.leftInInbox(mount.url).isEmpty)
        let audit = try TestSupport.runFormFlow(["audit", "verify", "--log", out.appendingPathComponent("state/audit.log").path])
        #expect(audit.status == 0, "\(audit.output)")
    }

    /// Output and state on a file system that fills up in the middle of the batch (or before the ledger
    /// is opened): the run stops with exit 74 and says where space is needed; nothing is lost, and once
    /// space is freed the next run delivers every file exactly once.
    @Test("a disk that fills up mid-batch: exit 74 naming the full disk, then a rerun delivers each file once", arguments: ["120k", "700k", "1500k"])
    func fullDisk(size: String) throws {
        let output = try TmpfsMount(label: "full-\(size)", size: size)
        defer { output.unmount() }
        let root = try TestSupport.scratchFolder("full-disk")
        let inbox = root.appendingPathComponent("inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        for scan in Self.scans {
            try FileManager.default.copyItem(at: TestSupport.sample(scan), to: inbox.appendingPathComponent(scan))
        }
        try FileManager.default.copyItem(
            at: TestSupport.sample("vat_invoice-001-000.png"), to: inbox.appendingPathComponent("copy of invoice.png"))
        let config = root.appendingPathComponent("formflow.yaml")
        try """
            pipeline: \(TestSupport.pipelines.appendingPathComponent("default.yaml").path)
            inbox: \(inbox.path)
            out: \(output.url.path)
            workers: 2
            stable_seconds: 0
            """.write(to: config, atomically: true, encoding: .utf8)

        let first = try TestSupport.runFormFlow(["run", "--config", config.path, "--quiet"])
        #expect(first.status == 74, "\(first.error)")
        #expect(first.error.contains("full") || first.error.contains("No space left"), "\(first.error)")
        #expect(first.error.contains(output.url.path) || first.error.contains("where the ledger lies"), "\(first.error)")
        // Every original is whole somewhere: in the inbox, its processing area or an output folder.
        func originals(under folder: URL) -> [String] {
            let paths = FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String] ?? []
            return paths.map { (folder.path + "/" + $0) }.filter { path in
                Self.scans.contains((path as NSString).lastPathComponent) || path.hasSuffix("/copy of invoice.png")
            }
        }
        let kept = originals(under: inbox) + originals(under: output.url)
        #expect(Set(kept.map { ($0 as NSString).lastPathComponent }) == Set(Self.scans + ["copy of invoice.png"]), "\(kept)")
        for path in kept {
            let name = (path as NSString).lastPathComponent
            let sample = TestSupport.sample(name == "copy of invoice.png" ? "vat_invoice-001-000.png" : name)
            #expect(FileManager.default.contents(atPath: path) == FileManager.default.contents(atPath: sample.path), "\(path) is not whole")
        }

        try output.resize(to: "128m")
        let second = try TestSupport.runFormFlow(["run", "--config", config.path, "--quiet"])
        #expect(second.status == 0, "\(second.error)")
        let records = try CrashSafetyTests.recordsByDocument(output.url)
        #expect(Set(records.keys) == Set(Self.scans + ["copy of invoice.png"]))
        for (document, folders) in records {
            #expect(folders.count == 1, "\(document) has records in \(folders)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: inbox.path).isEmpty)
        let audit = try TestSupport.runFormFlow(["audit", "verify", "--log", output.url.appendingPathComponent("state/audit.log").path])
        #expect(audit.status == 0, "\(audit.output)")
    }

    @Test("a read-only inbox is refused at start with exit 78 and says why")
    func readOnlyInbox() throws {
        let mount = try TmpfsMount(label: "readonly", readOnly: true)
        defer { mount.unmount() }
        let root = try TestSupport.scratchFolder("crossfs-ro")
        let result = try TestSupport.runFormFlow([
            "run", "--inbox", mount.url.path, "--out", root.appendingPathComponent("out").path, "--quiet",
        ], directory: TestSupport.packageRoot)
        #expect(result.status == 78, "\(result.output)\(result.error)")
        #expect(result.error.contains("read-only"), "\(result.error)")
        #expect(!result.error.contains("NSPOSIXErrorDomain"))
    }

    @Test("a move across file systems copies whole, then removes the source; a failure names both places")
    func storageMove() throws {
        let mount = try TmpfsMount(label: "move")
        defer { mount.unmount() }
        let disk = try TestSupport.scratchFolder("move-target")
        let source = mount.url.appendingPathComponent("scan.png")
        let bytes = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try bytes.write(to: source)
        let target = disk.appendingPathComponent("scan.png")
        try Storage.move(source, to: target, file: "scan.png", from: Place("the inbox", mount.url), to: Place("accepted/", disk))
        #expect(FileManager.default.contents(atPath: target.path) == bytes)
        #expect(!FileManager.default.fileExists(atPath: source.path))

        try bytes.write(to: source)
        let missing = disk.appendingPathComponent("no such folder/scan.png")
        do {
            try Storage.move(source, to: missing, file: "scan.png", from: Place("the inbox", mount.url), to: Place("accepted/", missing.deletingLastPathComponent()))
            Issue.record("a move into a missing folder succeeded")
        } catch {
            #expect(error.description.contains("the inbox (on \(mount.url.path))"), "\(error)")
            #expect(error.description.contains("accepted/ (on /"), "\(error)")
            #expect(!error.description.contains("NSPOSIXErrorDomain"))
        }
        #expect(FileManager.default.contents(atPath: source.path) == bytes, "the source must stay whole when the move fails")
    }
}
