import FormFlowCore
import FormFlowLedger
import FormFlowRouting
import FormFlowRuntime
import FormFlowTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore

@testable import FormFlowReview

/// An output folder with exceptions as a run leaves them (records, originals, page images, a ledger and
/// an audit log), a users file, and the review server over it.
struct ReviewFixture {
    let root: URL
    let out: URL
    let server: ReviewServer
    let desk: ExceptionDesk

    /// Loaded once: the glyph prototypes take seconds to read.
    static let pipeline = Result { try Pipeline.load(path: TestSupport.pipelines.appendingPathComponent("default.yaml").path) }

    static let idNumber = "11010519491231002X"
    static let bankAccount = "6222026197192206181"
    static let operatorPassword = "correct horse battery"
    static let auditorPassword = "staple battery horse"

    /// `documents`: file names; each is an expense claim whose claimant was not confirmed.
    init(
        documents: [String] = ["a.png", "b.png"], claimant: String = "何禾",
        throttle: LoginThrottle = LoginThrottle(), ledger: String? = nil
    ) throws {
        root = try TestSupport.scratchFolder("review")
        out = root.appendingPathComponent("out")
        var settings = Settings.defaults
        settings.inbox = root.appendingPathComponent("inbox").path
        settings.out = out.path
        settings.ledger = ledger
        try FileManager.default.createDirectory(atPath: settings.inbox, withIntermediateDirectories: true)
        let outputs = OutputFolders(root: out)
        for (index, name) in documents.enumerated() {
            let original = root.appendingPathComponent(name)
            try Data([0xFF, 0xD8, 0xFF]).write(to: original)
            let record = DocumentRecord(
                document: name, sha256: "sha-\(index)", form: .expenseClaim, status: .exception,
                fields: [
                    "claim_no": .text("BX2026000000\(index)"), "date": .text("2026-08-07"), "claimant": .text(claimant),
                    "department": .text("财务部"), "total": .text("10.00"), "total_in_words": .text("壹拾元整"),
                    "attachments": .integer(1), "id_number": .text(Self.idNumber), "bank_account": .text(Self.bankAccount),
                    "items": .rows([["category": .text("交通费"), "amount": .text("10.00"), "receipts": .integer(1)]]),
                ],
                violations: [Violation(rule: "uncertain_field", message: "not confirmed: claimant", fields: ["claimant"])],
                batch: "b1", pipeline: "default@1",
                evidence: [
                    "claimant": FieldEvidence(raw: claimant, confidence: 27, box: PixelRect(x: 10, y: 20, width: 100, height: 30), uncertain: true),
                    "id_number": FieldEvidence(raw: Self.idNumber, confidence: 91, box: PixelRect(x: 10, y: 60, width: 300, height: 30), uncertain: false),
                    "bank_account": FieldEvidence(raw: Self.bankAccount, confidence: 93, box: nil, uncertain: false),
                ],
                processedAt: "2026-11-23T00:00:00Z")
            try outputs.deliver(record, original: original, pageImage: Array("page image of \(name)".utf8))
        }
        desk = try ExceptionDesk(settings: settings, pipeline: Self.pipeline.get(), operatorName: "unused")
        // A run writes the audit chain's first entries; the review adds to it.
        try AuditLogSeed.write(to: out.appendingPathComponent("state/audit.log"))
        var users = try UserStore(path: root.appendingPathComponent("users.json").path)
        try users.set(name: "li", role: .operator, password: Self.operatorPassword, cost: 4)
        try users.set(name: "wang", role: .auditor, password: Self.auditorPassword, cost: 4)
        try users.save()
        var logger = Logger(label: "review-test")
        logger.logLevel = .error
        server = try ReviewServer(desk: desk, configuration: .init(usersFile: users.path, throttle: throttle), logger: logger)
    }

    func application() -> some ApplicationProtocol {
        Application(router: server.router())
    }

    func recordPath(_ status: String, _ name: String) -> String {
        out.appendingPathComponent("\(status)/\(name).json").path
    }
}

enum AuditLogSeed {
    static func write(to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let log = AuditLog(path: url.path)
        try log.append(actor: "formflow", action: "routed", document: "a.png", batch: "b1", sha256: "sha-0", detail: "exception")
    }
}

/// A browser's part for the router tests: keeps cookies, sends forms, finds the CSRF token in pages.
struct TestBrowser {
    let client: any TestClientProtocol
    var cookies: [String: String] = [:]

    init(_ client: any TestClientProtocol) { self.client = client }

    var cookieHeader: HTTPFields {
        cookies.isEmpty ? [:] : [.cookie: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")]
    }

    mutating func remember(_ response: TestResponse) {
        for header in response.headers[values: .setCookie] {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            let name = String(pair[0]).trimmingCharacters(in: .whitespaces)
            let value = pair.count > 1 ? String(pair[1]) : ""
            if value.isEmpty || header.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
    }

    mutating func get(_ uri: String) async throws -> TestResponse {
        let response = try await client.executeRequest(uri: uri, method: .get, headers: cookieHeader, body: nil)
        remember(response)
        return response
    }

    mutating func post(_ uri: String, _ form: [(String, String)]) async throws -> TestResponse {
        var headers = cookieHeader
        headers[.contentType] = "application/x-www-form-urlencoded"
        let body = form.map { "\(Self.escape($0.0))=\(Self.escape($0.1))" }.joined(separator: "&")
        let response = try await client.executeRequest(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
        remember(response)
        return response
    }

    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }

    /// Signs in through the login form, as a browser does.
    mutating func signIn(_ name: String, _ password: String) async throws -> TestResponse {
        let page = try await get("/login")
        return try await post("/login", [("csrf", Self.csrf(in: page.text) ?? ""), ("name", name), ("password", password), ("next", "/queue")])
    }

    static func csrf(in html: String) -> String? {
        value(of: "csrf", in: html)
    }

    static func value(of input: String, in html: String) -> String? {
        guard let range = html.range(of: "name=\"\(input)\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
}
