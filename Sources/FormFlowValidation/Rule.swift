import FormFlowCore
import FormFlowYAML
import Foundation

/// The built-in checks a rule can refer to. A rule in the pipeline YAML names one of these and gives
/// its parameters; the check's meaning never depends on the rule's id or message.
public enum CheckKind: String, Sendable, CaseIterable {
    /// Every listed field has a value.
    case required
    /// No listed reading was left uncertain by extraction (the form's redundancy could not confirm it).
    case confirmed
    /// The item amounts add up to the total.
    case itemsSum = "items_sum"
    /// amount + tax = total.
    case amountPlusTax = "amount_plus_tax"
    /// tax = amount × rate, rounded half-up to the cent, within a tolerance.
    case taxRate = "tax_rate"
    /// The amount in words is the financial-capitals form of the amount in figures.
    case wordsEqualFigures = "words_equal_figures"
    /// GB 11643 check character of a resident ID.
    case residentID = "resident_id"
    /// GB 32100 check character of unified social credit codes.
    case uscc
    /// Luhn check of a bank card number.
    case luhn
    /// No item of a category is over a limit.
    case categoryLimit = "category_limit"
    /// The attachment count equals the sum of the items' receipts.
    case attachmentsSum = "attachments_sum"
    /// The business key was not accepted before (this batch or any earlier one); checked by the ledger.
    case duplicate
}

/// One configured rule: an id (SPEC.md's names), the operators' message, the forms it applies to,
/// the check and its parameters.
public struct Rule: Sendable {
    public var id: String
    public var message: String
    public var forms: [String]
    public var check: CheckKind
    /// Field names the check reads (meaning by check: see `RuleSet.parse`).
    public var fields: [String]
    /// Fields of a `duplicate` key that a document may lack (a 数电 invoice has no invoice code: its key is
    /// the number alone).
    public var optional: [String] = []
    public var items: String
    public var column: String
    public var category: String?
    public var limit: Decimal?
    public var tolerance: Decimal
    public var file: String
    public var line: Int

    public func applies(to form: FormKind) -> Bool { forms.isEmpty || forms.contains(form.rawValue) }
}

/// The rules of a pipeline, loaded from its `rules:` list.
public struct RuleSet: Sendable {
    public var rules: [Rule]

    public init(rules: [Rule]) {
        self.rules = rules
    }

    /// Parses the `rules:` list; unknown checks, missing parameters and bad numbers fail with file and line.
    public static func parse(_ node: ConfigNode) throws(ConfigurationError) -> RuleSet {
        var rules: [Rule] = []
        for item in try node.items() {
            try item.allowOnly(["id", "message", "form", "check", "fields", "items", "column", "category", "limit", "tolerance", "optional"])
            let checkNode = try item.required("check")
            let checkName = try checkNode.string()
            guard let check = CheckKind(rawValue: checkName) else {
                throw checkNode.error(
                    "unknown check '\(checkName)'; built-in checks are: \(CheckKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            func decimal(_ key: String) throws(ConfigurationError) -> Decimal? {
                guard let node = try item.optional(key) else { return nil }
                let text = try node.string()
                guard let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")), value >= 0 else {
                    throw node.error("'\(text)' is not a non-negative amount; write it like 1000.00")
                }
                return value
            }
            var rule = Rule(
                id: try item.required("id").string(), message: try item.required("message").string(),
                forms: try item.optional("form")?.strings() ?? [], check: check,
                fields: try item.optional("fields")?.strings() ?? [], items: try item.optional("items")?.string() ?? "items",
                column: try item.optional("column")?.string() ?? "amount", category: try item.optional("category")?.string(),
                limit: try decimal("limit"), tolerance: try decimal("tolerance") ?? 0, file: item.file, line: item.line)
            let needed: Int
            switch check {
            case .required, .confirmed, .residentID, .uscc, .luhn, .duplicate: needed = 1
            case .itemsSum, .wordsEqualFigures, .attachmentsSum: needed = 1
            case .amountPlusTax, .taxRate: needed = 3
            case .categoryLimit: needed = 0
            }
            if check == .wordsEqualFigures { guard rule.fields.count == 2 else { throw item.error("words_equal_figures needs fields: [words, figures]") } }
            if rule.fields.count < needed {
                throw item.error("the check '\(check.rawValue)' needs \(needed == 1 ? "at least one field" : "\(needed) fields") under 'fields'")
            }
            if check == .categoryLimit {
                guard rule.category != nil, rule.limit != nil else {
                    throw item.error("category_limit needs 'category' and 'limit' (e.g. category: 餐饮费, limit: 1000.00)")
                }
            }
            rule.optional = try item.optional("optional")?.strings() ?? []
            if let stray = rule.optional.first(where: { !rule.fields.contains($0) }) {
                throw item.error("'optional' names \(stray), which is not one of the rule's fields")
            }
            if check == .attachmentsSum { rule.column = try item.optional("column")?.string() ?? "receipts" }
            rules.append(rule)
        }
        return RuleSet(rules: rules)
    }
}
