import FormFlowCore
import FormFlowRuntime
import FormFlowTestSupport
import Foundation
import Testing

@testable import FormFlowReview

@Suite("Users, sign-in limits and what a fix form asks for")
struct ReviewLogicTests {
    @Test("the users file holds bcrypt hashes, not passwords, and is readable by its owner only")
    func usersFile() throws {
        let path = try TestSupport.scratchFolder("users").appendingPathComponent("users.json").path
        var store = try UserStore(path: path)
        try store.set(name: "li", role: .operator, password: "a long password", cost: 4)
        try store.save()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains("a long password") && text.contains("$2b$04$"))
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let reread = try UserStore(path: path)
        #expect(reread.verify(name: "li", password: "a long password")?.role == .operator)
        #expect(reread.verify(name: "li", password: "a long passwore") == nil)
        #expect(reread.verify(name: "zhao", password: "a long password") == nil)
        #expect(throws: UserStore.UserError.self) { try store.set(name: "../root", role: .auditor, password: "long enough") }
        #expect(throws: UserStore.UserError.self) { try store.set(name: "zhao", role: .auditor, password: "") }
    }

    @Test("failures are counted per name and per address, within the window")
    func throttle() {
        var throttle = LoginThrottle(perName: 2, perAddress: 3, window: 60)
        let start = Date(timeIntervalSince1970: 1_000_000)
        #expect(throttle.wait(name: "li", address: "10.0.0.1", now: start) == nil)
        throttle.failed(name: "li", address: "10.0.0.1", now: start)
        throttle.failed(name: "li", address: "10.0.0.1", now: start.addingTimeInterval(10))
        #expect(throttle.wait(name: "li", address: "10.0.0.2", now: start.addingTimeInterval(20)) == 40)
        #expect(throttle.wait(name: "wang", address: "10.0.0.2", now: start.addingTimeInterval(20)) == nil)
        throttle.failed(name: "wang", address: "10.0.0.1", now: start.addingTimeInterval(20))
        // The address has failed three times, whatever the name.
        #expect(throttle.wait(name: "zhao", address: "10.0.0.1", now: start.addingTimeInterval(21)) != nil)
        // The window passes.
        #expect(throttle.wait(name: "li", address: "10.0.0.3", now: start.addingTimeInterval(71)) == nil)
        throttle.failed(name: "wang", address: "10.0.0.9", now: start.addingTimeInterval(72))
        throttle.succeeded(name: "wang")
        #expect(throttle.wait(name: "wang", address: "10.0.0.8", now: start.addingTimeInterval(73)) == nil)
    }

    static func pages() throws -> ReviewPages {
        ReviewPages(templates: try ReviewFixture.pipeline.get().templates)
    }

    static let record = DocumentRecord(
        document: "a.png", sha256: "s", form: .expenseClaim, status: .exception,
        fields: [
            "claimant": .text("何禾"), "id_number": .text("11010519491231002X"),
            "items": .rows([["category": .text("交通费"), "amount": .text("10.00")]]),
        ],
        violations: [Violation(rule: "uncertain_field", message: "m", fields: ["claimant"])], batch: "b", pipeline: "p",
        evidence: ["claimant": FieldEvidence(raw: "何禾", confidence: 27, box: nil, uncertain: true)],
        processedAt: "2026-11-23T00:00:00Z")

    @Test("a fix form: empty inputs of personal and unconfirmed fields are unchanged; prefilled ones count when changed")
    func assignments() throws {
        let pages = try Self.pages()
        let form = [
            ("csrf", "t"), ("field:claimant", " 何敏 "), ("field:id_number", ""), ("field:items[0].amount", "10.00"),
            ("field:items[0].category", "会议费"), ("reason", "r"),
        ]
        #expect(pages.assignments(form: form, record: Self.record) == ["claimant=何敏", "items[0].category=会议费"])
        // The unconfirmed claimant left empty is not confirmed by saving; typed as read, it is.
        #expect(pages.assignments(form: [("field:claimant", "")], record: Self.record).isEmpty)
        #expect(pages.assignments(form: [("field:claimant", "何禾")], record: Self.record) == ["claimant=何禾"])
        let typed = [("field:id_number", "110105194912310021")]
        #expect(pages.assignments(form: typed, record: Self.record) == ["id_number=110105194912310021"])
    }

    @Test("the document page masks personal values and flags what the rules name first")
    func documentPage() throws {
        let pages = try Self.pages()
        let entry = ExceptionDesk.Entry(record: Self.record, url: URL(fileURLWithPath: "/x/a.png.json"), age: 90, version: "v1")
        let page = pages.document(entry)
        #expect(page.fields.first?.name == "claimant" && page.fields.first?.focus == true)
        #expect(page.fields.first?.editable == "" && page.fields.first?.shown == "何禾")  // unconfirmed: typed anew
        let id = try #require(page.fields.first { $0.name == "id_number" })
        #expect(id.personal && id.editable.isEmpty && id.shown == "110105********002X" && !id.raw.contains("19491231"))
        #expect(page.tableRows.first?.cells.map(\.name) == ["items[0].amount", "items[0].category"])
    }

    @Test("the queue puts the oldest first, and within a day the least certain")
    func queueOrder() throws {
        let pages = try Self.pages()
        func entry(_ name: String, age: Double, confidence: Double) -> ExceptionDesk.Entry {
            var record = Self.record
            record.document = name
            record.evidence = ["claimant": FieldEvidence(raw: "x", confidence: confidence, box: nil, uncertain: false)]
            return ExceptionDesk.Entry(record: record, url: URL(fileURLWithPath: "/x/\(name).json"), age: age, version: "v")
        }
        let rows = pages.queue([
            entry("today-sure", age: 60, confidence: 95), entry("today-unsure", age: 120, confidence: 40),
            entry("old", age: 3 * 86_400, confidence: 99),
        ])
        #expect(rows.map(\.document) == ["old", "today-unsure", "today-sure"])
    }
}
