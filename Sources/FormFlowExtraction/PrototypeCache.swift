import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The described prototypes of a glyph set, kept on disk between runs. Describing the names' 46,000
/// prototypes by stroke directions takes about 3 s of CPU at every start, which was a tenth of a short
/// batch (a nightly run of 60 pages, the bench) and is the same every time until the prototype files
/// change. The cache is keyed by a hash of the files' bytes, the feature kind and `formatVersion`, so an
/// edited prototype file or a changed description is never answered from an old entry.
///
/// It is only a shortcut: a missing, unreadable, truncated or foreign file is ignored (and described
/// anew), and a directory that cannot be written is left alone. The directory is `FORMFLOW_CACHE_DIR`,
/// else `$XDG_CACHE_HOME/formflow`, else `~/.cache/formflow`; `FORMFLOW_CACHE_DIR=off` turns it off.
struct PrototypeCache {
    /// Raise when `StrokeDirections`, `Glyph.features` or the stored scale change what a glyph's
    /// features are: entries of another version are not read.
    static let formatVersion = 1
    static let magic = Array("FFGLYPH1".utf8)

    let directory: URL

    /// The cache of this process's environment, or nil when it is turned off or has no home.
    static var standard: PrototypeCache? {
        let environment = ProcessInfo.processInfo.environment
        if let setting = environment["FORMFLOW_CACHE_DIR"], !setting.isEmpty {
            return setting == "off" ? nil : PrototypeCache(directory: URL(fileURLWithPath: setting))
        }
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            return PrototypeCache(directory: URL(fileURLWithPath: xdg).appendingPathComponent("formflow"))
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return PrototypeCache(directory: URL(fileURLWithPath: home).appendingPathComponent(".cache/formflow"))
    }

    /// What a set's prototypes are described as: each prototype's character, log aspect and stored
    /// features, in file order.
    struct Described {
        var characters: [Character]
        var logAspects: [Float]
        var features: [UInt8]
    }

    /// The entry's name for these files' bytes described as `kind`.
    static func key(contents: [Data], kind: GlyphFeatures) -> String {
        var hasher = SHA256()
        hasher.update(data: Data("formflow-glyphs v\(formatVersion) \(kind)\n".utf8))
        for data in contents {
            hasher.update(data: Data("\(data.count)\n".utf8))
            hasher.update(data: data)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    func file(for key: String) -> URL {
        directory.appendingPathComponent("glyphs-\(key.prefix(32)).bin")
    }

    /// The entry, or nil when there is none or it is not whole.
    func read(key: String, width: Int) -> Described? {
        guard let data = try? Data(contentsOf: file(for: key), options: .mappedIfSafe) else { return nil }
        return Self.decode(data, key: key, width: width)
    }

    /// Writes the entry beside its final name and renames it into place, so a reader never sees half
    /// of one and two processes writing at once leave one whole entry. Failures are ignored.
    func write(_ described: Described, key: String) {
        let target = file(for: key)
        let temporary = directory.appendingPathComponent(".glyphs-\(UUID().uuidString).tmp")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Self.encode(described, key: key).write(to: temporary)
            // rename(2) replaces an older entry in one step; Foundation's replaceItemAt needs one to exist.
            guard rename(temporary.path, target.path) == 0 else { throw CocoaError(.fileWriteUnknown) }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
        }
    }

    // Layout: magic, the key (64 ASCII hex), count and width (UInt32, little-endian), the log aspects
    // (Float32 bits, little-endian), the features, then the characters as UTF-8, one per line.
    static func encode(_ described: Described, key: String) -> Data {
        var data = Data(magic)
        data.append(contentsOf: Array(key.utf8))
        func append(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        append(UInt32(described.characters.count))
        append(UInt32(described.features.count / max(described.characters.count, 1)))
        for aspect in described.logAspects { append(aspect.bitPattern) }
        data.append(contentsOf: described.features)
        data.append(contentsOf: Array(described.characters.map(String.init).joined(separator: "\n").utf8))
        return data
    }

    static func decode(_ data: Data, key: String, width expectedWidth: Int) -> Described? {
        data.withUnsafeBytes { decode($0.bindMemory(to: UInt8.self), key: key, width: expectedWidth) }
    }

    /// Read in place: the names' entry is 24 MB, and a copy of it was most of a start's work.
    private static func decode(_ bytes: UnsafeBufferPointer<UInt8>, key: String, width expectedWidth: Int) -> Described? {
        let keyBytes = Array(key.utf8)
        var offset = magic.count + keyBytes.count
        guard bytes.count >= offset + 8, Array(bytes[0..<magic.count]) == magic,
            Array(bytes[magic.count..<offset]) == keyBytes
        else { return nil }
        func uint32() -> UInt32 {
            defer { offset += 4 }
            return (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * UInt32($1)) }
        }
        let count = Int(uint32())
        let width = Int(uint32())
        guard width == expectedWidth, count > 0, bytes.count >= offset + count * (4 + width) else { return nil }
        var logAspects: [Float] = []
        logAspects.reserveCapacity(count)
        for _ in 0..<count { logAspects.append(Float(bitPattern: uint32())) }
        let features = Array(bytes[offset..<(offset + count * width)])
        offset += count * width
        let characters = String(decoding: bytes[offset...], as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard characters.count == count, characters.allSatisfy({ $0.count == 1 }) else { return nil }
        return Described(characters: characters.map { $0.first! }, logAspects: logAspects, features: features)
    }
}
