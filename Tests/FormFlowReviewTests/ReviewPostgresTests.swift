import FormFlowCore
import FormFlowLedger
import FormFlowPostgres
import FormFlowRuntime
import FormFlowTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import FormFlowReview

@Suite(
    "The review server over a PostgreSQL ledger",
    .enabled(if: PostgresTestServer.available, "needs the PostgreSQL test cluster (scripts/test.sh installs postgresql)"))
struct ReviewPostgresTests {
    @Test("a fix goes into the shared ledger's audit chain with the operator's name; the auditor sees it verified")
    func fixIntoSharedChain() async throws {
        let url = try PostgresTestServer.shared!.database("review")
        let fixture = try ReviewFixture(documents: ["a.png"], ledger: url)
        let entry = try #require(try fixture.desk.list().first)
        try await fixture.application().test(.router) { client in
            var operatorBrowser = TestBrowser(client)
            _ = try await operatorBrowser.signIn("li", ReviewFixture.operatorPassword)
            let page = try await operatorBrowser.get("/doc/\(entry.id)").text
            let fixed = try await operatorBrowser.post(
                "/doc/\(entry.id)/fix",
                [("csrf", TestBrowser.csrf(in: page) ?? ""), ("version", entry.version), ("field:claimant", "何敏"), ("reason", "paper")])
            #expect(fixed.status == .seeOther)
            var auditor = TestBrowser(client)
            _ = try await auditor.signIn("wang", ReviewFixture.auditorPassword)
            let audit = try await auditor.get("/audit").text
            #expect(audit.contains("Chain verified") && audit.contains("何禾 → 何敏"))
        }
        let chain = try PostgresLedger(url: url).auditEntries()
        #expect(chain.contains { $0.actor == "li" && $0.action == "fixed" && $0.document == "a.png" })
        #expect(FileManager.default.fileExists(atPath: fixture.recordPath("accepted", "a.png")))
    }
}
