/// Traditional characters as the simplified ones the documents print. The second OCR model was trained
/// on both scripts and reads a Kai or Ming face's name partly as its traditional form (吳 at 0.25 beside
/// 吴 at 0.72; 黃, 強, 靜): one character it was unsure between two spellings of, not two characters.
/// The table (`pairs`, generated from Unihan by tools/make_chinese_variants.py) holds only traditional
/// characters outside GB 2312 whose simplified form is in it, so a rare character a name really uses
/// (龑, 乾) is never changed.
public enum TraditionalCharacters {
    /// The simplified form of `character`, or `character` itself.
    public static func simplified(_ character: Character) -> Character {
        table[character] ?? character
    }

    private static let table: [Character: Character] = {
        let characters = Array(pairs)
        return Dictionary(
            stride(from: 0, to: characters.count - 1, by: 2).map { (characters[$0], characters[$0 + 1]) },
            uniquingKeysWith: { first, _ in first })
    }()
}

extension LineReading {
    /// The line with traditional characters folded into their simplified forms: at each place the
    /// probabilities of the two spellings are added, and the likeliest character after that is the one
    /// read (吳 0.25 + 吴 0.72 → 吴 0.97).
    public func foldingTraditional() -> LineReading {
        guard !alternatives.isEmpty else {
            return LineReading(text: String(text.map(TraditionalCharacters.simplified)), confidences: confidences)
        }
        var places: [[Alternative]] = []
        var text = ""
        var confidences: [Double] = []
        for (index, (read, place)) in zip(self.text, alternatives).enumerated() {
            var merged: [Character: Double] = [:]
            var order: [Character] = []
            for alternative in place {
                let character = TraditionalCharacters.simplified(alternative.character)
                if merged[character] == nil { order.append(character) }
                merged[character, default: 0] += alternative.probability
            }
            let folded = order.map { Alternative(character: $0, probability: merged[$0]!) }
                .sorted { $0.probability > $1.probability }
            let fallback = TraditionalCharacters.simplified(read)
            let best = folded.first?.character ?? fallback
            text.append(best)
            confidences.append(merged[best] ?? self.confidences[index])
            places.append(folded)
        }
        return LineReading(text: text, confidences: confidences, alternatives: places)
    }
}
