import Foundation

/// Money is `Decimal`, always; these helpers parse and print it with exactly two decimals.
public enum Money {
    /// Parses `1234.50` (digits, one point, two decimals); anything else is `nil`.
    public static func parse(_ text: String) -> Decimal? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].count == 2,
            parts[0].allSatisfy(\.isASCIIDigit), parts[1].allSatisfy(\.isASCIIDigit),
            parts[0].count == 1 || parts[0].first != "0"
        else { return nil }
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }

    /// `1234.5` → `"1234.50"`, rounded half-up to the cent.
    public static func format(_ amount: Decimal) -> String {
        var value = amount
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, 2, .plain)
        let formatter = NumberFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.minimumFractionDigits = 2
        formatter.maximumFractionDigits = 2
        formatter.minimumIntegerDigits = 1
        formatter.usesGroupingSeparator = false
        return formatter.string(from: NSDecimalNumber(decimal: rounded)) ?? "\(rounded)"
    }

    /// A tax rate as printed: `6%` → 6; exempt (免税) and not taxed (不征税) lines carry no tax, 0; anything
    /// else (`mixed`) is no one rate, `nil`.
    public static func rate(_ text: String) -> Decimal? {
        if text == "免税" || text == "不征税" { return 0 }
        guard text.hasSuffix("%") else { return nil }
        return Decimal(string: String(text.dropLast()), locale: Locale(identifier: "en_US_POSIX"))
    }

    /// Rounds half-up to the cent (the tax office's rule for tax amounts).
    public static func roundedToCent(_ amount: Decimal) -> Decimal {
        var value = amount
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, 2, .plain)
        return rounded
    }
}
