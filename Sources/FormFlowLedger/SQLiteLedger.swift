import FormFlowCore
import Foundation
import GRDB

/// The default ledger: one SQLite file in WAL mode (GRDB), no server to run.
public final class SQLiteLedger: Ledger {
    let pool: DatabasePool
    public let path: String

    /// Opens (creating when needed) the ledger at `path`, readable by owner and group only.
    public init(path: String) throws {
        self.path = path
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        pool = try DatabasePool(path: path, configuration: configuration)
        try? FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: path)
        try Self.migrator.migrate(pool)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "document") { table in
                table.column("document", .text).notNull()
                table.column("batch", .text).notNull()
                table.column("sha256", .text).notNull().indexed()
                table.column("form", .text)
                table.column("status", .text)
                table.column("rules", .text)
                table.column("created_at", .text).notNull()
                table.column("finished_at", .text)
                table.primaryKey(["document", "batch"])
            }
            try db.create(table: "transition") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("document", .text).notNull()
                table.column("batch", .text).notNull()
                table.column("sha256", .text).notNull()
                table.column("state", .text).notNull()
                table.column("at", .text).notNull()
            }
            // The key is the primary key: the database itself refuses a second acceptance.
            try db.create(table: "accepted_key") { table in
                table.column("form", .text).notNull()
                table.column("key", .text).notNull()
                table.column("document", .text).notNull()
                table.column("sha256", .text).notNull()
                table.column("batch", .text).notNull()
                table.column("accepted_at", .text).notNull()
                table.primaryKey(["form", "key"])
            }
        }
        migrator.registerMigration("v2: final record") { db in
            try db.alter(table: "document") { table in table.add(column: "record", .text) }
        }
        migrator.registerMigration("v3: delivered") { db in
            try db.alter(table: "document") { table in table.add(column: "delivered", .boolean).notNull().defaults(to: false) }
        }
        migrator.registerMigration("v4: pending keys") { db in
            // Keys of documents waiting for an operator: a second submission is held too, not paid twice.
            try db.create(table: "pending_key") { table in
                table.column("form", .text).notNull()
                table.column("key", .text).notNull()
                table.column("document", .text).notNull()
                table.column("sha256", .text).notNull()
                table.column("batch", .text).notNull()
                table.column("accepted_at", .text).notNull()
                table.primaryKey(["form", "key"])
            }
        }
        return migrator
    }

    static func now() -> String { Date().ISO8601Format() }

    public func transition(document: String, sha256: String, batch: String, to state: String) throws {
        try pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO document (document, batch, sha256, created_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (document, batch) DO UPDATE SET sha256 = excluded.sha256
                    """, arguments: [document, batch, sha256, Self.now()])
            try db.execute(
                sql: "INSERT INTO transition (document, batch, sha256, state, at) VALUES (?, ?, ?, ?, ?)",
                arguments: [document, batch, sha256, state, Self.now()])
        }
    }

    public func claim(_ key: BusinessKey, document: String, sha256: String, batch: String) throws -> KeyClaim {
        try pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO accepted_key (form, key, document, sha256, batch, accepted_at) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (form, key) DO NOTHING
                    """, arguments: [key.form, key.value, document, sha256, batch, Self.now()])
            guard let owner = try Self.owner(of: key, table: "accepted_key", in: db) else { return .claimed }
            return owner.sha256 == sha256 ? .claimed : .heldBy(owner)
        }
    }

    /// Notes that `key` belongs to a document waiting in exceptions (the first such document keeps it).
    public func holdPending(_ key: BusinessKey, document: String, sha256: String, batch: String) throws {
        try pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO pending_key (form, key, document, sha256, batch, accepted_at) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (form, key) DO NOTHING
                    """, arguments: [key.form, key.value, document, sha256, batch, Self.now()])
        }
    }

    /// The document waiting in exceptions with `key`, if any.
    public func pendingOwner(of key: BusinessKey) throws -> KeyOwner? {
        try pool.read { db in try Self.owner(of: key, table: "pending_key", in: db) }
    }

    public func owner(of key: BusinessKey) throws -> KeyOwner? {
        try pool.read { db in try Self.owner(of: key, table: "accepted_key", in: db) }
    }

    /// Who holds `key` in `table` (`accepted_key` or `pending_key`, fixed names, never input).
    static func owner(of key: BusinessKey, table: String, in db: Database) throws -> KeyOwner? {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT document, sha256, batch, accepted_at FROM \(table) WHERE form = ? AND key = ?",
                arguments: [key.form, key.value])
        else { return nil }
        return KeyOwner(document: row["document"], sha256: row["sha256"], batch: row["batch"], acceptedAt: row["accepted_at"])
    }

    public func finish(_ record: DocumentRecord) throws {
        let rules = record.violations.map(\.rule).joined(separator: ",")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(record), as: UTF8.self)
        try pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO document (document, batch, sha256, form, status, rules, created_at, finished_at, record)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (document, batch) DO UPDATE SET
                      form = excluded.form, status = excluded.status, rules = excluded.rules,
                      finished_at = excluded.finished_at, record = excluded.record
                    """,
                arguments: [
                    record.document, record.batch, record.sha256, record.form?.rawValue, record.status.rawValue, rules,
                    Self.now(), Self.now(), json,
                ])
            try db.execute(
                sql: "INSERT INTO transition (document, batch, sha256, state, at) VALUES (?, ?, ?, ?, ?)",
                arguments: [record.document, record.batch, record.sha256, "routed:\(record.status.rawValue)", Self.now()])
        }
    }

    public func firstDecision(sha256: String) throws -> DocumentRecord? {
        try pool.read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT record FROM document WHERE sha256 = ? AND record IS NOT NULL AND status != 'requeued'
                        ORDER BY finished_at, rowid LIMIT 1
                        """,
                    arguments: [sha256]),
                let json: String = row["record"]
            else { return nil }
            return try JSONDecoder().decode(DocumentRecord.self, from: Data(json.utf8))
        }
    }

    /// Marks a document's decision as changed by an operator (`requeued`, `rejected`), with a transition.
    public func mark(document: String, batch: String, status: String) throws {
        try pool.write { db in
            try db.execute(
                sql: "UPDATE document SET status = ?, finished_at = ? WHERE document = ? AND batch = ?",
                arguments: [status, Self.now(), document, batch])
            try db.execute(
                sql: "INSERT INTO transition (document, batch, sha256, state, at) SELECT document, batch, sha256, ?, ? FROM document WHERE document = ? AND batch = ?",
                arguments: [status, Self.now(), document, batch])
        }
    }

    /// Notes that a decided document's record and original are in their output folder.
    public func markDelivered(document: String, batch: String) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE document SET delivered = 1 WHERE document = ? AND batch = ?", arguments: [document, batch])
        }
    }

    /// Decided documents whose delivery was not confirmed (a run killed while moving files).
    public func undelivered() throws -> [DocumentRecord] {
        try pool.read { db in
            try String.fetchAll(
                db,
                sql: "SELECT record FROM document WHERE delivered = 0 AND record IS NOT NULL AND status IN ('accepted', 'exception', 'quarantine')"
            ).compactMap { try? JSONDecoder().decode(DocumentRecord.self, from: Data($0.utf8)) }
        }
    }

    public func decisions() throws -> [(document: String, batch: String, status: String)] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT document, batch, status FROM document WHERE status IS NOT NULL").map {
                ($0["document"], $0["batch"], $0["status"])
            }
        }
    }

    /// Counts by final status, for tests and reports.
    public func statusCounts() throws -> [String: Int] {
        try pool.read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS n FROM document GROUP BY status") {
                counts[row["status"] ?? "unfinished"] = row["n"]
            }
            return counts
        }
    }
}
