import Foundation

/// Chinese financial capitals (大写金额), both directions: 1001.01 ⇄ 壹仟零壹元零壹分.
///
/// The rules are the ones banks and the tax office print: digits 零壹贰叁肆伍陆柒捌玖 with units 拾佰仟 inside
/// sections of four digits, sections joined by 万 and 亿; one 零 stands for any run of zeros between
/// non-zero digits (also across a section boundary); 元 ends the yuan, then 角 and 分; an amount without
/// 角 and 分 ends in 整; a missing 角 before 分 is written 零 (壹元零伍分); a missing 分 after 角 is not written.
public enum ChineseAmount {
    public static let digits: [Character] = Array("零壹贰叁肆伍陆柒捌玖")
    static let smallUnits: [Character] = ["拾", "佰", "仟"]
    /// Every character a well-formed amount can contain.
    public static let alphabet: Set<Character> = Set("零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整")

    /// Renders a non-negative amount (rounded half-up to the cent) in financial capitals.
    public static func render(_ amount: Decimal) -> String {
        var rounded = Decimal()
        var value = amount
        NSDecimalRound(&rounded, &value, 2, .plain)
        let cents = NSDecimalNumber(decimal: rounded * 100).int64Value
        precondition(cents >= 0, "negative amounts have no financial-capital form here")
        let yuan = cents / 100
        let jiao = Int((cents / 10) % 10)
        let fen = Int(cents % 10)

        var out = ""
        if yuan > 0 {
            let sections: [(Int64, String)] = [(yuan / 100_000_000, "亿"), ((yuan / 10_000) % 10_000, "万"), (yuan % 10_000, "")]
            var started = false
            var pendingZero = false
            for (number, unit) in sections {
                if number == 0 {
                    if started { pendingZero = true }
                    continue
                }
                if started && (pendingZero || number < 1000) { out += "零" }
                out += section(Int(number)) + unit
                started = true
                pendingZero = false
            }
            out += "元"
        }
        if jiao == 0 && fen == 0 {
            return (out.isEmpty ? "零元" : out) + "整"
        }
        if jiao > 0 {
            out.append(digits[jiao])
            out += "角"
        } else if yuan > 0 {
            out += "零"
        }
        if fen > 0 {
            out.append(digits[fen])
            out += "分"
        }
        return out
    }

    /// 0…9999 without leading zero, inner zero runs as one 零: 1001 → 壹仟零壹, 1010 → 壹仟零壹拾.
    private static func section(_ number: Int) -> String {
        var out = ""
        var zero = false
        for power in stride(from: 3, through: 0, by: -1) {
            let digit = (number / Int(pow(10, Double(power)))) % 10
            if digit == 0 {
                zero = !out.isEmpty
            } else {
                if zero {
                    out += "零"
                    zero = false
                }
                out.append(digits[digit])
                if power > 0 { out.append(smallUnits[power - 1]) }
            }
        }
        return out
    }

    /// Parses financial capitals into an amount; `nil` when the text is not well formed. Accepts 圆 for 元
    /// and 正 for 整. Parsing is strict: the result renders back to exactly the (normalised) input, so a
    /// garbled reading is never mistaken for a different amount.
    public static func parse(_ text: String) -> Decimal? {
        let normalised = String(
            text.filter { !$0.isWhitespace }.map { character -> Character in
                switch character {
                case "圆": "元"
                case "正": "整"
                default: character
                }
            })
        guard !normalised.isEmpty, normalised.allSatisfy(alphabet.contains) else { return nil }
        guard let value = parseLenient(normalised) else { return nil }
        return render(value) == normalised ? value : nil
    }

    /// Reads digits and units left to right without checking the canonical form.
    static func parseLenient(_ text: String) -> Decimal? {
        var total: Int64 = 0  // in cents
        var section: Int64 = 0  // the current section below 万
        var wan: Int64 = 0  // the accumulated 万 part (below 亿)
        var pendingDigit: Int64? = nil
        var seenYuan = false
        for character in text {
            if let digit = digits.firstIndex(of: character) {
                if pendingDigit != nil && digit != 0 { return nil }  // two digits without a unit between
                pendingDigit = digit == 0 ? (pendingDigit ?? nil) : Int64(digit)
                continue
            }
            switch character {
            case "拾", "佰", "仟":
                let factor: Int64 = character == "拾" ? 10 : character == "佰" ? 100 : 1000
                guard let digit = pendingDigit else { return nil }
                section += digit * factor
                pendingDigit = nil
            case "万":
                section += pendingDigit ?? 0
                pendingDigit = nil
                wan += section * 10_000
                section = 0
            case "亿":
                section += pendingDigit ?? 0
                pendingDigit = nil
                total += (wan + section) * 100_000_000 * 100
                wan = 0
                section = 0
            case "元":
                guard !seenYuan else { return nil }
                section += pendingDigit ?? 0
                pendingDigit = nil
                total += (wan + section) * 100
                wan = 0
                section = 0
                seenYuan = true
            case "角":
                guard let digit = pendingDigit else { return nil }
                total += digit * 10
                pendingDigit = nil
            case "分":
                guard let digit = pendingDigit else { return nil }
                total += digit
                pendingDigit = nil
            case "整":
                break
            default:
                return nil
            }
        }
        guard pendingDigit == nil else { return nil }
        return Decimal(total) / 100
    }
}
