import FormFlowCore
import FormFlowRuntime
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import HummingbirdTesting
import Testing

@testable import FormFlowReview

@Suite("The review server: sign-in, sessions and roles")
struct ReviewSessionTests {
    @Test("without a session only the sign-in page, /health and static assets answer")
    func nothingWithoutSession() async throws {
        let fixture = try ReviewFixture()
        let id = try #require(try fixture.desk.list().first?.id)
        try await fixture.application().test(.router) { client in
            var browser = TestBrowser(client)
            for path in ["/", "/queue", "/doc/\(id)", "/doc/\(id)/page.jpg", "/audit", "/queue?batch=b1"] {
                let response = try await browser.get(path)
                #expect(response.status == .seeOther, "\(path)")
                #expect(response.headers[.location]?.hasPrefix("/login") == true, "\(path)")
                #expect(!response.text.contains("a.png"), "\(path)")
            }
            for path in ["/doc/\(id)/fix", "/doc/\(id)/reject", "/doc/\(id)/requeue", "/logout"] {
                let response = try await browser.post(path, [("reason", "x"), ("field:claimant", "何敏")])
                #expect(response.status == .unauthorized, "\(path)")
            }
            #expect(try await browser.get("/health").status == .ok)
            #expect(try await browser.get("/static/review.js").status == .ok)
            let login = try await browser.get("/login")
            #expect(login.status == .ok && login.text.contains("name=\"password\""))
        }
        #expect(try fixture.desk.list().count == 2)
    }

    @Test("a wrong password gives no session; the right one a cookie that is HttpOnly and SameSite=Strict")
    func signIn() async throws {
        let fixture = try ReviewFixture()
        try await fixture.application().test(.router) { client in
            var browser = TestBrowser(client)
            let wrong = try await browser.signIn("li", "not the password")
            #expect(wrong.status == .unauthorized)
            #expect(wrong.headers[values: .setCookie].isEmpty)
            #expect(browser.cookies[ReviewServer.sessionCookie] == nil)
            #expect(try await browser.get("/queue").status == .seeOther)
            let unknown = try await browser.signIn("nobody", "whatever it is")
            #expect(unknown.status == .unauthorized && wrong.text.contains("Name or password is wrong"))

            let right = try await browser.signIn("li", ReviewFixture.operatorPassword)
            #expect(right.status == .seeOther && right.headers[.location] == "/queue")
            let cookie = try #require(right.headers[values: .setCookie].first { $0.hasPrefix(ReviewServer.sessionCookie + "=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
            #expect(!cookie.contains("Secure"))  // not behind TLS here; --secure-cookies adds it
            #expect(try await browser.get("/queue").status == .ok)
        }
    }

    @Test("behind TLS (--secure-cookies) the session cookie is Secure as well")
    func secureCookie() async throws {
        let fixture = try ReviewFixture()
        let server = try ReviewServer(
            desk: fixture.desk, configuration: .init(usersFile: fixture.root.appendingPathComponent("users.json").path, secureCookies: true),
            logger: Logger(label: "review-test"))
        try await Application(router: server.router()).test(.router) { client in
            var browser = TestBrowser(client)
            let right = try await browser.signIn("li", ReviewFixture.operatorPassword)
            let cookie = try #require(right.headers[values: .setCookie].first { $0.hasPrefix(ReviewServer.sessionCookie + "=") })
            #expect(cookie.contains("Secure") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
        }
    }

    @Test("a sign-in posted from another site without the form's token is refused; a script without a browser's headers may sign in")
    func signInNeedsToken() async throws {
        let fixture = try ReviewFixture()
        try await fixture.application().test(.router) { client in
            let form = ByteBuffer(string: "name=li&password=\(TestBrowser.escape(ReviewFixture.operatorPassword))")
            for header in ["Origin: https://evil.example", "Sec-Fetch-Site: cross-site"] {
                let parts = header.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
                headers[HTTPField.Name(parts[0])!] = parts[1]
                let response = try await client.executeRequest(uri: "/login", method: .post, headers: headers, body: form)
                #expect(response.status == .forbidden, "\(header)")
                #expect(!response.headers[values: .setCookie].contains { $0.hasPrefix(ReviewServer.sessionCookie) })
            }
            let script = try await client.executeRequest(
                uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: form)
            #expect(script.status == .seeOther)
        }
    }

    @Test("after too many failures for one name even the right password waits")
    func attemptsAreLimited() async throws {
        let fixture = try ReviewFixture(throttle: LoginThrottle(perName: 3, perAddress: 100, window: 600))
        try await fixture.application().test(.router) { client in
            var browser = TestBrowser(client)
            for _ in 0..<3 { #expect(try await browser.signIn("li", "guess").status == .unauthorized) }
            let limited = try await browser.signIn("li", ReviewFixture.operatorPassword)
            #expect(limited.status == .tooManyRequests)
            #expect(browser.cookies[ReviewServer.sessionCookie] == nil)
            // Another name is not affected.
            #expect(try await browser.signIn("wang", ReviewFixture.auditorPassword).status == .seeOther)
        }
    }

    @Test("a cookie kept after sign-out opens nothing")
    func stolenCookieAfterLogout() async throws {
        let fixture = try ReviewFixture()
        try await fixture.application().test(.router) { client in
            var browser = TestBrowser(client)
            _ = try await browser.signIn("li", ReviewFixture.operatorPassword)
            let stolen = browser.cookies
            let queue = try await browser.get("/queue")
            let out = try await browser.post("/logout", [("csrf", TestBrowser.csrf(in: queue.text) ?? "")])
            #expect(out.status == .seeOther)
            var thief = TestBrowser(client)
            thief.cookies = stolen
            let response = try await thief.get("/queue")
            #expect(response.status == .seeOther && response.headers[.location]?.hasPrefix("/login") == true)
        }
    }

    @Test("a POST without the session's CSRF token changes nothing")
    func csrf() async throws {
        let fixture = try ReviewFixture()
        let entry = try #require(try fixture.desk.list().first)
        try await fixture.application().test(.router) { client in
            var browser = TestBrowser(client)
            _ = try await browser.signIn("li", ReviewFixture.operatorPassword)
            let missing = try await browser.post(
                "/doc/\(entry.id)/fix", [("version", entry.version), ("field:claimant", "何敏"), ("reason", "x")])
            #expect(missing.status == .forbidden)
            let forged = try await browser.post(
                "/doc/\(entry.id)/fix",
                [("csrf", String(repeating: "0", count: 64)), ("version", entry.version), ("field:claimant", "何敏"), ("reason", "x")])
            #expect(forged.status == .forbidden)
        }
        #expect(try fixture.desk.list().count == 2)
        #expect(!FileManager.default.fileExists(atPath: fixture.recordPath("accepted", entry.record.document)))
    }

    @Test("auditors read and see the audit log; they cannot act, and operators do not see the log")
    func roles() async throws {
        let fixture = try ReviewFixture()
        let entry = try #require(try fixture.desk.list().first)
        try await fixture.application().test(.router) { client in
            var auditor = TestBrowser(client)
            _ = try await auditor.signIn("wang", ReviewFixture.auditorPassword)
            let page = try await auditor.get("/doc/\(entry.id)")
            #expect(page.status == .ok && !page.text.contains("id=\"save-next\"") && page.text.contains("readonly"))
            let attempt = try await auditor.post(
                "/doc/\(entry.id)/fix",
                [("csrf", TestBrowser.csrf(in: page.text) ?? ""), ("version", entry.version), ("field:claimant", "何敏"), ("reason", "x")])
            #expect(attempt.status == .forbidden)
            let audit = try await auditor.get("/audit")
            #expect(audit.status == .ok && audit.text.contains("Chain verified"))

            var operatorBrowser = TestBrowser(client)
            _ = try await operatorBrowser.signIn("li", ReviewFixture.operatorPassword)
            #expect(try await operatorBrowser.get("/audit").status == .forbidden)
        }
        #expect(try fixture.desk.list().count == 2)
    }
}

@Suite("The review server: the queue, the document page and the actions")
struct ReviewActionTests {
    @Test("the queue names every exception; no page shows a full ID or bank number")
    func queueAndMasking() async throws {
        let names = ["a.png", "身份证110105194912310021.png", "c.jpg"]
        let fixture = try ReviewFixture(documents: names)
        let entries = try fixture.desk.list()
        try await fixture.application().test(.router) { client in
            var browser = TestBrowser(client)
            _ = try await browser.signIn("li", ReviewFixture.operatorPassword)
            let queue = try await browser.get("/queue")
            #expect(queue.text.contains("a.png") && queue.text.contains("c.jpg") && queue.text.contains("身份证110105********0021.png"))
            var pages = [queue.text]
            for entry in entries {
                let page = try await browser.get("/doc/\(entry.id)")
                #expect(page.status == .ok)
                #expect(page.text.contains("110105********002X"))  // the masked ID, for the operator to compare
                pages.append(page.text)
            }
            pages.append(try await browser.get("/queue?rule=uncertain_field").text)
            for text in pages {
                #expect(!text.contains(ReviewFixture.idNumber))
                #expect(!text.contains(ReviewFixture.bankAccount))
                #expect(!text.contains("110105194912310021"))
            }
        }
    }

    @Test("an output folder no run has written an exception to shows an empty queue, not an error")
    func emptyOutput() async throws {
        let fixture = try ReviewFixture(documents: [])
        try await fixture.application().test(.router) { client in
            var browser = TestBrowser(client)
            _ = try await browser.signIn("li", ReviewFixture.operatorPassword)
            let queue = try await browser.get("/queue")
            #expect(queue.status == .ok && queue.text.contains("No exceptions"))
        }
    }

    @Test("filters narrow the queue like the CLI's")
    func filters() async throws {
        let fixture = try ReviewFixture(documents: ["a.png", "b.png"])
        try await fixture.application().test(.router) { client in
            var browser = TestBrowser(client)
            _ = try await browser.signIn("li", ReviewFixture.operatorPassword)
            #expect(try await browser.get("/queue?rule=uncertain_field").text.contains("b.png"))
            let none = try await browser.get("/queue?rule=sum_mismatch").text
            #expect(!none.contains("b.png") && none.contains("No exceptions match"))
            #expect(!(try await browser.get("/queue?form=vat_invoice").text.contains("a.png")))
            #expect(try await browser.get("/queue?batch=b1&older_than=0").text.contains("a.png"))
        }
    }

    @Test("script in file names and field values is shown as text")
    func escaping() async throws {
        // A file name cannot hold "/", so the name carries an element and the value a script.
        let hostile = "<img src=x onerror=alert(1)>.png"
        let fixture = try ReviewFixture(documents: [hostile], claimant: "<script>alert(2)</script>")
        let entry = try #require(try fixture.desk.list().first)
        try await fixture.application().test(.router) { client in
            var browser = TestBrowser(client)
            _ = try await browser.signIn("li", ReviewFixture.operatorPassword)
            for path in ["/queue", "/doc/\(entry.id)"] {
                let text = try await browser.get(path).text
                #expect(!text.contains("<script>alert") && !text.contains("<img src=x"), "\(path)")
                #expect(text.contains("&lt;img src=x onerror=alert(1)&gt;.png"), "\(path)")
            }
            #expect(try await browser.get("/doc/\(entry.id)").text.contains("&lt;script&gt;alert(2)&lt;/script&gt;"))
        }
    }

    @Test("a fix that clears the rules accepts at once, records the operator, and goes to the next exception")
    func fixAccepts() async throws {
        let fixture = try ReviewFixture(documents: ["a.png", "b.png"])
        let entry = try #require(try fixture.desk.list().first { $0.record.document == "a.png" })
        try await fixture.application().test(.router) { client in
            var browser = TestBrowser(client)
            _ = try await browser.signIn("li", ReviewFixture.operatorPassword)
            let page = try await browser.get("/doc/\(entry.id)")
            let version = try #require(TestBrowser.value(of: "version", in: page.text))
            let fixed = try await browser.post(
                "/doc/\(entry.id)/fix",
                [
                    ("csrf", TestBrowser.csrf(in: page.text) ?? ""), ("version", version), ("field:claimant", "何敏"),
                    ("field:id_number", ""), ("field:bank_account", ""), ("reason", "read from the paper"), ("then", "next"),
                ])
            #expect(fixed.status == .seeOther)
            let next = try #require(fixed.headers[.location])
            #expect(next.hasPrefix("/doc/") && next != "/doc/\(entry.id)")
            #expect(try await browser.get(next).text.contains("a.png accepted."))
        }
        let accepted = try JSONDecoder().decode(
            DocumentRecord.self, from: Data(contentsOf: URL(fileURLWithPath: fixture.recordPath("accepted", "a.png"))))
        #expect(accepted.fields["claimant"] == .text("何敏"))
        // Personal fields left empty keep their full values in the record.
        #expect(accepted.fields["id_number"] == .text(ReviewFixture.idNumber))
        let audit = try String(contentsOf: fixture.out.appendingPathComponent("state/audit.log"), encoding: .utf8)
        #expect(audit.contains("\"actor\":\"li\"") && audit.contains("何禾 → 何敏"))
        #expect(!audit.contains(ReviewFixture.idNumber))
    }

    @Test("two operators cannot overwrite each other: the second action on an old version is refused")
    func versionCheck() async throws {
        let fixture = try ReviewFixture(documents: ["a.png"])
        let entry = try #require(try fixture.desk.list().first)
        try await fixture.application().test(.router) { client in
            var first = TestBrowser(client)
            var second = TestBrowser(client)
            _ = try await first.signIn("li", ReviewFixture.operatorPassword)
            _ = try await second.signIn("li", ReviewFixture.operatorPassword)
            let pageOne = try await first.get("/doc/\(entry.id)").text
            let pageTwo = try await second.get("/doc/\(entry.id)").text
            // The first saves a change that leaves the document an exception (a new version)…
            let saved = try await first.post(
                "/doc/\(entry.id)/fix",
                [("csrf", TestBrowser.csrf(in: pageOne) ?? ""), ("version", entry.version), ("field:total", "11.00"), ("reason", "paper says 11")])
            #expect(saved.status == .seeOther && saved.headers[.location] == "/doc/\(entry.id)")
            // …so the second, still looking at the old one, is refused.
            let late = try await second.post(
                "/doc/\(entry.id)/fix",
                [("csrf", TestBrowser.csrf(in: pageTwo) ?? ""), ("version", entry.version), ("field:claimant", "何敏"), ("reason", "x")])
            #expect(late.status == .conflict && late.text.contains("changed by someone else"))
        }
        let record = try #require(try fixture.desk.list().first?.record)
        #expect(record.fields["total"] == .text("11.00") && record.fields["claimant"] == .text("何禾"))
    }

    @Test("reject and requeue need a reason and are audited")
    func rejectAndRequeue() async throws {
        let fixture = try ReviewFixture(documents: ["a.png", "b.png"])
        let entries = try fixture.desk.list()
        try await fixture.application().test(.router) { client in
            var browser = TestBrowser(client)
            _ = try await browser.signIn("li", ReviewFixture.operatorPassword)
            let csrf = TestBrowser.csrf(in: try await browser.get("/queue").text) ?? ""
            let a = try #require(entries.first { $0.record.document == "a.png" })
            let b = try #require(entries.first { $0.record.document == "b.png" })
            #expect(try await browser.post("/doc/\(a.id)/reject", [("csrf", csrf), ("version", a.version)]).status == .badRequest)
            #expect(try await browser.post("/doc/\(a.id)/reject", [("csrf", csrf), ("version", a.version), ("reason", "not ours")]).status == .seeOther)
            #expect(try await browser.post("/doc/\(b.id)/requeue", [("csrf", csrf), ("version", b.version), ("reason", "rescanned")]).status == .seeOther)
        }
        #expect(FileManager.default.fileExists(atPath: fixture.out.appendingPathComponent("rejected/a.png").path))
        #expect(FileManager.default.fileExists(atPath: fixture.root.appendingPathComponent("inbox/b.png").path))
        let audit = try String(contentsOf: fixture.out.appendingPathComponent("state/audit.log"), encoding: .utf8)
        #expect(audit.contains("\"action\":\"rejected\"") && audit.contains("\"action\":\"requeued\"") && audit.contains("not ours"))
    }
}

@Suite("The review server serves files by document id only")
struct ReviewPathTests {
    @Test("path tricks reach neither /etc/passwd nor the ledger")
    func pathTricks() async throws {
        let fixture = try ReviewFixture()
        let id = try #require(try fixture.desk.list().first?.id)
        try await fixture.application().test(.router) { client in
            var browser = TestBrowser(client)
            _ = try await browser.signIn("li", ReviewFixture.operatorPassword)
            let tricks = [
                "/doc/../../../../etc/passwd", "/doc/..%2f..%2f..%2fetc%2fpasswd", "/doc/%2e%2e/%2e%2e/state/ledger.sqlite",
                "/doc/%252e%252e%252fstate%252fledger.sqlite/page.jpg", "/doc//etc/passwd/page.jpg", "/doc/%2Fetc%2Fpasswd/page.jpg",
                "/static/../state/ledger.sqlite", "/static/..%2f..%2fstate%2fledger.sqlite", "/doc/\(id)/../../state/ledger.sqlite",
                "/doc/\(id)/..%2f..%2fstate%2fledger.sqlite", "/state/ledger.sqlite", "/exceptions/a.png.json", "/etc/passwd",
                "/doc/\(id)/page.jpg/../../../etc/passwd", "/doc/\(id)%2f..%2f..%2fetc%2fpasswd/page.jpg",
            ]
            for trick in tricks {
                let response = try await browser.get(trick)
                #expect(!response.text.contains("root:"), "\(trick)")
                #expect(!response.text.contains("SQLite format"), "\(trick)")
                #expect(response.status != .ok || response.text.contains("<!doctype html>"), "\(trick)")
            }
            #expect(try await browser.get("/doc/\(id)/page.jpg").text.hasPrefix("page image of"))
        }
    }

    @Test("a symbolic link in the output folder is not followed")
    func symlinks() async throws {
        let fixture = try ReviewFixture(documents: ["a.png"])
        let entry = try #require(try fixture.desk.list().first)
        let image = fixture.out.appendingPathComponent("exceptions/a.png.page.jpg")
        try FileManager.default.removeItem(at: image)
        try FileManager.default.createSymbolicLink(atPath: image.path, withDestinationPath: "/etc/passwd")
        try await fixture.application().test(.router) { client in
            var browser = TestBrowser(client)
            _ = try await browser.signIn("li", ReviewFixture.operatorPassword)
            let response = try await browser.get("/doc/\(entry.id)/page.jpg")
            #expect(response.status == .notFound && !response.text.contains("root:"))
            #expect(!(try await browser.get("/doc/\(entry.id)").text.contains("page.jpg")))
        }
    }

    @Test("every answer carries a strict content security policy")
    func headers() async throws {
        let fixture = try ReviewFixture()
        try await fixture.application().test(.router) { client in
            var browser = TestBrowser(client)
            for path in ["/login", "/queue", "/health"] {
                let response = try await browser.get(path)
                let policy = try #require(response.headers[.contentSecurityPolicy])
                #expect(policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'none'"))
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
            }
        }
    }
}
