import FormFlowCore
import FormFlowYAML
import Foundation
import Synchronization

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
        // The cell of each column and row, worked out once (this runs for every prototype at start-up
        // and every glyph verified); a cell's pixel count is its columns times its rows.
        let cellX = (0..<width).map { min(grid - 1, max(0, Int(offsetX + (Double($0) + 0.5) * scale))) }
        let cellY = (0..<height).map { min(grid - 1, max(0, Int(offsetY + (Double($0) + 0.5) * scale))) }
        var columns = [Float](repeating: 0, count: grid)
        var rows = [Float](repeating: 0, count: grid)
        for x in cellX { columns[x] += 1 }
        for y in cellY { rows[y] += 1 }
        ink.withUnsafeBufferPointer { ink in
            for y in 0..<height {
                let row = cellY[y] * grid
                let start = y * width
                for x in 0..<width where ink[start + x] { cells[row + cellX[x]] += 1 }
            }
        }
        for y in 0..<grid where rows[y] > 0 {
            for x in 0..<grid where columns[x] > 0 { cells[y * grid + x] /= rows[y] * columns[x] }
        }
        // 3×3 box blur (cells beyond the edge count as empty), as a horizontal then a vertical sum.
        var across = [Float](repeating: 0, count: grid * grid)
        var smoothed = [Float](repeating: 0, count: grid * grid)
        cells.withUnsafeBufferPointer { cells in
            across.withUnsafeMutableBufferPointer { across in
                for y in 0..<grid {
                    let row = y * grid
                    for x in 0..<grid {
                        var sum = cells[row + x]
                        if x > 0 { sum += cells[row + x - 1] }
                        if x + 1 < grid { sum += cells[row + x + 1] }
                        across[row + x] = sum
                    }
                }
            }
        }
        across.withUnsafeBufferPointer { across in
            smoothed.withUnsafeMutableBufferPointer { smoothed in
                for y in 0..<grid {
                    for x in 0..<grid {
                        var sum = across[y * grid + x]
                        if y > 0 { sum += across[(y - 1) * grid + x] }
                        if y + 1 < grid { sum += across[(y + 1) * grid + x] }
                        smoothed[y * grid + x] = sum / 9
                    }
                }
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

    /// The characters with prototypes, in file order. The prototypes themselves live in `index` only:
    /// the names' file alone holds 24,000 of them, and a second copy of their features cost 40 MB.
    public let alphabet: [Character]
    let index: Index

    public init(prototypes: [Prototype]) {
        var alphabet: [Character] = []
        var seen: Set<Character> = []
        for prototype in prototypes where seen.insert(prototype.character).inserted { alphabet.append(prototype.character) }
        self.alphabet = alphabet
        self.index = Index(prototypes)
    }

    /// Loads the prototype file; a malformed line is a configuration error with its line number.
    public static func load(path: String) throws(ConfigurationError) -> GlyphClassifier {
        try load(paths: [path])
    }

    /// Loads several prototype files as one classifier (the names' prototypes and their rivals),
    /// comparing glyphs by `features`. A set already loaded in this process (same files, unchanged since)
    /// is shared rather than loaded again: describing the names' 46,000 prototypes by stroke directions
    /// takes seconds, and a daemon reloading its pipeline, or a test suite loading it many times, would
    /// pay that each time.
    public static func load(paths: [String], features kind: GlyphFeatures = .inkDensity) throws(ConfigurationError) -> GlyphClassifier {
        let key = LoadedKey(
            paths: paths, kind: kind,
            modified: paths.map { (try? FileManager.default.attributesOfItem(atPath: $0)[.modificationDate] as? Date) ?? nil })
        return try loaded.withLock { (cache: inout [LoadedKey: GlyphClassifier]) throws(ConfigurationError) -> GlyphClassifier in
            if let classifier = cache[key] { return classifier }
            let classifier = try read(paths: paths, features: kind, cache: PrototypeCache.standard)
            cache[key] = classifier
            return classifier
        }
    }

    private struct LoadedKey: Hashable {
        var paths: [String]
        var kind: GlyphFeatures
        var modified: [Date?]
    }

    /// Held while a set loads, so two workers or tests asking for the same set at once load it once.
    private static let loaded = Mutex<[LoadedKey: GlyphClassifier]>([:])

    /// Reads the prototype files, or their description from `cache` when these files were described before.
    static func read(paths: [String], features kind: GlyphFeatures, cache: PrototypeCache?) throws(ConfigurationError) -> GlyphClassifier {
        let key: String
        let lines: Int
        do {
            // The files' bytes only for their key and line count, let go before they are described: a
            // file that cannot be read fails there, with its name.
            let contents = paths.map { try? Data(contentsOf: URL(fileURLWithPath: $0)) }
            key = PrototypeCache.key(contents: contents.map { $0 ?? Data() }, kind: kind)
            if contents.allSatisfy({ $0 != nil }), let described = cache?.read(key: key, width: kind.width) {
                return GlyphClassifier(
                    index: Index(
                        characters: described.characters, logAspects: described.logAspects, features: described.features,
                        kind: kind))
            }
            lines = contents.reduce(0) { count, data in count + (data.map(Self.lineCount) ?? 0) }
        }
        let described = try describe(paths: paths, features: kind, lines: lines)
        cache?.write(described, key: key)
        return GlyphClassifier(
            index: Index(characters: described.characters, logAspects: described.logAspects, features: described.features, kind: kind))
    }

    static func lineCount(_ data: Data) -> Int {
        data.withUnsafeBytes { bytes in bytes.reduce(0) { $0 + ($1 == 10 ? 1 : 0) } }
    }

    private static func describe(paths: [String], features kind: GlyphFeatures, lines: Int) throws(ConfigurationError) -> PrototypeCache.Described {
        // One glyph at a time, its features straight into one flat array: no per-prototype arrays.
        var characters: [Character] = []
        var logAspects: [Float] = []
        var features: [UInt8] = []
        // Reserved for every line up front: grown by doubling, the names' and rivals' features briefly
        // took twice their size at every start, which was the peak of a whole run's memory.
        features.reserveCapacity(lines * kind.width)
        characters.reserveCapacity(lines)
        logAspects.reserveCapacity(lines)
        // Described a batch at a time on every core: stroke directions of the names' 46,000 prototypes took
        // 3.5 s of one core, most of a short run's start-up. A batch, not the whole file, keeps the drawn
        // glyphs from being held all at once.
        var batch: [Glyph] = []
        func describeBatch() {
            let glyphs = batch
            let parts = max(1, min(ProcessInfo.processInfo.activeProcessorCount, glyphs.count))
            let described = Mutex<[[UInt8]]>(Array(repeating: [], count: parts))
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                var own: [UInt8] = []
                for glyph in glyphs[(glyphs.count * part / parts)..<(glyphs.count * (part + 1) / parts)] {
                    own += Index.stored(kind.of(glyph), kind)
                }
                described.withLock { $0[part] = own }
            }
            described.withLock { for part in $0 { features += part } }
            batch.removeAll(keepingCapacity: true)
        }
        for path in paths {
            let before = characters.count
            try forEachGlyph(path: path) { character, _, _, glyph in
                characters.append(character)
                logAspects.append(Float(log(Double(glyph.width) / Double(glyph.height))))
                batch.append(glyph)
                if batch.count == 1_024 { describeBatch() }
            }
            describeBatch()
            guard characters.count > before else {
                throw ConfigurationError(file: path, line: 1, message: "the file holds no glyph prototypes")
            }
        }
        return PrototypeCache.Described(characters: characters, logAspects: logAspects, features: features)
    }

    init(index: Index) {
        self.index = index
        self.alphabet = index.characters
    }

    /// The glyphs of a prototype file (`CHAR FONT VARIANT WIDTH HEIGHT HEX` per line), as drawn.
    public static func readGlyphs(path: String) throws(ConfigurationError) -> [(
        character: Character, font: String, variant: Int, glyph: Glyph
    )] {
        var glyphs: [(character: Character, font: String, variant: Int, glyph: Glyph)] = []
        try forEachGlyph(path: path) { glyphs.append(($0, $1, $2, $3)) }
        return glyphs
    }

    /// Calls `body` with each glyph of a prototype file, in file order.
    static func forEachGlyph(
        path: String, _ body: (Character, String, Int, Glyph) -> Void
    ) throws(ConfigurationError) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ConfigurationError(file: path, line: 0, message: "cannot read the glyph prototypes: \(error.localizedDescription)")
        }
        // Parsed as bytes: the files hold tens of thousands of lines, read at every start.
        let bytes = [UInt8](data)
        var lineNumber = 0
        var lineStart = 0
        while lineStart < bytes.count {
            lineNumber += 1
            let lineEnd = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            defer { lineStart = lineEnd + 1 }
            let line = bytes[lineStart..<lineEnd]
            if line.isEmpty || line.first == UInt8(ascii: "#") { continue }
            let parts = line.split(separator: UInt8(ascii: " "))
            func number(_ part: ArraySlice<UInt8>) -> Int? { Int(String(decoding: part, as: UTF8.self)) }
            let characters = String(decoding: parts.first ?? [], as: UTF8.self)
            guard parts.count == 6, characters.count == 1, let variant = number(parts[2]), let width = number(parts[3]),
                let height = number(parts[4]), width > 0, height > 0, let packed = hexBytes(parts[5]),
                packed.count == ((width + 7) / 8) * height
            else {
                throw ConfigurationError(file: path, line: lineNumber, message: "not a glyph prototype line (CHAR FONT VARIANT WIDTH HEIGHT HEX)")
            }
            let rowBytes = (width + 7) / 8
            var ink = [Bool](repeating: false, count: width * height)
            for y in 0..<height {
                for x in 0..<width {
                    ink[y * width + x] = packed[y * rowBytes + x / 8] & (0x80 >> UInt8(x % 8)) != 0
                }
            }
            body(characters.first!, String(decoding: parts[1], as: UTF8.self), variant, Glyph(width: width, height: height, ink: ink))
        }
    }

    static func hexBytes(_ text: Substring) -> [UInt8]? {
        hexBytes(ArraySlice(text.utf8))
    }

    static func hexBytes(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        guard text.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count / 2)
        var index = text.startIndex
        while index < text.endIndex {
            guard let high = nibble(text[index]), let low = nibble(text[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
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
        /// Each feature as a byte on the kind's scale: the names' and rivals' 46,000 prototypes take
        /// 18 MB instead of 74 MB as `Float`s, and an ink-density distance moves by at most 0.04 (the
        /// judges' margins are 0.25 and more). Stored in `order`, not in the features' own.
        let features: [UInt8]
        /// The features by how much they vary among the prototypes, most first: `order[k]` is the feature
        /// stored in place k (queries are laid out alike). A distance is the same sum in any order, but
        /// summed this way it passes a far prototype's bound sooner and is dropped sooner.
        let order: [Int]
        /// Per prototype, the sums of its stored features 16 at a time (`BlockSums`): a lower bound of
        /// its distance to a glyph at a fifth of the cost of the distance's first check.
        let blockSums: [Float]
        let width: Int
        public let kind: GlyphFeatures
        /// Answers of `nearest` already given (`NearestAnswers`), shared by copies of this index.
        let answers = NearestAnswers()

        /// A feature vector as stored.
        static func stored(_ features: [Float], _ kind: GlyphFeatures) -> [UInt8] {
            features.map { UInt8(min(max($0 * kind.scale, 0), 255).rounded()) }
        }

        /// A glyph prepared for comparison (`query`).
        public struct Query {
            /// The glyph's features on the stored scale (0…255), in the index's `order`.
            let features: [Float]
            let logAspect: Float
            /// The features in their own order summed 16 at a time, as `blockSums` are.
            let blockSums: [Float]

            fileprivate init(features: [Float], logAspect: Float, order: [Int]) {
                self.features = order.map { features[$0] }
                self.logAspect = logAspect
                self.blockSums = BlockSums.of(features)
            }
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
            var features: [UInt8] = []
            // Exactly: grown by doubling, the names' features took three times their size.
            logAspects.reserveCapacity(prototypes.count)
            features.reserveCapacity(prototypes.reduce(0) { $0 + $1.features.count })
            for group in groups {
                ranges.append(logAspects.count..<(logAspects.count + group.count))
                for prototype in group {
                    logAspects.append(Float(log(prototype.aspect)))
                    features += Self.stored(prototype.features, .inkDensity)
                }
            }
            self.init(
                characters: characters, numbers: numbers, ranges: ranges, logAspects: logAspects, features: features,
                width: prototypes.first?.features.count ?? 0, kind: .inkDensity)
        }

        /// Prototypes given in any order (`features` holds each one's `grid × grid` values in turn),
        /// grouped by character in order of first appearance.
        init(
            characters prototypeCharacters: [Character], logAspects prototypeAspects: [Float], features prototypeFeatures: [UInt8],
            kind: GlyphFeatures
        ) {
            let width = prototypeFeatures.count / max(prototypeCharacters.count, 1)
            var characters: [Character] = []
            var numbers: [Character: Int] = [:]
            var members: [[Int]] = []
            for (prototype, character) in prototypeCharacters.enumerated() {
                if let number = numbers[character] {
                    members[number].append(prototype)
                } else {
                    numbers[character] = characters.count
                    characters.append(character)
                    members.append([prototype])
                }
            }
            var ranges: [Range<Int>] = []
            var logAspects: [Float] = []
            var features: [UInt8] = []
            logAspects.reserveCapacity(prototypeAspects.count)
            features.reserveCapacity(prototypeFeatures.count)
            for group in members {
                ranges.append(logAspects.count..<(logAspects.count + group.count))
                for prototype in group {
                    logAspects.append(prototypeAspects[prototype])
                    features += prototypeFeatures[(prototype * width)..<((prototype + 1) * width)]
                }
            }
            self.init(
                characters: characters, numbers: numbers, ranges: ranges, logAspects: logAspects, features: features, width: width,
                kind: kind)
        }

        /// The prototypes of `kept` characters only.
        public func subset(_ kept: Set<Character>) -> Index {
            var characters: [Character] = []
            var numbers: [Character: Int] = [:]
            var ranges: [Range<Int>] = []
            var logAspects: [Float] = []
            var features: [UInt8] = []
            var sums: [Float] = []
            let rowLength = BlockSums.stride(width: width)
            for (number, character) in self.characters.enumerated() where kept.contains(character) {
                let range = self.ranges[number]
                numbers[character] = characters.count
                characters.append(character)
                ranges.append(logAspects.count..<(logAspects.count + range.count))
                logAspects += self.logAspects[range]
                features += self.features[(range.lowerBound * width)..<(range.upperBound * width)]
                sums += self.blockSums[(range.lowerBound * rowLength)..<(range.upperBound * rowLength)]
            }
            return Index(
                characters: characters, numbers: numbers, ranges: ranges, logAspects: logAspects, features: features, width: width,
                kind: kind, stored: (order, sums))
        }

        /// `features` in their own order, or (`stored`) already in `order` with their block sums.
        private init(
            characters: [Character], numbers: [Character: Int], ranges: [Range<Int>], logAspects: [Float], features: [UInt8], width: Int,
            kind: GlyphFeatures, stored: (order: [Int], blockSums: [Float])? = nil
        ) {
            self.kind = kind
            self.characters = characters
            self.numbers = numbers
            self.ranges = ranges
            self.logAspects = logAspects
            self.width = width
            if let stored {
                self.order = stored.order
                self.blockSums = stored.blockSums
                self.features = features
            } else {
                let order = Self.byVariance(features, width: width)
                self.order = order
                self.blockSums = BlockSums.of(stored: features, width: width)
                self.features = Self.reordered(features, width: width, order: order)
            }
        }

        /// The features' places, the one that varies most among the prototypes first. Any order gives the
        /// same distances, so the variances are estimated from about 2,000 prototypes spread over the set
        /// (all 46,000 names' took 30 ms at every start).
        static func byVariance(_ features: [UInt8], width: Int) -> [Int] {
            guard width > 0, features.count >= width else { return Array(0..<width) }
            var sums = [Int](repeating: 0, count: width)
            var squares = [Int](repeating: 0, count: width)
            let step = max(1, features.count / width / 2048)
            var sampled = 0
            features.withUnsafeBufferPointer { features in
                for prototype in stride(from: 0, to: features.count / width, by: step) {
                    sampled += 1
                    let base = prototype * width
                    for feature in 0..<width {
                        let value = Int(features[base + feature])
                        sums[feature] += value
                        squares[feature] += value * value
                    }
                }
            }
            let count = Double(sampled)
            let variances = (0..<width).map { Double(squares[$0]) / count - (Double(sums[$0]) / count) * (Double(sums[$0]) / count) }
            return (0..<width).sorted { variances[$0] > variances[$1] || (variances[$0] == variances[$1] && $0 < $1) }
        }

        /// Each prototype's features laid out in `order`.
        static func reordered(_ features: [UInt8], width: Int, order: [Int]) -> [UInt8] {
            guard width > 0 else { return features }
            var out = [UInt8](repeating: 0, count: features.count)
            features.withUnsafeBufferPointer { features in
                out.withUnsafeMutableBufferPointer { out in
                    order.withUnsafeBufferPointer { order in
                        for base in stride(from: 0, to: features.count - width + 1, by: width) {
                            for place in 0..<width { out[base + place] = features[base + order[place]] }
                        }
                    }
                }
            }
            return out
        }

        public func query(_ glyph: Glyph) -> Query {
            query(
                features: kind.of(glyph).map { min($0 * kind.scale, 255) },
                logAspect: Float(log(Double(glyph.width) / Double(max(glyph.height, 1)))))
        }

        /// A glyph given by its features (in their own order, on the stored scale) and its aspect's log.
        func query(features: [Float], logAspect: Float) -> Query {
            Query(features: features, logAspect: logAspect, order: order)
        }

        /// Squared distance to prototype `prototype` on the stored scale (the kind's scale² times the
        /// distance's square), or some value ≥ `bound` once it is certain to exceed it.
        @inline(__always)
        private func squaredDistance(
            _ query: UnsafeBufferPointer<Float>, _ querySums: [Float], _ logAspect: Float, prototype: Int, bound: Float
        ) -> Float {
            // Shape alone cannot tell a narrow fragment (亻) blown up to full size from a whole glyph.
            let aspect = logAspect - logAspects[prototype]
            var sum = aspect * aspect * kind.aspectWeight * scale * scale
            // Most prototypes are of other shapes: their block sums alone put them past the bound.
            let lower = sum + BlockSums.squaredDistance(querySums, blockSums, prototype: prototype)
            if lower * BlockSums.margin >= bound { return lower }
            features.withUnsafeBufferPointer { features in
                let base = UnsafeRawPointer(features.baseAddress! + prototype * width)
                let own = UnsafeRawPointer(query.baseAddress!)
                let blocks = width / 16
                var block = 0
                while block < blocks {
                    var accumulator = SIMD16<Float>()
                    let end = min(blocks, block + 5)
                    while block < end {
                        let stored = SIMD16<Float>(base.loadUnaligned(fromByteOffset: block * 16, as: SIMD16<UInt8>.self))
                        let difference = own.loadUnaligned(fromByteOffset: block * 64, as: SIMD16<Float>.self) - stored
                        accumulator += difference * difference
                        block += 1
                    }
                    sum += accumulator.sum()
                    if sum >= bound { return }
                }
                for index in (blocks * 16)..<width {
                    let difference = query[index] - Float(features[prototype * width + index])
                    sum += difference * difference
                }
            }
            return sum
        }

        /// The stored scale of a feature.
        var scale: Float { kind.scale }

        /// How many prototypes `character` has (the faces and variants it was drawn in).
        public func prototypeCount(of character: Character) -> Int {
            numbers[character].map { ranges[$0].count } ?? 0
        }

        /// Distance from the glyph to the nearest prototype of `character` (infinity without prototypes).
        public func distance(_ query: Query, to character: Character) -> Float {
            guard let number = numbers[character], query.features.count == width else { return .infinity }
            var best = Float.infinity
            query.features.withUnsafeBufferPointer { buffer in
                for prototype in ranges[number] {
                    best = min(best, squaredDistance(buffer, query.blockSums, query.logAspect, prototype: prototype, bound: best))
                }
            }
            return best.squareRoot() / scale
        }

        /// A character other than `character` whose nearest prototype is closer than `limit`, if any.
        /// `strictLimit` applies instead of `limit` to the characters in `strict` (rivals only: they
        /// count when they are nearer than the character itself, not merely about as near).
        public func rival(
            _ query: Query, of character: Character, closerThan limit: Float, strictLimit: Float = 0,
            strict: Set<Character> = []
        ) -> (character: Character, distance: Float)? {
            guard query.features.count == width else { return nil }
            let looseBound = limit * limit * scale * scale
            let strictBound = strictLimit * strictLimit * scale * scale
            var found: (Character, Float)? = nil
            query.features.withUnsafeBufferPointer { buffer in
                for (number, range) in ranges.enumerated() where characters[number] != character {
                    let bound = strict.isEmpty || !strict.contains(characters[number]) ? looseBound : strictBound
                    for prototype in range {
                        let sum = squaredDistance(buffer, query.blockSums, query.logAspect, prototype: prototype, bound: bound)
                        if sum < bound {
                            found = (characters[number], sum.squareRoot() / scale)
                            return
                        }
                    }
                }
            }
            return found
        }

        /// The `count` characters nearest to the glyph, nearest first: what most judges need of `rank`, found
        /// without measuring every prototype in full (one that is already further than the `count`-th
        /// nearest so far is dropped after its first 80 features). On the names' 46,000 prototypes this is
        /// several times faster than ranking all 8,200 characters.
        public func nearest(_ query: Query, count: Int) -> [(character: Character, distance: Float)] {
            guard query.features.count == width, width > 0, count > 0 else { return [] }
            let key = NearestAnswers.Key(features: query.features, logAspect: query.logAspect, count: count)
            if let known = answers.answer(key) { return known }
            let found = measureNearest(query, count: count)
            answers.remember(found, for: key)
            return found
        }

        /// `nearest`, measured.
        private func measureNearest(_ query: Query, count: Int) -> [(character: Character, distance: Float)] {
            var best: [(number: Int, squared: Float)] = []
            query.features.withUnsafeBufferPointer { buffer in
                for (number, range) in ranges.enumerated() {
                    var own = Float.infinity
                    for prototype in range {
                        let bound = min(own, best.count == count ? best[count - 1].squared : .infinity)
                        own = min(own, squaredDistance(buffer, query.blockSums, query.logAspect, prototype: prototype, bound: bound))
                    }
                    guard best.count < count || own < best[count - 1].squared else { continue }
                    let position = best.firstIndex { $0.squared > own } ?? best.count
                    best.insert((number, own), at: position)
                    if best.count > count { best.removeLast() }
                }
            }
            return best.map { (characters[$0.number], $0.squared.squareRoot() / scale) }
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
                        best[number] = min(best[number], squaredDistance(buffer, query.blockSums, query.logAspect, prototype: prototype, bound: best[number]))
                    }
                }
            }
            return zip(characters, best).map { ($0, $1.squareRoot() / scale) }.sorted { $0.1 < $1.1 }
        }
    }
}

/// The answers an index gave `nearest` lately, by query. The judges of one field ask about the same glyphs
/// again and again (the name glyphs, the character votes, the doubt and the runner-up check each cut the
/// line anew, into the same pieces), and each answer is a pass over every prototype: on the names' 46,000
/// that pass was the largest cost of a worker outside Tesseract. An answer is kept for the exact query
/// only, so it is the answer the pass would give.
final class NearestAnswers: Sendable {
    struct Key: Hashable, Sendable {
        let features: [Float]
        let logAspect: Float
        let count: Int
    }

    /// Enough for the fields of the documents the workers have open; forgotten all at once when full
    /// (a query's 512 features take 2 KB).
    static let capacity = 512
    private let known = Mutex<[Key: [(character: Character, distance: Float)]]>([:])

    func answer(_ key: Key) -> [(character: Character, distance: Float)]? {
        known.withLock { $0[key] }
    }

    func remember(_ answer: [(character: Character, distance: Float)], for key: Key) {
        known.withLock { known in
            if known.count >= Self.capacity { known.removeAll(keepingCapacity: true) }
            known[key] = answer
        }
    }
}

/// A cheap lower bound of the distance between two feature vectors, to pass over far prototypes early.
/// With the features cut into blocks of 16 and each block summed, Σ (q − p)² over a block is at least
/// (Σq − Σp)² / 16 (Cauchy–Schwarz), so the block sums' squared distance divided by 16 never exceeds the
/// full one. A prototype passed over is one the full measure would have found past its bound too: the
/// answers stay exactly the same.
enum BlockSums {
    static let block = 16
    /// Sums are kept in rows of this many (a multiple of 8, zero-padded) for whole SIMD steps.
    static func stride(width: Int) -> Int { ((width / block) + 7) / 8 * 8 }
    /// Float sums round differently from the full measure; the bound is trusted a little below itself.
    static let margin: Float = 0.999

    static func of(_ features: [Float]) -> [Float] {
        let blocks = features.count / block
        var sums = [Float](repeating: 0, count: stride(width: features.count))
        for index in 0..<blocks {
            var sum: Float = 0
            for feature in features[(index * block)..<((index + 1) * block)] { sum += feature }
            sums[index] = sum
        }
        return sums
    }

    static func of(stored features: [UInt8], width: Int) -> [Float] {
        guard width > 0 else { return [] }
        let count = features.count / width
        let rowLength = stride(width: width)
        var sums = [Float](repeating: 0, count: count * rowLength)
        features.withUnsafeBufferPointer { features in
            for prototype in 0..<count {
                for index in 0..<(width / block) {
                    var sum = 0
                    let start = prototype * width + index * block
                    for offset in 0..<block { sum += Int(features[start + offset]) }
                    sums[prototype * rowLength + index] = Float(sum)
                }
            }
        }
        return sums
    }

    /// The lower bound for `prototype`: its block sums' squared distance to the query's, over 16.
    @inline(__always)
    static func squaredDistance(_ query: [Float], _ sums: [Float], prototype: Int) -> Float {
        let rowLength = query.count
        var accumulator = SIMD8<Float>()
        query.withUnsafeBufferPointer { query in
            sums.withUnsafeBufferPointer { sums in
                let own = UnsafeRawPointer(query.baseAddress!)
                let stored = UnsafeRawPointer(sums.baseAddress! + prototype * rowLength)
                for step in 0..<(rowLength / 8) {
                    let difference =
                        own.loadUnaligned(fromByteOffset: step * 32, as: SIMD8<Float>.self)
                        - stored.loadUnaligned(fromByteOffset: step * 32, as: SIMD8<Float>.self)
                    accumulator += difference * difference
                }
            }
        }
        return accumulator.sum() / Float(block)
    }
}
