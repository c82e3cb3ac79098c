import FormFlowCore

/// A second opinion on Tesseract's reading of printed figures (ID and account numbers, codes, dates,
/// counts) that is not Tesseract: the value's line is cut into glyphs and every glyph is compared with
/// prototypes of digits and capital letters rendered from many typefaces (`tools/glyphs/make_prototypes.py
/// --digits`). A reading is confirmed only when the line holds exactly one glyph per character and each
/// glyph is clearly nearest to the character read; anything else leaves the value to Tesseract's own
/// agreement rules, which read it again.
///
/// Why it may stand in for those further readings: its errors are not Tesseract's. It sees each glyph
/// whole, with no language model and no line normalisation, so the two agreeing on a wrong character
/// takes two independent mistakes, where readings by the same engine repeat theirs (a lone 1 reads 4 at
/// every resolution).
public struct FigureVerifier: Sendable {
    public enum Outcome: Sendable, Equatable {
        case confirmed
        /// Why not (for the record's note and for tracing).
        case unconfirmed(String)
        /// The glyphs speak against the reading (`misplacedOne`): another reader agreeing does not make it.
        case doubtful(String)
    }

    /// Which characters a field can hold; the glyphs are compared with those characters' prototypes only.
    public enum Alphabet: Sendable, CaseIterable {
        case digits
        /// Resident ID numbers: digits and the check character X.
        case idNumber
        /// Unified social credit codes (GB 32100): digits and capitals without I, O, S, V, Z.
        case creditCode
        /// Codes of the office's own making: digits and capitals.
        case alphanumeric

        var characters: Set<Character> {
            let digits = Set("0123456789")
            switch self {
            case .digits: return digits
            case .idNumber: return digits.union("X")
            case .creditCode: return digits.union("ABCDEFGHJKLMNPQRTUWXY")
            // Without I and O, which are drawn like 1 and 0 in many typefaces: the normaliser reads
            // them as figures where only figures can stand, and a code's letters are its own.
            case .alphanumeric: return digits.union("ABCDEFGHJKLMNPQRSTUVWXYZ")
            }
        }

        /// The alphabet of a field type, or nil for types this verifier does not judge.
        public init?(_ type: FieldType) {
            switch type {
            case .integer, .bankCard, .date: self = .digits
            case .id18: self = .idNumber
            case .uscc: self = .creditCode
            case .code: self = .alphanumeric
            default: return nil
            }
        }
    }

    /// Punctuation printed between figures (dates, amounts): told by size and shape, not by prototype.
    static let punctuation: Set<Character> = ["-", ".", "/"]

    /// A glyph farther than this from every prototype of the character read is not confirmed (the
    /// distance of `GlyphClassifier.rank`; prototypes of one character in different typefaces lie
    /// about 1 apart, glyphs of scans within about 1.5 of their nearest).
    public var maximumDistance: Float
    /// The nearest prototype of any other character must be this much farther than the nearest
    /// prototype of the character read.
    public var minimumMargin: Float

    private let prototypes: [Alphabet: GlyphClassifier.Index]

    public init(classifier: GlyphClassifier, maximumDistance: Float = 3.0, minimumMargin: Float = 0.5) {
        var prototypes: [Alphabet: GlyphClassifier.Index] = [:]
        for alphabet in Alphabet.allCases {
            prototypes[alphabet] = classifier.index.subset(alphabet.characters)
        }
        self.prototypes = prototypes
        self.maximumDistance = maximumDistance
        self.minimumMargin = minimumMargin
    }

    /// Reads an amount of money (`1234.56`) from its glyphs alone: every glyph as tall as a figure must be
    /// clearly one digit, and the only small glyph the decimal point before the last two. Nil when any
    /// glyph is unclear. Such a reading is taken only where the form confirms it (the items add up to
    /// the total and the amount in words spells it), exactly like a single Tesseract reading.
    public func readAmount(image: GrayImage) -> String? {
        guard let line = GlyphLine(image: image, splitWide: false) else { return nil }
        return readAmount(line, pieces: line.pieces)
    }

    /// Reads the amount a rendered page shows (a PDF's page, printed in a known typeface at its size):
    /// glyphs before the first figure (`¥`, the end of a label) are passed over, and figures that touch
    /// (a proportional `00`) are cut at their thinnest column. Nil when any glyph is unclear.
    public func readRenderedAmount(image: GrayImage) -> String? {
        guard let line = GlyphLine(image: image, splitWide: false), let digits = prototypes[.digits] else { return nil }
        let tall = line.pieces.filter { Double(line.glyph($0).height) / Double(line.bandHeight) > 0.6 }
        guard !tall.isEmpty else { return nil }
        let typical = tall.map { $0.end - $0.start }.sorted()[tall.count / 2]
        var pieces: [GlyphLine.Piece] = []
        for piece in line.pieces {
            let width = piece.end - piece.start
            let count = Int((Double(width) / Double(max(1, typical))).rounded())
            guard count >= 2, tall.contains(piece) else {
                pieces.append(piece)
                continue
            }
            var cuts = [piece.start]
            for part in 1..<count {
                let target = piece.start + part * width / count
                let window = max(1, typical / 4)
                let columns = max(piece.start + 1, target - window)...min(piece.end - 1, target + window)
                let thinnest = columns.min { line.inkInColumn($0) < line.inkInColumn($1) } ?? target
                cuts.append(thinnest)
            }
            cuts.append(piece.end)
            for index in 0..<count { pieces.append(GlyphLine.Piece(start: cuts[index], end: cuts[index + 1])) }
        }
        // Pass over what precedes the first clear figure: the `¥` (one tall glyph) and the end of a label
        // (small glyphs). A second tall glyph passed over would be a figure not read: no reading then.
        var tallPassed = 0
        guard
            let first = pieces.firstIndex(where: { piece in
                let glyph = line.glyph(piece)
                let tall = Double(glyph.height) / Double(line.bandHeight) > 0.6
                if tall, let nearest = digits.rank(glyph).first, nearest.distance <= maximumDistance { return true }
                if tall { tallPassed += 1 }
                return false
            }), tallPassed <= 1
        else { return nil }
        return readAmount(line, pieces: Array(pieces[first...]))
    }

    private func readAmount(_ line: GlyphLine, pieces: [GlyphLine.Piece]) -> String? {
        guard let digits = prototypes[.digits] else { return nil }
        guard pieces.count >= 4, pieces.count <= 16 else { return nil }
        var text = ""
        for piece in pieces {
            let glyph = line.glyph(piece)
            guard glyph.height > 0 else { return nil }
            let relativeHeight = Double(glyph.height) / Double(line.bandHeight)
            if relativeHeight < 0.4 {
                // A point: small, about as wide as high, low in the line.
                guard glyph.width < line.bandHeight / 2 else { return nil }
                text.append(".")
                continue
            }
            guard relativeHeight > 0.6 else { return nil }
            let ranked = digits.rank(glyph)
            guard let nearest = ranked.first, nearest.distance <= maximumDistance,
                ranked.count < 2 || ranked[1].distance - nearest.distance >= minimumMargin
            else { return nil }
            text.append(nearest.character)
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].count == 2 else { return nil }
        return text
    }

    /// Reads a value of figures (and the alphabet's capitals) from its glyphs alone: one glyph per
    /// character, every glyph as tall as a figure and clearly one character. Nil when any glyph is
    /// unclear. Only for values that check themselves (a check digit): the check is then the second,
    /// independent opinion that Tesseract's reading would otherwise be.
    public func read(image: GrayImage, alphabet: Alphabet, lengths: ClosedRange<Int>) -> String? {
        guard let line = GlyphLine(image: image, splitWide: false), let candidates = prototypes[alphabet] else {
            return nil
        }
        guard lengths.contains(line.pieces.count) else { return nil }
        var text = ""
        for piece in line.pieces {
            let glyph = line.glyph(piece)
            guard glyph.height > 0, Double(glyph.height) / Double(line.bandHeight) > 0.6 else { return nil }
            let ranked = candidates.rank(glyph)
            guard let nearest = ranked.first, nearest.distance <= maximumDistance,
                ranked.count < 2 || ranked[1].distance - nearest.distance >= minimumMargin
            else { return nil }
            text.append(nearest.character)
        }
        return text
    }

    /// Reads a tax rate (`3%`, `13%`) from its glyphs alone: one or two clear figures, then one glyph as
    /// tall that is no figure and at least as wide as they are (the percent sign, which has no prototypes).
    /// Nil otherwise. Tesseract reads a blurred `3%` as `33%` (the sign's upper ring taken for a 3); the
    /// figure prototypes read the 3 alone.
    public func readRate(image: GrayImage) -> String? {
        guard let line = GlyphLine(image: image, splitWide: false), let digits = prototypes[.digits],
            (2...3).contains(line.pieces.count), let signPiece = line.pieces.last
        else { return nil }
        func tall(_ glyph: Glyph) -> Bool { glyph.height > 0 && Double(glyph.height) / Double(line.bandHeight) > 0.6 }
        var text = ""
        var widest = 0
        for piece in line.pieces.dropLast() {
            let glyph = line.glyph(piece)
            guard tall(glyph) else { return nil }
            let ranked = digits.rank(glyph)
            guard let nearest = ranked.first, nearest.distance <= maximumDistance + 1.5,
                ranked.count < 2 || ranked[1].distance - nearest.distance >= minimumMargin
            else { return nil }
            text.append(nearest.character)
            widest = max(widest, glyph.width)
        }
        let sign = line.glyph(signPiece)
        guard tall(sign), sign.width >= widest else { return nil }
        if let nearest = digits.rank(sign).first, nearest.distance <= maximumDistance { return nil }
        return text + "%"
    }

    /// The line's pieces, with hyphens that blur joined to a neighbouring figure cut out: a run of
    /// columns whose ink is a short stroke around the middle of the band, at least a fifth of the band
    /// wide (the crossbar of a 4 reaching past its stem is narrower).
    static func cuttingHyphens(_ line: GlyphLine) -> [GlyphLine.Piece] {
        let band = line.bandHeight
        let minimumRun = max(2, band / 5)
        var result: [GlyphLine.Piece] = []
        for piece in line.pieces {
            // Heights are measured against the piece's own ink: noise can stretch the band below the
            // figures, and the base of a 2 must not pass for a hyphen.
            let extents = (piece.start..<piece.end).map { line.inkExtent(column: $0) }
            guard let pieceTop = extents.compactMap({ $0?.top }).min(),
                let pieceBottom = extents.compactMap({ $0?.bottom }).max()
            else { continue }
            let height = Double(pieceBottom - pieceTop + 1)
            var isStroke: [Bool] = []
            var tops: [Int] = []
            for extent in extents {
                tops.append(extent?.top ?? -1)
                guard let extent else {
                    isStroke.append(false)
                    continue
                }
                let middle = (Double(extent.top + extent.bottom) / 2 - Double(pieceTop)) / height
                isStroke.append(Double(extent.bottom - extent.top + 1) < height * 0.25 && middle > 0.3 && middle < 0.7)
            }
            var start = piece.start
            var x = piece.start
            while x < piece.end {
                guard isStroke[x - piece.start] else {
                    x += 1
                    continue
                }
                var end = x
                while end < piece.end && isStroke[end - piece.start] { end += 1 }
                // The whole piece a short stroke is a hyphen on its own; otherwise cut it out if wide enough.
                // Level, too: the diagonal of a 7 or a 2 is as short in each column, but climbs.
                let runTops = tops[(x - piece.start)..<(end - piece.start)]
                let level = runTops.max()! - runTops.min()! <= max(2, band / 12)
                if end - x >= minimumRun && level && !(x == piece.start && end == piece.end) {
                    if x > start { result.append(GlyphLine.Piece(start: start, end: x)) }
                    result.append(GlyphLine.Piece(start: x, end: end))
                    start = end
                }
                x = end
            }
            if start < piece.end { result.append(GlyphLine.Piece(start: start, end: piece.end)) }
        }
        return result
    }

    /// Why the glyphs of `image` speak against `text` as a number (`misplacedOne`), or nil.
    ///
    /// A code's letters (BX of a claim number) and an amount's cents have advances of their own: only the
    /// run of figures between them is judged. A claim number BX68224331061 on a G4 scan was read
    /// BX68221331061 by Tesseract and the second model alike, its 4 a stem and a few dots.
    ///
    /// `fourMayStandThere` says whether the value with a 4 at the doubted place is still well-formed: a
    /// date's 1 where a 4 makes no date (the tens of a month or a day, 2026-12-10) is no lost 4, however
    /// it stands. A face with a narrow 1 (Noto Serif's, five sixths of the other figures' advance) moves
    /// the figures after it left and so seems to stand right of its cell.
    ///
    /// A 1 that is a bare stem, without a 1's flag (`flaglessOne`), is doubted too, and where glyphs and
    /// characters do not pair up, a bare stem more than the 4s read (`strayStemDoubt`).
    public func placementDoubt(_ text: String, image: GrayImage, fourMayStandThere: (String) -> Bool = { _ in true })
        -> String?
    {
        let withFour = { (index: Int) -> String in
            var glyph = 0
            var withFour = ""
            for character in text {
                let isGlyph = !Self.separators.contains(character)
                withFour.append(isGlyph && glyph == index ? "4" : character)
                if isGlyph { glyph += 1 }
            }
            return withFour
        }
        if let lost = lostFour(in: text, image: image) {
            return fourMayStandThere(withFour(lost.index)) ? lost.doubt : nil
        }
        let glyphs = Array(text.filter { !Self.separators.contains($0) })
        guard glyphs.indices.contains(where: { glyphs[$0] == "1" && fourMayStandThere(withFour($0)) }) else { return nil }
        return strayStemDoubt(text, image: image)
    }

    /// Where glyphs and characters do not pair up (a tax ID's letters between its runs of figures, a
    /// figure in two pieces), so no glyph read 1 can be looked at: more bare stems in the line
    /// (`GlyphLine.bareStems`) than the 4s and the letters drawn as a bare stem that were read. A tax ID
    /// 91310115B26EDG457W on a G4 scan in a thin Ming face was read …G157W by both engines, and its check
    /// character passed. A thin face's 1 whose flag was lost too is doubted as well (Nimbus Roman's, on 3
    /// of 164 clean G4 scans): an operator looks.
    func strayStemDoubt(_ text: String, image: GrayImage) -> String? {
        guard let line = GlyphLine(image: image, splitWide: false) else { return nil }
        let stems = line.bareStems().count
        let explained = text.filter { "4IJL".contains($0) }.count
        guard stems > explained else { return nil }
        return "\(stems) bare stem\(stems == 1 ? "" : "s") without a 1's flag in the line, but \(explained) 4\(explained == 1 ? "" : "s") read: a 4 that lost its strokes, read 1?"
    }

    /// A glyph read 1 that may be a 4 whose diagonal and bar a 1-bit scan lost, and what shows it.
    struct LostFour: Equatable {
        enum Sign { case standsRight, noFlag }
        /// The glyph, counted from 0 without separators.
        let index: Int
        let sign: Sign

        var doubt: String {
            switch sign {
            case .standsRight: FigureVerifier.lostStrokes(at: index)
            case .noFlag: "glyph \(index + 1) is read 1 but is a stem without a 1's flag: a 4 that lost its strokes?"
            }
        }
    }

    /// The glyph read 1 that stands where a 4's stem does (`misplacedOne`), else one that has no flag
    /// (`flaglessOne`), or nil.
    func lostFour(in text: String, image: GrayImage) -> LostFour? {
        let characters = Array(text)
        let prefix = characters.prefix { $0.isASCII && $0.isLetter }.count
        let body = characters.dropFirst(prefix)
        let figures = Array(body.prefix { $0 != "." })
        let cents = body.count > figures.count ? Array(body.dropFirst(figures.count + 1)) : []
        guard figures.count >= 5, figures.allSatisfy(\.isASCIIDigit), cents.allSatisfy(\.isASCIIDigit),
            body.count == figures.count || !cents.isEmpty
        else { return groupedLostFour(text, image: image) }
        guard figures.contains("1"), let line = GlyphLine(image: image, splitWide: false) else { return nil }
        // A number has no punctuation: pieces well under a figure's height are specks (a bilevel scan's, or
        // what is left of a lost stroke), not glyphs. A thin face's figure may break into two pieces side
        // by side (a 9's bowl and its tail): the pieces are put into the line's even cells and joined there.
        var tall = line.pieces.filter { Double(line.glyph($0).height) / Double(line.bandHeight) > 0.4 }
        guard tall.count > prefix + cents.count else { return nil }
        tall.removeFirst(prefix)
        if !cents.isEmpty {
            // The point stands in the widest gap before the cents (each of which may be in two pieces).
            let cuts = (1..<tall.count).filter { (cents.count...(2 * cents.count)).contains(tall.count - $0) }
            guard let cut = cuts.max(by: { tall[$0].start - tall[$0 - 1].end < tall[$1].start - tall[$1 - 1].end })
            else {
                return nil
            }
            tall = Array(tall[..<cut])
        }
        let glyphs = Self.evenCells(tall, count: figures.count).compactMap { $0 }
        guard glyphs.count == figures.count else { return nil }
        return Self.lostFour(figures, pieces: glyphs, line: line).map { LostFour(index: prefix + $0.index, sign: $0.sign) }
    }

    /// `misplacedOne` over `characters` and their glyphs, else `flaglessOne`.
    static func lostFour(
        _ characters: [Character], pieces: [GlyphLine.Piece], runs: [[Int]]? = nil, line: GlyphLine
    ) -> LostFour? {
        let misplaced = runs.map { misplacedOne(characters, pieces: pieces, runs: $0) } ?? misplacedOne(characters, pieces: pieces)
        if let index = misplaced {
            return LostFour(index: index, sign: .standsRight)
        }
        return flaglessOne(characters, pieces: pieces, line: line).map { LostFour(index: $0, sign: .noFlag) }
    }

    /// The index of a glyph read 1 that is a bare stem, or nil. Every face's 1 has a flag, a stroke leaving
    /// its stem's top to the left; a 4 on a 1-bit scan at 200 dpi that lost its hairline diagonal and bar
    /// keeps only its stem and foot (an invoice code 096939594744 read 096939591744 by Tesseract and the
    /// second model alike, its other 4s with a stub of bar each, so no placement stood out). A 1 whose thin
    /// flag was lost too is doubted as well: an operator looks, nothing is accepted wrongly.
    static func flaglessOne(_ characters: [Character], pieces: [GlyphLine.Piece], line: GlyphLine) -> Int? {
        guard characters.count == pieces.count else { return nil }
        return characters.indices.first { index in
            guard characters[index] == "1" else { return false }
            // A flag that broke off is a piece of its own: the ink back to the glyph before counts.
            let left = index > 0 ? pieces[index - 1].end : max(0, pieces[index].start - line.bandHeight / 2)
            return line.hasFlag(stem: pieces[index], from: left) == false
        }
    }

    /// The doubt about the glyph at `index` (from 0) that `misplacedOne` found.
    static func lostStrokes(at index: Int) -> String {
        "glyph \(index + 1) is read 1 but stands where a 4's stem does: a 4 that lost its strokes?"
    }

    /// Characters of a value that stand between its runs of figures and may take no glyph of their own
    /// (a date's hyphens, thin enough to be lost).
    static let separators: Set<Character> = ["-", ".", "/", ":", " "]

    /// `lostFour(in:image:)` for a value whose figures come in runs between letters or separators: a G4 scan's
    /// tax ID 911101054899BE33A6 read 911101051899BE33A6 by both engines (and the check character passed),
    /// a date's 2026-09-04 read 2026-09-01. Each run of figures has its own start; the
    /// step is common to all. Only where every glyph is one piece, so glyphs and characters pair up.
    func groupedLostFour(_ text: String, image: GrayImage) -> LostFour? {
        let glyphs = Array(text).filter { !Self.separators.contains($0) }
        guard glyphs.contains("1"), glyphs.filter(\.isASCIIDigit).count >= 5,
            let line = GlyphLine(image: image, splitWide: false)
        else { return nil }
        let tall = line.pieces.filter { Double(line.glyph($0).height) / Double(line.bandHeight) > 0.4 }
        let pieces: [GlyphLine.Piece]
        if tall.count == glyphs.count {
            pieces = tall
        } else if let cells = Self.cells(of: text, pieces: tall) {
            // A thin face's figure in two pieces side by side (a 0's halves): where the value is figures
            // and separators only, each character one cell (a date's hyphen takes a figure's advance), the
            // pieces are put into their cells and joined there.
            pieces = cells
        } else if let (characters, cells) = Self.leadingRun(of: text, pieces: tall) {
            // A tax ID's figures in two pieces and letters after them: its leading run alone is judged.
            return Self.lostFour(characters, pieces: cells, line: line)
        } else {
            return nil
        }
        var runs: [[Int]] = [[]]
        var index = 0
        for character in text {
            if character.isASCIIDigit {
                runs[runs.count - 1].append(index)
            } else if !runs[runs.count - 1].isEmpty {
                runs.append([])
            }
            if !Self.separators.contains(character) { index += 1 }
        }
        return Self.lostFour(glyphs, pieces: pieces, runs: runs.filter { !$0.isEmpty }, line: line)
    }

    /// The leading figures of a value that goes on with a letter (a tax ID's 9131011514 before C6CD7BDC),
    /// with their glyphs: the tall `pieces` up to the first end where they fill as many even cells, each
    /// holding ink, whose figures other than 1 stand at even steps (`StepFit`); nil where no end does so.
    /// Later ends fit too where wider cells each take two figures (9 and 1, 3 and 1 at twice the step),
    /// and an earlier one leaves a last figure in two pieces half out, off its step.
    static func leadingRun(of text: String, pieces: [GlyphLine.Piece]) -> (
        characters: [Character], cells: [GlyphLine.Piece]
    )? {
        let characters = Array(text.prefix { $0.isASCIIDigit })
        guard characters.count >= 5, characters.count < text.count,
            text.dropFirst(characters.count).first?.isLetter == true,
            pieces.count > characters.count
        else { return nil }
        for end in (characters.count - 1)..<(pieces.count - 1) {
            let cells = evenCells(Array(pieces[...end]), count: characters.count).compactMap { $0 }
            guard cells.count == characters.count else { continue }
            let figures = characters.indices.filter { characters[$0] != "1" }.map {
                (place: Double($0), centre: Double(cells[$0].start + cells[$0].end - 1) / 2)
            }
            if let fit = StepFit([figures]), fit.worstMisfit([figures]) == nil { return (characters, cells) }
        }
        return nil
    }

    /// `pieces` put into `count` even cells from the first piece's start to the last one's end, the pieces
    /// of a cell joined (a thin face's figure in two pieces side by side); nil for a cell without ink.
    static func evenCells(_ pieces: [GlyphLine.Piece], count: Int) -> [GlyphLine.Piece?] {
        var cells = [GlyphLine.Piece?](repeating: nil, count: count)
        guard let first = pieces.first, let last = pieces.last, count > 0 else { return cells }
        let cellWidth = Double(last.end - first.start) / Double(count)
        for piece in pieces {
            let centre = Double(piece.start + piece.end - 1) / 2
            let cell = min(count - 1, max(0, Int((centre - Double(first.start)) / cellWidth)))
            cells[cell] =
                cells[cell].map { GlyphLine.Piece(start: min($0.start, piece.start), end: max($0.end, piece.end)) }
                ?? piece
        }
        return cells
    }

    /// The glyphs of `text`, figures and separators that begins and ends with a figure, as the tall
    /// `pieces` put into even cells one character wide and joined there; nil unless every figure's cell
    /// holds ink and no separator's does.
    static func cells(of text: String, pieces: [GlyphLine.Piece]) -> [GlyphLine.Piece]? {
        let characters = Array(text)
        guard characters.allSatisfy({ $0.isASCIIDigit || separators.contains($0) }),
            characters.first?.isASCIIDigit == true,
            characters.last?.isASCIIDigit == true
        else { return nil }
        let cells = evenCells(pieces, count: characters.count)
        guard zip(characters, cells).allSatisfy({ $0.isASCIIDigit == ($1 != nil) }) else { return nil }
        return cells.compactMap { $0 }
    }

    /// The index of a glyph read 1 that stands right of where a 1 stands, or nil.
    ///
    /// Figures are tabular (all ten share one advance), so the glyphs of a number stand at even steps,
    /// and a 1's ink (flag, stem and foot) is centred in its cell or left of it. A black-and-white scan at
    /// 200 dpi loses a thin face's hairlines: a 4 without its diagonal and bar is a stem on a foot, read 1
    /// by Tesseract, by the second model and by the figure prototypes alike (an invoice number 06202124
    /// accepted as 06202121), but it stands where a 4's stem does, a seventh of a step or more right of
    /// the centre (a 1 of the same face stands within a fiftieth of it; the limit is a tenth: a twentieth
    /// doubted a clean scan's leading 1 of 17774531). A 4 that kept a stub of its bar stands only a
    /// fourteenth right (BX68224331061 read BX68221331061 by both engines) and is not caught. Only runs of
    /// figures alone, with at least four other figures to find the steps (letters and punctuation have
    /// advances of their own).
    static func misplacedOne(_ characters: [Character], pieces: [GlyphLine.Piece]) -> Int? {
        guard characters.count >= 5, characters.allSatisfy(\.isASCIIDigit) else { return nil }
        return misplacedOne(characters, pieces: pieces, runs: [Array(characters.indices)])
    }

    /// `misplacedOne` over runs of tabular figures (indices into `characters` and `pieces`, which pair up),
    /// each run with its own start and all with one step: at least four figures other than 1 in runs of
    /// two or more find the step, and every run with a 1 needs one other figure to find its start.
    static func misplacedOne(_ characters: [Character], pieces: [GlyphLine.Piece], runs: [[Int]]) -> Int? {
        guard characters.count == pieces.count, runs.joined().contains(where: { characters[$0] == "1" }) else {
            return nil
        }
        let centres = pieces.map { Double($0.start + $0.end - 1) / 2 }
        // Each run's other figures as (place in the run, centre).
        var others = runs.map { run in
            run.indices.filter { characters[run[$0]] != "1" }.map { (place: Double($0), centre: centres[run[$0]]) }
        }
        guard var fit = StepFit(others) else { return nil }
        // Proportional figures (or a cut that went wrong) do not stand at even steps: no judgement then. One
        // figure off its step among six or more (a G4 scan's thin 3 whose left half was lost, so its ink
        // stands right of its cell's middle) is left out and the steps found again without it.
        if let (run, index) = fit.worstMisfit(others) {
            guard others.filter({ $0.count >= 2 }).map(\.count).reduce(0, +) >= 6 else { return nil }
            others[run].remove(at: index)
            guard let refit = StepFit(others), refit.worstMisfit(others) == nil else { return nil }
            fit = refit
        }
        for (run, start) in zip(runs, fit.starts) {
            guard let start else { continue }
            if let place = run.indices.first(where: {
                characters[run[$0]] == "1" && centres[run[$0]] - (start + fit.step * Double($0)) > fit.step * 0.1
            }) {
                return run[place]
            }
        }
        return nil
    }

    /// The even steps of runs of tabular figures: one step for all runs, a start for each.
    struct StepFit {
        let step: Double
        let starts: [Double?]

        /// A straight line through each run's figures, one slope for all (least squares); nil unless runs
        /// of two or more hold at least four figures.
        init?(_ runs: [[(place: Double, centre: Double)]]) {
            let stepRuns = runs.filter { $0.count >= 2 }
            guard stepRuns.map(\.count).reduce(0, +) >= 4 else { return nil }
            var spread = 0.0
            var covariance = 0.0
            for run in stepRuns {
                let meanPlace = run.map(\.place).reduce(0, +) / Double(run.count)
                let meanCentre = run.map(\.centre).reduce(0, +) / Double(run.count)
                for (place, centre) in run {
                    spread += (place - meanPlace) * (place - meanPlace)
                    covariance += (place - meanPlace) * (centre - meanCentre)
                }
            }
            guard spread > 0, covariance > 0 else { return nil }
            let step = covariance / spread
            self.step = step
            starts = runs.map { run in
                run.isEmpty ? nil : run.map { $0.centre - step * $0.place }.reduce(0, +) / Double(run.count)
            }
        }

        /// The figure (run, index) furthest from its place, if more than a tenth of a step, in runs of two or more.
        func worstMisfit(_ runs: [[(place: Double, centre: Double)]]) -> (Int, Int)? {
            var worst: (run: Int, index: Int, off: Double)? = nil
            for (r, run) in runs.enumerated() where run.count >= 2 {
                for (k, figure) in run.enumerated() {
                    let off = abs(figure.centre - (starts[r]! + step * figure.place))
                    if off > step * 0.1 && off > (worst?.off ?? 0) { worst = (r, k, off) }
                }
            }
            return worst.map { ($0.run, $0.index) }
        }
    }

    /// Checks that `image`, the ink of one printed value, spells `text` glyph for glyph.
    /// - Parameter shapesSettle: whether a figure's shape may tell it from a rival the prototypes find
    ///   about as near (`FigureShape`: a 3 from an 8), which then stops it only when nearer than the figure
    ///   read. Not on 1-bit pages, where a lost stroke opens a loop.
    public func verify(_ text: String, image: GrayImage, alphabet: Alphabet, shapesSettle: Bool = false) -> Outcome {
        let characters = Array(text)
        guard !characters.isEmpty else { return .unconfirmed("nothing to verify") }
        guard let line = GlyphLine(image: image, splitWide: false) else { return .unconfirmed("no line of ink") }
        // Only where a hyphen was read: the crossbar of an H is such a stroke too.
        let pieces = characters.contains("-") ? Self.cuttingHyphens(line) : line.pieces
        guard pieces.count == characters.count else {
            return .unconfirmed("\(pieces.count) glyphs for \(characters.count) characters")
        }
        if let why = placementDoubt(text, image: image) { return .doubtful(why) }
        guard let candidates = prototypes[alphabet] else { return .unconfirmed("no prototypes for this alphabet") }
        let allowed = alphabet.characters
        for (index, character) in characters.enumerated() {
            let glyph = line.glyph(pieces[index])
            guard glyph.height > 0 else { return .unconfirmed("glyph \(index + 1) is empty") }
            let relativeHeight = Double(glyph.height) / Double(line.bandHeight)
            if Self.punctuation.contains(character) {
                // A hyphen is low and wide, a point low and small; neither reaches the figures' height.
                guard relativeHeight < 0.4, character != "-" || glyph.width > glyph.height else {
                    return .unconfirmed("glyph \(index + 1) is not the \(character) read there")
                }
                continue
            }
            guard allowed.contains(character) else { return .unconfirmed("\(character) is not a figure") }
            guard relativeHeight > 0.6 else { return .unconfirmed("glyph \(index + 1) is too small for a figure") }
            let query = candidates.query(glyph)
            let distance = candidates.distance(query, to: character)
            guard distance <= maximumDistance else {
                return .unconfirmed("glyph \(index + 1) is unlike any \(character) (distance \(distance))")
            }
            let toldApartByShape: Set<Character> =
                shapesSettle ? Set("38".filter { FigureShape.tellsApart(glyph, character, from: $0) }) : []
            if let rival = candidates.rival(
                query, of: character, closerThan: distance + minimumMargin, strictLimit: distance, strict: toldApartByShape)
            {
                return .unconfirmed("glyph \(index + 1) could be \(character) or \(rival.character)")
            }
        }
        return .confirmed
    }
}
