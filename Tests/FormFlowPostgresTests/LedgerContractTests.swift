import FormFlowCore
import FormFlowLedger
import FormFlowTestSupport
import Foundation
import Testing

@testable import FormFlowPostgres

/// The backends under one contract: every test runs against SQLite and against PostgreSQL (a private
/// cluster on loopback, started by the test process itself).
enum Backend: String, CaseIterable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    /// Two handles on one fresh store (two processes' view of it).
    func open() throws -> (any Ledger, any Ledger) {
        switch self {
        case .sqlite:
            let path = try TestSupport.scratchFolder("contract").appendingPathComponent("ledger.sqlite").path
            return (try SQLiteLedger(path: path), try SQLiteLedger(path: path))
        case .postgres:
            let server = try #require(PostgresTestServer.shared, "the PostgreSQL test cluster did not start")
            let url = try server.database("contract")
            return (try PostgresLedger(url: url), try PostgresLedger(url: url))
        }
    }
}

@Suite("Ledger contract: SQLite and PostgreSQL behave alike")
struct LedgerContractTests {
    let key = BusinessKey(form: "vat_invoice", fields: ["invoice_code", "invoice_no"], values: ["", "24442000000012345678"])

    func record(_ name: String, sha: String, status: DocumentStatus, batch: String = "b1") -> DocumentRecord {
        DocumentRecord(
            document: name, sha256: sha, form: .vatInvoice, status: status, batch: batch, pipeline: "default@1",
            processedAt: "2026-12-02T00:00:00Z")
    }

    @Test("a business key is held by the first document, also seen from a second handle", arguments: Backend.allCases)
    func keys(backend: Backend) throws {
        let (ledger, other) = try backend.open()
        #expect(try ledger.claim(key, document: "a.ofd", sha256: "aaa", batch: "b1") == .claimed)
        #expect(try ledger.claim(key, document: "a.ofd", sha256: "aaa", batch: "b1") == .claimed)
        guard case .heldBy(let owner) = try other.claim(key, document: "b.pdf", sha256: "bbb", batch: "b2") else {
            Issue.record("a second document claimed a held key")
            return
        }
        #expect(owner.document == "a.ofd" && owner.batch == "b1")
        #expect(try other.owner(of: key)?.sha256 == "aaa")
        try other.holdPending(key, document: "c.png", sha256: "ccc", batch: "b3")
        try ledger.holdPending(key, document: "d.png", sha256: "ddd", batch: "b3")
        #expect(try ledger.pendingOwner(of: key)?.document == "c.png")
    }

    @Test("of 16 concurrent claims of one key, exactly one wins", arguments: Backend.allCases)
    func concurrentClaims(backend: Backend) async throws {
        let (first, second) = try backend.open()
        let key = key
        let winners = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<16 {
                group.addTask {
                    let ledger = index.isMultiple(of: 2) ? first : second
                    return try ledger.claim(key, document: "doc\(index)", sha256: "sha\(index)", batch: "b") == .claimed
                }
            }
            var count = 0
            for try await won in group where won { count += 1 }
            return count
        }
        #expect(winners == 1)
    }

    @Test("decisions: the first for a content, delivery, operator marks, counts", arguments: Backend.allCases)
    func decisions(backend: Backend) throws {
        let (ledger, other) = try backend.open()
        try ledger.transition(document: "a.png", sha256: "s1", batch: "b1", to: "received")
        try ledger.finish(record("a.png", sha: "s1", status: .exception))
        try other.finish(record("a-again.png", sha: "s1", status: .accepted, batch: "b2"))
        #expect(try other.firstDecision(sha256: "s1")?.document == "a.png")
        #expect(try ledger.firstDecision(sha256: "nothing") == nil)
        #expect(Set(try ledger.undelivered().map(\.document)) == ["a.png", "a-again.png"])
        try other.markDelivered(document: "a.png", batch: "b1")
        #expect(try ledger.undelivered().map(\.document) == ["a-again.png"])
        try ledger.mark(document: "a.png", batch: "b1", status: "requeued")
        #expect(try other.firstDecision(sha256: "s1")?.document == "a-again.png", "a requeued decision no longer counts")
        #expect(try ledger.statusCounts() == ["requeued": 1, "accepted": 1])
        #expect(try other.decisions().count == 2)
    }
}

@Suite(
    "PostgreSQL: work claims with leases, schema versions",
    .enabled(if: PostgresTestServer.available, "needs the PostgreSQL test cluster (scripts/test.sh installs postgresql)"))
struct PostgresClaimTests {
    @Test("a folder is held by one owner until its lease expires; then exactly one other takes it over")
    func leases() async throws {
        let url = try PostgresTestServer.shared!.database("claims")
        let (a, b, c) = (try PostgresLedger(url: url), try PostgresLedger(url: url), try PostgresLedger(url: url))
        #expect(try a.claimFolder("f1", name: "x.png", owner: "A", lease: .seconds(1)))
        #expect(try !b.claimFolder("f1", name: "x.png", owner: "B", lease: .seconds(30)))
        #expect(try b.liveClaims(except: "B") == ["f1"])
        #expect(try b.takeOverExpired(owner: "B", lease: .seconds(30)) == nil)
        try await Task.sleep(for: .milliseconds(1_500))
        // B and C race for the expired folder: SKIP LOCKED and the row's update give it to one of them.
        let results = try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask { try b.takeOverExpired(owner: "B", lease: .seconds(30)) }
            group.addTask { try c.takeOverExpired(owner: "C", lease: .seconds(30)) }
            var taken: [String?] = []
            for try await result in group { taken.append(result) }
            return taken
        }
        #expect(results.compactMap { $0 } == ["f1"])
        #expect(try a.liveClaims(except: "A") == ["f1"])
        try a.renew(owner: "A", lease: .seconds(30))  // too late: A no longer holds it
        try b.release(folder: "f1")
        #expect(try c.claimedFolders().isEmpty)
    }

    @Test("a database at a newer schema version is refused; an older one is migrated")
    func schemaVersions() throws {
        let url = try PostgresTestServer.shared!.database("schema")
        let ledger = try PostgresLedger(url: url)
        try ledger.bump(to: PostgresLedger.schemaVersion + 1)
        do {
            _ = try PostgresLedger(url: url)
            Issue.record("a newer schema was accepted")
        } catch {
            #expect(error.kind == .newerSchema)
            #expect(error.message.contains("newer"))
        }
    }

    @Test("an unreachable server is storage trouble after the retries, with the address and no password")
    func unreachable() throws {
        do {
            _ = try PostgresLedger(url: "postgres://formflow:secret@127.0.0.1:9/none", patience: .milliseconds(300))
            Issue.record("connected to nothing")
        } catch {
            #expect(error.kind == .unreachable)
            #expect(!error.message.contains("secret"))
        }
    }
}

@Suite(
    "Moving a ledger: SQLite exported, imported into PostgreSQL",
    .enabled(if: PostgresTestServer.available, "needs the PostgreSQL test cluster (scripts/test.sh installs postgresql)"))
struct LedgerTransferTests {
    @Test("every document, key and transition arrives; the keys keep holding; importing twice adds nothing")
    func sqliteIntoPostgres() throws {
        let path = try TestSupport.scratchFolder("transfer").appendingPathComponent("ledger.sqlite").path
        let sqlite = try SQLiteLedger(path: path)
        let key = BusinessKey(form: "expense_claim", fields: ["claim_no"], values: ["BX20260000001"])
        try sqlite.transition(document: "a.png", sha256: "s1", batch: "b1", to: "received")
        try sqlite.finish(
            DocumentRecord(
                document: "a.png", sha256: "s1", form: .expenseClaim, status: .accepted, batch: "b1", pipeline: "default@1",
                processedAt: "2026-12-02T00:00:00Z"))
        #expect(try sqlite.claim(key, document: "a.png", sha256: "s1", batch: "b1") == .claimed)
        try sqlite.holdPending(
            BusinessKey(form: "vat_invoice", fields: ["invoice_no"], values: ["1"]), document: "b.png", sha256: "s2", batch: "b1")
        let dump = try sqlite.exportAll()
        #expect(dump.documents.count == 1 && dump.acceptedKeys.count == 1 && dump.pendingKeys.count == 1)

        let postgres = try PostgresLedger(url: try PostgresTestServer.shared!.database("transfer"))
        try postgres.importAll(dump)
        try postgres.importAll(dump)
        let moved = try postgres.exportAll()
        #expect(moved.documents == dump.documents)
        #expect(moved.acceptedKeys == dump.acceptedKeys && moved.pendingKeys == dump.pendingKeys)
        #expect(moved.transitions == dump.transitions)
        #expect(try postgres.firstDecision(sha256: "s1")?.document == "a.png")
        guard case .heldBy(let owner) = try postgres.claim(key, document: "other.png", sha256: "s9", batch: "b2") else {
            Issue.record("an imported key did not hold")
            return
        }
        #expect(owner.document == "a.png")
    }
}

@Suite(
    "PostgreSQL: one audit chain for every process",
    .enabled(if: PostgresTestServer.available, "needs the PostgreSQL test cluster (scripts/test.sh installs postgresql)"))
struct PostgresAuditTests {
    @Test("appends from two handles at once form one intact chain; an edited row is found")
    func oneChain() async throws {
        let url = try PostgresTestServer.shared!.database("audit")
        let (first, second) = (try PostgresLedger(url: url), try PostgresLedger(url: url))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<40 {
                group.addTask {
                    try (index.isMultiple(of: 2) ? first : second).append(
                        actor: "formflow", action: "routed", document: "doc\(index).png", batch: "b", sha256: "s\(index)",
                        detail: "id 210702198503221582")
                }
            }
            try await group.waitForAll()
        }
        let intact = try first.verify()
        #expect(intact.entries == 40 && intact.breaks.isEmpty)
        try second.tamperForTest("UPDATE audit SET document = 'other.png' WHERE seq = 7")
        let broken = try first.verify()
        #expect(broken.breaks.map(\.line) == [7])
    }
}
