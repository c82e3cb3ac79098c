/// Tolerant text comparison for OCR output: punctuation and spacing are ignored and a few
/// misread characters are forgiven, in proportion to the length of what is sought.
public enum TextMatching {
    /// Drops whitespace and punctuation (ASCII and full-width) that OCR adds or loses at random.
    public static func squeeze(_ text: String) -> String {
        String(
            text.unicodeScalars.filter { scalar in
                !scalar.properties.isWhitespace && !ignorable.contains(scalar)
            }.map(Character.init))
    }

    /// True for spacing and punctuation that OCR adds or drops at random.
    public static func isIgnorable(_ character: Character) -> Bool {
        character.unicodeScalars.allSatisfy { $0.properties.isWhitespace || ignorable.contains($0) }
    }

    private static let ignorable: Set<Unicode.Scalar> = Set(
        ":：,，.。;；'\"“”‘’()（）[]【】|_-—~`!！?？*·、/\\<>《》".unicodeScalars)

    /// Levenshtein distance over characters.
    public static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// Misreads forgiven when looking for `needle`: none up to 3 characters, one per four beyond.
    public static func tolerance(for needle: String) -> Int {
        needle.count <= 3 ? 0 : needle.count / 4
    }

    /// The smallest edit distance between `needle` and any substring of `haystack` (both squeezed),
    /// and where in `haystack` (character offset) that best substring starts.
    public static func bestMatch(of needle: String, in haystack: String) -> (distance: Int, offset: Int)? {
        let n = Array(squeeze(needle))
        let h = Array(squeeze(haystack))
        guard !n.isEmpty, !h.isEmpty else { return nil }
        // Semi-global alignment: free start and end in the haystack.
        var previous = [Int](repeating: 0, count: h.count + 1)
        var previousStart = Array(0...h.count)
        for i in 1...n.count {
            var current = [Int](repeating: 0, count: h.count + 1)
            var currentStart = [Int](repeating: 0, count: h.count + 1)
            current[0] = i
            currentStart[0] = 0
            for j in 1...h.count {
                let substitute = previous[j - 1] + (n[i - 1] == h[j - 1] ? 0 : 1)
                let delete = previous[j] + 1
                let insert = current[j - 1] + 1
                if substitute <= delete && substitute <= insert {
                    current[j] = substitute
                    currentStart[j] = previousStart[j - 1]
                } else if delete <= insert {
                    current[j] = delete
                    currentStart[j] = previousStart[j]
                } else {
                    current[j] = insert
                    currentStart[j] = currentStart[j - 1]
                }
            }
            previous = current
            previousStart = currentStart
        }
        var best = (distance: Int.max, offset: 0)
        for j in 1...h.count where previous[j] < best.distance {
            best = (previous[j], previousStart[j])
        }
        return best
    }

    /// True when `needle` occurs in `haystack` within its tolerance.
    public static func contains(_ haystack: String, _ needle: String) -> Bool {
        guard let match = bestMatch(of: needle, in: haystack) else { return false }
        return match.distance <= tolerance(for: needle)
    }
}
