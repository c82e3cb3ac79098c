import Hummingbird
import HummingbirdAuth
import NIOCore

/// Who is signed in: kept on the server (the cookie holds only a random id), with the token every form
/// of this session must send back (CSRF) and a message for the next page.
public struct ReviewSession: Codable, Sendable {
    public var name: String
    public var role: ReviewRole
    public var csrf: String
    public var flash: String?
}

/// Per request: the session, the client's address (for the sign-in limits) and the posted form.
public struct ReviewRequestContext: SessionRequestContext, RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let sessions: SessionContext<ReviewSession>
    public let remoteAddress: String
    /// The posted form's fields in order (a name may repeat), read once by `ReviewGate`.
    public var form: [(String, String)] = []

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        sessions = .init()
        remoteAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    func formValue(_ name: String) -> String? { form.first { $0.0 == name }?.1 }
}
