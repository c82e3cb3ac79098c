import FormFlowCore
import FormFlowYAML
import Foundation

/// A binary glyph: ink pixels, cropped to their bounding box.
public struct Glyph: Sendable, Hashable {
    public var width: Int
    public var height: Int
    public var ink: [Bool]

    public init(width: Int, height: Int, ink: [Bool]) {
        self.width = width
        self.height = height
        self.ink = ink
    }

    /// The glyph scaled into a square grid (aspect kept, centred), each cell the share of ink it covers,
    /// then smoothed: small shifts and stroke-width differences between typefaces cost little.
    public func features(grid: Int = GlyphClassifier.grid) -> [Float] {
        var cells = [Float](repeating: 0, count: grid * grid)
        guard width > 0, height > 0 else { return cells }
        let scale = Double(grid) / Double(max(width, height))
        let offsetX = (Double(grid) - Double(width) * scale) / 2
        let offsetY = (Double(grid) - Double(height) * scale) / 2
        var counts = [Float](repeating: 0, count: grid * grid)
        for y in 0..<height {
            let gy = min(grid - 1, max(0, Int(offsetY + (Double(y) + 0.5) * scale)))
            for x in 0..<width {
                let gx = min(grid - 1, max(0, Int(offsetX + (Double(x) + 0.5) * scale)))
                counts[gy * grid + gx] += 1
                if ink[y * width + x] { cells[gy * grid + gx] += 1 }
            }
        }
        for index in cells.indices where counts[index] > 0 { cells[index] /= counts[index] }
        // 3×3 box blur.
        var smoothed = [Float](repeating: 0, count: grid * grid)
        for y in 0..<grid {
            for x in 0..<grid {
                var sum: Float = 0
                for dy in -1...1 {
                    for dx in -1...1 {
                        let nx = x + dx
                        let ny = y + dy
                        if nx >= 0, ny >= 0, nx < grid, ny < grid { sum += cells[ny * grid + nx] }
                    }
                }
                smoothed[y * grid + x] = sum / 9
            }
        }
        return smoothed
    }
}

/// Nearest-prototype classifier over a closed alphabet (the financial capitals), with prototypes
/// rendered from several typefaces (tools/glyphs/make_prototypes.py).
public struct GlyphClassifier: Sendable {
    public static let grid = 20

    public struct Prototype: Sendable {
        public var character: Character
        public var font: String
        public var features: [Float]
        public var aspect: Double
    }

    public let prototypes: [Prototype]
    public let alphabet: [Character]
    let index: Index

    public init(prototypes: [Prototype]) {
        self.prototypes = prototypes
        var seen: [Character] = []
        for prototype in prototypes where !seen.contains(prototype.character) { seen.append(prototype.character) }
        self.alphabet = seen
        self.index = Index(prototypes)
    }

    /// Loads the prototype file; a malformed line is a configuration error with its line number.
    public static func load(path: String) throws(ConfigurationError) -> GlyphClassifier {
        let prototypes = try readGlyphs(path: path).map { entry in
            Prototype(
                character: entry.character, font: entry.font, features: entry.glyph.features(),
                aspect: Double(entry.glyph.width) / Double(entry.glyph.height))
        }
        guard !prototypes.isEmpty else {
            throw ConfigurationError(file: path, line: 1, message: "the file holds no glyph prototypes")
        }
        return GlyphClassifier(prototypes: prototypes)
    }

    /// The glyphs of a prototype file (`CHAR FONT VARIANT WIDTH HEIGHT HEX` per line), as drawn.
    public static func readGlyphs(path: String) throws(ConfigurationError) -> [(
        character: Character, font: String, variant: Int, glyph: Glyph
    )] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(file: path, line: 0, message: "cannot read the glyph prototypes: \(error.localizedDescription)")
        }
        var glyphs: [(character: Character, font: String, variant: Int, glyph: Glyph)] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: " ")
            guard parts.count == 6, parts[0].count == 1, let variant = Int(parts[2]), let width = Int(parts[3]),
                let height = Int(parts[4]), width > 0, height > 0, let bytes = hexBytes(parts[5]),
                bytes.count == ((width + 7) / 8) * height
            else {
                throw ConfigurationError(file: path, line: index + 1, message: "not a glyph prototype line (CHAR FONT VARIANT WIDTH HEIGHT HEX)")
            }
            let rowBytes = (width + 7) / 8
            var ink = [Bool](repeating: false, count: width * height)
            for y in 0..<height {
                for x in 0..<width {
                    ink[y * width + x] = bytes[y * rowBytes + x / 8] & (0x80 >> UInt8(x % 8)) != 0
                }
            }
            glyphs.append((parts[0].first!, String(parts[1]), variant, Glyph(width: width, height: height, ink: ink)))
        }
        return glyphs
    }

    static func hexBytes(_ text: Substring) -> [UInt8]? {
        guard text.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count / 2)
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }

    /// Distance from a glyph to the nearest prototype of each character, smallest first.
    public func rank(_ glyph: Glyph) -> [(character: Character, distance: Float)] {
        index.rank(glyph)
    }

    /// Prototypes laid out for ranking: features in one flat array grouped by character, the log of
    /// each aspect ratio computed once, distances summed sixteen features at a time. Ranking is on the
    /// hot path (every glyph of every verified value).
    public struct Index: Sendable {
        let characters: [Character]
        let numbers: [Character: Int]
        /// The prototypes of character number `n` are `ranges[n]`.
        let ranges: [Range<Int>]
        let logAspects: [Float]
        let features: [Float]
        let width: Int

        /// A glyph prepared for comparison.
        public struct Query {
            let features: [Float]
            let logAspect: Float
        }

        public init(_ prototypes: [Prototype]) {
            var characters: [Character] = []
            var numbers: [Character: Int] = [:]
            var groups: [[Prototype]] = []
            for prototype in prototypes {
                if let number = numbers[prototype.character] {
                    groups[number].append(prototype)
                } else {
                    numbers[prototype.character] = characters.count
                    characters.append(prototype.character)
                    groups.append([prototype])
                }
            }
            var ranges: [Range<Int>] = []
            var logAspects: [Float] = []
            var features: [Float] = []
            for group in groups {
                ranges.append(logAspects.count..<(logAspects.count + group.count))
                for prototype in group {
                    logAspects.append(Float(log(prototype.aspect)))
                    features += prototype.features
                }
            }
            self.characters = characters
            self.numbers = numbers
            self.ranges = ranges
            self.logAspects = logAspects
            self.features = features
            self.width = prototypes.first?.features.count ?? 0
        }

        public func query(_ glyph: Glyph) -> Query {
            Query(features: glyph.features(), logAspect: Float(log(Double(glyph.width) / Double(max(glyph.height, 1)))))
        }

        /// Squared distance to prototype `prototype`, or some value ≥ `bound` once it is certain to exceed it.
        @inline(__always)
        private func squaredDistance(_ query: UnsafeBufferPointer<Float>, _ logAspect: Float, prototype: Int, bound: Float) -> Float {
            // Shape alone cannot tell a narrow fragment (亻) blown up to full size from a whole glyph.
            let aspect = logAspect - logAspects[prototype]
            var sum = aspect * aspect * 4
            features.withUnsafeBufferPointer { features in
                let base = UnsafeRawPointer(features.baseAddress! + prototype * width)
                let own = UnsafeRawPointer(query.baseAddress!)
                let blocks = width / 16
                var block = 0
                while block < blocks {
                    var accumulator = SIMD16<Float>()
                    let end = min(blocks, block + 5)
                    while block < end {
                        let difference =
                            own.loadUnaligned(fromByteOffset: block * 64, as: SIMD16<Float>.self)
                            - base.loadUnaligned(fromByteOffset: block * 64, as: SIMD16<Float>.self)
                        accumulator += difference * difference
                        block += 1
                    }
                    sum += accumulator.sum()
                    if sum >= bound { return }
                }
                for index in (blocks * 16)..<width {
                    let difference = query[index] - features[prototype * width + index]
                    sum += difference * difference
                }
            }
            return sum
        }

        /// Distance from the glyph to the nearest prototype of `character` (infinity without prototypes).
        public func distance(_ query: Query, to character: Character) -> Float {
            guard let number = numbers[character], query.features.count == width else { return .infinity }
            var best = Float.infinity
            query.features.withUnsafeBufferPointer { buffer in
                for prototype in ranges[number] {
                    best = min(best, squaredDistance(buffer, query.logAspect, prototype: prototype, bound: best))
                }
            }
            return best.squareRoot()
        }

        /// A character other than `character` whose nearest prototype is closer than `limit`, if any.
        public func rival(_ query: Query, of character: Character, closerThan limit: Float) -> (character: Character, distance: Float)? {
            guard query.features.count == width else { return nil }
            let bound = limit * limit
            var found: (Character, Float)? = nil
            query.features.withUnsafeBufferPointer { buffer in
                for (number, range) in ranges.enumerated() where characters[number] != character {
                    for prototype in range {
                        let sum = squaredDistance(buffer, query.logAspect, prototype: prototype, bound: bound)
                        if sum < bound {
                            found = (characters[number], sum.squareRoot())
                            return
                        }
                    }
                }
            }
            return found
        }

        /// Distance to the nearest prototype of every character, nearest first.
        public func rank(_ glyph: Glyph) -> [(character: Character, distance: Float)] {
            rank(query(glyph))
        }

        /// Distance to the nearest prototype of every character, nearest first.
        public func rank(_ query: Query) -> [(character: Character, distance: Float)] {
            guard query.features.count == width, width > 0 else { return [] }
            var best = [Float](repeating: .infinity, count: characters.count)
            query.features.withUnsafeBufferPointer { buffer in
                for (number, range) in ranges.enumerated() {
                    for prototype in range {
                        best[number] = min(best[number], squaredDistance(buffer, query.logAspect, prototype: prototype, bound: best[number]))
                    }
                }
            }
            return zip(characters, best).map { ($0, $1.squareRoot()) }.sorted { $0.1 < $1.1 }
        }
    }
}
