import FormFlowCore
import Foundation

/// What one judge says about a candidate value of a field.
public enum Verdict: Sendable, Equatable {
    case confirms
    case contradicts(String)
    /// The judge cannot tell (a glyph unlike every prototype, a character without prototypes): never a
    /// vote either way.
    case noOpinion(String)
}

/// A second reader besides Tesseract that judges one candidate value by the value's own glyphs.
/// Each kind of field has at most one; `FieldPolicy` says how much its verdict weighs.
protocol GlyphJudge {
    /// The judge's name in the record's evidence (`decided_by`).
    var name: String { get }
    func judge(_ candidate: NormalizedReading) throws -> Verdict
}

/// Personal names against prototypes of surnames and given-name characters. Tesseract repeats its
/// misreads of names in every reading (王 → 于, 磊 → 大); the classifier's mistakes are other ones.
struct NameGlyphs: GlyphJudge {
    let verifier: TextVerifier
    let image: () throws -> GrayImage
    var name: String { "name glyphs" }

    func judge(_ candidate: NormalizedReading) throws -> Verdict {
        guard case .text(let value) = candidate.value else { return .noOpinion("not a name") }
        if FieldExtractor.trace, let judged = verifier.judge(value, image: try image()) {
            for j in judged {
                FieldExtractor.tracePrint(
                    "TRACE   glyph \(j.expected) \(j.distance) nearest other \(j.rival.map(String.init) ?? "-") \(j.rivalDistance)"
                )
            }
        }
        return verifier.opinion(on: value, image: try image())
    }
}

extension TextVerifier {
    /// The glyphs' verdict on `value`: confirmed or not where the prototypes know every character; where
    /// they do not, a contradiction when a glyph is clearly another character, else no opinion.
    func opinion(on value: String, image: GrayImage) -> Verdict {
        if canVerify(value) {
            switch verify(value, image: image) {
            case .confirmed: return .confirms
            case .unconfirmed(let why): return .contradicts(why)
            }
        }
        if let why = contradiction(value, image: image) { return .contradicts(why) }
        return .noOpinion("some characters of \(value) have no prototypes to confirm it")
    }
}

/// A value with a closed list (an organisation's name, a department, a category): one read exactly as an
/// entry of the list is confirmed by the list (Tesseract's agreement on it being the other reader). Any
/// other reading (an unknown supplier, a look-alike of a known one, a category off the list) must be
/// confirmed by its glyphs: one with characters the prototypes do not know cannot be, and goes to an
/// operator (on 400 generated documents, 凯卓 read 凯车 and 蓉 read 其 by every reading, with no prototype
/// to say otherwise); an unconfirmed category is uncertain, not `unknown_category`.
struct ListOrGlyphs: GlyphJudge {
    let verifier: TextVerifier
    /// Prototypes of far more characters (the names' and their rivals: all of GB 2312 and the 通用规范汉字表),
    /// compared by stroke directions: the judge for every name they can spell, the templates' own
    /// characters (`verifier`) for the rest.
    let broad: TextVerifier?
    let known: [String]
    let image: () throws -> GrayImage
    /// Whether an exact entry is confirmed by the list alone. Not where the glyphs are asked to confirm
    /// what the second model read: the list is not a reader.
    var listConfirms = true
    var name: String { listConfirms ? "list or glyphs" : "glyphs" }

    func judge(_ candidate: NormalizedReading) throws -> Verdict {
        guard case .text(let value) = candidate.value else { return .noOpinion("not a name") }
        if listConfirms && known.contains(value) { return .confirms }
        let image = try image()
        // The names' stroke-direction judge wherever it knows every character: it holds across typefaces and
        // captures where the form words' ink-density prototypes do not (a photo's 杭 lay 3.96 from them).
        let judge = broad?.canVerify(value) == true ? broad! : verifier
        let opinion = judge.opinion(on: value, image: image)
        if case .contradicts = opinion, judge.verifyAllowingOneUnclear(value, image: image) == .confirmed {
            if FieldExtractor.trace {
                FieldExtractor.tracePrint("TRACE list or glyphs \(value): confirmed with one unclear glyph")
            }
            return .confirms
        }
        return opinion
    }
}

/// An entry of the list that Tesseract read at least once, confirmed by its glyphs: the list and the
/// glyphs are two readers besides Tesseract, so the entry is taken even when Tesseract's other readings
/// scatter (蓉 read 芍, 区, 营 in a serif face). Every glyph must clearly be its own character: nearest to it
/// and every other character at least `minimumRatio` as far. Not "nearly as near, and Tesseract read it
/// every time": where the rival is a character Tesseract's model lacks (椐 beside 据, 晟 beside 最), its
/// unanimity says nothing, and a look-alike made with such a character would pass as the known supplier.
struct EntryGlyphs: GlyphJudge {
    let judge: ListOrGlyphs
    var name: String { "list + glyphs" }

    func judge(_ candidate: NormalizedReading) throws -> Verdict {
        guard case .text(let value) = candidate.value, judge.known.contains(value) else {
            return .noOpinion("not an entry of the list")
        }
        let verifier = judge.broad?.canVerify(value) == true ? judge.broad! : judge.verifier
        guard verifier.canVerify(value) else { return .noOpinion("some characters of \(value) have no prototypes") }
        switch verifier.verify(value, image: try judge.image()) {
        case .confirmed: return .confirms
        case .unconfirmed(let why): return .noOpinion(why)
        }
    }
}

/// A value with a check character as the figure classifier reads it on its own, where every glyph is
/// clear: it confirms a reading that says the same and has no opinion otherwise (a seal or a blot leaves
/// a glyph unclear; the check character is what catches a misread there).
struct FigureReading: GlyphJudge {
    let text: FieldValue?
    var name: String { "figure glyphs" }

    func judge(_ candidate: NormalizedReading) throws -> Verdict {
        guard let text else { return .noOpinion("no clear glyph reading") }
        return text == candidate.value ? .confirms : .noOpinion("the glyphs read \(text)")
    }
}

/// A code's characters confirmed glyph by glyph by the figure prototypes (`FigureVerifier.verify`, which
/// also doubts a 1 standing where a 4's stem does), for a value Tesseract read at least once: the second
/// model's reading then has two readers beside it. Tesseract's eng model reads a Kai 3 as 8 at every
/// resolution (BX80276577684 three times for BX80276577634, read once right by its chi_sim model); the
/// second model and the figure prototypes read the 3. No opinion otherwise.
struct FigureConfirmation: GlyphJudge {
    let verifier: FigureVerifier
    let alphabet: FigureVerifier.Alphabet
    let image: () throws -> GrayImage
    /// The values Tesseract's readings gave so far.
    let tesseractRead: () -> [FieldValue]
    var name: String { "figure glyphs" }

    func judge(_ candidate: NormalizedReading) throws -> Verdict {
        guard case .text(let text) = candidate.value, tesseractRead().contains(candidate.value) else {
            return .noOpinion("no reading of Tesseract's gives it")
        }
        switch verifier.verify(text, image: try image(), alphabet: alphabet) {
        case .confirmed: return .confirms
        case .unconfirmed(let why), .doubtful(let why): return .noOpinion(why)
        }
    }
}

/// A number whose glyphs speak against the reading: a 1 standing where a 4's stem does
/// (`FigureVerifier.misplacedOne`). Nothing on the form checks an invoice number, and Tesseract, the second
/// model and the figure prototypes all read a 4 that lost its strokes as 1; the contradiction keeps their
/// agreement from deciding. No opinion otherwise.
struct FigurePlacement: GlyphJudge {
    let verifier: FigureVerifier
    let image: () throws -> GrayImage
    /// Whether the value is well-formed with a 4 for the doubted 1 (dates: not in a month's or day's tens).
    var fourMayStandThere: (String) -> Bool = { _ in true }
    var name: String { "figure placement" }

    func judge(_ candidate: NormalizedReading) throws -> Verdict {
        guard case .text(let text) = candidate.value,
            let why = verifier.placementDoubt(text, image: try image(), fourMayStandThere: fourMayStandThere)
        else {
            return .noOpinion("the figures stand where they are read")
        }
        return .contradicts(why)
    }
}

/// A count read glyph by glyph by the figure classifier, where every glyph is clear: Tesseract reads a
/// lone 1 as 4 at every resolution and in both models (seen on 2,000 scans); the classifier does not.
struct CountGlyphs: GlyphJudge {
    /// The classifier's clear reading, if it made one.
    let reading: NormalizedReading?
    var name: String { "count glyphs" }

    func judge(_ candidate: NormalizedReading) throws -> Verdict {
        guard let reading else { return .noOpinion("no clear glyph reading") }
        return reading.value == candidate.value ? .confirms : .contradicts("the glyphs read \(reading.value)")
    }
}

/// Whether a value's glyphs speak against it (`TextVerifier.doubt`): a glyph clearly another character,
/// unlike its own, or nearer a rival. The check on what two OCR models agree on, which both can misread
/// alike where the true character is in neither's set (禤 read 神 by both) or where the better-known name
/// is one stroke away (a look-alike supplier); no list has a say here. A glyph that is merely as near
/// a rival as its own character (国 or 茵 on a photo) is no objection.
struct GlyphDoubt: GlyphJudge {
    let verifier: TextVerifier
    /// The names' stroke-direction prototypes, used wherever they know every character.
    let broad: TextVerifier?
    let image: () throws -> GrayImage
    /// Also read the line by the glyphs alone (names: a few characters): a clear reading of another name
    /// speaks against the value (周彧 read 周或 by both models; the glyphs alone read 周彧).
    var readAlone = false
    /// Whether a glyph unlike every prototype speaks against `value` (`TextVerifier.doubt`). For a name off
    /// the list and far from every entry it has no opinion, as the issue's judges must know when they do not
    /// know: an unknown supplier printed in a face the prototypes lack (a Kai 重庆盛明…) was held against
    /// two engines that read it alike. Near an entry, or on the list, it still objects: that is where a
    /// look-alike hides behind the readers' pull toward the known name (天津津心软件有限公司一, a seal's
    /// edge read 一 by both engines, stayed a silent error without it).
    var unknownGlyphsObject: (String) -> Bool = { _ in true }
    /// Where in `value` they object, when not everywhere (`TextVerifier.doubt`): a look-alike's differences.
    var unknownGlyphsObjectOnlyAt: (String) -> Set<Int>? = { _ in nil }
    /// Whether, in `value`, the glyph at a place taken for another character is outvoted there: names only,
    /// where Tesseract and the second model both read the value's character and the model found the
    /// glyphs' one unlikely (`SecondModelJudge.outvotes`; a Kai 吴 nearer the prototypes of 昊).
    var outvoted: (String, Int, Character) -> Bool = { _, _, _ in false }
    /// Whether, in `value`, a glyph unlike its character however far (and not clearly another one) is
    /// outvoted there (`TextVerifier.doubt`): organisations, by Tesseract and the sure second model.
    var unlikeOutvoted: ((String, Int, Character) -> Bool)? = nil
    var name: String { "glyphs" }

    func judge(_ candidate: NormalizedReading) throws -> Verdict {
        guard case .text(let value) = candidate.value else { return .noOpinion("not text") }
        let judge = broad?.canVerify(value) == true ? broad! : verifier
        let image = try image()
        if FieldExtractor.trace, let judged = judge.judge(value, image: image) {
            FieldExtractor.tracePrint(
                "TRACE doubt \(value): "
                    + judged.map {
                        "\($0.expected) \($0.distance) (\($0.rival.map(String.init) ?? "-") \($0.rivalDistance))"
                    }.joined(separator: ", "))
        }
        let outvotedHere = { (place: Int, character: Character) in outvoted(value, place, character) }
        if let why = judge.doubt(
            value, image: image, unknownGlyphsObject: unknownGlyphsObject(value),
            unknownGlyphsObjectOnlyAt: unknownGlyphsObjectOnlyAt(value), outvoted: outvotedHere,
            unlikeOutvoted: unlikeOutvoted.map { unlike in { place, character in unlike(value, place, character) } })
        {
            return .contradicts(why)
        }
        if readAlone, let alone = verifier.read(count: value.count, image: image), alone != value {
            // As in `TextVerifier.doubt`: outvoted only where the glyph also looks like the value's character.
            let nearOwn = verifier.judge(value, image: image).map { $0.map { $0.distance <= verifier.maximumDistance } }
            let allOutvoted = zip(alone, value).enumerated().allSatisfy { place, pair in
                pair.0 == pair.1 || (nearOwn?[place] == true && outvotedHere(place, pair.0))
            }
            if !allOutvoted { return .contradicts("the glyphs alone read \(alone)") }
        }
        return .noOpinion("nothing in the glyphs speaks against \(value)")
    }
}

/// Where the second model was unsure of a character of a name (a person's, an organisation's, a list
/// entry's) and found another one possible there (`SecondModelJudge.runnersUp`), the glyph must tell the
/// two apart (`TextVerifier.firstNotToldApart`): both
/// engines lean to the commoner look-alike of a rare character (a phone photo's 逄磊 read 逢磊 by the
/// model, 逢 at 0.74 and 逄 at 0.26, and 逢大 by Tesseract), and the glyphs, whose prototypes of the commoner
/// character come from more faces, lean with them. A runner-up without prototypes cannot be told apart.
struct RunnerUpGlyphs: GlyphJudge {
    let verifier: TextVerifier
    let runnersUp: (String) throws -> [(place: Int, character: Character)]
    let image: () throws -> GrayImage
    var name: String { "glyphs against the model's runner-up" }

    func judge(_ candidate: NormalizedReading) throws -> Verdict {
        guard case .text(let value) = candidate.value else { return .noOpinion("not text") }
        let others = try runnersUp(value)
        guard !others.isEmpty else { return .noOpinion("the second OCR model found nothing else possible") }
        guard let (place, other) = verifier.firstNotToldApart(value, from: others, image: try image()) else {
            return .noOpinion("the glyphs tell the model's reading from its runners-up")
        }
        return .contradicts(
            "the second OCR model found \(other) possible for \(Array(value)[place]) too, and the glyph does not tell them apart"
        )
    }
}

/// A person's name whose glyph of a common character lies nearer a rare character: both engines lean to
/// common characters there (Tesseract lacks most rare ones; the model put 或 first at 0.99 and 彧 at
/// 0.0096 for 何敏彧, under what `RunnerUpGlyphs` asks of a runner-up), so their agreement on the common
/// one says nothing, and the glyph speaks for the rare one (`nearerRatio`). On a fresh set of colour
/// scans 何敏彧 was accepted as 何敏或: the glyph lay 0.36 from 彧 and 0.41 from 或.
struct RareRivalGlyphs: GlyphJudge {
    let verifier: TextVerifier
    let isRare: (Character) -> Bool
    let image: () throws -> GrayImage
    var name: String { "glyphs nearer a rare character" }
    /// How much nearer the rare character must be: a tie says nothing (吴 of 吴静 lay 0.1819 from 吴 and
    /// 0.1817 from 昊 in a face the prototypes lack), 彧 of 何敏彧 was 0.41 / 0.36 = 1.13 times nearer. Short
    /// of the 1.18 at which a glyph is clearly another character (`TextVerifier.names`), where Tesseract
    /// and the model, which both read common characters more readily, may still outvote it.
    static let nearerRatio: Float = 1.06

    func judge(_ candidate: NormalizedReading) throws -> Verdict {
        guard case .text(let value) = candidate.value, verifier.canVerify(value),
            let judged = verifier.judge(value, image: try image())
        else { return .noOpinion("the glyphs cannot judge the name") }
        for (place, glyph) in judged.enumerated() where !isRare(glyph.expected) {
            if let rival = glyph.rival, isRare(rival), glyph.distance >= glyph.rivalDistance * Self.nearerRatio {
                return .contradicts(
                    "glyph \(place + 1) lies nearer the rare \(rival) (\(glyph.rivalDistance)) than \(glyph.expected) (\(glyph.distance)), which both engines lean to"
                )
            }
        }
        return .noOpinion("no glyph lies nearer a rare character than its own")
    }
}

/// Several judges that may speak against a value: the first contradiction, else the first judge's verdict.
struct Doubts: GlyphJudge {
    let judges: [any GlyphJudge]
    var name: String { judges.first?.name ?? "doubts" }

    func judge(_ candidate: NormalizedReading) throws -> Verdict {
        var first: Verdict? = nil
        for judge in judges {
            let verdict = try judge.judge(candidate)
            if case .contradicts = verdict { return verdict }
            first = first ?? verdict
        }
        return first ?? .noOpinion("no judge")
    }
}

/// The second OCR model's reading of the value (`PageReader.readLine`): another engine, with another
/// architecture and other training than Tesseract's, so where the two read the same value, two
/// independent readers agree. It confirms a candidate it read character for character, each character
/// with probability at least `minimumProbability` (犇 read right at 0.66: its rarer characters are read
/// less surely, and agreement with another reader is the evidence); anything else is no opinion, never a contradiction (a
/// character outside its set is dropped from its reading: PP-OCRv4 read 石韡 as 石).
final class SecondModelJudge: GlyphJudge {
    static let minimumProbability = 0.5
    /// How likely each character must be for the model's reading to stand where the glyphs cannot judge
    /// (`readsSurely`). Where both engines take a rare character for a common one, the model is unsure of
    /// it (或 for 彧 at 0.54 and 0.69); names it read right ran 0.96–1.0 on phone photos.
    static let sureProbability = 0.9
    /// How likely the model must have found a character it did not put first, for `sees` (湉 at 0.15
    /// behind 活: its reading of rare characters leans to common look-alikes).
    static let minimumAlternative = 0.1
    private let read: () throws -> (line: LineReading?, reading: NormalizedReading?)
    private var made: (line: LineReading?, reading: NormalizedReading?)?
    /// The model's readings of the line cropped with wider margins (nil where unsure), made on demand.
    private let readWider: () throws -> [NormalizedReading?]

    /// - Parameter read: the model's line and its normalised reading (nil where the line is unsure).
    /// - Parameter readWider: its readings of the same line cropped with wider margins.
    init(
        line read: @escaping () throws -> (line: LineReading?, reading: NormalizedReading?),
        wider readWider: @escaping () throws -> [NormalizedReading?] = { [] }
    ) {
        self.read = read
        self.readWider = readWider
    }

    /// Whether the model reads `candidate` itself on a wider crop of its line. PP-OCR's reading of a
    /// short line depends on the paper around it: a clean scan's 郄湉 was read 郄 (0.50) with a third of
    /// the line's height as margin, 郄活 with a fifth, 郄湉 (0.98, 0.86) with half. Asked only to confirm
    /// what another reader (the glyphs) read clearly, never for a reading of its own.
    /// Not where the other wider crop reads another text of the same length: the model does not agree
    /// with itself then (a G4 scan's 逄敏 read 逄敏 and 逢敏 on the two wider crops, and the glyphs, which
    /// lose 逄's stroke at 200 dpi, read 逢; a 郄湉 read 郄恬 and 郄湉 stays with an operator too). The
    /// line's own crop is what the wider ones are asked beside, as unsure of the rare character
    /// (丰犇敏, 丰 0.54 and 酆 0.45, for 酆犇敏, which both wider crops read).
    func readsOnAWiderCrop(_ candidate: NormalizedReading) throws -> Bool {
        let wider = try readWider()
        if FieldExtractor.trace {
            FieldExtractor.tracePrint(
                "TRACE second model wider crops "
                    + wider.map { $0.map { "\($0.value)" } ?? "unsure" }.joined(separator: " / "))
        }
        guard wider.contains(where: { $0?.value == candidate.value && $0?.check == candidate.check }) else {
            return false
        }
        guard let text = candidate.value.text else { return true }
        return !wider.contains { $0?.value.text.map { $0.count == text.count && $0 != text } ?? false }
    }

    convenience init(read: @escaping () throws -> NormalizedReading?) {
        self.init(line: { (nil, try read()) })
    }

    var name: String { "second model" }

    private func reading() throws -> (line: LineReading?, reading: NormalizedReading?) {
        if let made { return made }
        let result = try read()
        made = result
        if FieldExtractor.trace {
            FieldExtractor.tracePrint(
                "TRACE second model read \(result.reading.map { "\($0.value) \($0.check)" } ?? "nothing usable")")
        }
        return result
    }

    /// What the model read, made once (on first use).
    func value() throws -> NormalizedReading? { try reading().reading }

    /// Whether the model saw `text` character for character: each character the one it read there, or
    /// one it found at least `minimumAlternative` likely where Tesseract read it too, or read the model's
    /// first choice too (both engines put the commoner look-alike first: 湉 at 0.15 behind 活; the model
    /// put a traditional 靜 before 静). Not a reading of its own; a second opinion on what another reader
    /// (the glyphs) read clearly. Where the model put a character first that no reading of Tesseract's
    /// holds, beside one Tesseract did not read either, three readers read three characters and none is
    /// seen: 郭伟嫚, the glyphs 媛 (0.11 behind the model's 嫚), Tesseract 如.
    func sees(_ text: String, tesseractRead: [String]) throws -> Bool {
        guard let line = try reading().line, line.alternatives.count == text.count, line.text.count == text.count else {
            return false
        }
        let tesseractCharacters = Set(tesseractRead.joined())
        return zip(text, zip(line.text, line.alternatives)).allSatisfy { character, model in
            let (first, place) = model
            guard first != character else { return true }
            guard place.contains(where: { $0.character == character && $0.probability >= Self.minimumAlternative })
            else { return false }
            if tesseractCharacters.contains(first) { return true }
            // Tesseract read the glyphs' character, not the model's: the model must not have preferred its
            // own (a phone photo's 逄燚, the model 逄 at 0.73 and 逢 at 0.27; the glyphs, which cannot
            // tell them apart at 72 dpi, and one reading of Tesseract's of five read 逢).
            let firstProbability = place.first { $0.character == first }?.probability ?? 0
            return tesseractCharacters.contains(character) && firstProbability < Self.preferredProbability
        }
    }

    /// How likely the model's first choice at a place may be for another character that Tesseract and the
    /// glyphs read there to count as seen by it (`sees`).
    static let preferredProbability = 0.6

    /// Whether, at `place` of `value`, the glyphs' `character` is outvoted by two readers: the model read the
    /// value's character there at least `sureProbability` likely and found `character` under
    /// `unlikelyProbability` (it knows 18,383 characters, the rare ones the glyphs have prototypes of among
    /// them), and a reading of Tesseract's of the same length has the value's character there too. A Kai 吴
    /// lay nearer the prototypes of 昊 (0.28 against 0.34) where Tesseract read 吴 and the model 吴 at 0.998.
    /// Where Tesseract lacks the glyphs' character (龑), the model's own doubt about it keeps the objection.
    func outvotes(_ value: String, place: Int, character: Character, tesseractRead: [String]) throws -> Bool {
        guard let line = try reading().line, line.text.count == value.count, line.alternatives.count == value.count,
            place < value.count
        else { return false }
        let expected = Array(value)[place]
        guard Array(line.text)[place] == expected, line.confidences[place] >= Self.sureProbability,
            (line.alternatives[place].first { $0.character == character }?.probability ?? 0) < Self.unlikelyProbability
        else { return false }
        return tesseractRead.contains { $0.count == value.count && Array($0)[place] == expected }
    }

    /// Whether the model read `text`, its characters at `places` at least `sureProbability` likely.
    func readsSurely(_ text: String, at places: [Int]) throws -> Bool {
        guard let line = try reading().line, line.text == text, line.confidences.count == text.count else {
            return false
        }
        return places.allSatisfy {
            line.confidences.indices.contains($0) && line.confidences[$0] >= Self.sureProbability
        }
    }

    /// The Chinese characters the model found possible (at least `minimumAlternative`) beside its own, at
    /// each place of `text` where it read `text` but was unsure of its character (under
    /// `sureProbability`). Empty where it read another text.
    ///
    /// With `isRare`, also where it was sure of a common character, the rare ones it still found possible
    /// there (at least `unlikelyProbability`): its misreads of rare characters are common look-alikes it
    /// was sure of. A rare 翚 read 翠 at 0.93 (翚 at 0.036) by the model and by one reading of Tesseract's
    /// was accepted; its glyph lay 0.33 from 翠 and 0.36 from 翚.
    func runnersUp(of text: String, isRare: (Character) -> Bool = { _ in false }) throws -> [(
        place: Int, character: Character
    )] {
        guard let line = try reading().line, line.text == text, line.alternatives.count == text.count,
            line.confidences.count == text.count
        else { return [] }
        return Array(text).enumerated().flatMap { place, own in
            let sure = line.confidences[place] >= Self.sureProbability
            if sure && isRare(own) { return [(place: Int, character: Character)]() }
            return line.alternatives[place].filter {
                $0.character != own && $0.character.isCJK
                    && (sure
                        ? isRare($0.character) && $0.probability >= Self.unlikelyProbability
                        : $0.probability >= Self.minimumAlternative)
            }
            .map { (place, $0.character) }
        }
    }

    /// Whether the model read `text` and put each of its characters at `places` first at least
    /// `leaningProbability` likely: one reader of those characters, short of sure (`readsSurely`).
    func leansTo(_ text: String, at places: [Int]) throws -> Bool {
        guard let line = try reading().line, line.text == text, line.confidences.count == text.count else {
            return false
        }
        return places.allSatisfy {
            line.confidences.indices.contains($0) && line.confidences[$0] >= Self.leaningProbability
        }
    }

    /// Whether the model read `text` surely throughout (`readsSurely`) and found each of `others` (a place
    /// and a character) unlikely there: under `unlikelyProbability`, or, where it did not list the
    /// character among its alternatives, where its least listed one is.
    func readsSurely(_ text: String, ruling others: [(place: Int, character: Character)]) throws -> Bool {
        guard try readsSurely(text), let line = try reading().line, line.alternatives.count == text.count else {
            return false
        }
        return others.allSatisfy { place, character in
            guard line.alternatives.indices.contains(place) else { return false }
            let listed = line.alternatives[place]
            let probability =
                listed.first { $0.character == character }?.probability ?? listed.map(\.probability).min() ?? 1
            return probability < Self.unlikelyProbability
        }
    }

    /// The Chinese characters the model found at least `unlikelyProbability` likely at `places` of `text`,
    /// beside the one it put there, where it read `text`: the others a second reader must rule out.
    func possibleOthers(of text: String, at places: [Int]) throws -> [(place: Int, character: Character)] {
        guard let line = try reading().line, line.text == text, line.alternatives.count == text.count else { return [] }
        let characters = Array(text)
        return places.filter(line.alternatives.indices.contains).flatMap { place in
            line.alternatives[place].filter {
                $0.character != characters[place] && $0.character.isCJK && $0.probability >= Self.unlikelyProbability
            }.map { (place, $0.character) }
        }
    }

    /// See `leansTo`: a rare 炅 read at 0.76 (灵 0.22), 禛 at 0.76 (祺 0.05); the commoner look-alikes the
    /// model put before a rare character ran 0.60–0.89 (墨 for 曌, 龚 for 龑, 也 for 乜), and the glyphs
    /// ranked the rare one first or its runner-up stopped them (`RunnerUpGlyphs`).
    static let leaningProbability = 0.7

    /// Below this the model does not think a character possible at a place (`outvotes`).
    static let unlikelyProbability = 0.01

    /// A character the model found possible at one place of `value` (at least `unlikelyProbability`, not
    /// put first) with which `value` passes its check (`passes`): where the check fails on a value both
    /// engines read alike, a misread the check would catch (a colour scan's tax ID 9144030038DB024G8C
    /// read …024C8C by both, the model's G at 0.018 under its C at 0.966).
    func possibleReading(of value: String, passing passes: (String) -> Bool) throws -> (
        place: Int, character: Character, probability: Double
    )? {
        guard let line = try reading().line, line.text == value, line.alternatives.count == value.count else {
            return nil
        }
        let characters = Array(value)
        for place in characters.indices {
            for alternative in line.alternatives[place]
            where alternative.character != characters[place] && alternative.probability >= Self.unlikelyProbability {
                var changed = characters
                changed[place] = alternative.character
                if passes(String(changed)) { return (place, alternative.character, alternative.probability) }
            }
        }
        return nil
    }

    /// Whether the model read `text` itself, every character at least `sureProbability` likely.
    func readsSurely(_ text: String) throws -> Bool {
        let (line, reading) = try reading()
        guard let line, let reading else { return false }
        return reading.value == .text(text) && line.lowestConfidence >= Self.sureProbability
    }

    func judge(_ candidate: NormalizedReading) throws -> Verdict {
        guard let reading = try value() else { return .noOpinion("the second model read nothing clear") }
        return reading.value == candidate.value && reading.check == candidate.check
            ? .confirms : .noOpinion("the second model read \(reading.value)")
    }
}

/// The second model's own reading checked character by character: each character read at its place by
/// Tesseract too (in a reading of the same length), or else clearly its own character by its glyph (for
/// names also: its glyph's nearest character, where the model leans to it). Two
/// readers for every character, where no one reading of Tesseract's is right throughout (a phone photo:
/// 厦门盛宏… read 厦门盔宏…, 厦门亚宏…, the one character different in each). At most a quarter of
/// the characters (one of a short name) may rest on their glyphs.
final class CharacterVotes {
    /// Whether the glyphs at these places clearly are the value's characters there
    /// (`TextVerifier.confirms(_:at:image:)`).
    private let glyphsConfirm: (String, [Int]) throws -> Bool
    /// Whether the glyphs at these places lie nearest to the value's characters (`TextVerifier.ranksFirst`),
    /// and whether the second model leans to those characters (`SecondModelJudge.leansTo(_:at:)`; its
    /// runners-up the glyphs must tell apart, `RunnerUpGlyphs`): together the two readers of a character
    /// no reading of Tesseract's has (names). A Kai 吴 under a
    /// seal, read 要 by Tesseract, lay 0.31 from 吴 and 0.34 from 昊, short of the margin a clear glyph
    /// needs, and the model read 吴 at 0.9995; a rare 镕 read 锐 by Tesseract lay 0.39 from 镕, 0.41 from 锗.
    /// Where the glyph lies nearer another character (炅, read 灵 by the model at 0.97) it is not.
    private let glyphsRankFirst: ((String, [Int]) throws -> Bool)?
    private let modelLeans: ((String, [Int]) throws -> Bool)?
    /// The glyphs at these places within reach of the value's characters, none clearly nearer another
    /// (`TextVerifier.nearerRivals`), and the model reading the whole value surely, the nearer ones ruled
    /// out (`SecondModelJudge.readsSurely(_:ruling:)`): together the two readers of a character no reading
    /// of Tesseract's has (names), where those characters are rare (outside the commonest 3,755): the
    /// model's misreads of rare characters are common look-alikes it was sure of (刘燊 read 刘桑 at 0.99,
    /// the glyph 0.51 from 桑 and 0.53 from 燊), so only a rare character it read counts. A phone photo's
    /// 何玙, read 何篆 by Tesseract: the model 玙 at 0.90, 筠 at 0.005; the glyph 0.44 from 玙, 0.43 from 筠.
    private let surelyReadWithinReach: ((String, [Int]) throws -> Bool)?
    /// The glyphs' verdicts per value and places: the loop asks again as readings come in.
    private var glyphVerdicts: [String: Bool] = [:]
    var name: String { "tesseract + glyphs, character by character" }

    /// Whether a value is an exact entry of the field's list (`readWithOneMore`).
    private let isListed: (String) -> Bool
    /// Whether the line's ink holds exactly the value's characters and the second model read the value
    /// surely (names, `framedByOneMore`).
    private let holdsWhatTheModelSurelyRead: ((String) throws -> Bool)?

    init(
        glyphsConfirm: @escaping (String, [Int]) throws -> Bool,
        glyphsRankFirst: ((String, [Int]) throws -> Bool)? = nil,
        modelLeans: ((String, [Int]) throws -> Bool)? = nil,
        surelyReadWithinReach: ((String, [Int]) throws -> Bool)? = nil,
        isListed: @escaping (String) -> Bool = { _ in false },
        holdsWhatTheModelSurelyRead: ((String) throws -> Bool)? = nil
    ) {
        self.glyphsConfirm = glyphsConfirm
        self.glyphsRankFirst = glyphsRankFirst
        self.modelLeans = modelLeans
        self.surelyReadWithinReach = surelyReadWithinReach
        self.isListed = isListed
        self.holdsWhatTheModelSurelyRead = holdsWhatTheModelSurelyRead
    }

    /// The judge over a line's glyphs: the names' stroke-direction prototypes wherever they know every
    /// character (`broad`), else `verifier`'s; with `modelLeans`, the glyphs' first choice counts too.
    convenience init(
        verifier: TextVerifier, broad: TextVerifier?, image: @escaping () throws -> GrayImage,
        modelLeans: ((String, [Int]) throws -> Bool)? = nil, isRare: @escaping (Character) -> Bool = { _ in false },
        modelSurelyReads: ((String, [(place: Int, character: Character)]) throws -> Bool)? = nil,
        modelAlternatives: @escaping (String, [Int]) throws -> [(place: Int, character: Character)] = { _, _ in [] },
        isListed: @escaping (String) -> Bool = { _ in false },
        holdsWhatTheModelSurelyRead: ((String) throws -> Bool)? = nil
    ) {
        let judge = { (value: String) in broad?.canVerify(value) == true ? broad! : verifier }
        // Where the model's reading of a common character is one of the two readers, the glyphs must tell it
        // from every other the model found possible there, however unlikely (`SecondModelJudge.possibleOthers`):
        // sure of a common look-alike, it still gives the rare character a little, and the glyphs lean to the
        // common one, whose prototypes come from more faces (马丽翚 read 马丽翠, 翠 at 0.90 and 翚 at 0.05; the
        // glyph 0.46 from 翠, 0.49 from 黎, further from 翚). A rare character the model read (镕 at 0.91, 容 at
        // 0.04) is not its lean to a look-alike, and the glyphs' lean is against it.
        let toldFromModelAlternatives = { (value: String, places: [Int], image: GrayImage) throws -> Bool in
            let others = try Self.othersToTellApart(
                value, at: places, isRare: isRare, modelAlternatives: modelAlternatives)
            return judge(value).firstNotToldApart(value, from: others, image: image) == nil
        }
        self.init(
            glyphsConfirm: { value, places in
                let image = try image()
                if FieldExtractor.trace {
                    let judged = judge(value).judge(value, image: image)
                    FieldExtractor.tracePrint(
                        "TRACE character votes \(value): glyphs at \(places) "
                            + (judged.map { j in
                                places.map {
                                    "\(j[$0].expected) \(j[$0].distance) (\(j[$0].rival.map(String.init) ?? "-") \(j[$0].rivalDistance))"
                                }.joined(separator: ", ")
                            } ?? "cannot cut"))
                }
                return judge(value).confirms(value, at: places, image: image)
            },
            glyphsRankFirst: modelLeans == nil
                ? nil
                : { value, places in
                    let image = try image()
                    return try judge(value).ranksFirst(value, at: places, image: image)
                        && toldFromModelAlternatives(value, places, image)
                },
            modelLeans: modelLeans,
            surelyReadWithinReach: modelSurelyReads.map { modelSurelyReads in
                { value, places in
                    let characters = Array(value)
                    let image = try image()
                    guard places.allSatisfy({ characters.indices.contains($0) && isRare(characters[$0]) }),
                        let rivals = judge(value).nearerRivals(value, at: places, image: image)
                    else { return false }
                    return try modelSurelyReads(value, rivals)
                }
            }, isListed: isListed, holdsWhatTheModelSurelyRead: holdsWhatTheModelSurelyRead)
    }

    func judge(_ candidate: NormalizedReading, readings: [NormalizedReading]) throws -> Verdict {
        guard case .text(let value) = candidate.value else { return .noOpinion("not text") }
        let characters = Array(value)
        let texts = readings.compactMap { $0.value.text.map(Array.init) }
        let listed = isListed(value)
        if texts.contains(where: { Self.readWithOneMore($0, characters, listed: listed) }) { return .confirms }
        if try framedByOneMore(texts, characters) { return .confirms }
        let sameLength = texts.filter { $0.count == characters.count }
        guard !sameLength.isEmpty else {
            return .noOpinion("no reading of Tesseract's has \(characters.count) characters")
        }
        let unread = characters.indices.filter { k in !sameLength.contains { $0[k] == characters[k] } }
        // Names: a character Tesseract read too but the model was unsure of is no second reader's; where
        // Tesseract lacks the rare character printed, both lean to a common look-alike (孙静昺 read 孙静黄
        // by Tesseract, and by the model at 0.58 with 昺 not among its five likeliest). Its glyph must confirm it.
        if let modelLeans {
            var unsure: [Int] = []
            for place in characters.indices where !unread.contains(place) {
                if try !modelLeans(value, [place]) { unsure.append(place) }
            }
            let unsureKey = "\(value)\(unsure) unsure"
            let unsureClear = try unsure.isEmpty || (glyphVerdicts[unsureKey] ?? glyphsConfirm(value, unsure))
            glyphVerdicts[unsureKey] = unsureClear
            if !unsureClear {
                return .noOpinion(
                    "the second model was unsure of \(unsure.map { String(characters[$0]) }.joined()), and the glyphs do not confirm it")
            }
        }
        if unread.isEmpty { return .confirms }
        guard unread.count <= max(1, characters.count / 4) else {
            return .noOpinion("Tesseract read \(unread.count) of its characters otherwise")
        }
        let key = "\(value)\(unread)"
        let clear =
            try glyphVerdicts[key] ?? glyphsConfirm(value, unread) || nearestAndLeanedTo(value, unread)
            || surelyReadWithinReach?(value, unread) == true
        glyphVerdicts[key] = clear
        guard clear else {
            return .noOpinion("the glyphs do not confirm \(unread.map { String(characters[$0]) }.joined())")
        }
        return .confirms
    }
}

extension CharacterVotes {
    /// Whether Tesseract's `reading` is `value` with one character more: every character read, in order,
    /// and a group of strokes taken for one of its own. Anywhere in an exact entry of the field's list
    /// (办公有用品 for 办公用品 on phone photos, whose line the glyphs cut into four characters, not five);
    /// elsewhere only before the value, as a rule's or the label's strokes (一, 二) or its first character
    /// doubled (二胡建国, 一宁波润创…, 上上海申诚…). Not inside a name or an unlisted organisation: the model
    /// drops a character it does not know (石韡 read 石), and a misread of it would then look like one more.
    static func readWithOneMore(_ reading: [Character], _ value: [Character], listed: Bool) -> Bool {
        guard reading.count == value.count + 1, !value.isEmpty else { return false }
        if Array(reading.dropFirst()) == value {
            return Self.leadingMarks.contains(reading[0]) || reading[0] == value[0] || listed
        }
        guard listed else { return false }
        return reading.indices.contains { skipped in
            var rest = reading
            rest.remove(at: skipped)
            return rest == value
        }
    }

    /// Whether two or more of Tesseract's readings are `value` with one character more before it that the
    /// line's ink does not hold, the model surely read `value` itself, and the line holds exactly its
    /// characters (`holdsWhatTheModelSurelyRead`): both readers read the same characters, and the one more is
    /// strokes beside the name (孙洋 read 和孙洋 by every reading of a phone photo, the label's 人 taken for
    /// 和; the model 孙洋 at 1.0 and 0.9994). Where the model dropped a character it does not know, the
    /// line holds one more than it read.
    ///
    /// Only before the name, where the label's strokes are: the model drops a rare last character it does
    /// not know, and a seal over the line can make its ink look as wide as what the model read (a G4 scan's
    /// 刘军骁, read 刘军 by the model and 刘军本, 刘军必 by Tesseract, was accepted as 刘军).
    func framedByOneMore(_ readings: [[Character]], _ value: [Character]) throws -> Bool {
        guard let holdsWhatTheModelSurelyRead else { return false }
        let text = String(value)
        return try Self.framing(readings.map { String($0) }, around: text, after: false).count >= 2
            && holdsWhatTheModelSurelyRead(text)
    }

    /// The readings that are `value` with one character more at its start, or (`after`) at its end.
    static func framing(_ readings: [String], around value: String, after: Bool = true) -> [String] {
        readings.filter { $0.count == value.count + 1 && ($0.hasSuffix(value) || (after && $0.hasPrefix(value))) }
    }

    /// The characters the model found possible beside `value`'s at `places` whose character is common (not
    /// `isRare`): the ones its glyphs must tell apart where the model's lean is one of two readers.
    static func othersToTellApart(
        _ value: String, at places: [Int], isRare: (Character) -> Bool,
        modelAlternatives: (String, [Int]) throws -> [(place: Int, character: Character)]
    ) rethrows -> [(place: Int, character: Character)] {
        let characters = Array(value)
        let common = places.filter { characters.indices.contains($0) && !isRare(characters[$0]) }
        return common.isEmpty ? [] : try modelAlternatives(value, common)
    }

    /// What a rule or the end of a label before a value is read as.
    static let leadingMarks: Set<Character> = ["一", "二", "-", "_", "|", "丨", "—"]

    /// The model leans to the characters and their glyphs lie nearest to them.
    private func nearestAndLeanedTo(_ value: String, _ places: [Int]) throws -> Bool {
        guard let modelLeans, let glyphsRankFirst, try modelLeans(value, places) else { return false }
        return try glyphsRankFirst(value, places)
    }
}

/// How a field's evidence becomes a decision, one short rule per kind of field:
///
/// | field | taken when | an operator decides when |
/// |---|---|---|
/// | name (with name glyphs) | the glyphs confirm one of Tesseract's readings | the glyphs contradict or cannot judge, or the second model surely reads another name |
/// | count | the glyphs read one of Tesseract's readings (unless the second model reads another Tesseract read too), or Tesseract agrees and the glyphs do not contradict | the glyphs contradict every agreement, or the model the glyphs |
/// | organisation, department, category | Tesseract agrees, and the list (an exact entry) or the glyphs confirm it; or a reading is an entry the glyphs alone confirm | otherwise |
/// | anything else | Tesseract's readings agree as the field's `Agreement` needs | no agreement |
///
/// Where these leave a field undecided or uncertain, the second OCR model (`SecondModelJudge`) is asked: a
/// reading of Tesseract's that it makes too, or its own reading confirmed glyph by glyph, is taken unless
/// the glyphs speak against it (`GlyphDoubt`): two independent readers agree.
///
/// "Tesseract agrees" is `TesseractAgreement`; Tesseract's unanimity alone never decides a name. A value
/// whose check character fails is taken (and reported invalid) only when every reading gives it or the
/// figure glyphs read it too.
enum FieldPolicy {
    enum Decision {
        case accept(NormalizedReading, judges: [String], because: String)
        case uncertain(NormalizedReading, judges: [String], because: String)
        /// No decision yet: another reading may settle it.
        case readMore
    }

    /// - Parameters:
    ///   - glyphs: the field's glyph judge, if it has one here.
    ///   - entries: the list's entries confirmed by their glyphs alone (`EntryGlyphs`): such a reading is
    ///     taken whatever Tesseract's other readings say.
    ///   - secondReader: the second OCR model and the glyphs that check it (`secondModelAgreement`),
    ///     asked where Tesseract's readings do not decide.
    ///   - glyphsMustConfirm: a glyph judge's "no opinion" is not enough (names).
    ///   - glyphsConfirmAReading: a reading the glyphs confirm needs no agreement (names, counts).
    ///   - contradictionWaits: a contradiction of Tesseract's agreement waits for more readings (counts:
    ///     one may agree with the glyphs) rather than ending at once.
    ///   - modelMayObject: where the glyphs do not confirm Tesseract's agreement, the second model is
    ///     asked, and a clear reading of another value makes the field uncertain (counts: Tesseract reads a
    ///     lone 1 as 4 at every resolution, and the glyphs of a faint 1 may say nothing; codes and dates,
    ///     which nothing on the form checks: three readings agreed on 137757549004 for 037757549004).
    ///   - tesseractDoubts: Tesseract's own doubt rules its agreement out (a name read under confidence 55
    ///     where no glyphs can judge).
    static func decide(
        _ readings: [NormalizedReading], agreement: TesseractAgreement, glyphs: (any GlyphJudge)?,
        entries: (any GlyphJudge)? = nil, secondReader: SecondReader? = nil, glyphsMustConfirm: Bool,
        glyphsConfirmAReading: Bool, contradictionWaits: Bool,
        modelMayObject: Bool = false, tesseractDoubts: Bool, final: Bool
    ) throws -> Decision {
        let shown = readings.map { "\($0.value)" }.joined(separator: " / ")
        if glyphsConfirmAReading, let glyphs {
            for reading in readings where reading.check == .valid {
                if try glyphs.judge(reading) == .confirms {
                    // Two readers against the glyphs: where the second model may object (counts), its clear
                    // reading of another value Tesseract made too is not outvoted by the glyphs (a faint 4 whose
                    // stem alone the classifier read as 1: Tesseract 4 three times of four, the model 4 at 0.9998).
                    if modelMayObject, let model = secondReader?.model, let own = try model.value(),
                        own.check == .valid,
                        own.value != reading.value, readings.contains(where: { $0.value == own.value })
                    {
                        return .uncertain(
                            reading, judges: ["tesseract", glyphs.name, model.name],
                            because:
                                "readings \(shown); the glyphs read \(reading.value), the second OCR model \(own.value) as Tesseract did too: a misread cannot be ruled out"
                        )
                    }
                    // Where the glyphs and Tesseract may share a confusion (people's names: a rare character
                    // whose prototypes are few), the model's sure reading of another name is a dissent.
                    if let second = secondReader, let text = reading.value.text, second.dissentsOverGlyphs?(text) == true,
                        let own = try second.otherReadingAsLong(as: reading)
                    {
                        return .uncertain(
                            reading, judges: ["tesseract", glyphs.name, second.model.name],
                            because:
                                "readings \(shown); the glyphs confirm \(reading.value), but the second OCR model reads \(own.value): a misread cannot be ruled out"
                        )
                    }
                    let why =
                        readings.count == 1
                        ? "one reading, confirmed glyph by glyph"
                        : "readings \(shown); \(reading.value) confirmed glyph by glyph"
                    return .accept(reading, judges: ["tesseract", glyphs.name], because: why)
                }
            }
        }
        if let entries {
            for reading in readings where reading.check == .valid {
                if try entries.judge(reading) == .confirms {
                    return .accept(
                        reading, judges: ["tesseract", entries.name],
                        because: "readings \(shown); \(reading.value) is on the list and confirmed glyph by glyph")
                }
            }
        }
        // The second model is asked only where Tesseract's readings do not decide the field on their own:
        // one more line read by it costs about as much as one more reading by Tesseract.
        let secondOpinion = { try secondModelAgreement(readings, secondReader, shown: shown, final: final) }
        guard !tesseractDoubts, let decided = agreement.decide(readings, final: final) else {
            return try secondOpinion() ?? .readMore
        }
        let verdict = try glyphs?.judge(decided)
        // The record names the glyph judge where it had a say: a confirmation, or a doubt that decided.
        let judges = [agreement.name] + (glyphs.map { [$0.name] } ?? [])
        switch verdict {
        case .contradicts(let why)?:
            if let agreed = try secondOpinion() { return agreed }
            if contradictionWaits && !final { return .readMore }
            return .uncertain(
                decided, judges: judges, because: "the readings agree (\(shown)) but the glyphs do not: \(why)")
        case .noOpinion(let why)? where glyphsMustConfirm:
            if let agreed = try secondOpinion() { return agreed }
            return .uncertain(
                decided, judges: judges,
                because:
                    "every reading says \(decided.value), but \(why); Tesseract's agreement alone does not decide it")
        default:
            // A check character that fails is a rule violation (bad_tax_id) only for a value read with
            // confidence: the figure glyphs read it on their own, or the second model reads it too, or (without
            // a second model) every reading gives it. Where readings differ (0 read R, and Q, under a seal; a
            // 1 read 1T once in seven), the failure says misread, not invalid: Tesseract's majority alone put
            // bad_tax_id on valid photos and G4 scans.
            if decided.check == .checksumFailed, verdict != .confirms,
                secondReader != nil || Set(readings.map(\.value)).count > 1
            {
                if let agreed = try secondOpinion() { return agreed }
                let why =
                    Set(readings.map(\.value)).count > 1
                    ? "the readings differ (\(shown))" : "the second OCR model does not read \(decided.value)"
                return .uncertain(
                    decided, judges: [agreement.name] + (secondReader.map { [$0.model.name] } ?? []),
                    because: "\(why) and the check character fails: a misread cannot be ruled out")
            }
            // A check character passes by chance once in eleven: two misreads in one ID (0 read 9, 4 read 1
            // on a phone photo) passed it, read so twice of three. Where Tesseract's readings differ, the
            // model's reading of another value of the same length is a dissent that the check cannot outvote;
            // where they agree, too, for the checks a misread passes once in ten or eleven (IDs, bank cards:
            // a G4 scan's invalid ID 440305200105242867 read …212867 twice, which passes, and accepted; the
            // model read …242867).
            let split = Set(readings.map(\.value)).count > 1
            if decided.check == .valid, verdict != .confirms, let second = secondReader,
                split ? second.dissentsOnSplitReadings : second.dissentsOnAgreedReadings,
                let own = try second.otherReadingAsLong(as: decided)
            {
                return .uncertain(
                    decided, judges: [agreement.name, second.model.name],
                    because:
                        "the readings \(split ? "differ" : "agree") (\(shown)) and the second OCR model reads \(own.value): a misread cannot be ruled out"
                )
            }
            if modelMayObject, verdict != .confirms, let model = secondReader?.model, let own = try model.value() {
                guard own.value == decided.value else {
                    if contradictionWaits && !final { return .readMore }
                    return .uncertain(
                        decided, judges: [agreement.name, model.name],
                        because: "the readings agree (\(shown)) but the second OCR model reads \(own.value)")
                }
                return .accept(
                    decided, judges: ["tesseract", model.name],
                    because: "readings \(shown); the second OCR model read \(own.value) too")
            }
            if verdict == .confirms, let second = secondReader, let text = decided.value.text,
                second.dissentsOverGlyphs?(text) == true, let own = try second.otherReadingAsLong(as: decided)
            {
                return .uncertain(
                    decided, judges: judges + [second.model.name],
                    because:
                        "the readings agree (\(shown)) and the glyphs confirm \(decided.value), but the second OCR model reads \(own.value): a misread cannot be ruled out"
                )
            }
            let deciders = verdict == .confirms ? judges : [agreement.name]
            return .accept(decided, judges: deciders, because: agreement.describe(readings, decided))
        }
    }
}

extension FieldPolicy {
    /// The judges around the second OCR model.
    struct SecondReader {
        let model: SecondModelJudge
        /// What may speak against a value the model agrees on (`GlyphDoubt`; else the field's glyph judge).
        let doubt: (any GlyphJudge)?
        /// The glyphs that can confirm the model's own reading (never a list).
        let confirm: (any GlyphJudge)?
        /// Tesseract's readings and the glyphs, character by character, as the other way to confirm it.
        var characters: CharacterVotes? = nil
        /// Whether the model may only side with a reading Tesseract made at two resolutions or more, and,
        /// once all readings are made, more often than any other well-formed reading (codes: nothing on the form checks them, and where ink is
        /// lost both engines misread alike: a G4 scan's BX68224331061 read BX68221331061 by both after one
        /// reading of Tesseract's, its later readings split two and two).
        var onlyUnsplitReadings = false
        /// Whether the model's reading of another value (as long) makes the field uncertain where
        /// Tesseract's readings differ, even one whose check character passes (values with a check
        /// character: the check passes a misread once in eleven).
        var dissentsOnSplitReadings = false
        /// The same where Tesseract's readings all agree: for check characters that a misread passes once in
        /// ten or eleven (IDs, bank cards), not a tax ID's, which passes one in thirty-one (the model reads
        /// a tax ID's last Q as 9 at 0.7–0.8, where three readings of Tesseract's agreed on the Q).
        var dissentsOnAgreedReadings = false
        /// Whether the model's reading of another value (as long) makes a value uncertain even where its
        /// glyphs confirm it, by the value (organisations off the list: the glyphs and Tesseract can share a
        /// confusion; a phone photo's unknown 南宁丰昊印务股份有限公司 was read 丰吴 three times and confirmed
        /// glyph by glyph, 昊 and 吴 one stroke apart in a blurred bold face).
        var dissentsOverGlyphs: ((String) -> Bool)? = nil
        /// Whether a text passes the field's check character (values that have one).
        var passesCheck: ((String) -> Bool)? = nil
        /// Whether the model sides with a reading of Tesseract's only where it read every character of it
        /// surely (`SecondModelJudge.readsSurely`): dates and codes, which nothing on the form checks (a G4
        /// scan's 2026-03-01 read 2020-03-01 by one reading of Tesseract's and by the model, its 0 at 0.69
        /// with 6 at 0.15).
        var needsSureModel = false
        /// Whether the model may side with one of two values Tesseract read equally often, where it read
        /// that value surely and found the other's characters unlikely (codes on grey and colour pages: a
        /// Kai invoice number's 3 read 8 by three readings of six, the model 3 at 0.997 and 8 at 0.0006).
        /// Not on a 1-bit page, where both engines take a 4 that lost its strokes for a 1 alike.
        var tieBrokenBySureModel = false

        /// The model's reading where it is another value as long as `decided`'s (a dissent: a misread
        /// by one reader or the other); nil where it agrees, reads nothing, or reads another length.
        func otherReadingAsLong(as decided: NormalizedReading) throws -> NormalizedReading? {
            guard let own = try model.value(), let ownText = own.value.text, let text = decided.value.text,
                ownText.count == text.count, ownText != text
            else { return nil }
            return own
        }

        /// Whether `reading`, tied with other well-formed readings of the same length, is the one the model
        /// read surely, ruling out the characters by which the others differ (`tieBrokenBySureModel`).
        func breaksTie(
            for reading: NormalizedReading, in readings: [NormalizedReading], count: (FieldValue) -> Int
        ) throws -> Bool {
            guard tieBrokenBySureModel, let text = reading.value.text else { return false }
            // Every other well-formed value read, none more often than this one: all must be ruled out.
            let otherValues = Set(readings.filter { $0.check == .valid && $0.value != reading.value }.map(\.value))
            guard otherValues.allSatisfy({ count($0) <= count(reading.value) }) else { return false }
            let own = Array(text)
            var differences: [(place: Int, character: Character)] = []
            for value in otherValues {
                guard let other = value.text.map(Array.init), other.count == own.count else { return false }
                differences += own.indices.filter { other[$0] != own[$0] }.map { ($0, other[$0]) }
            }
            return try model.readsSurely(text, ruling: differences)
        }
    }

    /// Two independent readers agree: a well-formed reading of Tesseract's that the second model read
    /// too, or the second model's own reading confirmed glyph by glyph; either only when the glyphs do
    /// not speak against it.
    static func secondModelAgreement(
        _ readings: [NormalizedReading], _ second: SecondReader?, shown: String, final: Bool = true
    ) throws -> Decision? {
        guard let second else { return nil }
        // A value whose check character fails, read alike by both engines, is read with confidence: it is
        // taken and reported invalid (bad_tax_id, bad_id_checksum), not left as a possible misread. Not
        // where Tesseract read a value that passes the check as often: that reading dissents (a G4 scan's
        // ID 440305197909026053 read so once and 140305197909026053 once, the latter by the model too). A
        // lone passing reading beside four failing ones alike is a misread of its own (3 read 8 once).
        let count = { (value: FieldValue) in readings.filter { $0.value == value }.count }
        let passingCount = readings.filter { $0.check == .valid }.map { count($0.value) }.max() ?? 0
        for reading in readings
        where reading.check == .valid || (reading.check == .checksumFailed && count(reading.value) > passingCount) {
            if second.onlyUnsplitReadings {
                let others = readings.filter { $0.check == .valid && $0.value != reading.value }.map { count($0.value) }
                // Split readings are judged once all are made: a plurality then, a tie only where the model
                // may break it (`tieBrokenBySureModel`).
                let plurality = others.isEmpty || (final && others.allSatisfy { $0 < count(reading.value) })
                guard count(reading.value) >= 2,
                    try plurality || (final && second.breaksTie(for: reading, in: readings, count: count))
                else {
                    continue
                }
            }
            guard try second.model.judge(reading) == .confirms else { continue }
            if second.needsSureModel, let text = reading.value.text, try !second.model.readsSurely(text) { continue }
            if case .contradicts? = try second.doubt?.judge(reading) { continue }
            if reading.check == .checksumFailed, let passesCheck = second.passesCheck, let text = reading.value.text,
                let near = try second.model.possibleReading(of: text, passing: passesCheck)
            {
                return .uncertain(
                    reading, judges: ["tesseract", second.model.name],
                    because:
                        "both engines read \(reading.value), whose check character fails, but it passes with \(near.character) at place \(near.place + 1), which the second OCR model found possible (\(near.probability)): a misread cannot be ruled out"
                )
            }
            return .accept(
                reading, judges: ["tesseract", second.model.name],
                because: "readings \(shown); the second OCR model read \(reading.value) too")
        }
        guard var own = try second.model.value(), own.check == .valid || own.unlistedSurname else { return nil }
        let confirmer: String
        if let confirm = second.confirm, try confirm.judge(own) == .confirms {
            confirmer = confirm.name
        } else if let characters = second.characters, try characters.judge(own, readings: readings) == .confirms {
            confirmer = characters.name
        } else {
            return nil
        }
        if case .contradicts? = try second.doubt?.judge(own) { return nil }
        let surname = own.unlistedSurname ? " (its surname is not on the list)" : ""
        own.check = .valid
        own.note = nil
        let how =
            confirmer == second.characters?.name
            ? "each character read by Tesseract or seen in its glyph" : "confirmed glyph by glyph"
        return .accept(
            own, judges: [second.model.name, confirmer],
            because: "the second OCR model read \(own.value)\(surname), \(how); Tesseract read \(shown)")
    }
}

/// Tesseract's readings (other resolutions, segmentations, the other model) agreeing as much as the
/// field's type needs (`FieldExtractor.Agreement`).
struct TesseractAgreement {
    let needs: FieldExtractor.Agreement
    /// With the page-wide layout pass, its reading is one of two and its own note is kept.
    let layoutPass: Bool
    var name: String { "tesseract agreement" }

    func decide(_ readings: [NormalizedReading], final: Bool) -> NormalizedReading? {
        FieldExtractor.decide(needs, readings, final: final)
    }

    func describe(_ readings: [NormalizedReading], _ decided: NormalizedReading) -> String {
        readings.count <= 2 && layoutPass
            ? decided.note ?? "two readings agree"
            : "\(readings.count) readings agree enough (\(readings.map { "\($0.value)" }.joined(separator: " / ")))"
    }
}

/// A glyph judge whose verdicts are kept per value: the loop asks about the same value again as
/// readings come in, and judging glyphs costs milliseconds.
final class MemoJudge: GlyphJudge {
    private let judge: any GlyphJudge
    private var verdicts: [FieldValue: Verdict] = [:]

    init(_ judge: any GlyphJudge) {
        self.judge = judge
    }

    var name: String { judge.name }

    func judge(_ candidate: NormalizedReading) throws -> Verdict {
        if let known = verdicts[candidate.value] { return known }
        let verdict = try judge.judge(candidate)
        if FieldExtractor.trace { FieldExtractor.tracePrint("TRACE \(judge.name) \(candidate.value): \(verdict)") }
        verdicts[candidate.value] = verdict
        return verdict
    }
}
