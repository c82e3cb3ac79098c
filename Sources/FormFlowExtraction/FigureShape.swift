/// Tells a 3 from an 8 by the figure's shape, whatever the typeface: an 8 closes two loops, a 3 leaves
/// its left side open beside both bowls. The prototypes cannot: an old-style 3 with ball terminals (AR PL
/// KaitiM, UKai) lies as near the prototypes of 8 as of 3, and Tesseract reads such 3s as 8 at every
/// resolution (on a fresh set with KaitiM values, 38 amounts and codes were held so on 31 documents).
public enum FigureShape {
    /// Whether `glyph` has the shape of `character` and not that of `other`, for the pair 3 and 8; false
    /// for any other pair, and where the shape is neither clearly (a loop filled by blur, a stroke lost).
    public static func tellsApart(_ glyph: Glyph, _ character: Character, from other: Character) -> Bool {
        switch (character, other) {
        case ("3", "8"): isThree(glyph)
        case ("8", "3"): isEight(glyph)
        default: false
        }
    }

    /// No loop, and paper reaching nearly halfway into the figure from its left beside both bowls.
    static func isThree(_ glyph: Glyph) -> Bool {
        guard holes(glyph) == 0, let opening = leftOpenings(glyph) else { return false }
        return opening.upper >= 0.45 && opening.lower >= 0.45
    }

    /// Two loops; or one, where a thin stroke at the other's top broke at the ink's level, with the left
    /// side closed beside both bowls (a scan's Kai 8 at 26 pixels).
    static func isEight(_ glyph: Glyph) -> Bool {
        switch holes(glyph) {
        case 2: return true
        case 1:
            guard let opening = leftOpenings(glyph) else { return false }
            return opening.upper <= 0.3 && opening.lower <= 0.3
        default: return false
        }
    }

    /// The enclosed regions of paper in the glyph: paper not reachable from its edge, in pieces of at
    /// least `minimumHole` pixels (a speck of paper between touching strokes is none).
    static func holes(_ glyph: Glyph, minimumHole: Int = 3) -> Int {
        let (width, height) = (glyph.width, glyph.height)
        guard width > 2, height > 2, glyph.ink.count == width * height else { return 0 }
        var seen = [Bool](repeating: false, count: width * height)
        func fill(from start: Int) -> Int {
            var stack = [start]
            seen[start] = true
            var size = 0
            while let index = stack.popLast() {
                size += 1
                let (x, y) = (index % width, index / width)
                for (nx, ny) in [(x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1)]
                where nx >= 0 && ny >= 0 && nx < width && ny < height {
                    let next = ny * width + nx
                    if !glyph.ink[next] && !seen[next] {
                        seen[next] = true
                        stack.append(next)
                    }
                }
            }
            return size
        }
        // The paper around the figure first: whatever it reaches is no hole.
        for index in 0..<(width * height) {
            let (x, y) = (index % width, index / width)
            let onEdge = x == 0 || y == 0 || x == width - 1 || y == height - 1
            if onEdge && !glyph.ink[index] && !seen[index] { _ = fill(from: index) }
        }
        var count = 0
        for index in 0..<(width * height) where !glyph.ink[index] && !seen[index] {
            if fill(from: index) >= minimumHole { count += 1 }
        }
        return count
    }

    /// How far the paper reaches into the glyph from its left, as a share of its width: the furthest in the
    /// rows through the upper bowl (30–42% of the height) and in those through the lower one (58–70%). A
    /// 3's ball terminal may reach into a band (UKai's lower one down to 65%), never through all its rows.
    /// Of the 136 prototypes of 3 and 8 in 18 faces and 4 drawings each (`digits.txt`), every 3 is a 3 by
    /// these rules and no 8 is; the 8s drawn with broken loops are neither.
    static func leftOpenings(_ glyph: Glyph) -> (upper: Double, lower: Double)? {
        let (width, height) = (glyph.width, glyph.height)
        guard width > 2, height >= 10, glyph.ink.count == width * height else { return nil }
        func furthest(from low: Double, to high: Double) -> Double {
            let rows = Int((low * Double(height)).rounded(.up))...Int((high * Double(height)).rounded(.down))
            return rows.map { y in
                Double((0..<width).first { glyph.ink[y * width + $0] } ?? width) / Double(width)
            }.max() ?? 0
        }
        return (furthest(from: 0.3, to: 0.42), furthest(from: 0.58, to: 0.7))
    }
}
