import FormFlowCore

/// A business key: what makes two documents the same claim or invoice (claim_no; invoice code + number).
public struct BusinessKey: Hashable, Sendable, CustomStringConvertible {
    public var form: String
    public var value: String

    public init(form: String, fields: [String], values: [String]) {
        self.form = form
        self.value = zip(fields, values).map { "\($0)=\($1)" }.joined(separator: "|")
    }

    public var description: String { "\(form):\(value)" }
}

/// Who already holds a business key.
public struct KeyOwner: Sendable, Hashable {
    public var document: String
    public var sha256: String
    public var batch: String
    public var acceptedAt: String
}

/// The outcome of claiming a key for acceptance.
public enum KeyClaim: Sendable, Hashable {
    /// This document now holds the key (or already did: claiming again is harmless).
    case claimed
    /// Another document was accepted with this key before.
    case heldBy(KeyOwner)
}

/// Where FormFlow keeps what it decided: every document, its state transitions, its final status and
/// rule results, and the business keys of accepted documents. SQLite (`SQLiteLedger`) is the default;
/// the protocol is what a PostgreSQL backend for several hosts implements.
public protocol Ledger: Sendable {
    /// Notes a state change of a document (received, processing, routed …) with the time.
    func transition(document: String, sha256: String, batch: String, to state: String) throws
    /// Claims `key` for `sha256`; the storage's uniqueness constraint decides between concurrent claims,
    /// so two workers or two processes can never both accept the same claim or invoice.
    func claim(_ key: BusinessKey, document: String, sha256: String, batch: String) throws -> KeyClaim
    /// Who holds `key`, if anyone.
    func owner(of key: BusinessKey) throws -> KeyOwner?
    /// Notes that `key` belongs to a document waiting in exceptions.
    func holdPending(_ key: BusinessKey, document: String, sha256: String, batch: String) throws
    /// The document waiting in exceptions with `key`, if any.
    func pendingOwner(of key: BusinessKey) throws -> KeyOwner?
    /// Stores the final decision for a document.
    func finish(_ record: DocumentRecord) throws
    /// The first final record stored for this content, if any (idempotent re-runs, crash recovery).
    func firstDecision(sha256: String) throws -> DocumentRecord?
    /// Every decided document (name, batch, status), for reconciliation and tests.
    func decisions() throws -> [(document: String, batch: String, status: String)]
}
