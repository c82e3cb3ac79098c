import FormFlowCore

/// Checks whether a printed line of financial capitals says the same amount as the figures, by looking
/// at the glyphs themselves.
///
/// Tesseract's Chinese model misreads several of these characters (仟→什, 叁→参, 柒→染 …), differently in
/// each typeface, so its text is not trusted here. Instead the line is cut into glyphs and every glyph is
/// compared with prototypes of the 19-character alphabet rendered from several typefaces
/// (`GlyphClassifier`). The line is aligned with the characters the figures call for; each position then
/// either agrees (the expected character is the nearest prototype, or nearly so where the glyph lies
/// within reach of the prototypes: `isUnplaced`) or does not. A line
/// whose glyphs are nearest to a *different* well-formed amount contradicts the figures, unless its glyphs
/// lie beyond reach of every prototype (`typefaceReach`): then what they read is no opinion of its own
/// (`unknownTypeface`). Anything else that does not agree is reported as unverified, never as a match.
public enum AmountInWordsVerifier {
    public enum Verdict: Sendable, Hashable {
        /// Every glyph agrees with the expected characters.
        case matches
        /// The glyphs spell something else; what they spell.
        case contradicts(String)
        /// Some glyphs cannot be told apart well enough; why.
        case unverified(reason: String)
        /// The line is printed in a typeface the prototypes do not know (`typefaceReach`): its glyphs are
        /// no opinion on their own, neither a match nor a contradiction. What they read (aligned with the
        /// expected words where the line can be cut into them), for a second reader to back or not.
        case unknownTypeface(glyphsRead: String)
    }

    /// One aligned position: what was expected, what the glyph is nearest to, and how near.
    public struct Position: Sendable, Hashable {
        public var expected: Character
        public var nearest: Character
        public var expectedDistance: Float
        public var nearestDistance: Float
    }

    /// How much farther than the nearest prototype the expected character may be and still agree.
    public static let agreementMargin: Float = 0.35
    /// How far from its nearest prototype a line's typical glyph (the median) may lie for the line to be
    /// in a typeface the prototypes know. Beyond it the glyphs are no opinion against the figures: a
    /// display face (Smiley Sans) lay 4.5–5.0 from everything and spelled 叁 for 陆 and 壹 for 捌, while
    /// the second model read the line right; lines in known faces, and in LXGW WenKai, on 1-bit scans
    /// and on phone photos, lay at 1.6–3.6.
    public static let typefaceReach: Float = 4.0

    /// Cost of each additional glyph in a free reading, so that glyphs are not split without need.
    static let splitPenalty: Float = 0.4

    public static func verify(image: GrayImage, expected: String, classifier: GlyphClassifier) -> Verdict {
        guard let line = GlyphLine(image: image) else { return .unverified(reason: "no printed line was found") }
        let segmenter = Segmenter(line: line, index: classifier.index)
        let expectedCharacters = Array(expected)
        let free = segmenter.freeReading()
        if free.text == expected { return .matches }
        guard let aligned = segmenter.align(to: expectedCharacters) else {
            if ChineseAmount.parse(free.text) != nil {
                // The free reading's glyphs on average, less what splitting them cost.
                let typical = free.cost / Float(max(free.text.count, 1)) - splitPenalty
                return typical > typefaceReach ? .unknownTypeface(glyphsRead: free.text) : .contradicts(free.text)
            }
            return .unverified(reason: "the line cannot be cut into \(expectedCharacters.count) characters")
        }
        let disagreeing = aligned.filter { $0.expectedDistance - $0.nearestDistance > agreementMargin }
        if disagreeing.isEmpty {
            let unplaced = aligned.filter(isUnplaced)
            guard unplaced.isEmpty else {
                return .unverified(
                    reason:
                        "\(unplaced.count) of \(expectedCharacters.count) glyphs lie far from every prototype and nearer another character (\(unplaced.map { "\($0.expected)?" }.joined()))"
                )
            }
            return .matches
        }
        let nearest = aligned.map(\.nearestDistance).sorted()
        if nearest[nearest.count / 2] > typefaceReach {
            // Aligned with the expected words, each place as its glyph's nearest where that is clearly not
            // the expected character: what a second reader is compared with, place by place.
            return .unknownTypeface(glyphsRead: rebuilt(aligned))
        }
        if ChineseAmount.parse(free.text) != nil { return .contradicts(free.text) }
        let strong = disagreeing.filter {
            ChineseAmount.alphabet.contains($0.nearest)
                && $0.expectedDistance - $0.nearestDistance > 2 * agreementMargin
        }
        if !strong.isEmpty {
            // Positions that clearly show another character: rebuild what the line says from them.
            return .contradicts(rebuilt(aligned))
        }
        return .unverified(
            reason:
                "\(disagreeing.count) of \(expectedCharacters.count) characters are unclear (\(disagreeing.map { "\($0.expected)?" }.joined()))"
        )
    }

    /// Whether a place agrees with its expected character only by the agreement margin, its glyph lying
    /// beyond `typefaceReach` of every prototype and nearer another character: no agreement, though no
    /// contradiction either. A phone photo's 肆万玖仟陆佰肆拾陆元 (UKai) under figures 49636.23 lay 5.36
    /// from 肆 and 5.48 from 叁 at the tens, and "matched" the figures: the words_mismatch was accepted.
    static func isUnplaced(_ place: Position) -> Bool {
        place.expectedDistance > place.nearestDistance && place.nearestDistance > typefaceReach
    }

    /// The expected words with each place that clearly shows another character (twice the agreement
    /// margin nearer to it) read as that character.
    static func rebuilt(_ aligned: [Position]) -> String {
        String(
            aligned.map { $0.expectedDistance - $0.nearestDistance > 2 * agreementMargin ? $0.nearest : $0.expected })
    }

    /// The aligned positions, for evidence and calibration.
    public static func positions(image: GrayImage, expected: String, classifier: GlyphClassifier) -> (
        free: String, aligned: [Position]?
    ) {
        guard let line = GlyphLine(image: image) else { return ("", nil) }
        let segmenter = Segmenter(line: line, index: classifier.index)
        return (segmenter.freeReading().text, segmenter.align(to: Array(expected)))
    }

    /// Dynamic programming over ways of grouping a line's pieces into glyphs.
    struct Segmenter {
        let line: GlyphLine
        let index: GlyphClassifier.Index
        let maxWidth: Int
        let maxPieces = 5

        init(line: GlyphLine, index: GlyphClassifier.Index) {
            self.line = line
            self.index = index
            self.maxWidth = Int(Double(line.bandHeight) * 1.35) + 2
        }

        func fits(_ first: Int, _ last: Int) -> Bool {
            last - first < maxPieces && line.pieces[last].end - line.pieces[first].start <= maxWidth
        }

        func distances(_ first: Int, _ last: Int) -> [Character: Float] {
            var result: [Character: Float] = [:]
            for entry in index.rank(line.glyph(first: first, last: last)) { result[entry.character] = entry.distance }
            return result
        }

        /// The cheapest grouping with each glyph read as its nearest character.
        func freeReading() -> (text: String, cost: Float) {
            let count = line.pieces.count
            var best = [Float](repeating: .infinity, count: count + 1)
            var back = [(Int, Character)](repeating: (0, " "), count: count + 1)
            best[0] = 0
            var memo: [Int: [Character: Float]] = [:]
            for end in 1...count {
                for start in stride(from: end - 1, through: max(0, end - maxPieces), by: -1) {
                    guard fits(start, end - 1), best[start].isFinite else { continue }
                    let key = start * 1000 + end
                    let ranked = memo[key] ?? distances(start, end - 1)
                    memo[key] = ranked
                    guard let nearest = ranked.min(by: { $0.value < $1.value }) else { continue }
                    let cost = best[start] + nearest.value + AmountInWordsVerifier.splitPenalty
                    if cost < best[end] {
                        best[end] = cost
                        back[end] = (start, nearest.key)
                    }
                }
            }
            guard best[count].isFinite else { return ("", .infinity) }
            var text: [Character] = []
            var cursor = count
            while cursor > 0 {
                text.append(back[cursor].1)
                cursor = back[cursor].0
            }
            return (String(text.reversed()), best[count])
        }

        /// The cheapest grouping into exactly the expected characters, with each position's distances.
        func align(to expected: [Character]) -> [Position]? {
            let count = line.pieces.count
            let n = expected.count
            guard n > 0, count >= n else { return nil }
            var cost = [[Float]](repeating: [Float](repeating: .infinity, count: count + 1), count: n + 1)
            var back = [[Int]](repeating: [Int](repeating: -1, count: count + 1), count: n + 1)
            var memo: [Int: [Character: Float]] = [:]
            cost[0][0] = 0
            for k in 0..<n {
                for start in 0..<count where cost[k][start].isFinite {
                    for end in (start + 1)...min(count, start + maxPieces) {
                        guard fits(start, end - 1) else { break }
                        let key = start * 1000 + end
                        let ranked = memo[key] ?? distances(start, end - 1)
                        memo[key] = ranked
                        let total = cost[k][start] + (ranked[expected[k]] ?? .infinity)
                        if total < cost[k + 1][end] {
                            cost[k + 1][end] = total
                            back[k + 1][end] = start
                        }
                    }
                }
            }
            guard cost[n][count].isFinite else { return nil }
            var positions: [Position] = []
            var end = count
            for k in stride(from: n, through: 1, by: -1) {
                let start = back[k][end]
                let ranked = memo[start * 1000 + end] ?? distances(start, end - 1)
                let nearest = ranked.min(by: { $0.value < $1.value })!
                positions.append(
                    Position(
                        expected: expected[k - 1], nearest: nearest.key,
                        expectedDistance: ranked[expected[k - 1]] ?? .infinity,
                        nearestDistance: nearest.value))
                end = start
            }
            return positions.reversed()
        }
    }
}
