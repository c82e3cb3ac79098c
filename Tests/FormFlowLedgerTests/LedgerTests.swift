import FormFlowCore
import FormFlowTestSupport
import Foundation
import Testing

@testable import FormFlowLedger

@Suite("The ledger keeps business keys unique; the audit log finds tampering")
struct LedgerTests {
    let key = BusinessKey(form: "expense_claim", fields: ["claim_no"], values: ["BX20264267222"])

    @Test("a key is held by the first document and survives a restart")
    func survivesRestart() throws {
        let folder = try TestSupport.scratchFolder("ledger")
        let path = folder.appendingPathComponent("ledger.sqlite").path
        do {
            let ledger = try SQLiteLedger(path: path)
            #expect(try ledger.claim(key, document: "a.png", sha256: "aaa", batch: "b1") == .claimed)
            #expect(try ledger.claim(key, document: "a.png", sha256: "aaa", batch: "b1") == .claimed)  // idempotent
        }
        let reopened = try SQLiteLedger(path: path)
        guard case .heldBy(let owner) = try reopened.claim(key, document: "b.png", sha256: "bbb", batch: "b2") else {
            Issue.record("a second document claimed a held key after a restart")
            return
        }
        #expect(owner.document == "a.png" && owner.batch == "b1")
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int).map { $0 & 0o007 } == 0, "the ledger must not be world-readable")
    }

    func writeLog() throws -> AuditLog {
        let log = AuditLog(path: try TestSupport.scratchFolder("audit").appendingPathComponent("audit.log").path)
        for index in 1...5 {
            try log.append(
                actor: "formflow", action: "routed", document: "doc\(index).png", batch: "b1", sha256: "sha\(index)",
                detail: "accepted id 210702198503221582")
        }
        return log
    }

    func lines(_ log: AuditLog) throws -> [String] {
        try String(contentsOfFile: log.path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    func write(_ lines: [String], to log: AuditLog) throws {
        try (lines.joined(separator: "\n") + "\n").write(toFile: log.path, atomically: true, encoding: .utf8)
    }

    @Test("an untouched log verifies, and masks personal data in details")
    func intact() throws {
        let log = try writeLog()
        let result = try log.verify()
        #expect(result.entries == 5 && result.breaks.isEmpty)
        #expect(try !lines(log).joined().contains("210702198503221582"))
    }

    @Test("an edited line is found")
    func edited() throws {
        let log = try writeLog()
        var content = try lines(log)
        content[2] = content[2].replacingOccurrences(of: "accepted", with: "rejected")
        try write(content, to: log)
        #expect(try log.verify().breaks.map(\.line) == [3])
    }

    @Test("a removed line is found")
    func removed() throws {
        let log = try writeLog()
        var content = try lines(log)
        content.remove(at: 1)
        try write(content, to: log)
        let breaks = try log.verify().breaks
        #expect(breaks.map(\.line) == [2])
        #expect(breaks.first?.reason.contains("missing") == true)
    }

    @Test("reordered lines are found")
    func reordered() throws {
        let log = try writeLog()
        var content = try lines(log)
        content.swapAt(1, 3)
        try write(content, to: log)
        #expect(!(try log.verify().breaks.isEmpty))
    }
}
