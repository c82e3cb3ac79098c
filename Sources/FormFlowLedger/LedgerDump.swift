import Foundation
import GRDB

/// Everything a ledger holds, as plain values: what `formflow ledger export` writes and `import` reads, to
/// move an SQLite ledger into PostgreSQL when an office outgrows one host.
public struct LedgerDump: Codable, Sendable, Equatable {
    public struct Document: Codable, Sendable, Equatable {
        public var document: String
        public var batch: String
        public var sha256: String
        public var form: String?
        public var status: String?
        public var rules: String?
        public var createdAt: String
        public var finishedAt: String?
        public var record: String?
        public var delivered: Bool

        public init(
            document: String, batch: String, sha256: String, form: String?, status: String?, rules: String?, createdAt: String,
            finishedAt: String?, record: String?, delivered: Bool
        ) {
            self.document = document
            self.batch = batch
            self.sha256 = sha256
            self.form = form
            self.status = status
            self.rules = rules
            self.createdAt = createdAt
            self.finishedAt = finishedAt
            self.record = record
            self.delivered = delivered
        }
    }

    public struct Key: Codable, Sendable, Equatable {
        public var form: String
        public var key: String
        public var owner: KeyOwner

        public init(form: String, key: String, owner: KeyOwner) {
            self.form = form
            self.key = key
            self.owner = owner
        }
    }

    public struct Transition: Codable, Sendable, Equatable {
        public var document: String
        public var batch: String
        public var sha256: String
        public var state: String
        public var at: String

        public init(document: String, batch: String, sha256: String, state: String, at: String) {
            self.document = document
            self.batch = batch
            self.sha256 = sha256
            self.state = state
            self.at = at
        }
    }

    public var documents: [Document] = []
    public var acceptedKeys: [Key] = []
    public var pendingKeys: [Key] = []
    public var transitions: [Transition] = []

    public init() {}
}

/// A ledger that can be exported whole and imported into (rows already present are kept as they are).
public protocol LedgerTransfer {
    func exportAll() throws -> LedgerDump
    func importAll(_ dump: LedgerDump) throws
}

extension SQLiteLedger: LedgerTransfer {
    public func exportAll() throws -> LedgerDump {
        try pool.read { db in
            var dump = LedgerDump()
            dump.documents = try Row.fetchAll(
                db, sql: "SELECT document, batch, sha256, form, status, rules, created_at, finished_at, record, delivered FROM document ORDER BY rowid"
            ).map {
                LedgerDump.Document(
                    document: $0["document"], batch: $0["batch"], sha256: $0["sha256"], form: $0["form"], status: $0["status"],
                    rules: $0["rules"], createdAt: $0["created_at"], finishedAt: $0["finished_at"], record: $0["record"],
                    delivered: $0["delivered"])
            }
            for (table, path) in [("accepted_key", \LedgerDump.acceptedKeys), ("pending_key", \LedgerDump.pendingKeys)] {
                dump[keyPath: path] = try Row.fetchAll(db, sql: "SELECT form, key, document, sha256, batch, accepted_at FROM \(table)").map {
                    LedgerDump.Key(
                        form: $0["form"], key: $0["key"],
                        owner: KeyOwner(document: $0["document"], sha256: $0["sha256"], batch: $0["batch"], acceptedAt: $0["accepted_at"]))
                }
            }
            dump.transitions = try Row.fetchAll(db, sql: "SELECT document, batch, sha256, state, at FROM transition ORDER BY id").map {
                LedgerDump.Transition(document: $0["document"], batch: $0["batch"], sha256: $0["sha256"], state: $0["state"], at: $0["at"])
            }
            return dump
        }
    }

    public func importAll(_ dump: LedgerDump) throws {
        try pool.write { db in
            for row in dump.documents {
                try db.execute(
                    sql: """
                        INSERT INTO document (document, batch, sha256, form, status, rules, created_at, finished_at, record, delivered)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (document, batch) DO NOTHING
                        """,
                    arguments: [
                        row.document, row.batch, row.sha256, row.form, row.status, row.rules, row.createdAt, row.finishedAt, row.record,
                        row.delivered,
                    ])
            }
            for (table, keys) in [("accepted_key", dump.acceptedKeys), ("pending_key", dump.pendingKeys)] {
                for key in keys {
                    try db.execute(
                        sql: "INSERT INTO \(table) (form, key, document, sha256, batch, accepted_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (form, key) DO NOTHING",
                        arguments: [key.form, key.key, key.owner.document, key.owner.sha256, key.owner.batch, key.owner.acceptedAt])
                }
            }
            for transition in dump.transitions {
                try db.execute(
                    sql: """
                        INSERT INTO transition (document, batch, sha256, state, at) SELECT ?, ?, ?, ?, ?
                        WHERE NOT EXISTS (SELECT 1 FROM transition WHERE document = ? AND batch = ? AND state = ? AND at = ?)
                        """,
                    arguments: [
                        transition.document, transition.batch, transition.sha256, transition.state, transition.at, transition.document,
                        transition.batch, transition.state, transition.at,
                    ])
            }
        }
    }
}
