/// Personal data is shown masked everywhere but in result records: logs, console, reasons, reports.
public enum Masking {
    /// Keeps the first six and last four characters: `110101********4209`, `622202*********6181`.
    public static func mask(_ value: String) -> String {
        let characters = Array(value)
        guard characters.count > 10 else {
            return String(repeating: "*", count: max(0, characters.count - 2)) + String(characters.suffix(2))
        }
        return String(characters.prefix(6)) + String(repeating: "*", count: characters.count - 10)
            + String(characters.suffix(4))
    }

    /// Masks every run of 15 or more digits (with an optional trailing `X`) inside free text: ID numbers
    /// and bank card numbers that slip into a message, a raw OCR string or an error.
    public static func maskDigitRuns(in text: String) -> String {
        replacingDigitRuns(in: text, checkCharacterAfter: 15) { $0.count >= 15 ? mask($0) : $0 }
    }

    /// The record fields that hold personal numbers (resident ID, bank card).
    public static let personalFields: Set<String> = ["id_number", "bank_account"]

    /// Stricter than `maskDigitRuns`, for text about an ID or bank number: a misreading breaks the number
    /// into shorter runs ("3301061966011 4784X"), each of which passes the 15-digit rule, so every run of 5
    /// or more digits is hidden. A whole number shows as everywhere (first six, last four); a fragment shows
    /// nothing, since its first and last characters are not the number's.
    public static func maskNumberFragments(in text: String) -> String {
        replacingDigitRuns(in: text, checkCharacterAfter: 1) { run in
            run.count >= 15 ? mask(run) : run.count >= 5 ? String(repeating: "*", count: run.count) : run
        }
    }

    /// Every run of ASCII digits in `text` (with an `X` that ends an ID number, once the run is
    /// `checkCharacterAfter` long) replaced by what `replace` makes of it.
    static func replacingDigitRuns(in text: String, checkCharacterAfter: Int, _ replace: (String) -> String) -> String {
        var output = ""
        var run = ""
        for character in text {
            if character.isASCII
                && (character.isNumber || ((character == "X" || character == "x") && run.count >= checkCharacterAfter))
            {
                run.append(character)
            } else {
                output += replace(run)
                run = ""
                output.append(character)
            }
        }
        return output + replace(run)
    }
}
