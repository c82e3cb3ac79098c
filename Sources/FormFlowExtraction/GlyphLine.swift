import FormFlowCore

/// A printed line cut into candidate pieces: the columns of ink between blank columns, inside the
/// line's text band. Characters are one or more neighbouring pieces (伍 is 亻 and 五).
public struct GlyphLine: Sendable {
    public struct Piece: Sendable, Hashable {
        public var start: Int
        public var end: Int  // exclusive

        public init(start: Int, end: Int) {
            self.start = start
            self.end = end
        }
    }

    public let width: Int
    public let top: Int
    public let bottom: Int  // exclusive
    public let ink: [Bool]
    public let pieces: [Piece]

    public var bandHeight: Int { bottom - top }

    /// Binarises (Otsu), drops specks of scanner noise, finds the text band and its ink columns.
    /// `splitWide`: cut pieces wider than a Chinese character (off for figures, which are narrower:
    /// a cut there would only guess).
    public init?(image: GrayImage, splitWide: Bool = true) {
        let threshold = min(image.otsuThreshold(), 200)
        var ink = image.pixels.map { $0 <= threshold }  // Otsu's level is the last of the dark class
        let width = image.width
        let height = image.height
        guard width > 4, height > 4 else { return nil }
        Self.removeSpecks(&ink, width: width, height: height, minimumPixels: max(6, height / 6))

        // The text band: the run of inked rows (gaps of up to 2 rows bridged) holding the most ink.
        var rowInk = [Int](repeating: 0, count: height)
        for y in 0..<height { for x in 0..<width where ink[y * width + x] { rowInk[y] += 1 } }
        var best: (top: Int, bottom: Int, ink: Int)? = nil
        var y = 0
        while y < height {
            guard rowInk[y] > 0 else {
                y += 1
                continue
            }
            var end = y
            var total = 0
            var gap = 0
            var cursor = y
            while cursor < height && gap <= 2 {
                if rowInk[cursor] > 0 {
                    total += rowInk[cursor]
                    end = cursor + 1
                    gap = 0
                } else {
                    gap += 1
                }
                cursor += 1
            }
            if total > (best?.ink ?? 0) { best = (y, end, total) }
            y = end + 1
        }
        guard let band = best, band.bottom - band.top >= 6 else { return nil }

        var pieces: [Piece] = []
        var start: Int? = nil
        for x in 0...width {
            var columnHasInk = false
            if x < width {
                for y in band.top..<band.bottom where ink[y * width + x] {
                    columnHasInk = true
                    break
                }
            }
            if columnHasInk, start == nil { start = x }
            if !columnHasInk, let begin = start {
                pieces.append(Piece(start: begin, end: x))
                start = nil
            }
        }
        guard !pieces.isEmpty else { return nil }
        // Blur and JPEG can join neighbouring characters: cut a piece wider than a character at its
        // thinnest column near one character's width from its start.
        let bandHeight = band.bottom - band.top
        var split: [Piece] = []
        for piece in pieces {
            var current = piece
            while splitWide, current.end - current.start > Int(Double(bandHeight) * 1.3) {
                let from = current.start + Int(Double(bandHeight) * 0.7)
                let to = min(current.end - 1, current.start + Int(Double(bandHeight) * 1.15))
                guard from < to else { break }
                var cut = from
                var least = Int.max
                for x in from...to {
                    var count = 0
                    for y in band.top..<band.bottom where ink[y * width + x] { count += 1 }
                    if count < least {
                        least = count
                        cut = x
                    }
                }
                split.append(Piece(start: current.start, end: cut))
                current = Piece(start: cut + 1, end: current.end)
            }
            split.append(current)
        }
        pieces = split
        self.width = width
        self.top = band.top
        self.bottom = band.bottom
        self.ink = ink
        self.pieces = pieces
    }

    /// How many full-width (CJK) characters the ink spans: each takes about one band height.
    public var estimatedCharacterCount: Int {
        guard let first = pieces.first, let last = pieces.last, bandHeight > 0 else { return 0 }
        return Int((Double(last.end - first.start) / (Double(bandHeight) * 1.02)).rounded())
    }

    /// Inked pixels of one column inside the text band.
    public func inkInColumn(_ x: Int) -> Int {
        (top..<bottom).reduce(0) { $0 + (ink[$1 * width + x] ? 1 : 0) }
    }

    /// The glyph made of pieces `first...last`, cropped to its ink.
    public func glyph(first: Int, last: Int) -> Glyph {
        glyph(Piece(start: pieces[first].start, end: pieces[last].end))
    }

    /// The ink of the band between the piece's columns, cropped to its rows.
    public func glyph(_ piece: Piece) -> Glyph {
        let left = piece.start
        let right = piece.end
        var minY = bottom
        var maxY = top
        for y in top..<bottom {
            for x in left..<right where ink[y * width + x] {
                minY = min(minY, y)
                maxY = max(maxY, y)
                break
            }
        }
        guard maxY >= minY else { return Glyph(width: 0, height: 0, ink: []) }
        let glyphWidth = right - left
        let glyphHeight = maxY - minY + 1
        var cells = [Bool](repeating: false, count: glyphWidth * glyphHeight)
        for y in 0..<glyphHeight {
            for x in 0..<glyphWidth {
                cells[y * glyphWidth + x] = ink[(minY + y) * width + left + x]
            }
        }
        return Glyph(width: glyphWidth, height: glyphHeight, ink: cells)
    }

    /// Whether the glyph whose stem stands in `piece` has a 1's flag: ink in the top third of the glyph
    /// left of where its stem stands at mid-height, looking as far left as column `left`. Nil for a
    /// piece too short to tell.
    func hasFlag(stem piece: Piece, from left: Int) -> Bool? {
        let extents = (piece.start..<piece.end).compactMap { inkExtent(column: $0) }
        guard let glyphTop = extents.map(\.top).min(), let glyphBottom = extents.map(\.bottom).max() else { return nil }
        let height = glyphBottom - glyphTop + 1
        guard height >= 8 else { return nil }
        let middle = (glyphTop + 2 * height / 5)...(glyphTop + 3 * height / 5)
        guard let stemLeft = (piece.start..<piece.end).first(where: { x in middle.contains { ink[$0 * width + x] } })
        else { return nil }
        let flagRows = glyphTop..<(glyphTop + max(2, height * 7 / 20))
        return (max(0, left)..<stemLeft).contains { x in flagRows.contains { ink[$0 * width + x] } }
    }

    /// The pieces that are a bare stem: an upright stroke as tall as the line's figures, narrow, with no
    /// ink beside it in its top third (a 1's flag, a 7's or a T's bar, the arms of E, F, P) and mostly one
    /// narrow run of ink in its middle rows (a stub of a 4's bar may cross them; a foot lower down is
    /// allowed). What a 4 of a thin face keeps of itself on a 1-bit scan; no figure but a 4 so damaged has
    /// that shape (letters: I, L, J). A flag that broke off is a short piece just left of the stem's top.
    func bareStems() -> [Piece] {
        let heights = pieces.map { glyph($0).height }
        guard let tallest = heights.max(), tallest >= 8 else { return [] }
        return pieces.indices.filter { index in
            let piece = pieces[index]
            let height = heights[index]
            guard Double(height) >= 0.7 * Double(tallest), Double(piece.end - piece.start) <= 0.6 * Double(height),
                let glyphTop = (piece.start..<piece.end).compactMap({ inkExtent(column: $0) }).map(\.top).min()
            else { return false }
            let stroke = max(3, height / 5)
            let middle = (glyphTop + 2 * height / 5)...(glyphTop + 3 * height / 5)
            var stem: ClosedRange<Int>? = nil
            var narrowRows = 0
            for y in middle {
                let inked = (piece.start..<piece.end).filter { ink[y * width + $0] }
                guard let first = inked.first, let last = inked.last, last - first + 1 == inked.count, inked.count <= stroke
                else { continue }
                narrowRows += 1
                stem = stem.map { min($0.lowerBound, first)...max($0.upperBound, last) } ?? first...last
            }
            // Upright: the narrow runs stand in one column band (a bowl's side drifts across several).
            guard let stem, 2 * narrowRows >= middle.count, stem.count <= stroke + 2 else { return false }
            let flagRows = glyphTop..<(glyphTop + max(2, height * 7 / 20))
            let beside = (piece.start..<piece.end).filter { $0 < stem.lowerBound - 1 || $0 > stem.upperBound + 1 }
            guard !beside.contains(where: { x in flagRows.contains { ink[$0 * width + x] } }) else { return false }
            if index > 0, pieces[index - 1].end + stroke >= piece.start, heights[index - 1] < height / 2,
                let previousBottom = (pieces[index - 1].start..<pieces[index - 1].end).compactMap({ inkExtent(column: $0) })
                    .map(\.bottom).max(),
                previousBottom <= glyphTop + height * 9 / 20
            {
                return false
            }
            return true
        }.map { pieces[$0] }
    }

    /// The top and bottom ink row of column `x` inside the band, or nil for a blank column.
    func inkExtent(column x: Int) -> (top: Int, bottom: Int)? {
        var first: Int? = nil
        var last = 0
        for y in top..<bottom where ink[y * width + x] {
            if first == nil { first = y }
            last = y
        }
        return first.map { ($0, last) }
    }

    /// Removes 8-connected blobs smaller than `minimumPixels` (salt noise of scans).
    static func removeSpecks(_ ink: inout [Bool], width: Int, height: Int, minimumPixels: Int) {
        var seen = [Bool](repeating: false, count: ink.count)
        var stack: [Int] = []
        var blob: [Int] = []
        for start in ink.indices where ink[start] && !seen[start] {
            stack = [start]
            blob = []
            seen[start] = true
            while let index = stack.popLast() {
                blob.append(index)
                let x = index % width
                let y = index / width
                for dy in -1...1 {
                    for dx in -1...1 {
                        let nx = x + dx
                        let ny = y + dy
                        guard nx >= 0, ny >= 0, nx < width, ny < height else { continue }
                        let neighbour = ny * width + nx
                        if ink[neighbour] && !seen[neighbour] {
                            seen[neighbour] = true
                            stack.append(neighbour)
                        }
                    }
                }
            }
            if blob.count < minimumPixels { for index in blob { ink[index] = false } }
        }
    }
}
