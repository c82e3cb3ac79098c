import FormFlowCore
import FormFlowExtraction
import FormFlowLedger
import FormFlowRouting
import FormFlowRuntime
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import Logging
import Mustache
import NIOCore

/// `formflow serve`: operator review of one output folder (or of a PostgreSQL ledger's exceptions).
public struct ReviewServer: Sendable {
    public struct Configuration: Sendable {
        public var usersFile: String
        /// Set behind TLS: the session cookie is then sent over HTTPS only.
        public var secureCookies: Bool
        public var throttle: LoginThrottle
        public var sessionLifetime: Duration

        public init(
            usersFile: String, secureCookies: Bool = false, throttle: LoginThrottle = LoginThrottle(),
            sessionLifetime: Duration = .seconds(8 * 3600)
        ) {
            self.usersFile = usersFile
            self.secureCookies = secureCookies
            self.throttle = throttle
            self.sessionLifetime = sessionLifetime
        }
    }

    let desk: ExceptionDesk
    let actions: DeskActions
    let pages: ReviewPages
    let templates: MustacheLibrary
    let configuration: Configuration
    let throttle: ThrottleState
    let logger: Logger

    public init(desk: ExceptionDesk, configuration: Configuration, logger: Logger) throws {
        self.desk = desk
        self.actions = DeskActions(desk: desk)
        self.pages = ReviewPages(templates: desk.pipeline.templates)
        self.templates = try ReviewTemplates.library()
        self.configuration = configuration
        self.throttle = ThrottleState(configuration.throttle)
        self.logger = logger
    }

    public static let sessionCookie = "formflow_session"
    static let loginCookie = "formflow_login"

    public func router() -> Router<ReviewRequestContext> {
        let router = Router(context: ReviewRequestContext.self)
        router.add(
            middleware: SessionMiddleware(
                storage: MemoryPersistDriver(),
                configuration: .init(
                    sessionCookieParameters: .init(
                        name: Self.sessionCookie, secure: configuration.secureCookies, sameSite: .strict),
                    defaultSessionExpiration: configuration.sessionLifetime)))
        router.add(middleware: ReviewGate())
        router.get("health") { _, _ in Response.text("ok\n") }
        router.get("favicon.ico") { _, _ in Response(status: .noContent) }
        router.get("static/review.css") { _, _ in Response.asset(ReviewTemplates.css, type: "text/css; charset=utf-8") }
        router.get("static/review.js") { _, _ in Response.asset(ReviewTemplates.script, type: "text/javascript; charset=utf-8") }
        router.get("login") { request, context in loginPage(request: request, context: context, error: nil) }
        router.post("login") { request, context in try await login(request: request, context: context) }
        router.post("logout") { _, context in
            context.sessions.clearSession()
            return Response.redirect(to: "/login")
        }
        router.get("/") { _, _ in Response.redirect(to: "/queue") }
        router.get("queue") { request, context in try queuePage(request: request, context: context) }
        router.get("doc/:id") { _, context in try documentPage(context: context) }
        router.get("doc/:id/page.jpg") { _, context in try pageImage(context: context) }
        router.post("doc/:id/fix") { _, context in try await act(.fix, context: context) }
        router.post("doc/:id/reject") { _, context in try await act(.reject, context: context) }
        router.post("doc/:id/requeue") { _, context in try await act(.requeue, context: context) }
        router.get("audit") { _, context in try auditPage(context: context) }
        return router
    }

    /// The server on `host:port`, for a service group.
    public func application(host: String, port: Int) -> some ApplicationProtocol {
        Application(router: router(), configuration: .init(address: .hostname(host, port: port)), logger: logger)
    }

    // MARK: Pages

    func render(_ template: String, _ values: [String: Any], context: ReviewRequestContext, status: HTTPResponse.Status = .ok)
        -> Response
    {
        var values = values
        if let session = context.sessions.session {
            values["user"] = ["name": session.name, "role": session.role.rawValue, "csrf": session.csrf, "auditor": session.role == .auditor] as [String: Any]
            values["csrf"] = session.csrf
            values["canAct"] = session.role.mayAct
            if let flash = session.flash {
                values["flash"] = flash
                var cleared = session
                cleared.flash = nil
                _ = context.sessions.updateSession(cleared)
            }
        }
        return Response.html(templates.render(values, withTemplate: template) ?? "", status: status)
    }

    func message(_ heading: String, _ text: String, status: HTTPResponse.Status, context: ReviewRequestContext) -> Response {
        render("message", ["heading": heading, "text": Masking.maskDigitRuns(in: text)], context: context, status: status)
    }

    func loginPage(request: Request, context: ReviewRequestContext, error: String?, status: HTTPResponse.Status = .ok)
        -> Response
    {
        // One token per browser until it signs in: a second load of the page (another tab, a favicon's
        // redirect) must not invalidate the form already shown.
        let token = request.cookies[Self.loginCookie].map { String($0.value) }.flatMap { Self.isToken($0) ? $0 : nil } ?? Self.randomToken()
        let next = request.uri.queryParameters.get("next").flatMap(Self.localPath) ?? context.formValue("next").flatMap(Self.localPath) ?? "/queue"
        var values: [String: Any] = ["csrf": token, "next": next]
        if let error { values["error"] = error }
        var response = render("login", values, context: context, status: status)
        // A refused sign-in sets no cookie at all: whoever failed leaves with nothing.
        if status == .ok || status == .forbidden {
            response.setCookie(
                Cookie(name: Self.loginCookie, value: token, path: "/login", secure: configuration.secureCookies, httpOnly: true, sameSite: .strict))
        }
        return response
    }

    func login(request: Request, context: ReviewRequestContext) async throws -> Response {
        let name = context.formValue("name") ?? ""
        let password = context.formValue("password") ?? ""
        guard Self.signInFormIsOurs(request, context: context) else {
            return loginPage(request: request, context: context, error: "The sign-in form had expired; please try again.", status: .forbidden)
        }
        if let wait = await throttle.wait(name: name, address: context.remoteAddress) {
            logger.warning("sign-in refused: too many failures", metadata: ["name": "\(name)", "address": "\(context.remoteAddress)"])
            return loginPage(
                request: request, context: context,
                error: "Too many failed sign-ins for this name or from this address. Try again in \(Int(wait / 60) + 1) minutes.",
                status: .tooManyRequests)
        }
        let usersFile = configuration.usersFile
        // bcrypt is slow on purpose: off the server's threads.
        let user: ReviewUser? = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try UserStore(path: usersFile).verify(name: name, password: password) })
            }
        }
        guard let user else {
            await throttle.failed(name: name, address: context.remoteAddress)
            logger.notice("sign-in failed", metadata: ["name": "\(name)", "address": "\(context.remoteAddress)"])
            return loginPage(request: request, context: context, error: "Name or password is wrong.", status: .unauthorized)
        }
        await throttle.succeeded(name: name)
        logger.info("signed in", metadata: ["name": "\(user.name)", "role": "\(user.role.rawValue)"])
        context.sessions.createSession(ReviewSession(name: user.name, role: user.role, csrf: Self.randomToken(), flash: nil))
        var response = Response.redirect(to: context.formValue("next").flatMap(Self.localPath) ?? "/queue")
        response.setCookie(Cookie(name: Self.loginCookie, value: "", maxAge: 0, path: "/login", httpOnly: true, sameSite: .strict))
        return response
    }

    /// Login CSRF: a browser posting the sign-in form sends the token of the form it was shown (and its
    /// cookie). A browser always names the page a POST comes from (`Origin`, `Sec-Fetch-Site`), so a post
    /// from another site without our token is refused; a client that is no browser (a script, curl) names
    /// none and may sign in with name and password alone — no one's browser can be made to send that.
    static func signInFormIsOurs(_ request: Request, context: ReviewRequestContext) -> Bool {
        if let sent = context.formValue("csrf"), let expected = request.cookies[loginCookie]?.value,
            same(sent, String(expected))
        {
            return true
        }
        return request.headers[.origin] == nil && request.headers[HTTPField.Name("Sec-Fetch-Site")!] == nil
    }

    struct Filters {
        var batch: String?
        var form: String?
        var rule: String?
        var olderThan: Double?
    }

    func filters(_ request: Request) -> Filters {
        let query = request.uri.queryParameters
        func value(_ key: String) -> String? {
            guard let text = query.get(key)?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        return Filters(batch: value("batch"), form: value("form"), rule: value("rule"), olderThan: value("older_than").flatMap(Double.init))
    }

    func queuePage(request: Request, context: ReviewRequestContext) throws -> Response {
        let filter = filters(request)
        let all = try desk.list()
        let rows = pages.queue(
            try desk.list(batch: filter.batch, form: filter.form, rule: filter.rule, olderThanDays: filter.olderThan))
        let rules = Set(all.flatMap { $0.record.violations.map(\.rule) }).sorted()
        let forms = desk.pipeline.templates.map(\.form.rawValue).map { ["value": $0, "selected": $0 == filter.form] as [String: Any] }
        var values: [String: Any] = [
                "rows": rows, "count": rows.count, "rules": rules, "forms": forms,
                "filtered": filter.batch != nil || filter.form != nil || filter.rule != nil || filter.olderThan != nil,
                "filters": [
                    "batch": filter.batch ?? "", "rule": filter.rule ?? "", "olderThan": filter.olderThan.map { String($0) } ?? "",
                ],
            ]
        if let first = rows.first { values["first"] = first }
        return render("queue", values, context: context)
    }

    func entry(_ context: ReviewRequestContext) throws -> ExceptionDesk.Entry? {
        guard let id = context.parameters.get("id"), Self.isDocumentID(id) else { return nil }
        return try desk.list().first { $0.id == id }
    }

    func documentPage(context: ReviewRequestContext) throws -> Response {
        guard let entry = try entry(context) else {
            return message("Not an exception", "This document is no longer an exception (decided meanwhile?) or never was.", status: .notFound, context: context)
        }
        let page = pages.document(entry)
        let hasImage = SafeFiles.regularFile(Self.pageImageURL(of: entry), in: desk.outputs.folder(for: .exception)) != nil
        return render("document", ["page": page, "hasImage": hasImage], context: context)
    }

    static func pageImageURL(of entry: ExceptionDesk.Entry) -> URL {
        let base = String(entry.url.lastPathComponent.dropLast(".json".count))
        return entry.url.deletingLastPathComponent().appendingPathComponent(base + OutputFolders.pageImageSuffix)
    }

    /// The page image by document id: the path is made here from the record's own file name, never taken
    /// from the request, and only a regular file directly in the exceptions folder is served.
    func pageImage(context: ReviewRequestContext) throws -> Response {
        guard let entry = try entry(context),
            let bytes = SafeFiles.read(Self.pageImageURL(of: entry), in: desk.outputs.folder(for: .exception))
        else { return Response(status: .notFound, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "no such page image\n"))) }
        return Response(
            status: .ok, headers: [.contentType: "image/jpeg", .cacheControl: "private, no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    enum Action: String { case fix, reject, requeue }

    func act(_ action: Action, context: ReviewRequestContext) async throws -> Response {
        guard let session = context.sessions.session, session.role.mayAct else {
            return message("Not allowed", "Auditors read; only operators fix, reject or requeue.", status: .forbidden, context: context)
        }
        guard let entry = try entry(context) else {
            return message("Not an exception", "This document is no longer an exception: someone decided it meanwhile.", status: .notFound, context: context)
        }
        let version = context.formValue("version") ?? ""
        let reason = (context.formValue("reason") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else {
            return message("A reason is needed", "Say why, for the audit log.", status: .badRequest, context: context)
        }
        let name = Masking.maskDigitRuns(in: entry.record.document)
        let flash: String
        do {
            switch action {
            case .fix:
                let assignments = pages.assignments(form: context.form, record: entry.record)
                let record = try await actions.fix(entry.id, assignments: assignments, reason: reason, version: version, by: session.name)
                flash = record.status == .accepted
                    ? "\(name) accepted."
                    : "\(name) is still an exception: \(record.violations.map(\.rule).joined(separator: ", "))."
                if record.status != .accepted || context.formValue("then") == "stay" {
                    return try redirect(after: flash, to: record.status == .accepted ? nil : entry.id, context: context)
                }
            case .reject:
                try await actions.reject(entry.id, reason: reason, version: version, by: session.name)
                flash = "\(name) rejected."
            case .requeue:
                try await actions.requeue(entry.id, reason: reason, version: version, by: session.name)
                flash = "\(name) sent back to the inbox."
            }
        } catch let error as ExceptionDesk.DeskError {
            let conflict = error.description.contains("changed by someone else")
            return message(conflict ? "Changed meanwhile" : "Not done", error.description, status: conflict ? .conflict : .badRequest, context: context)
        }
        return try redirect(after: flash, to: nextDocument(after: entry.id), context: context)
    }

    /// The next exception in the queue's order, other than `id`.
    func nextDocument(after id: String) throws -> String? {
        pages.queue(try desk.list()).first { $0.id != id }?.id
    }

    func redirect(after flash: String, to id: String?, context: ReviewRequestContext) throws -> Response {
        if var session = context.sessions.session {
            session.flash = flash
            _ = context.sessions.updateSession(session)
        }
        return Response.redirect(to: id.map { "/doc/\($0)" } ?? "/queue")
    }

    func auditPage(context: ReviewRequestContext) throws -> Response {
        guard context.sessions.session?.role == .auditor else {
            return message("Not allowed", "The audit log is for auditors.", status: .forbidden, context: context)
        }
        let status: String
        var breaks: [String] = []
        var shown: [AuditEntry] = []
        do {
            let trail = try desk.auditTrail()
            breaks = trail.breaks.map(\.description)
            status = trail.breaks.isEmpty
                ? "Chain verified: all \(trail.entries.count) entries intact."
                : "Chain BROKEN: \(trail.breaks.count) problem(s) in \(trail.entries.count) entries."
            shown = trail.entries.suffix(500).reversed().map {
                var entry = $0
                entry.document = Masking.maskDigitRuns(in: entry.document)
                entry.detail = Masking.maskDigitRuns(in: entry.detail)
                return entry
            }
        } catch {
            status = "The audit log cannot be read: \(error)"
            breaks = [status]
        }
        return render("audit", ["status": status, "intact": breaks.isEmpty, "breaks": breaks, "entries": shown], context: context)
    }

    // MARK: Helpers

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    static func isToken(_ text: String) -> Bool {
        text.count == 64 && text.allSatisfy { $0.isHexDigit && ($0.isNumber || $0.isLowercase) }
    }

    /// Compares without stopping at the first difference (the time taken tells nothing of the token).
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count, !x.isEmpty else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// Only a path on this server: `/queue`, never `//elsewhere` or `https://…`.
    static func localPath(_ text: String) -> String? {
        guard text.hasPrefix("/"), !text.hasPrefix("//"), !text.contains("\\"), !text.contains("://") else { return nil }
        return text
    }

    static func isDocumentID(_ id: String) -> Bool {
        id.count == 20 && id.allSatisfy { $0.isHexDigit && ($0.isNumber || $0.isLowercase) }
    }
}
