/// The check characters of Chinese identifiers and bank cards.
public enum CheckDigits {
    static let idWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let idChecks: [Character] = Array("10X98765432")

    /// GB 11643: an 18-character resident ID whose last character (0–9 or X) matches its weighted sum.
    public static func isValidResidentID(_ id: String) -> Bool {
        let characters = Array(id)
        guard characters.count == 18, characters.prefix(17).allSatisfy(\.isASCIIDigit),
            let last = characters.last, last.isASCIIDigit || last == "X"
        else { return false }
        return residentIDCheck(String(characters.prefix(17))) == last
    }

    /// The check character for the first 17 digits of a resident ID.
    public static func residentIDCheck(_ body: String) -> Character? {
        let values = body.compactMap(\.wholeNumberValue)
        guard values.count == 17 else { return nil }
        let sum = zip(values, idWeights).reduce(0) { $0 + $1.0 * $1.1 }
        return idChecks[sum % 11]
    }

    /// The 31 characters of a unified social credit code (no I, O, S, V, Z).
    public static let usccAlphabet: [Character] = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let usccWeights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    /// GB 32100: an 18-character unified social credit code whose last character matches.
    public static func isValidUSCC(_ code: String) -> Bool {
        let characters = Array(code)
        guard characters.count == 18, characters.allSatisfy(usccAlphabet.contains) else { return false }
        return usccCheck(String(characters.prefix(17))) == characters[17]
    }

    /// The check character for the first 17 characters of a unified social credit code.
    public static func usccCheck(_ body: String) -> Character? {
        var sum = 0
        var count = 0
        for (character, weight) in zip(body, usccWeights) {
            guard let value = usccAlphabet.firstIndex(of: character) else { return nil }
            sum += value * weight
            count += 1
        }
        guard count == 17, body.count == 17 else { return nil }
        return usccAlphabet[(31 - sum % 31) % 31]
    }

    /// Luhn (ISO/IEC 7812): the check of bank card numbers; 16 to 19 digits.
    public static func isValidBankCard(_ number: String) -> Bool {
        guard (16...19).contains(number.count), number.allSatisfy(\.isASCIIDigit) else { return false }
        var sum = 0
        for (index, character) in number.reversed().enumerated() {
            var digit = character.wholeNumberValue!
            if index % 2 == 1 {
                digit *= 2
                if digit > 9 { digit -= 9 }
            }
            sum += digit
        }
        return sum % 10 == 0
    }
}

extension Character {
    /// 0–9 only (not full-width or other scripts' digits).
    public var isASCIIDigit: Bool { isASCII && isNumber }
}
