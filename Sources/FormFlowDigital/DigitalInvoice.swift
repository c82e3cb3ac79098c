import FormFlowCore
import Foundation

/// An invoice read from a file that carries its values as text: the issuing system's own values, not a
/// reading of pixels. Values are kept as the file states them; `fields` gives the record's normalised form.
public struct DigitalInvoice: Sendable, Hashable {
    /// Where the values came from (SPEC: the record's `source`).
    public enum Source: String, Sendable {
        case ofd
        case xml
        case pdfText = "pdf_text"
    }

    /// One line of goods or services.
    public struct Line: Sendable, Hashable {
        public var name: String
        public var amount: Decimal
        /// As the record writes it: `6%`, `0%`, `免税`, `不征税`.
        public var taxRate: String
        public var taxAmount: Decimal

        public init(name: String, amount: Decimal, taxRate: String, taxAmount: Decimal) {
            self.name = name
            self.amount = amount
            self.taxRate = taxRate
            self.taxAmount = taxAmount
        }
    }

    public var source: Source
    /// Older e-invoices have a 12-digit code; 数电 invoices have none.
    public var invoiceCode: String?
    public var invoiceNumber: String
    public var issueDate: String
    public var buyerName: String
    public var buyerTaxID: String
    public var sellerName: String
    public var sellerTaxID: String
    public var amount: Decimal
    public var taxAmount: Decimal
    public var total: Decimal
    /// As printed; nil when the file does not carry it.
    public var totalInWords: String?
    public var lines: [Line]
    /// The rate the invoice states when it has no lines (a PDF whose table was not read), else derived.
    public var statedTaxRate: String?
    /// Whether the file carries an electronic signature (present, not verified: SM2 is out of scope).
    public var signed: Bool

    public init(
        source: Source, invoiceCode: String?, invoiceNumber: String, issueDate: String, buyerName: String,
        buyerTaxID: String, sellerName: String, sellerTaxID: String, amount: Decimal, taxAmount: Decimal,
        total: Decimal, totalInWords: String?, lines: [Line], statedTaxRate: String? = nil, signed: Bool = false
    ) {
        self.source = source
        self.invoiceCode = invoiceCode
        self.invoiceNumber = invoiceNumber
        self.issueDate = issueDate
        self.buyerName = buyerName
        self.buyerTaxID = buyerTaxID
        self.sellerName = sellerName
        self.sellerTaxID = sellerTaxID
        self.amount = amount
        self.taxAmount = taxAmount
        self.total = total
        self.totalInWords = totalInWords
        self.lines = lines
        self.statedTaxRate = statedTaxRate
        self.signed = signed
    }

    /// The invoice's rate: the one its lines share, `mixed` when they differ (SPEC).
    public var taxRate: String? {
        let rates = Set(lines.map(\.taxRate))
        if rates.count == 1 { return rates.first }
        if rates.count > 1 { return "mixed" }
        return statedTaxRate
    }

    /// The record's `fields` (SPEC's names and normalised values).
    public var fields: [String: FieldValue] {
        var fields: [String: FieldValue] = [
            "invoice_code": invoiceCode.map(FieldValue.text) ?? .null,
            "invoice_no": .text(invoiceNumber),
            "issue_date": .text(issueDate),
            "buyer_name": .text(buyerName),
            "buyer_tax_id": .text(buyerTaxID),
            "seller_name": .text(sellerName),
            "seller_tax_id": .text(sellerTaxID),
            "amount": .text(Money.format(amount)),
            "tax_amount": .text(Money.format(taxAmount)),
            "total": .text(Money.format(total)),
            "tax_rate": taxRate.map(FieldValue.text) ?? .null,
            "total_in_words": totalInWords.map(FieldValue.text) ?? .null,
        ]
        if !lines.isEmpty {
            fields["items"] = .rows(
                lines.map { line in
                    [
                        "name": .text(line.name), "amount": .text(Money.format(line.amount)),
                        "tax_rate": .text(line.taxRate), "tax_amount": .text(Money.format(line.taxAmount)),
                    ]
                })
        }
        return fields
    }
}

/// How issuing systems write values, and the record's form of each. Everything here is exact: a value
/// that does not parse is a reason to quarantine, never a guess.
public enum InvoiceText {
    /// NFKC, then whitespace removed: text layers use Kangxi radicals (⾦ for 金) and full-width forms.
    public static func clean(_ text: String) -> String {
        text.precomposedStringWithCompatibilityMapping.filter { !$0.isWhitespace }
    }

    /// `2020年10月10日`, `2020-10-10`, `20201010`, `2024-01-05 10:11:12` → `2020-10-10`.
    public static func date(_ text: String) -> String? {
        let digits = text.precomposedStringWithCompatibilityMapping.split(whereSeparator: { !$0.isASCIIDigit }).map(String.init)
        let parts: [String]
        if digits.count >= 3, digits[0].count == 4 {
            // A time glued to the day (whitespace dropped: `2024-06-0310:11:12`) leaves the day's two digits first.
            parts = [digits[0], digits[1], String(digits[2].prefix(2))]
        } else if let first = digits.first, first.count >= 8 {
            parts = [String(first.prefix(4)), String(first.dropFirst(4).prefix(2)), String(first.dropFirst(6).prefix(2))]
        } else {
            return nil
        }
        guard let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1990...2100).contains(year), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        return String(format: "%04d-%02d-%02d", year, month, day)
    }

    /// `¥318.00`, `318`, `-50.5`, `1,234.00` → a Decimal. `***` (printed for an exempt line's tax) is 0.
    public static func money(_ text: String) -> Decimal? {
        var value = clean(text)
        if !value.isEmpty, value.allSatisfy({ $0 == "*" }) { return 0 }
        value.removeAll { "¥￥,元".contains($0) }
        guard !value.isEmpty,
            value.allSatisfy({ $0.isASCIIDigit || $0 == "." || $0 == "-" }),
            value.filter({ $0 == "." }).count <= 1,
            value.dropFirst().allSatisfy({ $0 != "-" }),
            let number = Decimal(string: value, locale: Locale(identifier: "en_US_POSIX"))
        else { return nil }
        return number
    }

    /// `6%`, `0.06`, `0.13`, `6`, `0`, `免税`, `不征税`, `***` → `6%`, `6%`, `13%`, `6%`, `0%`, `免税`, `不征税`, `免税`.
    public static func taxRate(_ text: String) -> String? {
        let value = clean(text)
        if value == "免税" || value == "不征税" { return value }
        if !value.isEmpty, value.allSatisfy({ $0 == "*" }) { return "免税" }
        if value.hasSuffix("%") {
            guard let percent = Decimal(string: String(value.dropLast()), locale: Locale(identifier: "en_US_POSIX")),
                percent >= 0, percent <= 100
            else { return nil }
            return "\(percent)%"
        }
        guard let number = Decimal(string: value, locale: Locale(identifier: "en_US_POSIX")), number >= 0 else {
            return nil
        }
        // 0.06 is a fraction; 6 is a percentage (some systems write the number alone).
        let percent = number < 1 && number > 0 ? number * 100 : number
        guard percent <= 100 else { return nil }
        return "\(percent)%"
    }

    /// The capitals as printed, without the ⊗ some layouts print before them.
    public static func words(_ text: String) -> String {
        clean(text).filter { !"⊗ⓧⓍ☒×".contains($0) }
    }
}
