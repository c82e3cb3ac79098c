import FormFlowCore
import FormFlowLedger
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// Where a PostgreSQL ledger lives: `postgres://USER[:PASS]@HOST[:PORT]/DB`.
public struct PostgresAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String

    public init?(_ text: String) {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme ?? ""),
            let host = components.host, !host.isEmpty, let user = components.user, !user.isEmpty
        else { return nil }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty else { return nil }
        self.host = host
        self.port = components.port ?? 5432
        self.user = user
        self.password = components.password
        self.database = database
    }

    /// The address without its password, for logs and messages.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)" }
}

/// Why the PostgreSQL ledger could not be used. `unreachable` is storage trouble (exit 74); the others
/// are configuration (exit 78).
public struct PostgresLedgerError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable { case unreachable, newerSchema, badAddress, failed }
    public var kind: Kind
    public var message: String
    public var description: String { message }
}

/// The ledger in PostgreSQL, for many processes on many hosts: the same tables as `SQLiteLedger`, the
/// business keys' primary keys deciding between concurrent acceptances, and the work claims of
/// `WorkClaims` (leases) in the same database. Calls are synchronous (workers are threads doing OCR); they
/// wait on SwiftNIO futures, never on Swift concurrency's pool. One connection per process, its use
/// serialised; a lost connection is reopened with backoff for `patience`, then the error is `unreachable`.
public final class PostgresLedger: Ledger, WorkClaims, @unchecked Sendable {
    public let address: PostgresAddress
    /// Schema versions this build knows; a database at a higher version is refused (a newer FormFlow
    /// migrated it).
    public static let schemaVersion = Migrations.all.count
    private let configuration: PostgresConnection.Configuration
    private let patience: Duration
    let logger: Logger
    private let lock = NSLock()
    private var connection: PostgresConnection?
    private var connectionCount = 0
    /// Round trips to the server since start (for `bench --ledger`).
    public private(set) var roundTrips = 0

    public init(url: String, patience: Duration = .seconds(30), logger: Logger = Logger(label: "formflow.ledger")) throws(PostgresLedgerError) {
        guard let address = PostgresAddress(url) else {
            throw PostgresLedgerError(
                kind: .badAddress, message: "'\(url.replacingOccurrences(of: #":[^:@/]*@"#, with: ":***@", options: .regularExpression))' is not a PostgreSQL address; write postgres://USER[:PASS]@HOST:PORT/DB")
        }
        self.address = address
        self.configuration = PostgresConnection.Configuration(
            host: address.host, port: address.port, username: address.user, password: address.password,
            database: address.database, tls: .disable)
        self.patience = patience
        self.logger = logger
        try migrate()
    }

    deinit {
        _ = try? connection?.close().wait()
    }

    // MARK: Connection

    private func open() throws -> PostgresConnection {
        if let connection, !connection.isClosed { return connection }
        connectionCount += 1
        let connection = try PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration, id: connectionCount, logger: logger
        ).wait()
        self.connection = connection
        return connection
    }

    /// Runs `body` with the connection, reconnecting with backoff while the server is away.
    private func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws(PostgresLedgerError) -> T {
        lock.lock()
        defer { lock.unlock() }
        var deadline = ContinuousClock.now + patience
        var delay = Duration.milliseconds(100)
        var answerLost = false
        while true {
            do {
                let connection = try open()
                do {
                    return try body(connection)
                } catch let error as PostgresLedgerError {
                    throw error
                } catch is AnswerLost where !answerLost {
                    // Once: a statement that truly takes longer than the timeout would otherwise run forever.
                    answerLost = true
                    self.connection = nil
                    deadline = ContinuousClock.now + patience
                    logger.warning("ledger answer lost, reconnecting", metadata: ["database": "\(address)"])
                    continue
                } catch {
                    // A statement the server refused is an answer, not a lost connection.
                    if !connection.isClosed { throw PostgresLedgerError(kind: .failed, message: "\(address): \(String(reflecting: error))") }
                    throw error
                }
            } catch let error as PostgresLedgerError {
                throw error
            } catch {
                self.connection = nil
                guard ContinuousClock.now + delay < deadline else {
                    throw PostgresLedgerError(
                        kind: .unreachable,
                        message: "the ledger database \(address) cannot be reached (\(error)); tried for \(patience). Check that PostgreSQL runs and accepts this user")
                }
                logger.warning("ledger connection lost, retrying", metadata: ["database": "\(address)", "in": "\(delay)"])
                Thread.sleep(forTimeInterval: Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18)
                delay = min(delay * 2, .seconds(5))
            }
        }
    }

    /// Runs `body` inside BEGIN … COMMIT on the connection (rolled back when it throws).
    func transaction<T>(_ body: (PostgresConnection) throws -> T) throws(PostgresLedgerError) -> T {
        try withConnection { connection in
            roundTrips += 1
            _ = try connection.query("BEGIN", logger: logger).answer(connection)
            do {
                let result = try body(connection)
                _ = try connection.query("COMMIT", logger: logger).answer(connection)
                return result
            } catch {
                _ = try? connection.query("ROLLBACK", logger: logger).answer(connection)
                throw error
            }
        }
    }

    func rows(_ query: PostgresQuery) throws(PostgresLedgerError) -> [PostgresRow] {
        try withConnection { connection in
            roundTrips += 1
            return Array(try connection.query(query, logger: logger).answer(connection).rows)
        }
    }

    func execute(_ query: PostgresQuery) throws(PostgresLedgerError) {
        _ = try rows(query)
    }

    // MARK: Schema

    enum Migrations {
        /// Each entry one version; statements run in one transaction with the version's row.
        static let all: [[String]] = [
            [
                """
                CREATE TABLE document (document text NOT NULL, batch text NOT NULL, sha256 text NOT NULL, form text,
                  status text, rules text, created_at text NOT NULL, finished_at text, record text,
                  delivered boolean NOT NULL DEFAULT false, seq bigserial, PRIMARY KEY (document, batch))
                """,
                "CREATE INDEX document_sha256 ON document (sha256)",
                """
                CREATE TABLE transition (id bigserial PRIMARY KEY, document text NOT NULL, batch text NOT NULL,
                  sha256 text NOT NULL, state text NOT NULL, at text NOT NULL)
                """,
                """
                CREATE TABLE accepted_key (form text NOT NULL, key text NOT NULL, document text NOT NULL,
                  sha256 text NOT NULL, batch text NOT NULL, accepted_at text NOT NULL, PRIMARY KEY (form, key))
                """,
                """
                CREATE TABLE pending_key (form text NOT NULL, key text NOT NULL, document text NOT NULL,
                  sha256 text NOT NULL, batch text NOT NULL, accepted_at text NOT NULL, PRIMARY KEY (form, key))
                """,
                """
                CREATE TABLE work_claim (folder text PRIMARY KEY, name text NOT NULL, owner text NOT NULL,
                  lease_until timestamptz NOT NULL)
                """,
            ],
            // Version 2: one audit chain for every process and host (the primary key refuses a fork).
            [
                """
                CREATE TABLE audit (seq bigint PRIMARY KEY, at text NOT NULL, actor text NOT NULL, action text NOT NULL,
                  document text NOT NULL, batch text NOT NULL, sha256 text NOT NULL, detail text NOT NULL,
                  prev text NOT NULL, hash text NOT NULL)
                """
            ],
        ]
    }

    /// Brings the schema to this build's version under an advisory lock (many processes start at once);
    /// a newer schema is refused.
    private func migrate() throws(PostgresLedgerError) {
        try withConnection { connection in
            _ = try connection.simpleQuery("BEGIN").answer(connection)
            do {
                _ = try connection.simpleQuery("SELECT pg_advisory_xact_lock(5140424)").answer(connection)
                _ = try connection.simpleQuery("CREATE TABLE IF NOT EXISTS formflow_schema (version integer NOT NULL)").answer(connection)
                let found = try connection.simpleQuery("SELECT coalesce(max(version), 0) FROM formflow_schema").answer(connection)
                let version = try found.first?.decode(Int.self) ?? 0
                if version > Self.schemaVersion {
                    _ = try connection.simpleQuery("ROLLBACK").answer(connection)
                    throw PostgresLedgerError(
                        kind: .newerSchema,
                        message: "the ledger database \(address) has schema version \(version), newer than this FormFlow's \(Self.schemaVersion): a newer FormFlow migrated it. Upgrade this host's FormFlow")
                }
                for (index, statements) in Migrations.all.enumerated() where index + 1 > version {
                    for statement in statements { _ = try connection.simpleQuery(statement).answer(connection) }
                    _ = try connection.simpleQuery("INSERT INTO formflow_schema (version) VALUES (\(index + 1))").answer(connection)
                    logger.info("ledger schema migrated", metadata: ["database": "\(address)", "version": "\(index + 1)"])
                }
                _ = try connection.simpleQuery("COMMIT").answer(connection)
            } catch let error as PostgresLedgerError {
                throw error
            } catch {
                _ = try? connection.simpleQuery("ROLLBACK").answer(connection)
                throw error
            }
        }
    }

    /// Transactions committed in this database so far (every autocommit statement is one): what
    /// `bench --ledger` counts per document.
    public func transactionsCommitted() throws -> Int {
        try rows("SELECT xact_commit::int8 FROM pg_stat_database WHERE datname = current_database()").first?.decode(Int.self) ?? 0
    }

    /// Empties every table (`bench --ledger` starts from a clean ledger; never used by a run).
    public func resetForBench() throws {
        try execute("TRUNCATE document, transition, accepted_key, pending_key, work_claim")
    }

    /// Runs a statement as written (tests that tamper with rows; never used by FormFlow itself).
    func tamperForTest(_ sql: String) throws {
        try execute(PostgresQuery(unsafeSQL: sql))
    }

    /// Marks the schema as `version` (tests of the newer-schema refusal).
    func bump(to version: Int) throws {
        try execute("INSERT INTO formflow_schema (version) VALUES (\(version))")
    }

    static func now() -> String { Date().ISO8601Format() }

    // MARK: Ledger

    public func transition(document: String, sha256: String, batch: String, to state: String) throws {
        let now = Self.now()
        try execute(
            """
            INSERT INTO document (document, batch, sha256, created_at) VALUES (\(document), \(batch), \(sha256), \(now))
            ON CONFLICT (document, batch) DO UPDATE SET sha256 = excluded.sha256
            """)
        try execute("INSERT INTO transition (document, batch, sha256, state, at) VALUES (\(document), \(batch), \(sha256), \(state), \(now))")
    }

    public func claim(_ key: BusinessKey, document: String, sha256: String, batch: String) throws -> KeyClaim {
        try execute(
            """
            INSERT INTO accepted_key (form, key, document, sha256, batch, accepted_at)
            VALUES (\(key.form), \(key.value), \(document), \(sha256), \(batch), \(Self.now()))
            ON CONFLICT (form, key) DO NOTHING
            """)
        guard let owner = try owner(of: key, pending: false) else { return .claimed }
        return owner.sha256 == sha256 ? .claimed : .heldBy(owner)
    }

    public func owner(of key: BusinessKey) throws -> KeyOwner? { try owner(of: key, pending: false) }

    public func holdPending(_ key: BusinessKey, document: String, sha256: String, batch: String) throws {
        try execute(
            """
            INSERT INTO pending_key (form, key, document, sha256, batch, accepted_at)
            VALUES (\(key.form), \(key.value), \(document), \(sha256), \(batch), \(Self.now()))
            ON CONFLICT (form, key) DO NOTHING
            """)
    }

    public func pendingOwner(of key: BusinessKey) throws -> KeyOwner? { try owner(of: key, pending: true) }

    private func owner(of key: BusinessKey, pending: Bool) throws -> KeyOwner? {
        let query: PostgresQuery =
            pending
            ? "SELECT document, sha256, batch, accepted_at FROM pending_key WHERE form = \(key.form) AND key = \(key.value)"
            : "SELECT document, sha256, batch, accepted_at FROM accepted_key WHERE form = \(key.form) AND key = \(key.value)"
        guard let row = try rows(query).first else { return nil }
        let (document, sha256, batch, at) = try row.decode((String, String, String, String).self)
        return KeyOwner(document: document, sha256: sha256, batch: batch, acceptedAt: at)
    }

    public func finish(_ record: DocumentRecord) throws {
        let rules = record.violations.map(\.rule).joined(separator: ",")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(record), as: UTF8.self)
        let now = Self.now()
        let form = record.form?.rawValue
        try execute(
            """
            INSERT INTO document (document, batch, sha256, form, status, rules, created_at, finished_at, record)
            VALUES (\(record.document), \(record.batch), \(record.sha256), \(form), \(record.status.rawValue), \(rules), \(now), \(now), \(json))
            ON CONFLICT (document, batch) DO UPDATE SET form = excluded.form, status = excluded.status,
              rules = excluded.rules, finished_at = excluded.finished_at, record = excluded.record
            """)
        try execute(
            """
            INSERT INTO transition (document, batch, sha256, state, at)
            VALUES (\(record.document), \(record.batch), \(record.sha256), \("routed:\(record.status.rawValue)"), \(now))
            """)
    }

    public func firstDecision(sha256: String) throws -> DocumentRecord? {
        guard
            let row = try rows(
                """
                SELECT record FROM document WHERE sha256 = \(sha256) AND record IS NOT NULL AND status <> 'requeued'
                ORDER BY finished_at, seq LIMIT 1
                """
            ).first
        else { return nil }
        return try JSONDecoder().decode(DocumentRecord.self, from: Data(try row.decode(String.self).utf8))
    }

    public func decisions() throws -> [(document: String, batch: String, status: String)] {
        try rows("SELECT document, batch, status FROM document WHERE status IS NOT NULL").map {
            try $0.decode((String, String, String).self)
        }
    }

    public func mark(document: String, batch: String, status: String) throws {
        let now = Self.now()
        try execute("UPDATE document SET status = \(status), finished_at = \(now) WHERE document = \(document) AND batch = \(batch)")
        try execute(
            """
            INSERT INTO transition (document, batch, sha256, state, at)
            SELECT document, batch, sha256, \(status), \(now) FROM document WHERE document = \(document) AND batch = \(batch)
            """)
    }

    public func markDelivered(document: String, batch: String) throws {
        try execute("UPDATE document SET delivered = true WHERE document = \(document) AND batch = \(batch)")
    }

    public func undelivered() throws -> [DocumentRecord] {
        try rows(
            "SELECT record FROM document WHERE NOT delivered AND record IS NOT NULL AND status IN ('accepted', 'exception', 'quarantine')"
        ).compactMap { row in try? JSONDecoder().decode(DocumentRecord.self, from: Data(try row.decode(String.self).utf8)) }
    }

    public func statusCounts() throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try rows("SELECT coalesce(status, 'unfinished'), count(*)::int FROM document GROUP BY status") {
            let (status, count) = try row.decode((String, Int).self)
            counts[status] = count
        }
        return counts
    }

    // MARK: WorkClaims

    public func claimFolder(_ folder: String, name: String, owner: String, lease: Duration) throws -> Bool {
        let seconds = Int(lease.components.seconds)
        let rows = try rows(
            """
            INSERT INTO work_claim (folder, name, owner, lease_until)
            VALUES (\(folder), \(name), \(owner), now() + make_interval(secs => \(seconds)))
            ON CONFLICT (folder) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until
              WHERE work_claim.lease_until < now() OR work_claim.owner = excluded.owner
            RETURNING owner
            """)
        return rows.count == 1
    }

    public func renew(owner: String, lease: Duration) throws {
        let seconds = Int(lease.components.seconds)
        try execute("UPDATE work_claim SET lease_until = now() + make_interval(secs => \(seconds)) WHERE owner = \(owner)")
    }

    public func release(folder: String) throws {
        try execute("DELETE FROM work_claim WHERE folder = \(folder)")
    }

    public func liveClaims(except owner: String) throws -> Set<String> {
        Set(try rows("SELECT folder FROM work_claim WHERE lease_until >= now() AND owner <> \(owner)").map { try $0.decode(String.self) })
    }

    public func claimedFolders() throws -> Set<String> {
        Set(try rows("SELECT folder FROM work_claim").map { try $0.decode(String.self) })
    }

    public func takeOverExpired(owner: String, lease: Duration) throws -> String? {
        let seconds = Int(lease.components.seconds)
        // One statement: the row is locked by this taker and skipped by every other (SKIP LOCKED), so two
        // processes taking over at once take different folders.
        return try rows(
            """
            WITH expired AS (
              SELECT folder FROM work_claim WHERE lease_until < now() ORDER BY folder LIMIT 1 FOR UPDATE SKIP LOCKED)
            UPDATE work_claim SET owner = \(owner), lease_until = now() + make_interval(secs => \(seconds))
            FROM expired WHERE work_claim.folder = expired.folder RETURNING work_claim.folder
            """
        ).first.map { try $0.decode(String.self) }
    }
}

extension PostgresLedger: AuditTrail {
    /// Appends under a transaction-scoped advisory lock: appends from every process and host form one
    /// chain, each entry linked to the one committed before it.
    @discardableResult
    public func append(actor: String, action: String, document: String, batch: String, sha256: String, detail: String)
        throws -> AuditEntry
    {
        try transaction { connection in
            _ = try connection.query("SELECT pg_advisory_xact_lock(5140425)", logger: logger).answer(connection)
            let last = try connection.query(
                "SELECT seq::int8, at, actor, action, document, batch, sha256, detail, prev, hash FROM audit ORDER BY seq DESC LIMIT 1",
                logger: logger
            ).answer(connection).rows.first.map(Self.entry)
            let entry = AuditEntry.following(
                last, actor: actor, action: action, document: document, batch: batch, sha256: sha256, detail: detail)
            _ = try connection.query(
                """
                INSERT INTO audit (seq, at, actor, action, document, batch, sha256, detail, prev, hash)
                VALUES (\(entry.seq), \(entry.at), \(entry.actor), \(entry.action), \(entry.document), \(entry.batch),
                  \(entry.sha256), \(entry.detail), \(entry.prev), \(entry.hash))
                """, logger: logger
            ).answer(connection)
            return entry
        }
    }

    /// The whole chain, in order.
    public func entries() throws -> [AuditEntry] { try auditEntries() }

    public func auditEntries() throws -> [AuditEntry] {
        try rows("SELECT seq::int8, at, actor, action, document, batch, sha256, detail, prev, hash FROM audit ORDER BY seq").map(Self.entry)
    }

    public func verify() throws -> (entries: Int, breaks: [AuditLog.Break]) {
        let entries = try auditEntries()
        return (entries.count, AuditLog.breaks(in: entries.map { (line: $0.seq, entry: Optional($0)) }))
    }

    static func entry(_ row: PostgresRow) throws -> AuditEntry {
        let (seq, at, actor, action, document, batch, sha256, detail, prev, hash) = try row.decode(
            (Int, String, String, String, String, String, String, String, String, String).self)
        return AuditEntry(
            seq: seq, at: at, actor: actor, action: action, document: document, batch: batch, sha256: sha256, detail: detail,
            prev: prev, hash: hash)
    }
}

extension PostgresLedger: LedgerTransfer {
    public func exportAll() throws -> LedgerDump {
        var dump = LedgerDump()
        dump.documents = try rows(
            "SELECT document, batch, sha256, form, status, rules, created_at, finished_at, record, delivered FROM document ORDER BY seq"
        ).map { row in
            let (document, batch, sha256, form, status, rules, createdAt, finishedAt, record, delivered) = try row.decode(
                (String, String, String, String?, String?, String?, String, String?, String?, Bool).self)
            return LedgerDump.Document(
                document: document, batch: batch, sha256: sha256, form: form, status: status, rules: rules, createdAt: createdAt,
                finishedAt: finishedAt, record: record, delivered: delivered)
        }
        func keys(_ query: PostgresQuery) throws -> [LedgerDump.Key] {
            try rows(query).map { row in
                let (form, key, document, sha256, batch, at) = try row.decode((String, String, String, String, String, String).self)
                return LedgerDump.Key(form: form, key: key, owner: KeyOwner(document: document, sha256: sha256, batch: batch, acceptedAt: at))
            }
        }
        dump.acceptedKeys = try keys("SELECT form, key, document, sha256, batch, accepted_at FROM accepted_key")
        dump.pendingKeys = try keys("SELECT form, key, document, sha256, batch, accepted_at FROM pending_key")
        dump.transitions = try rows("SELECT document, batch, sha256, state, at FROM transition ORDER BY id").map { row in
            let (document, batch, sha256, state, at) = try row.decode((String, String, String, String, String).self)
            return LedgerDump.Transition(document: document, batch: batch, sha256: sha256, state: state, at: at)
        }
        return dump
    }

    public func importAll(_ dump: LedgerDump) throws {
        for row in dump.documents {
            try execute(
                """
                INSERT INTO document (document, batch, sha256, form, status, rules, created_at, finished_at, record, delivered)
                VALUES (\(row.document), \(row.batch), \(row.sha256), \(row.form), \(row.status), \(row.rules), \(row.createdAt),
                  \(row.finishedAt), \(row.record), \(row.delivered)) ON CONFLICT (document, batch) DO NOTHING
                """)
        }
        for key in dump.acceptedKeys {
            try execute(
                """
                INSERT INTO accepted_key (form, key, document, sha256, batch, accepted_at)
                VALUES (\(key.form), \(key.key), \(key.owner.document), \(key.owner.sha256), \(key.owner.batch), \(key.owner.acceptedAt))
                ON CONFLICT (form, key) DO NOTHING
                """)
        }
        for key in dump.pendingKeys {
            try execute(
                """
                INSERT INTO pending_key (form, key, document, sha256, batch, accepted_at)
                VALUES (\(key.form), \(key.key), \(key.owner.document), \(key.owner.sha256), \(key.owner.batch), \(key.owner.acceptedAt))
                ON CONFLICT (form, key) DO NOTHING
                """)
        }
        for transition in dump.transitions {
            try execute(
                """
                INSERT INTO transition (document, batch, sha256, state, at)
                SELECT \(transition.document), \(transition.batch), \(transition.sha256), \(transition.state), \(transition.at)
                WHERE NOT EXISTS (SELECT 1 FROM transition WHERE document = \(transition.document) AND batch = \(transition.batch)
                  AND state = \(transition.state) AND at = \(transition.at))
                """)
        }
    }
}

/// A query whose answer did not come within `PostgresLedger.answerTimeout`.
struct AnswerLost: Error, CustomStringConvertible {
    var description: String { "no answer from the ledger database within \(PostgresLedger.answerTimeout.nanoseconds / 1_000_000_000) s" }
}

extension PostgresLedger {
    /// How long a statement's answer is waited for. A query sent as the server went away was once never
    /// failed by the client when the connection closed (the database restarted mid-batch): the run
    /// waited forever. After this long the connection is dropped and the call retried on a new one.
    static let answerTimeout = TimeAmount.seconds(20)
}

extension EventLoopFuture where Value: Sendable {
    /// `wait()` for at most `PostgresLedger.answerTimeout`; then `connection` is closed and `AnswerLost`
    /// thrown.
    func answer(_ connection: PostgresConnection) throws -> Value {
        let promise = eventLoop.makePromise(of: Value.self)
        cascade(to: promise)
        let watchdog = eventLoop.scheduleTask(in: PostgresLedger.answerTimeout) {
            promise.fail(AnswerLost())
            let _: EventLoopFuture<Void> = connection.close()
        }
        defer { watchdog.cancel() }
        return try promise.futureResult.wait()
    }
}
