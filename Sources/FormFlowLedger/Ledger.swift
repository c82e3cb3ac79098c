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
public struct KeyOwner: Sendable, Hashable, Codable {
    public var document: String
    public var sha256: String
    public var batch: String
    public var acceptedAt: String

    public init(document: String, sha256: String, batch: String, acceptedAt: String) {
        self.document = document
        self.sha256 = sha256
        self.batch = batch
        self.acceptedAt = acceptedAt
    }
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
    /// Marks a document's decision as changed by an operator (`requeued`, `rejected`), with a transition.
    func mark(document: String, batch: String, status: String) throws
    /// Notes that a decided document's record and original are in their output folder.
    func markDelivered(document: String, batch: String) throws
    /// Decided documents whose delivery was not confirmed (a run killed while moving files).
    func undelivered() throws -> [DocumentRecord]
    /// Counts by final status, for tests and reports.
    func statusCounts() throws -> [String: Int]
}

/// Claims on the folders of the shared processing area, for many processes on many hosts draining one
/// inbox (the PostgreSQL ledger implements them). A process claims a folder before it moves a file into
/// it and holds the claim by renewing its lease; a process killed with SIGKILL stops renewing, and once
/// the lease has expired another process takes the folder over and finishes the file.
public protocol WorkClaims: Sendable {
    /// Claims `folder` for `owner` (true), unless another owner holds an unexpired lease on it (false).
    func claimFolder(_ folder: String, name: String, owner: String, lease: Duration) throws -> Bool
    /// Extends every lease `owner` holds.
    func renew(owner: String, lease: Duration) throws
    /// Drops the claim on a finished folder.
    func release(folder: String) throws
    /// Folders claimed by other owners whose leases still run (their files are being decided).
    func liveClaims(except owner: String) throws -> Set<String>
    /// Every claimed folder, expired or not.
    func claimedFolders() throws -> Set<String>
    /// Takes over one folder whose lease expired, if any (`FOR UPDATE SKIP LOCKED`: concurrent takers get
    /// different folders).
    func takeOverExpired(owner: String, lease: Duration) throws -> String?
}
