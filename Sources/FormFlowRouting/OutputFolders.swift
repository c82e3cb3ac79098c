import FormFlowCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A document could not be delivered to its output folder (disk full, permissions).
public struct RoutingError: Error, CustomStringConvertible {
    public let document: String
    public let message: String
    public var description: String { "cannot deliver \(document): \(message)" }
}

/// The output tree: `accepted/`, `exceptions/`, `quarantine/` and `archive/<batch>/` for originals of
/// accepted documents. Every document's record and original go to exactly one of them.
public struct OutputFolders: Sendable {
    public let root: URL

    public init(root: URL) {
        self.root = root
    }

    public func folder(for status: DocumentStatus) -> URL {
        root.appendingPathComponent(status.folder, isDirectory: true)
    }

    public func archive(batch: String) -> URL {
        root.appendingPathComponent("archive", isDirectory: true).appendingPathComponent(batch, isDirectory: true)
    }

    /// Creates the folders, readable by owner and group only (records hold personal data).
    public func create() throws {
        for status in DocumentStatus.allCases {
            try FileManager.default.createDirectory(
                at: folder(for: status), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        }
    }

    /// Removes partial copies of originals that a run killed in the middle of a move across file
    /// systems left behind (the source was still whole, so the next run delivers it again).
    public func removePartialCopies() {
        var folders = DocumentStatus.allCases.map { folder(for: $0) }
        let archive = root.appendingPathComponent("archive", isDirectory: true)
        for batch in (try? FileManager.default.contentsOfDirectory(atPath: archive.path)) ?? [] {
            folders.append(archive.appendingPathComponent(batch, isDirectory: true))
        }
        for folder in folders { Storage.removePartials(in: folder) }
    }

    /// Beside an exception's record: its page as read, for the review page (`<name>.page.jpg`).
    public static let pageImageSuffix = ".page.jpg"

    /// Delivers one document: moves the original out of the inbox to beside its record (or into the
    /// archive when accepted), then writes the record atomically. The record is written last, so a
    /// record's presence means the delivery is complete. Returns the record's path.
    @discardableResult
    public func deliver(
        _ record: DocumentRecord, original: URL, crops: [String: [UInt8]] = [:], pageImage: [UInt8]? = nil
    ) throws(RoutingError) -> URL {
        let fileManager = FileManager.default
        let recordFolder = folder(for: record.status)
        let originalFolder = record.status == .accepted ? archive(batch: record.batch) : recordFolder
        do {
            try fileManager.createDirectory(
                at: originalFolder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
            try fileManager.createDirectory(
                at: recordFolder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        } catch {
            throw RoutingError(document: record.document, message: "cannot create \(originalFolder.path): \(error)")
        }

        // File names are limited to 255 bytes: a long name is shortened for the files written beside it
        // (the record keeps the full name). A second document of the same name must not overwrite the first.
        var name = Self.fitting(record.document)
        let sourceExists = Storage.entryExists(original)
        switch Self.earlierDelivery(of: record, named: name, original: original, recordFolder: recordFolder, originalFolder: originalFolder) {
        case .none:
            break
        case .interrupted:
            // A run was killed after the original's copy was in place and before the source was removed
            // (a move across file systems) or the record was written: finish that delivery, keep one copy.
            if sourceExists { try? fileManager.removeItem(at: original) }
        case .complete:
            if sourceExists { try? fileManager.removeItem(at: original) }
            return recordFolder.appendingPathComponent(name + ".json")
        case .anotherDocument:
            name = Self.disambiguated(name, sha256: record.sha256)
        }
        let processingArea = Place("the processing area", original.deletingLastPathComponent().deletingLastPathComponent())

        // For the operator: a reason file readable without tools, and the crops of the fields involved.
        // Written before the original moves: a disk that fills up here leaves the original where the next
        // attempt finds it (written after, the original sat in its folder without its record).
        if record.status != .accepted {
            do {
                try Self.writeAtomically(
                    Data(ReasonFile.text(for: record).utf8), to: recordFolder.appendingPathComponent(name + ".reason.txt"),
                    permissions: 0o640)
                for (field, png) in crops {
                    try Self.writeAtomically(
                        Data(png), to: recordFolder.appendingPathComponent("\(name).\(Self.safe(field)).png"), permissions: 0o640)
                }
                if let pageImage {
                    try Self.writeAtomically(
                        Data(pageImage), to: recordFolder.appendingPathComponent(name + Self.pageImageSuffix), permissions: 0o640)
                }
            } catch {
                throw RoutingError(
                    document: record.document,
                    message: "cannot write the reason file in \(recordFolder.path): \(Storage.explain(error)). \(Self.advice(for: error, folder: recordFolder, from: processingArea))")
            }
        }

        let originalTarget = originalFolder.appendingPathComponent(name)
        if Storage.entryExists(original) {
            do {
                try Storage.move(
                    original, to: originalTarget, file: record.document, from: processingArea,
                    to: Place(record.status == .accepted ? "the archive" : "\(record.status.folder)/", originalFolder))
            } catch {
                throw RoutingError(document: record.document, message: error.description)
            }
        }

        let recordTarget = recordFolder.appendingPathComponent(name + ".json")
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(record)
            try Self.writeAtomically(data, to: recordTarget, permissions: 0o640)
        } catch {
            // The original is in place; the next run writes the record from the ledger's decision.
            throw RoutingError(
                document: record.document,
                message: "cannot write the record in \(recordFolder.path): \(Storage.explain(error)). \(Self.advice(for: error, folder: recordFolder, from: Place("its output folder", originalFolder)))")
        }
        return recordTarget
    }

    /// Writes a record (and, for exceptions and quarantine, its reason file) under `name` in its folder.
    public func writeRecord(_ record: DocumentRecord, named name: String) throws {
        let folder = folder(for: record.status)
        if record.status != .accepted {
            try Self.writeAtomically(
                Data(ReasonFile.text(for: record).utf8), to: folder.appendingPathComponent(name + ".reason.txt"), permissions: 0o640)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try Self.writeAtomically(try encoder.encode(record), to: folder.appendingPathComponent(name + ".json"), permissions: 0o640)
    }

    /// Writes to a temporary file in the same folder, then renames: readers never see half a file. A
    /// failure is the system's error number (a full disk says so), and leaves no temporary file.
    public static func writeAtomically(_ data: Data, to target: URL, permissions: Int) throws(POSIXError) {
        let temporary = target.deletingLastPathComponent().appendingPathComponent(
            ".\(target.lastPathComponent).\(UUID().uuidString).tmp")
        func failure() -> POSIXError {
            let code = errno
            unlink(temporary.path)
            return POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
        }
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(permissions))
        guard descriptor >= 0 else { throw failure() }
        let written = data.withUnsafeBytes { bytes -> Bool in
            var offset = 0
            while offset < bytes.count {
                let count = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return false }
                offset += count
            }
            return true
        }
        guard written else {
            let error = failure()
            close(descriptor)
            throw error
        }
        guard close(descriptor) == 0 else { throw failure() }
        if rename(temporary.path, target.path) != 0 { throw failure() }
    }

    /// What an operator can do about a failed write into `folder`.
    static func advice(for error: any Error, folder: URL, from: Place) -> String {
        guard let posix = error as? POSIXError else { return "Check \(folder.path) and rerun." }
        return Storage.advice(for: posix.code.rawValue, from: from, to: Place("the output", folder))
    }

    /// What the output folders already hold under a document's name.
    enum EarlierDelivery { case none, interrupted, complete, anotherDocument }

    static func earlierDelivery(
        of record: DocumentRecord, named name: String, original: URL, recordFolder: URL, originalFolder: URL
    ) -> EarlierDelivery {
        let fileManager = FileManager.default
        let recordURL = recordFolder.appendingPathComponent(name + ".json")
        let originalURL = originalFolder.appendingPathComponent(name)
        let hasRecord = fileManager.fileExists(atPath: recordURL.path)
        let hasOriginal = Storage.entryExists(originalURL)
        let hasSource = Storage.entryExists(original)
        if !hasRecord && !hasOriginal { return .none }
        let sameOriginal = hasOriginal && hasSource && Storage.sameContent(original, originalURL)
        guard hasRecord else { return sameOriginal ? .interrupted : .anotherDocument }
        // Only this very decision counts as delivered before: same document, batch and content.
        guard let data = fileManager.contents(atPath: recordURL.path),
            let earlier = try? JSONDecoder().decode(DocumentRecord.self, from: data),
            earlier.document == record.document, earlier.batch == record.batch, earlier.sha256 == record.sha256
        else { return .anotherDocument }
        if !hasOriginal { return hasSource ? .none : .complete }
        return sameOriginal || !hasSource ? .complete : .anotherDocument
    }

    /// The name itself when `<name>.reason.txt` and crop names fit in 255 bytes; else its first bytes
    /// (at a character boundary) and a hash of the whole.
    public static func fitting(_ name: String) -> String {
        guard name.utf8.count > 200 else { return name }
        var prefix = ""
        for character in name {
            if prefix.utf8.count + String(character).utf8.count > 150 { break }
            prefix.append(character)
        }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let ext = (name as NSString).pathExtension
        return prefix + "~" + String(hash, radix: 16) + (ext.isEmpty || ext.utf8.count > 8 ? "" : "." + ext)
    }

    /// A field name usable in a file name (`items[2].amount` → `items-2-amount`).
    public static func safe(_ field: String) -> String {
        String(field.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "-" })
    }

    public static func disambiguated(_ name: String, sha256: String) -> String {
        let suffix = String(sha256.prefix(8))
        let base = (name as NSString).deletingPathExtension
        let ext = (name as NSString).pathExtension
        return ext.isEmpty ? "\(base)~\(suffix)" : "\(base)~\(suffix).\(ext)"
    }
}
