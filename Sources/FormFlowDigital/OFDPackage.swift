import Foundation
internal import ZIPFoundation

/// An OFD file's ZIP container, opened with the guards a file from outside needs: a bounded number of
/// entries, no entry that points outside the package, and a bound on what inflating may produce, counted
/// on the bytes actually inflated (a bomb's headers lie about its sizes).
public struct OFDPackage {
    public struct Limits: Sendable {
        /// Real e-invoices have 15–40 entries.
        public var maxEntries = 500
        /// Largest single entry once inflated (XML parts are kilobytes; images and fonts a few MB).
        public var maxEntryBytes = 16 << 20
        /// All entries together once inflated.
        public var maxTotalBytes = 64 << 20
        /// Inflated size against compressed size beyond which an entry is taken for a bomb.
        public var maxRatio = 200

        public init() {}
    }

    private let archive: Archive
    private let entries: [String: Entry]
    private let limits: Limits
    /// Entry names as stored, in archive order.
    public let names: [String]

    public init(bytes: [UInt8], limits: Limits = Limits()) throws(DigitalError) {
        self.limits = limits
        let archive: Archive
        do {
            archive = try Archive(data: Data(bytes), accessMode: .read)
        } catch {
            throw DigitalError(.malformed, "the OFD file is not a readable ZIP package (\(error)); it may be cut short")
        }
        var entries: [String: Entry] = [:]
        var names: [String] = []
        var declaredTotal: UInt64 = 0
        for entry in archive {
            guard names.count < limits.maxEntries else {
                throw DigitalError(.tooLarge, "the OFD package has more than \(limits.maxEntries) entries; an invoice has a few dozen")
            }
            let name = entry.path
            guard Self.isSafe(name) else {
                throw DigitalError(
                    .unsafeEntryName, "the OFD package has an entry named '\(name)' that points outside the package")
            }
            declaredTotal += entry.uncompressedSize
            guard entry.uncompressedSize <= UInt64(limits.maxEntryBytes), declaredTotal <= UInt64(limits.maxTotalBytes) else {
                throw DigitalError(
                    .tooLarge, "the OFD package inflates to more than \(limits.maxTotalBytes >> 20) MB; an invoice is well under 1 MB")
            }
            names.append(name)
            entries[Self.normalised(name)] = entry
        }
        guard !names.isEmpty else { throw DigitalError(.malformed, "the OFD package has no entries") }
        self.archive = archive
        self.entries = entries
        self.names = names
    }

    /// Whether a package holds this part (`Doc_0/Document.xml`; a leading `/` is a reference from the
    /// package root, as OFD's own files write it).
    public func contains(_ path: String) -> Bool { entries[Self.normalised(path)] != nil }

    /// The bytes of one part, inflated with every limit enforced as the bytes come.
    public func data(_ path: String) throws(DigitalError) -> [UInt8] {
        guard let entry = entries[Self.normalised(path)] else {
            throw DigitalError(.notAnInvoice, "the OFD package has no part \(path)")
        }
        var out: [UInt8] = []
        let cap = min(limits.maxEntryBytes, max(64 << 10, Int(clamping: entry.compressedSize) * limits.maxRatio))
        do {
            _ = try archive.extract(entry, skipCRC32: false) { chunk in
                guard out.count + chunk.count <= cap else { throw BombError() }
                out.append(contentsOf: chunk)
            }
        } catch is BombError {
            throw DigitalError(
                .tooLarge, "the OFD part \(path) inflates far beyond its stored size (a compression bomb); the file was not read further")
        } catch {
            throw DigitalError(.malformed, "the OFD part \(path) cannot be inflated (\(error)); the file may be damaged")
        }
        return out
    }

    /// The XML of one part, parsed with `SafeXML`.
    public func xml(_ path: String) throws(DigitalError) -> ParsedElement {
        try SafeXML.parse(try data(path), part: path)
    }

    private struct BombError: Error {}

    /// No `..` segment, no absolute path, no drive letter or backslash tricks.
    static func isSafe(_ name: String) -> Bool {
        guard !name.isEmpty, !name.hasPrefix("/"), !name.hasPrefix("\\"), !name.contains("\0") else { return false }
        let segments = name.split(whereSeparator: { $0 == "/" || $0 == "\\" })
        if segments.contains(where: { $0 == ".." }) { return false }
        if let first = segments.first, first.count == 2, first.hasSuffix(":") { return false }
        return true
    }

    static func normalised(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.hasPrefix("/") { trimmed = trimmed.dropFirst() }
        return trimmed.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
    }

    /// Resolves a reference written inside the part at `base` (relative to that part's folder, or
    /// absolute from the package root).
    public static func resolve(_ reference: String, from base: String) -> String {
        if reference.hasPrefix("/") { return normalised(reference) }
        let folder = normalised(base).split(separator: "/").dropLast().joined(separator: "/")
        return normalised(folder.isEmpty ? reference : "\(folder)/\(reference)")
    }
}
