import FormFlowCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import HummingbirdAuth
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// Before every handler: reads a posted form once, lets through only the sign-in page, `/health` and
/// static assets without a session, checks every other POST's CSRF token against the session's, and
/// puts the security headers on every answer.
struct ReviewGate: RouterMiddleware {
    typealias Context = ReviewRequestContext

    /// Forms are small; anything larger is not one of ours.
    static let maximumForm = 1 << 20

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var context = context
        var request = request
        let path = request.uri.path
        let open = path == "/login" || path == "/health" || path == "/favicon.ico" || path.hasPrefix("/static/")
        if request.method == .post {
            let body = try await request.collectBody(upTo: Self.maximumForm)
            context.form = FormBody.parse(String(buffer: body))
        }
        var response: Response
        if !open, let session = context.sessions.session {
            if request.method == .post,
                !ReviewServer.same(context.formValue("csrf") ?? "", session.csrf)
            {
                response = Response.html(
                    "<!doctype html><p>This form is not from this session (CSRF token missing or stale). Go back, reload the page and try again.</p>",
                    status: .forbidden)
            } else {
                response = try await Self.answer(request, context, next)
            }
        } else if !open {
            response =
                request.method == .get
                ? Response.redirect(to: "/login?next=" + (ReviewServer.localPath(path).map(Self.queryEscaped) ?? "/queue"))
                : Response.html("<!doctype html><p>Sign in first: <a href=\"/login\">/login</a></p>", status: .unauthorized)
        } else {
            response = try await Self.answer(request, context, next)
        }
        Self.secure(&response.headers)
        return response
    }

    /// The handler's answer; a failure (the output folder unreadable, the ledger away) becomes a page that
    /// says what went wrong, personal data masked, instead of a bare 500.
    static func answer(_ request: Request, _ context: Context, _ next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            throw error
        } catch {
            context.logger.error("review request failed", metadata: ["path": "\(request.uri.path)", "error": "\(Masking.maskDigitRuns(in: "\(error)"))"])
            let text = Masking.maskDigitRuns(in: "\(error)")
                .replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            return Response.html(
                "<!doctype html><title>FormFlow review: error</title><h1>Something went wrong</h1><p id=\"message\">\(text)</p><p>Check the output folder and the ledger the server was started with; <a href=\"/queue\">back to the queue</a>.</p>",
                status: .internalServerError)
        }
    }

    static func queryEscaped(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "/-_.~"))) ?? "/queue"
    }

    /// No script, style, image or frame from anywhere but here; no inline script; not framed; no referrer.
    static func secure(_ headers: inout HTTPFields) {
        headers[.contentSecurityPolicy] =
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
        headers[.xContentTypeOptions] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
    }
}

/// `application/x-www-form-urlencoded`, as browsers send it.
enum FormBody {
    static func parse(_ body: String) -> [(String, String)] {
        body.split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(parts[0]), !name.isEmpty else { return nil }
            return (name, parts.count > 1 ? decode(parts[1]) ?? "" : "")
        }
    }

    static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}

/// Reading files the server serves: only a regular file (no symbolic link, no folder, no device) directly
/// inside the folder given, and not larger than a page image can be.
enum SafeFiles {
    static let maximumSize = 64 << 20

    static func regularFile(_ url: URL, in folder: URL) -> URL? {
        guard url.deletingLastPathComponent().standardizedFileURL.path == folder.standardizedFileURL.path,
            // The attributes of the entry itself (lstat): a symbolic link is a link here, not its target.
            let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
            attributes[.type] as? FileAttributeType == .typeRegular,
            let size = attributes[.size] as? Int, size <= maximumSize
        else { return nil }
        return url
    }

    static func read(_ url: URL, in folder: URL) -> [UInt8]? {
        guard let url = regularFile(url, in: folder) else { return nil }
        // O_NOFOLLOW: a link put in place after the check is refused too.
        let descriptor = open(url.path, O_RDONLY | O_NOFOLLOW)
        guard descriptor >= 0 else { return nil }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        guard let data = try? handle.read(upToCount: maximumSize + 1), data.count <= maximumSize else { return nil }
        return [UInt8](data)
    }
}
