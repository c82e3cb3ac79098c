import FormFlowTestSupport
import Foundation
import Testing

@testable import FormFlowExtraction

@Suite("Prototype cache: described glyph sets kept between runs")
struct PrototypeCacheTests {
    /// The financial capitals' prototypes: small enough to describe in a test, real enough to matter.
    let path = TestSupport.pipelines.appendingPathComponent("glyphs/financial-capitals.txt").path

    func temporaryCache() throws -> PrototypeCache {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("formflow-cache-\(UUID().uuidString)")
        return PrototypeCache(directory: directory)
    }

    func entries(_ cache: PrototypeCache) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: cache.directory.path)) ?? []).filter { $0.hasSuffix(".bin") }
    }

    @Test("a set read from the cache ranks every glyph exactly as the set described anew")
    func sameAnswers() throws {
        let cache = try temporaryCache()
        defer { try? FileManager.default.removeItem(at: cache.directory) }
        let described = try GlyphClassifier.read(paths: [path], features: .strokeDirection, cache: nil)
        _ = try GlyphClassifier.read(paths: [path], features: .strokeDirection, cache: cache)
        #expect(entries(cache).count == 1)
        let cached = try GlyphClassifier.read(paths: [path], features: .strokeDirection, cache: cache)
        #expect(cached.index.characters == described.index.characters)
        #expect(cached.index.features == described.index.features)
        #expect(cached.index.logAspects == described.index.logAspects)
        for (_, _, _, glyph) in try GlyphClassifier.readGlyphs(path: path).prefix(40) {
            let expected = described.rank(glyph)
            let got = cached.rank(glyph)
            #expect(got.map(\.character) == expected.map(\.character))
            #expect(got.map(\.distance) == expected.map(\.distance))
        }
    }

    @Test("an edited prototype file or another feature kind is another entry, never the old one")
    func keyFollowsContents() throws {
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        let edited = original + Data("零 test 0 2 2 c0c0\n".utf8)
        let key = PrototypeCache.key(contents: [original], kind: .strokeDirection)
        #expect(PrototypeCache.key(contents: [original], kind: .strokeDirection) == key)
        #expect(PrototypeCache.key(contents: [edited], kind: .strokeDirection) != key)
        #expect(PrototypeCache.key(contents: [original], kind: .inkDensity) != key)
        // Two files are not their concatenation.
        let half = original.count / 2
        #expect(PrototypeCache.key(contents: [original.prefix(half), original.suffix(from: half)], kind: .strokeDirection) != key)

        let cache = try temporaryCache()
        defer { try? FileManager.default.removeItem(at: cache.directory) }
        let copy = cache.directory.appendingPathComponent("capitals.txt")
        try FileManager.default.createDirectory(at: cache.directory, withIntermediateDirectories: true)
        try original.write(to: copy)
        let before = try GlyphClassifier.read(paths: [copy.path], features: .strokeDirection, cache: cache)
        try edited.write(to: copy)
        let after = try GlyphClassifier.read(paths: [copy.path], features: .strokeDirection, cache: cache)
        #expect(after.index.logAspects.count == before.index.logAspects.count + 1)
        #expect(entries(cache).count == 2)
    }

    @Test("a truncated, foreign or other-width entry is ignored and described anew")
    func damagedEntries() throws {
        let cache = try temporaryCache()
        defer { try? FileManager.default.removeItem(at: cache.directory) }
        let described = try GlyphClassifier.read(paths: [path], features: .inkDensity, cache: cache)
        let key = PrototypeCache.key(contents: [try Data(contentsOf: URL(fileURLWithPath: path))], kind: .inkDensity)
        let entry = try Data(contentsOf: cache.file(for: key))
        #expect(PrototypeCache.decode(entry, key: key, width: GlyphFeatures.inkDensity.width) != nil)
        #expect(PrototypeCache.decode(entry.prefix(entry.count / 2), key: key, width: GlyphFeatures.inkDensity.width) == nil)
        #expect(PrototypeCache.decode(entry, key: String(key.reversed()), width: GlyphFeatures.inkDensity.width) == nil)
        #expect(PrototypeCache.decode(entry, key: key, width: GlyphFeatures.strokeDirection.width) == nil)
        #expect(PrototypeCache.decode(Data("not a cache".utf8), key: key, width: 400) == nil)

        try entry.prefix(100).write(to: cache.file(for: key))
        let again = try GlyphClassifier.read(paths: [path], features: .inkDensity, cache: cache)
        #expect(again.index.features == described.index.features)
        #expect(again.index.characters == described.index.characters)
        // …and the whole entry is written back.
        #expect(try Data(contentsOf: cache.file(for: key)) == entry)
    }

    @Test("a directory that cannot be written leaves loading as it was")
    func unwritableDirectory() throws {
        let blocker = FileManager.default.temporaryDirectory.appendingPathComponent("formflow-cache-file-\(UUID().uuidString)")
        try Data("a file where the directory should be".utf8).write(to: blocker)
        defer { try? FileManager.default.removeItem(at: blocker) }
        let cache = PrototypeCache(directory: blocker.appendingPathComponent("inside"))
        let classifier = try GlyphClassifier.read(paths: [path], features: .inkDensity, cache: cache)
        #expect(!classifier.index.characters.isEmpty)
    }
}
