import FormFlowCore

/// A second opinion on printed Chinese text the form defines in advance (titles, vocabulary entries),
/// from prototypes of the templates' own characters rendered in several typefaces
/// (`tools/glyphs/make_prototypes.py --from Pipelines/templates/*.yaml`).
///
/// The line is cut into pieces of ink and grouped into exactly as many glyphs as the expected text has
/// characters (Chinese characters are often several pieces: 办, 川); the text is confirmed only when every
/// glyph is nearest to its expected character, near enough, and clearly nearer than to any other
/// character with prototypes. Anything else is left to Tesseract. It sees glyphs whole, without a
/// language model, so its mistakes are not Tesseract's.
public struct TextVerifier: Sendable {
    public enum Outcome: Sendable, Equatable {
        case confirmed
        case unconfirmed(String)
    }

    let index: GlyphClassifier.Index
    /// The characters with prototypes; text with others cannot be verified.
    public let known: Set<Character>
    /// See `FigureVerifier`; the same distance and margin.
    public var maximumDistance: Float
    public var minimumMargin: Float

    /// Characters whose prototypes are there as rivals only (one rendering in few faces, `--rivals`): they
    /// stop a confirmation when a glyph is nearer to them than to its expected character, not when it is
    /// merely about as near (朱 lies within a hair of 未 on a 20×20 grid).
    public let rivalsOnly: Set<Character>
    /// A rival stops a confirmation when it is nearer than this many times the glyph's distance to its
    /// own character (as well as when it is within `minimumMargin`): for stroke-direction features, whose
    /// distances run 0.2–0.5, a ratio says "clearly nearer" where a fixed margin cannot.
    public var minimumRatio: Float = 1
    /// `contradiction`: how far beyond `maximumDistance` a glyph may lie and still clearly be another
    /// character, and by how much it must be nearer to it than to any other.
    public var contradictionReach: Float = 0.5
    public var contradictionMargin: Float = 0.5
    /// `doubt`: how far beyond `maximumDistance` a glyph may lie from its own character and still be outvoted
    /// by two other readers, where no other character is clearly nearer (none by default).
    public var outvotedReach: Float = 0

    public init(
        classifier: GlyphClassifier, maximumDistance: Float = 3.0, minimumMargin: Float = 0.5,
        rivalsOnly: Set<Character> = []
    ) {
        index = classifier.index
        known = Set(classifier.alphabet)
        self.maximumDistance = maximumDistance
        self.minimumMargin = minimumMargin
        self.rivalsOnly = rivalsOnly
    }

    /// The judge of names (people's and organisations'), over prototypes compared by stroke directions
    /// (`GlyphClassifier.load(paths:features: .strokeDirection)`): a glyph is its character when it lies
    /// within 0.5 of it and every other character is at least 1.18 times as far. The distances of glyphs
    /// on scans and photos to their own characters in faces the prototypes leave out run 0.25–0.45; the
    /// ratio is one under which, drawn in three such faces, at most 0.4% of glyphs would be taken for the
    /// wrong character nearest to them (the measure in `GlyphFeatures.strokeDirection`); a name needs
    /// Tesseract to have read that character too.
    public static func names(classifier: GlyphClassifier) -> TextVerifier {
        var verifier = TextVerifier(classifier: classifier, maximumDistance: 0.5, minimumMargin: 0)
        verifier.minimumRatio = 1.18
        verifier.contradictionReach = 0.05
        verifier.contradictionMargin = 0
        // A phone photo's blur puts a name's glyphs a little beyond reach (何 of 何海燕 at 0.52, 柯 at 0.49):
        // such a glyph says nothing where Tesseract and the sure second model read its character.
        verifier.outvotedReach = 0.05
        return verifier
    }

    /// The distance within which another character stops a glyph `nearest` from its own from being confirmed.
    func rivalReach(_ nearest: Float) -> Float {
        max(nearest + minimumMargin, nearest * minimumRatio)
    }

    /// Whether every character of `text` has prototypes.
    public func canVerify(_ text: String) -> Bool {
        let characters = text.filter { !$0.isWhitespace }
        return !characters.isEmpty && characters.allSatisfy(known.contains)
    }

    /// Checks that `image`, one printed line, spells `expected` glyph for glyph.
    public func verify(_ expected: String, image: GrayImage) -> Outcome {
        guard let line = GlyphLine(image: image) else { return .unconfirmed("no printed line was found") }
        var cache = Cache()
        return verify(Array(expected.filter { !$0.isWhitespace }), line: line, cache: &cache)
    }

    /// How one glyph compares with the character expected there and with its nearest other character.
    public struct Judgement: Sendable, Equatable {
        public var expected: Character
        public var distance: Float
        public var rival: Character?
        public var rivalDistance: Float
    }

    /// The glyphs of `image` cut into `expected`'s characters (the cheapest grouping of its pieces),
    /// each judged against every character with prototypes. Nil when `expected` has a character without
    /// prototypes or the line cannot be cut into that many glyphs.
    public func judge(_ expected: String, image: GrayImage) -> [Judgement]? {
        let characters = Array(expected.filter { !$0.isWhitespace })
        guard let queries = glyphs(of: characters, image: image) else { return nil }
        return zip(characters, queries).map { character, query in
            // The two nearest characters hold the nearest other one; ranking all of them (8,200 on the
            // names' index) took 7% of a worker's profile samples, the two nearest take about 4%.
            let own = index.distance(query, to: character)
            let other = index.nearest(query, count: 2).first { $0.character != character }
            return Judgement(
                expected: character, distance: own, rival: other?.character, rivalDistance: other?.distance ?? .infinity
            )
        }
    }

    /// For text the prototypes cannot confirm (a character of it has none): the glyph, if any, that
    /// clearly is another character with prototypes — near enough to it, and clearly nearer to it than
    /// to any other. Tesseract's misreads of names into characters that are not name characters (磊 → 舌)
    /// agree across readings; the glyph still looks like 磊. Nil when nothing contradicts the text.
    ///
    /// A glyph is "clearly" a character when it is within `maximumDistance` + `contradictionReach` of it,
    /// `contradictionMargin` nearer than to any other and at least `minimumRatio` times nearer (ink
    /// density: 0.5 and 0.5; the names' stroke directions: 0.05 and the ratio 1.18, `names(classifier:)`).
    /// The ink-density figures: a scan's glyphs lie further from the prototypes than drawn ones (磊 on a
    /// 213 dpi harsh scan was 3.97 from 磊, 4.49 from the next). Measured on the ~880 name characters
    /// drawn in a typeface the prototypes do not include: 99% of glyphs clearly are their own character
    /// (a misread is caught), and with the character's own prototypes removed, 13% clearly are some other
    /// (a name with a character without prototypes goes to an operator that often).
    public func contradiction(
        _ expected: String, image: GrayImage, outvoted: (Int, Character) -> Bool = { _, _ in false }
    ) -> String? {
        let nearEnough = maximumDistance + contradictionReach
        let characters = Array(expected.filter { !$0.isWhitespace })
        guard !characters.isEmpty, let line = GlyphLine(image: image) else { return nil }
        var cache = Cache()
        guard let groups = segment(characters, line: line, cache: &cache) else { return nil }
        for (k, group) in groups.enumerated() {
            let ranked = index.nearest(cache.queries[group.start * 1000 + group.end]!, count: 2)
            guard ranked.count >= 2, ranked[0].character != characters[k], ranked[0].distance <= nearEnough,
                ranked[1].distance - ranked[0].distance >= max(minimumMargin, contradictionMargin),
                ranked[1].distance >= ranked[0].distance * minimumRatio
            else { continue }
            // Outvoted only where the glyph also looks like the text's character (a Kai 吴 at 0.34 from 吴,
            // 0.28 from 昊); a glyph unlike it (溦 read 激 by both engines, 0.66 from 激) still objects.
            if known.contains(characters[k]),
                index.distance(cache.queries[group.start * 1000 + group.end]!, to: characters[k]) <= maximumDistance,
                outvoted(k, ranked[0].character)
            {
                continue
            }
            return "glyph \(k + 1) is clearly \(ranked[0].character), not \(characters[k])"
        }
        return nil
    }

    /// Like `verify`, but one glyph that is merely unlike its character (further than `maximumDistance`,
    /// yet nearer to it than to any other: a blot, a seal's edge, a typeface the prototypes lack) is
    /// no opinion rather than a refusal, when every other glyph confirms and there are at least
    /// `minimumConfirmed` of them. For long names (organisations), where one unclear glyph among ten
    /// clear ones says nothing against the reading; a glyph that is clearly another character still does.
    public func verifyAllowingOneUnclear(_ expected: String, image: GrayImage, minimumConfirmed: Int = 8) -> Outcome {
        let characters = Array(expected.filter { !$0.isWhitespace })
        guard characters.count > minimumConfirmed, characters.allSatisfy(known.contains),
            let line = GlyphLine(image: image)
        else { return .unconfirmed("too short or not verifiable") }
        var cache = Cache()
        guard let groups = segment(characters, line: line, cache: &cache) else {
            return .unconfirmed("the line cannot be cut into \(characters.count) characters")
        }
        var unclear: Int? = nil
        for (k, group) in groups.enumerated() {
            let character = characters[k]
            let query = cache.queries[group.start * 1000 + group.end]!
            let nearest = index.distance(query, to: character)
            if nearest > maximumDistance {
                guard unclear == nil else {
                    return .unconfirmed("glyphs \(unclear! + 1) and \(k + 1) are unlike their characters")
                }
                // Unclear, but still nearer to its own character than to any other: a glyph nearer to
                // another one (榕 read 榨, 榕 nearest) is a contradiction however far both are.
                if let best = index.nearest(query, count: 1).first, best.character != character, best.distance < nearest
                {
                    return .unconfirmed("glyph \(k + 1) is nearer to \(best.character) than to \(character)")
                }
                unclear = k
                continue
            }
            if let rival = index.rival(
                query, of: character, closerThan: rivalReach(nearest), strictLimit: nearest, strict: rivalsOnly)
            {
                return .unconfirmed("glyph \(k + 1) could be \(character) or \(rival.character)")
            }
        }
        return .confirmed
    }

    /// The glyphs' own reading of a line of `count` characters, without Tesseract: the ink cut into that
    /// many glyphs (the cut whose glyphs lie nearest to some character), each read as the character it
    /// is nearest to. Nil unless every glyph is clearly that character (within `maximumDistance`, every
    /// other character `minimumRatio` times as far). One reader only: what it reads is a proposal for an
    /// operator, never a confirmed value (Tesseract cannot read what its model lacks, 暐 or 曌).
    public func read(count: Int, image: GrayImage) -> String? {
        guard count > 0, let line = GlyphLine(image: image) else { return nil }
        var cache = Cache()
        // A character no prototype has: the cut then costs each glyph its distance to its nearest character.
        let unknown = [Character](repeating: "\u{FFFD}", count: count)
        guard let groups = segment(unknown, line: line, cache: &cache) else { return nil }
        var text = ""
        for group in groups {
            let ranked = index.nearest(cache.queries[group.start * 1000 + group.end]!, count: 2)
            guard ranked.count >= 2, ranked[0].distance <= maximumDistance,
                ranked[1].distance >= rivalReach(ranked[0].distance)
            else { return nil }
            text.append(ranked[0].character)
        }
        return text
    }

    /// The one entry of `entries` the glyphs of `image` spell, or nil when none or more than one does.
    public func choose(among entries: [String], image: GrayImage) -> String? {
        guard let line = GlyphLine(image: image) else { return nil }
        var cache = Cache()
        // Every entry's glyphs are first measured against its own characters, which the cut has done
        // already; only the entries within reach everywhere are searched for rivals, the costly part.
        let confirmed = entries.filter { entry in
            let characters = Array(entry.filter { !$0.isWhitespace })
            return canVerify(entry) && withinReach(characters, line: line, cache: &cache)
                && verify(characters, line: line, cache: &cache) == .confirmed
        }
        return confirmed.count == 1 ? confirmed[0] : nil
    }

    /// What in the glyphs speaks against `expected`, if anything: a glyph clearly another character
    /// (`contradiction`); for text whose characters all have prototypes, also a line that cannot be cut
    /// into that many glyphs, a glyph unlike its character (beyond `maximumDistance`), or one clearly
    /// nearer another character than its own. Not a glyph merely as near a rival as its own character.
    /// - Parameter unknownGlyphsObject: whether glyphs the prototypes do not know speak against the text,
    ///   or have no opinion: a glyph far from every prototype (its own character's and every other's), or
    ///   a line in a typeface the prototypes lack (`unknownTypeface`: a Kai 重庆盛明数据服务有限公司 had 重,
    ///   数 and 服 beyond reach, 重 nearest 童, and its typical glyph far from its own).
    /// - Parameter unknownGlyphsObjectOnlyAt: where they object, when not everywhere: a look-alike's places
    ///   that differ from the known name (elsewhere the glyph is the known name's character, which both
    ///   engines read too; a phone photo's blurred 数 of 杭州数致科技有限公司 was unlike every prototype).
    /// - Parameter outvoted: whether the glyph at a place, clearly another character though near its own, is
    ///   outvoted there by two other readers (`SecondModelJudge.outvotes`): then it says nothing.
    /// - Parameter unlikeOutvoted: whether a glyph unlike its character however far (not only within
    ///   `outvotedReach`), and not clearly another one, is outvoted there (`objection`). Only that glyph:
    ///   one clearly another character is not.
    public func doubt(
        _ expected: String, image: GrayImage, unknownGlyphsObject: Bool = true,
        unknownGlyphsObjectOnlyAt: Set<Int>? = nil,
        outvoted: (Int, Character) -> Bool = { _, _ in false }, unlikeOutvoted: ((Int, Character) -> Bool)? = nil
    ) -> String? {
        let judged = canVerify(expected) ? judge(expected, image: image) : nil
        if !unknownGlyphsObject, let judged, Self.unknownTypeface(judged, maximumDistance: maximumDistance) {
            return nil
        }
        if let why = contradiction(expected, image: image, outvoted: outvoted) { return why }
        guard canVerify(expected) else { return nil }
        guard let judged else { return "the line cannot be cut into \(expected.count) characters" }
        for (k, glyph) in judged.enumerated() {
            let objects = unknownGlyphsObject && (unknownGlyphsObjectOnlyAt?.contains(k) ?? true)
            if let why = objection(
                glyph, at: k, unknownObjects: objects, outvoted: outvoted, unlikeOutvoted: unlikeOutvoted)
            {
                return why
            }
        }
        return nil
    }

    /// What one judged glyph at place `k` says against its character, if anything (`doubt`).
    /// `unlikeOutvoted` outvotes a glyph beyond reach of its character however far, and whatever lies
    /// nearer: `doubt` has already objected where it is clearly another character (`contradiction`), so
    /// what is left is a glyph the prototypes cannot place (a phone photo's Ming 易 of 成都蓉易办…, 0.62
    /// from 易 and 0.50 from 葛, the next at 0.55).
    func objection(
        _ glyph: Judgement, at k: Int, unknownObjects: Bool, outvoted: (Int, Character) -> Bool,
        unlikeOutvoted: ((Int, Character) -> Bool)? = nil
    ) -> String? {
        if glyph.distance > maximumDistance {
            if !unknownObjects && glyph.rivalDistance > maximumDistance { return nil }
            // Just beyond reach and no other character clearly nearer: two readers can outvote it.
            if glyph.distance <= maximumDistance + outvotedReach, let rival = glyph.rival, !clearlyNearer(glyph),
                outvoted(k, rival)
            {
                return nil
            }
            if let unlikeOutvoted, let rival = glyph.rival, unlikeOutvoted(k, rival) { return nil }
            return "glyph \(k + 1) is unlike any \(glyph.expected) (distance \(glyph.distance))"
        }
        if let rival = glyph.rival, clearlyNearer(glyph) {
            // Near its own character too (within `maximumDistance`): two other readers can outvote it.
            if outvoted(k, rival) { return nil }
            return "glyph \(k + 1) is nearer \(rival) than \(glyph.expected)"
        }
        return nil
    }

    /// Whether the glyph's rival is clearly nearer to it than its own character: by `minimumMargin` and
    /// `minimumRatio` both.
    func clearlyNearer(_ glyph: Judgement) -> Bool {
        glyph.rival != nil && glyph.rivalDistance < glyph.distance
            && glyph.distance - glyph.rivalDistance >= minimumMargin
            && glyph.distance >= glyph.rivalDistance * minimumRatio
    }

    /// Whether the glyphs are in a typeface the prototypes do not know: two or more beyond reach of their
    /// characters, and the line's typical glyph (the median) far from its own (beyond 70% of the reach). A
    /// misread in a known face changes a character or two, and the others lie close to theirs.
    static func unknownTypeface(_ judged: [Judgement], maximumDistance: Float) -> Bool {
        guard judged.filter({ $0.distance > maximumDistance }).count >= 2 else { return false }
        let distances = judged.map(\.distance).sorted()
        return distances[distances.count / 2] > 0.7 * maximumDistance
    }

    /// Whether each glyph at `positions` of `expected` clearly is its character: within `maximumDistance`
    /// of it and every other character `minimumRatio` (and `minimumMargin`) as far. False when the line
    /// cannot be cut into `expected`'s characters or one of them has no prototypes.
    public func confirms(_ expected: String, at positions: [Int], image: GrayImage) -> Bool {
        guard canVerify(expected), let judged = judge(expected, image: image) else { return false }
        return positions.allSatisfy { k in
            judged.indices.contains(k) && judged[k].distance <= maximumDistance
                && judged[k].rivalDistance >= rivalReach(judged[k].distance)
        }
    }

    /// Whether the glyphs at `positions` lie nearer to the characters of `expected` there than to any other
    /// character, within `maximumDistance` and by `rankingRatio`: the glyphs' first choice, short of the
    /// margin `confirms` asks. Not a confirmation on its own (a Kai 吴 lay 0.31 from 吴 and 0.34 from 昊);
    /// one of two readers.
    public func ranksFirst(_ expected: String, at positions: [Int], image: GrayImage) -> Bool {
        guard canVerify(expected), let judged = judge(expected, image: image) else { return false }
        return positions.allSatisfy { judged.indices.contains($0) && ranksFirst(judged[$0]) }
    }

    /// Whether one glyph's own character is its first choice (`ranksFirst(_:at:image:)`).
    func ranksFirst(_ glyph: Judgement) -> Bool {
        glyph.distance <= maximumDistance && glyph.rivalDistance >= glyph.distance * Self.rankingRatio
    }

    /// How much nearer its own character than every other a glyph must lie to be the glyphs' first choice
    /// (`ranksFirst`). Nearer by a hair is a tie, no choice: a G4 scan of the rare 翚 (吴翚, values in Noto
    /// Sans CJK Bold) lay 0.3995 from 翠 and 0.4046 from 翚, and 吴翠, which the model read, was accepted.
    /// The choices this vote was made for: a Kai 吴 0.31 / 昊 0.34 (1.10), a rare 镕 0.39 / 锗 0.41 (1.05).
    public static let rankingRatio: Float = 1.03

    /// The character nearer than its own, if any, to each glyph at `positions` of `expected`, where every
    /// such glyph lies within `maximumDistance` of its own character, at most one other lies nearer, and
    /// none is clearly nearer (`clearlyNearer`): glyphs that do not read the text's characters, but do not
    /// rule them out either. Nil where one does not, or the line cannot be cut into `expected`'s characters.
    public func nearerRivals(_ expected: String, at positions: [Int], image: GrayImage) -> [(
        place: Int, character: Character
    )]? {
        let characters = Array(expected.filter { !$0.isWhitespace })
        guard canVerify(expected), positions.allSatisfy(characters.indices.contains),
            let queries = glyphs(of: characters, image: image)
        else { return nil }
        var rivals: [(place: Int, character: Character)] = []
        for k in positions {
            let own = index.distance(queries[k], to: characters[k])
            let ranked = index.nearest(queries[k], count: 2)
            guard own <= maximumDistance, ranked.contains(where: { $0.character == characters[k] }) else { return nil }
            guard let nearer = ranked.first, nearer.character != characters[k] else { continue }
            let glyph = Judgement(
                expected: characters[k], distance: own, rival: nearer.character, rivalDistance: nearer.distance)
            if clearlyNearer(glyph) { return nil }
            rivals.append((k, nearer.character))
        }
        return rivals
    }

    /// The first of `others` (a place in `expected` and another character) that the glyph there does not
    /// tell from its own character, or nil where it tells every one. Told apart: `minimumRatio` times nearer
    /// to its own than to the other; where the other has under half as many prototypes (a rival drawn in
    /// three faces, a name character in nine), `fewerFacesRatio` times, since a glyph lies nearer to a
    /// character drawn in more faces (a phone photo's 逄 lay 0.37 from 逢, 0.48 from 逄). Never where the other
    /// has no prototypes, or the line cannot be cut into `expected`'s characters.
    public func firstNotToldApart(
        _ expected: String, from others: [(place: Int, character: Character)], image: GrayImage
    ) -> (place: Int, character: Character)? {
        guard !others.isEmpty else { return nil }
        let characters = Array(expected.filter { !$0.isWhitespace })
        guard let queries = glyphs(of: characters, image: image) else { return others[0] }
        return others.first { place, other in
            guard queries.indices.contains(place) else { return true }
            let own = index.distance(queries[place], to: characters[place])
            let theOther = index.distance(queries[place], to: other)
            let fewerFaces = 2 * index.prototypeCount(of: other) < index.prototypeCount(of: characters[place])
            return
                !(own.isFinite && theOther.isFinite
                && theOther >= own * (fewerFaces ? Self.fewerFacesRatio : minimumRatio))
        }
    }

    /// The glyphs of `image` cut into `characters` (`segment`), prepared for comparison; nil when the line
    /// cannot be cut so.
    private func glyphs(of characters: [Character], image: GrayImage) -> [GlyphClassifier.Index.Query]? {
        guard let line = GlyphLine(image: image) else { return nil }
        var cache = Cache()
        guard let groups = segment(characters, line: line, cache: &cache) else { return nil }
        return groups.map { cache.queries[$0.start * 1000 + $0.end]! }
    }

    /// See `firstNotToldApart`: 逢 and 逄 measured 1.30 apart on a phone photo of 逄.
    static let fewerFacesRatio: Float = 1.5

    /// Glyphs prepared for comparison and their distances, shared by the entries tried on one line.
    struct Cache {
        var queries: [Int: GlyphClassifier.Index.Query] = [:]
        var distances: [String: Float] = [:]
    }

    private func verify(
        _ expected: [Character], line: GlyphLine, cache: inout Cache
    ) -> Outcome {
        guard !expected.isEmpty, expected.allSatisfy(known.contains) else {
            return .unconfirmed("some characters have no prototypes")
        }
        guard let groups = segment(expected, line: line, cache: &cache) else {
            return .unconfirmed("the line cannot be cut into \(expected.count) characters")
        }
        for (k, group) in groups.enumerated() {
            let character = expected[k]
            let query = cache.queries[group.start * 1000 + group.end]!
            let nearest = index.distance(query, to: character)
            guard nearest <= maximumDistance else {
                return .unconfirmed("glyph \(k + 1) is unlike any \(character) (distance \(nearest))")
            }
            // A rival-only character stops a glyph that is clearly its own character only when nearer to it
            // (朱 within a hair of 未), but a glyph barely like its character stops at a rival about as near:
            // 昉 in a Ming face was 3.46 from 防 (the limit 3.5) and 3.67 from 昉.
            let strictLimit = nearest <= maximumDistance - 0.5 ? nearest : nearest + minimumMargin
            if let rival = index.rival(
                query, of: character, closerThan: rivalReach(nearest), strictLimit: strictLimit, strict: rivalsOnly)
            {
                return .unconfirmed("glyph \(k + 1) could be \(character) or \(rival.character)")
            }
        }
        return .confirmed
    }

    /// Whether the line cuts into `expected`'s glyphs each within `maximumDistance` of its character:
    /// `verify` without the search for rivals. False means `verify` would not confirm either.
    private func withinReach(_ expected: [Character], line: GlyphLine, cache: inout Cache) -> Bool {
        guard !expected.isEmpty, expected.allSatisfy(known.contains),
            let groups = segment(expected, line: line, cache: &cache)
        else { return false }
        return zip(groups, expected).allSatisfy { group, character in
            let key = group.start * 1000 + group.end
            let distance = cache.distances["\(key)\(character)"] ?? index.distance(cache.queries[key]!, to: character)
            return distance <= maximumDistance
        }
    }

    /// The pieces of ink of each expected character: the grouping of all pieces into exactly that many
    /// glyphs whose distances to their characters sum least (a character without prototypes costs its
    /// glyph's distance to the nearest character that has some). Fills the cache's queries.
    private func segment(_ expected: [Character], line: GlyphLine, cache: inout Cache) -> [(start: Int, end: Int)]? {
        guard !expected.isEmpty else { return nil }
        let segmenter = AmountInWordsVerifier.Segmenter(line: line, index: index)
        let count = line.pieces.count
        let n = expected.count
        guard count >= n else { return nil }
        func distance(_ start: Int, _ end: Int, _ character: Character) -> Float {
            let key = start * 1000 + end
            let query = cache.queries[key] ?? index.query(line.glyph(first: start, last: end - 1))
            cache.queries[key] = query
            let pair = "\(key)\(character)"
            if let known = cache.distances[pair] { return known }
            let result =
                known.contains(character)
                ? index.distance(query, to: character) : index.nearest(query, count: 1).first?.distance ?? .infinity
            cache.distances[pair] = result
            return result
        }
        // The cheapest grouping of all pieces into exactly the expected characters.
        var cost = [[Float]](repeating: [Float](repeating: .infinity, count: count + 1), count: n + 1)
        var back = [[Int]](repeating: [Int](repeating: -1, count: count + 1), count: n + 1)
        cost[0][0] = 0
        for k in 0..<n {
            for start in 0..<count where cost[k][start].isFinite {
                // Leave at least one piece for each character still to come.
                for end in (start + 1)...min(count - (n - k - 1), start + segmenter.maxPieces) {
                    guard segmenter.fits(start, end - 1) else { break }
                    let total = cost[k][start] + distance(start, end, expected[k])
                    if total < cost[k + 1][end] {
                        cost[k + 1][end] = total
                        back[k + 1][end] = start
                    }
                }
            }
        }
        guard cost[n][count].isFinite else { return nil }
        var groups: [(start: Int, end: Int)] = []
        var end = count
        for k in stride(from: n, through: 1, by: -1) {
            let start = back[k][end]
            groups.append((start, end))
            end = start
        }
        return groups.reversed()
    }
}
