import FormFlowCore
import Foundation

/// How a reading fares against its field's type.
public enum TypeCheck: String, Sendable, Hashable, Codable {
    /// Well formed, and its check character (if any) holds.
    case valid
    /// Well formed, but the check character fails: either a misread or a truly invalid number.
    case checksumFailed = "checksum_failed"
    /// Not a value of this type (wrong length, stray characters, impossible date).
    case malformed
}

/// A reading turned into a normalised value, with how it checked out.
public struct NormalizedReading: Sendable, Hashable {
    public var value: FieldValue
    public var check: TypeCheck
    public var note: String?
    /// The resolution the reading was made at (page pixels per template pixel, rounded); readings at the
    /// same resolution tend to share their errors, so agreement needs two different ones.
    public var resolution: Int = 0
    /// Made by the other language model than the field's own: its confusions are not the same.
    public var byOtherModel = false
    /// A well-formed name whose surname is not on the list of surnames (so `malformed`): the list stops
    /// a misread first character, but glyphs and the second model reading the same rare surname (逄, 酆)
    /// are two independent readers.
    public var unlistedSurname = false

    public init(value: FieldValue, check: TypeCheck, note: String? = nil) {
        self.value = value
        self.check = check
        self.note = note
    }
}

/// Turns raw OCR text into the normalised value SPEC.md defines for each field type.
///
/// Only repairs that cannot change a correct reading are made (dropping spaces and stray punctuation,
/// O→0 where only digits can stand); a value that needs guessing is reported `malformed`.
public enum FieldNormalizer {
    public static func normalize(
        _ raw: String, type: FieldType, pattern: String? = nil, vocabulary: [String] = [], allowed: [String] = [],
        givenNameCharacters: Set<Character> = []
    ) -> NormalizedReading? {
        let compact = raw.filter { !$0.isWhitespace }
        // Punctuation OCR picks up from labels and rules (':' '|' '_'), except what a value may contain.
        let trimmed = String(compact.filter { !TextMatching.isIgnorable($0) || ".-%".contains($0) })
        switch type {
        case .code:
            return code(compact, pattern: pattern ?? ".+")
        case .date:
            return date(compact)
        case .chineseName:
            let name = compact.filter(\.isCJK)
            guard !name.isEmpty else { return nil }
            // Two or three characters; four after a compound surname (欧阳建国).
            let compound = vocabulary.contains { $0.count == 2 && name.hasPrefix($0) }
            guard (2...(compound ? 4 : 3)).contains(name.count) else {
                return NormalizedReading(value: .text(name), check: .malformed)
            }
            // With a list of surnames, a name must start with one and have a given name after it: a
            // misread first character (王 → 还) rarely lands on another surname.
            if !vocabulary.isEmpty, !vocabulary.contains(where: { name.hasPrefix($0) && name.count > $0.count }) {
                // A given name's character where the surname stands has lost the surname (郭建国 read 建国,
                // its 郭 under a seal's star): not a rare surname, which the readers may confirm.
                if let first = name.first, givenNameCharacters.contains(first) {
                    return NormalizedReading(
                        value: .text(name), check: .malformed,
                        note: "\(first) is a given name's character, not a surname: the surname may be lost (a seal, a blot)")
                }
                var reading = NormalizedReading(
                    value: .text(name), check: .malformed, note: "\(name.prefix(1)) is not on the list of surnames")
                reading.unlistedSurname = true
                return reading
            }
            return NormalizedReading(value: .text(name), check: .valid)
        case .organisation:
            let name = String(compact.filter { $0.isCJK || "()（）".contains($0) })
            guard !name.isEmpty else { return nil }
            // A list of known organisations confirms a name read exactly; it never replaces one: a
            // supplier one character away from a known one is a look-alike, not a misread.
            let note = vocabulary.isEmpty || vocabulary.contains(name) ? nil : ListMatch.describe(name, in: vocabulary)
            return NormalizedReading(value: .text(name), check: name.count >= 4 ? .valid : .malformed, note: note)
        case .enumerated:
            return enumerated(TextMatching.squeeze(compact).filter(\.isCJK), vocabulary: vocabulary)
        case .money:
            var digits = compact.filter { $0.isASCIIDigit || $0 == "." }
            // A speck after the cents reads as a full stop (2258.89. five times on a grey scan): printed
            // money ends with its two decimals, so nothing that was printed is dropped with it.
            if digits.hasSuffix("."), let point = digits.dropLast().lastIndex(of: "."), digits.distance(from: point, to: digits.endIndex) == 4 {
                digits.removeLast()
            }
            guard !digits.isEmpty else { return nil }
            if let amount = Money.parse(digits) {
                return NormalizedReading(value: .text(Money.format(amount)), check: .valid)
            }
            return NormalizedReading(value: .text(digits), check: .malformed)
        case .amountInWords:
            let words = String(compact.filter(\.isCJK))
            guard !words.isEmpty else { return nil }
            return NormalizedReading(value: .text(words), check: ChineseAmount.parse(words) == nil ? .malformed : .valid)
        case .integer:
            let digits = trimmed.filter(\.isASCIIDigit)
            guard !digits.isEmpty else { return nil }
            guard digits.count <= 4, let number = Int(digits), digits.count == trimmed.count else {
                return NormalizedReading(value: .text(digits), check: .malformed)
            }
            return NormalizedReading(value: .integer(number), check: .valid)
        case .id18:
            let id = digitsOnly(compact.uppercased(), keeping: "X")
            guard !id.isEmpty else { return nil }
            guard id.count == 18, id.prefix(17).allSatisfy(\.isASCIIDigit), !id.prefix(17).contains("X") else {
                return NormalizedReading(value: .text(id), check: .malformed)
            }
            return NormalizedReading(value: .text(id), check: CheckDigits.isValidResidentID(id) ? .valid : .checksumFailed)
        case .uscc:
            let code = String(compact.uppercased().filter { CheckDigits.usccAlphabet.contains($0) || $0 == "O" || $0 == "I" })
                .map { $0 == "O" ? "0" : $0 == "I" ? "1" : String($0) }.joined()
            guard !code.isEmpty else { return nil }
            // Characters 3–8 are the registering office's administrative division (GB 32100): figures only.
            // A letter there is a misread (a seal's 0 read U by both engines), not an invalid code.
            guard code.count == 18, code.dropFirst(2).prefix(6).allSatisfy(\.isASCIIDigit) else {
                return NormalizedReading(value: .text(code), check: .malformed)
            }
            return NormalizedReading(value: .text(code), check: CheckDigits.isValidUSCC(code) ? .valid : .checksumFailed)
        case .bankCard:
            let number = digitsOnly(compact, keeping: "")
            guard !number.isEmpty else { return nil }
            // No card number begins with 0 (ISO/IEC 7812: its first figure names the industry, 0 none that
            // issues cards), and a leading 0 is the one misread the Luhn check cannot see: a mark before the
            // number read 0 made 62284897912861503 into 062284897912861503, "confirmed" by its check.
            guard (16...19).contains(number.count), number.count == trimmed.count, number.first != "0" else {
                return NormalizedReading(value: .text(number), check: .malformed)
            }
            return NormalizedReading(value: .text(number), check: CheckDigits.isValidBankCard(number) ? .valid : .checksumFailed)
        case .percent:
            let digits = compact.filter(\.isASCIIDigit)
            guard !digits.isEmpty else { return nil }
            let value = "\(Int(digits) ?? -1)%"
            return NormalizedReading(value: .text(value), check: allowed.contains(value) ? .valid : .malformed)
        case .text:
            return compact.isEmpty ? nil : NormalizedReading(value: .text(compact), check: .valid)
        }
    }

    /// Keeps digits (and the given extra characters), mapping the letter O to 0: in a digits-only
    /// field it cannot be anything else.
    static func digitsOnly(_ text: String, keeping extra: String) -> String {
        String(
            text.compactMap { character -> Character? in
                if character.isASCIIDigit || extra.contains(character) { return character }
                if character == "O" || character == "o" { return "0" }
                return nil
            })
    }

    static func code(_ text: String, pattern: String) -> NormalizedReading? {
        let cleaned = String(text.uppercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber) })
        guard !cleaned.isEmpty, let regex = try? Regex("^(?:\(pattern))$") else { return nil }
        if cleaned.wholeMatch(of: regex) != nil {
            return NormalizedReading(value: .text(cleaned), check: .valid)
        }
        // The letters the pattern itself begins with (a claim number's BX) are printed on every form and carry
        // nothing of the value: a figure read there in their place is that letter (a G4 scan's B read 8 by
        // every reading). Only the fixed letters; no character of the value itself is changed.
        let prefix = pattern.prefix { $0.isASCII && $0.isUppercase }
        if !prefix.isEmpty, cleaned.count > prefix.count {
            let head = cleaned.prefix(prefix.count)
            let mended = String(prefix) + cleaned.dropFirst(prefix.count)
            if head != prefix, zip(head, prefix).allSatisfy({ $0 == $1 || Self.figureForLetter[$1] == $0 }),
                mended.wholeMatch(of: regex) != nil
            {
                return NormalizedReading(value: .text(mended), check: .valid)
            }
        }
        // Extra characters are never dropped: a nine-digit reading of an eight-digit number is not that
        // number with one digit less (every reading would drop the same one and agree).
        return NormalizedReading(
            value: .text(cleaned), check: .malformed, note: "\(cleaned.count) characters do not fit the pattern \(pattern)")
    }

    /// The figure a printed capital is read as, where its shape is nearly the figure's.
    static let figureForLetter: [Character: Character] = ["B": "8", "O": "0", "D": "0", "I": "1", "S": "5", "Z": "2", "G": "6"]

    static func date(_ text: String) -> NormalizedReading? {
        let digits = text.filter(\.isASCIIDigit)
        guard !digits.isEmpty else { return nil }
        var year: Int?
        var month: Int?
        var day: Int?
        let parts = text.split(whereSeparator: { !$0.isASCIIDigit }).map(String.init)
        if parts.count == 3 {
            (year, month, day) = (Int(parts[0]), Int(parts[1]), Int(parts[2]))
        } else if digits.count == 8 {
            let d = Array(digits)
            (year, month, day) = (Int(String(d[0..<4])), Int(String(d[4..<6])), Int(String(d[6..<8])))
        }
        guard let year, let month, let day, (1990...2100).contains(year), (1...12).contains(month),
            (1...daysIn(month: month, year: year)).contains(day)
        else {
            return NormalizedReading(value: .text(text), check: .malformed)
        }
        let value = String(format: "%04d-%02d-%02d", year, month, day)
        return NormalizedReading(value: .text(value), check: .valid)
    }

    /// Whether `text`, a value of `type` with a 4 put where a 1 was read, could be printed so: where a
    /// lost 4 is looked for (`FigurePlacement`), a place where no 4 can stand holds a 1. An ID's birth
    /// date stays a date (no 4 in a month's or a day's tens); a tax ID's second character is its kind of
    /// body, which is never 4 but after registering authority 3 (GB 32100: 91 is an enterprise, 94
    /// nothing).
    static func fourMayStand(in text: String, _ type: FieldType) -> Bool {
        let characters = Array(text)
        switch type {
        case .id18:
            guard characters.count == 18, let year = Int(String(characters[6..<10])),
                let month = Int(String(characters[10..<12])), let day = Int(String(characters[12..<14]))
            else { return true }
            return (1900...2100).contains(year) && (1...12).contains(month)
                && (1...daysIn(month: month, year: year)).contains(day)
        case .uscc:
            return characters.count < 2 || characters[1] != "4" || characters[0] == "3"
        default:
            return true
        }
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// An entry of the list when the text is exactly one; otherwise the text itself, well formed but with
    /// a note naming the nearest entry. The list confirms a reading, it never corrects one (审计科 is not
    /// 审批科); the extractor then needs stronger agreement, and validation reports an unlisted value.
    static func enumerated(_ text: String, vocabulary: [String]) -> NormalizedReading? {
        guard !text.isEmpty else { return nil }
        if vocabulary.isEmpty || vocabulary.contains(text) { return NormalizedReading(value: .text(text), check: .valid) }
        return NormalizedReading(value: .text(text), check: .valid, note: ListMatch.describe(text, in: vocabulary))
    }
}

/// How a value stands to a closed list: on it, one or two characters away from an entry (a look-alike
/// or a misread, never decided by the list), or unlike every entry.
public enum ListMatch: Sendable, Equatable {
    case listed
    case near(entry: String, differences: Int)
    case unlisted

    /// Entries within one character (two for names of five or more characters) are near.
    public static func of(_ value: String, in vocabulary: [String]) -> ListMatch {
        if vocabulary.contains(value) { return .listed }
        let scored = vocabulary.map { ($0, TextMatching.distance(Array($0), Array(value))) }.sorted { $0.1 < $1.1 }
        guard let (entry, distance) = scored.first, distance <= (entry.count >= 5 ? 2 : 1) else { return .unlisted }
        return .near(entry: entry, differences: distance)
    }

    /// The places where a look-alike differs from the known name it is near, when it has that name's
    /// length (characters changed, none added or left out); nil for anything else (a listed name, one
    /// far from every entry, or one a character longer: 天津津心软件有限公司一, a seal's edge read 一).
    public static func differences(_ value: String, in vocabulary: [String]) -> Set<Int>? {
        guard case .near(let entry, _) = of(value, in: vocabulary), entry.count == value.count else { return nil }
        return Set(zip(entry, value).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset))
    }

    /// The entry whose start or end `value` is, but for one character at most, when it is shorter than the
    /// entry (a name cut short reads so): the entry, and "start" or "end".
    public static func part(_ value: String, in vocabulary: [String]) -> (entry: String, end: String)? {
        let characters = Array(value)
        guard characters.count >= 2 else { return nil }
        for entry in vocabulary where entry.count > characters.count {
            let known = Array(entry)
            if TextMatching.distance(Array(known.suffix(characters.count)), characters) <= 1 { return (entry, "end") }
            if TextMatching.distance(Array(known.prefix(characters.count)), characters) <= 1 { return (entry, "start") }
        }
        return nil
    }

    /// The note a reading off the list carries.
    static func describe(_ value: String, in vocabulary: [String]) -> String {
        switch of(value, in: vocabulary) {
        case .listed: "on the list"
        case .near(let entry, let differences): "not on the list; \(differences == 1 ? "一字之差" : "\(differences) characters") from \(entry)"
        case .unlisted: "not on the list"
        }
    }
}

extension Character {
    /// A CJK unified ideograph (the characters of Chinese names and labels).
    public var isCJK: Bool {
        guard let scalar = unicodeScalars.first, unicodeScalars.count == 1 else { return false }
        return (0x4E00...0x9FFF).contains(scalar.value) || (0x3400...0x4DBF).contains(scalar.value)
    }
}
