import Crypto
import FormFlowCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One line of the audit log.
public struct AuditEntry: Codable, Sendable, Hashable {
    public var seq: Int
    public var at: String
    /// Who acted: `formflow` for the pipeline, the operator's name for manual actions.
    public var actor: String
    /// What happened: `received`, `routed`, `fixed`, `requeued`, `rejected` …
    public var action: String
    public var document: String
    public var batch: String
    public var sha256: String
    /// Details for the reader (personal data masked).
    public var detail: String
    /// Hash of the previous entry (64 zeros for the first).
    public var prev: String
    /// SHA-256 over `prev` and this entry's other fields.
    public var hash: String

    public init(
        seq: Int, at: String, actor: String, action: String, document: String, batch: String, sha256: String, detail: String,
        prev: String, hash: String
    ) {
        self.seq = seq
        self.at = at
        self.actor = actor
        self.action = action
        self.document = document
        self.batch = batch
        self.sha256 = sha256
        self.detail = detail
        self.prev = prev
        self.hash = hash
    }

    func computedHash() -> String {
        let material = [String(seq), at, actor, action, document, batch, sha256, detail, prev].joined(separator: "\u{1F}")
        return SHA256.hash(data: Data(material.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// Where the audit chain is kept: a file in the state folder (`AuditLog`), or the PostgreSQL ledger's
/// `audit` table when many processes on many hosts share one chain.
public protocol AuditTrail: Sendable {
    /// Appends one entry after the current last one.
    @discardableResult
    func append(actor: String, action: String, document: String, batch: String, sha256: String, detail: String) throws
        -> AuditEntry
    /// Checks every entry's hash and link.
    func verify() throws -> (entries: Int, breaks: [AuditLog.Break])
    /// Every entry, oldest first (lines that are no entry are left out; `verify` names them).
    func entries() throws -> [AuditEntry]
}

extension AuditEntry {
    /// The entry that follows `previous` (nil: the first), its hash computed.
    public static func following(
        _ previous: AuditEntry?, actor: String, action: String, document: String, batch: String, sha256: String, detail: String
    ) -> AuditEntry {
        var entry = AuditEntry(
            seq: (previous?.seq ?? 0) + 1, at: Date().ISO8601Format(), actor: actor, action: action, document: document,
            batch: batch, sha256: sha256, detail: Masking.maskDigitRuns(in: detail), prev: previous?.hash ?? AuditLog.genesis,
            hash: "")
        entry.hash = entry.computedHash()
        return entry
    }

}

/// An append-only log of every state change and operator action, each entry chained to the one before
/// by its hash, so that an edited, removed or reordered line is found by `verify`.
///
/// Appends from several workers and processes are serialised with an exclusive `flock` on the file.
public struct AuditLog: AuditTrail {
    public let path: String
    public static let genesis = String(repeating: "0", count: 64)

    public init(path: String) {
        self.path = path
    }

    public struct Failure: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// Appends one entry after the current last one.
    @discardableResult
    public func append(actor: String, action: String, document: String, batch: String, sha256: String, detail: String)
        throws -> AuditEntry
    {
        let descriptor = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else { throw Failure(message: "cannot open the audit log \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX) == 0 else { throw Failure(message: "cannot lock the audit log \(path)") }
        defer { flock(descriptor, LOCK_UN) }

        let last = Self.lastLine(descriptor)
        let previous = last.flatMap { try? JSONDecoder().decode(AuditEntry.self, from: Data($0.utf8)) }
        let entry = AuditEntry.following(
            previous, actor: actor, action: action, document: document, batch: batch, sha256: sha256, detail: detail)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(entry)
        data.append(0x0A)
        let written = data.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == data.count else { throw Failure(message: "cannot write the audit log \(path) (disk full?)") }
        return entry
    }

    /// The last complete line of the file.
    static func lastLine(_ descriptor: Int32) -> String? {
        let size = lseek(descriptor, 0, SEEK_END)
        guard size > 0 else { return nil }
        var chunk = 4096
        while true {
            let start = max(0, Int(size) - chunk)
            var buffer = [UInt8](repeating: 0, count: Int(size) - start)
            let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(start)) }
            guard count == buffer.count else { return nil }
            let text = String(decoding: buffer, as: UTF8.self)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
            if lines.count >= 2 || start == 0 { return lines.last.map(String.init) }
            chunk *= 4
        }
    }

    /// A broken link in the chain, with the 1-based line where it shows.
    public struct Break: Sendable, Hashable, CustomStringConvertible {
        public var line: Int
        public var reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    public func entries() throws -> [AuditEntry] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw Failure(message: "cannot read the audit log \(path): \(error.localizedDescription)")
        }
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(AuditEntry.self, from: Data($0.utf8)) }
    }

    /// Checks every entry's hash and link; returns the breaks found (empty when the log is intact) and
    /// the number of entries read.
    public func verify() throws -> (entries: Int, breaks: [Break]) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw Failure(message: "cannot read the audit log \(path): \(error.localizedDescription)")
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var entries: [(line: Int, entry: AuditEntry?)] = []
        for (index, line) in lines.enumerated() where !line.isEmpty {
            entries.append((index + 1, try? JSONDecoder().decode(AuditEntry.self, from: Data(line.utf8))))
        }
        return (entries.count, Self.breaks(in: entries))
    }

    /// The broken links of a chain read in order (`entry` nil: a line that is no entry).
    public static func breaks(in entries: [(line: Int, entry: AuditEntry?)]) -> [Break] {
        var breaks: [Break] = []
        var previousHash = Self.genesis
        var previousSeq = 0
        for (line, entry) in entries {
            guard let entry else {
                breaks.append(Break(line: line, reason: "not an audit entry (edited or damaged)"))
                continue
            }
            if entry.hash != entry.computedHash() {
                breaks.append(Break(line: line, reason: "entry \(entry.seq) was changed after it was written"))
            }
            if entry.prev != previousHash {
                let reason =
                    entry.seq == previousSeq + 1
                    ? "entry \(entry.seq) does not follow the entry before it"
                    : entry.seq == previousSeq + 2
                        ? "entry \(previousSeq + 1) is missing"
                    : entry.seq > previousSeq + 2
                        ? "entries \(previousSeq + 1)…\(entry.seq - 1) are missing"
                        : "entry \(entry.seq) is out of order (after entry \(previousSeq))"
                breaks.append(Break(line: line, reason: reason))
            }
            previousHash = entry.hash
            previousSeq = entry.seq
        }
        return breaks
    }
}
