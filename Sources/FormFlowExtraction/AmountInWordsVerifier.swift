import FormFlowCore

/// Checks whether a line of financial capitals, as Tesseract read it character by character, says the
/// same amount as the figures.
///
/// Tesseract's Chinese model misreads several of these characters (仟→什, 叁→参, 柒→染 …) in ways that
/// vary with the typeface, so the reading is not compared as a string. Each character position is
/// judged on its own: a position agrees when Tesseract read the expected character or kept it among
/// its alternatives for a garbled reading; it contradicts when Tesseract clearly read a *different*
/// character of the financial alphabet. One contradiction makes the line a real mismatch; a garbled
/// position without the expected character among its alternatives leaves the line unverified.
public enum AmountInWordsVerifier {
    public enum Verdict: Sendable, Hashable {
        /// Every position agrees with the expected characters.
        case matches
        /// The line clearly says something else; the best reconstruction of what it says.
        case contradicts(String)
        /// Neither: some positions are unreadable.
        case unverified(reason: String)
    }

    public static func verify(symbols: [RecognizedSymbol], raw: String, expected: String) -> Verdict {
        let expectedCharacters = Array(expected)
        let characters = symbols.filter { $0.text.count == 1 && $0.text.first!.isCJK }
        let read = characters.map(\.text).joined()
        if read == expected { return .matches }
        if ChineseAmount.parse(read) != nil { return .contradicts(read) }
        guard characters.count == expectedCharacters.count else {
            return .unverified(reason: "read \(characters.count) characters, the amount needs \(expectedCharacters.count)")
        }
        var conflicts = 0
        var unknown = 0
        var reconstruction = ""
        for (symbol, wanted) in zip(characters, expectedCharacters) {
            let seen = symbol.text.first!
            if seen == wanted {
                reconstruction.append(seen)
            } else if ChineseAmount.alphabet.contains(seen) {
                conflicts += 1
                reconstruction.append(seen)
            } else if symbol.choices.contains(where: { $0.text == String(wanted) }) {
                reconstruction.append(wanted)
            } else {
                unknown += 1
                let alternative = symbol.choices.first { $0.text.count == 1 && ChineseAmount.alphabet.contains($0.text.first!) }
                reconstruction.append(alternative.map { Character($0.text) } ?? seen)
            }
        }
        if conflicts > 0 { return .contradicts(reconstruction) }
        if unknown > 0 {
            return .unverified(reason: "\(unknown) of \(expectedCharacters.count) characters are unreadable")
        }
        return .matches
    }
}
