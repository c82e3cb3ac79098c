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
        var output = ""
        var run = ""
        func flush() {
            output += run.count >= 15 ? mask(run) : run
            run = ""
        }
        for character in text {
            if character.isASCII && (character.isNumber || ((character == "X" || character == "x") && run.count >= 15)) {
                run.append(character)
            } else {
                flush()
                output.append(character)
            }
        }
        flush()
        return output
    }
}
