import Foundation
import Testing

@testable import FormFlowExtraction

/// The glyph index passes over far prototypes by a lower bound of their distance (`BlockSums`); its
/// answers must be those of measuring every prototype in full.
@Suite("Glyph index: the shortcuts give the answers of a full measure")
struct GlyphIndexTests {
    /// A reproducible source of bytes (SplitMix64), so a failure can be replayed.
    struct Bytes {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func byte(below limit: Int = 256) -> UInt8 { UInt8(next() % UInt64(limit)) }
    }

    /// `characters` characters of `faces` prototypes each, every prototype its character's shape with
    /// some noise: characters are far apart, a character's prototypes near one another, as drawn glyphs are.
    static func index(characters: Int, faces: Int, width: Int, seed: UInt64) -> (GlyphClassifier.Index, [[UInt8]]) {
        var bytes = Bytes(state: seed)
        var names: [Character] = []
        var aspects: [Float] = []
        var features: [UInt8] = []
        var shapes: [[UInt8]] = []
        for number in 0..<characters {
            let shape = (0..<width).map { _ in bytes.byte(below: 160) }
            shapes.append(shape)
            for _ in 0..<faces {
                names.append(Character(UnicodeScalar(0x4E00 + number)!))
                aspects.append(Float(bytes.byte(below: 20)) / 100 - 0.1)
                features += shape.map { $0 &+ bytes.byte(below: 24) }
            }
        }
        let index = GlyphClassifier.Index(characters: names, logAspects: aspects, features: features, kind: .strokeDirection)
        return (index, shapes)
    }

    /// The distance measured in full, feature by feature, as the index defines it.
    static func fullDistance(_ index: GlyphClassifier.Index, _ query: GlyphClassifier.Index.Query, prototype: Int) -> Float {
        let aspect = query.logAspect - index.logAspects[prototype]
        var sum = aspect * aspect * index.kind.aspectWeight * index.scale * index.scale
        for feature in 0..<index.width {
            let difference = query.features[feature] - Float(index.features[prototype * index.width + feature])
            sum += difference * difference
        }
        return sum
    }

    /// A glyph near `shape` (or anywhere, without one), on the stored scale.
    static func query(near shape: [UInt8]?, in index: GlyphClassifier.Index, bytes: inout Bytes) -> GlyphClassifier.Index.Query {
        var features: [Float] = []
        for feature in 0..<index.width {
            let noise = Int(bytes.byte(below: shape == nil ? 200 : 40))
            features.append(Float((shape.map { Int($0[feature]) } ?? 0) + noise))
        }
        return index.query(features: features, logAspect: Float(bytes.byte(below: 30)) / 100 - 0.15)
    }

    @Test("features are stored by how much they vary, and a glyph with a prototype's own features is at distance 0 from it")
    func storedByVariance() {
        // Feature 3 varies most, then feature 1; the others not at all.
        let width = 32
        var features: [UInt8] = []
        var characters: [Character] = []
        for (number, (a, b)) in [(10, 200), (90, 20), (50, 120), (0, 250)].enumerated() {
            var prototype = [UInt8](repeating: 7, count: width)
            prototype[1] = UInt8(a)
            prototype[3] = UInt8(b)
            features += prototype
            characters.append(Character(UnicodeScalar(0x4E00 + number)!))
        }
        let index = GlyphClassifier.Index(
            characters: characters, logAspects: [Float](repeating: 0, count: 4), features: features, kind: .inkDensity)
        #expect(Array(index.order.prefix(2)) == [3, 1])
        for (number, character) in characters.enumerated() {
            let own = features[(number * width)..<((number + 1) * width)].map(Float.init)
            let query = index.query(features: own, logAspect: 0)
            #expect(index.distance(query, to: character) == 0)
            #expect(index.nearest(query, count: 1).first?.character == character)
        }
    }

    @Test("the block sums' bound never exceeds the full distance")
    func boundBelowDistance() {
        let (index, shapes) = Self.index(characters: 40, faces: 3, width: 512, seed: 7)
        var bytes = Bytes(state: 11)
        for trial in 0..<200 {
            let query = Self.query(near: trial.isMultiple(of: 2) ? shapes[trial % shapes.count] : nil, in: index, bytes: &bytes)
            for prototype in 0..<(index.logAspects.count) {
                let full = Self.fullDistance(index, query, prototype: prototype)
                let aspect = query.logAspect - index.logAspects[prototype]
                let lower =
                    aspect * aspect * index.kind.aspectWeight * index.scale * index.scale
                    + BlockSums.squaredDistance(query.blockSums, index.blockSums, prototype: prototype)
                #expect(lower <= full * 1.0001, "prototype \(prototype): bound \(lower) over distance \(full)")
            }
        }
    }

    @Test("nearest, distance and rival answer as measuring every prototype in full does")
    func answersAsFullMeasure() {
        let (index, shapes) = Self.index(characters: 60, faces: 4, width: 512, seed: 3)
        var bytes = Bytes(state: 5)
        for trial in 0..<60 {
            let query = Self.query(near: shapes[(trial * 7) % shapes.count], in: index, bytes: &bytes)
            // Each character's nearest prototype, measured in full.
            var best: [(Character, Float)] = []
            for (number, range) in index.ranges.enumerated() {
                let nearest = range.map { Self.fullDistance(index, query, prototype: $0) }.min()!
                best.append((index.characters[number], nearest.squareRoot() / index.scale))
            }
            let ranked = best.sorted { $0.1 < $1.1 }
            let answered = index.nearest(query, count: 3)
            #expect(answered.map(\.character) == ranked.prefix(3).map(\.0))
            for (given, expected) in zip(answered, ranked) {
                #expect(abs(given.distance - expected.1) < 0.001)
            }
            let own = ranked[0].0
            #expect(abs(index.distance(query, to: own) - ranked[0].1) < 0.001)
            // A rival is found exactly when another character lies within reach, and it is one that does.
            let second = ranked[1].1
            for reach in [second * 0.9, second * 1.1] {
                let rival = index.rival(query, of: own, closerThan: reach)
                #expect((rival != nil) == (second < reach))
                if let rival { #expect(best.first { $0.0 == rival.character }!.1 < reach) }
            }
        }
    }

    @Test("choosing among a list confirms exactly what verifying each entry on its own confirms")
    func chooseAsVerify() throws {
        let (lines, verifier) = try TextVerifierTests.lines()
        let known = [
            "杭州数智科技有限公司", "上海申城物业管理有限公司", "深圳前海信息技术有限公司", "天津津心软件有限公司", "杭州申城科技有限公司",
        ]
        var chosen = 0
        for drawn in known + ["天津前海软件有限公司", "深圳前海信息技数有限公司", "上海申城物业有限公司"] {
            let image = lines.draw(drawn, gap: 8)
            let confirmed = known.filter { verifier.verify($0, image: image) == .confirmed }
            let choice = verifier.choose(among: known, image: image)
            #expect(choice == (confirmed.count == 1 ? confirmed[0] : nil), "drawn \(drawn)")
            if choice != nil { chosen += 1 }
        }
        // Each known name drawn is chosen; none of the others.
        #expect(chosen == known.count)
    }
}
