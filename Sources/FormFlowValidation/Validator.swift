import FormFlowCore
import Foundation

/// Evaluates every rule that applies to a form (not only until the first failure), so a record lists
/// every violation with its fields and a message that shows the values involved (personal data masked).
public struct Validator: Sendable {
    public let rules: RuleSet

    public init(rules: RuleSet) {
        self.rules = rules
    }

    /// The duplicate rules for a form: the ledger checks them, since they need every earlier batch.
    public func duplicateRules(for form: FormKind) -> [Rule] {
        rules.rules.filter { $0.check == .duplicate && $0.applies(to: form) }
    }

    /// - Parameter disputed: uncertain amounts whose readings differ, with those readings
    ///   (`ExtractionResult.disputedAmounts`): a sum or tax that fails with every one of them is broken.
    public func evaluate(
        form: FormKind, fields: [String: FieldValue], uncertain: [String], disputed: [String: [FieldValue]] = [:]
    ) -> [Violation] {
        var violations: [Violation] = []
        for rule in rules.rules where rule.applies(to: form) && rule.check != .duplicate {
            guard let detail = Self.check(rule, fields: fields, uncertain: uncertain) else { continue }
            var message = "\(rule.message): \(detail.message)"
            if !Self.readWithConfidence(detail, rule: rule, uncertain: uncertain) {
                guard let readings = Self.brokenWhicheverReading(rule, detail, fields: fields, uncertain: uncertain, disputed: disputed)
                else { continue }
                message += "; it fails with every reading of \(readings.name) (\(readings.values)): check \(readings.name) on the paper"
            }
            violations.append(Violation(rule: rule.id, message: Masking.maskDigitRuns(in: message), fields: detail.fields))
        }
        return violations
    }

    /// Where the one uncertain value a sum or tax rule reads is an amount read in several ways, and the
    /// rule fails with each of them, the form breaks it whichever reading is right (a total read 28098.36
    /// and 28093.36 beside amount + tax = 28097.36): the name and the readings, for the message. Only
    /// arithmetic between amounts; never a check character, which a misread fails as readily.
    static func brokenWhicheverReading(
        _ rule: Rule, _ failure: Failure, fields: [String: FieldValue], uncertain: [String], disputed: [String: [FieldValue]]
    ) -> (name: String, values: String)? {
        guard [.itemsSum, .amountPlusTax, .taxRate].contains(rule.check) else { return nil }
        let inputs = failure.inputs ?? failure.fields
        let doubted = uncertain.filter { name in inputs.contains { name == $0 || name.hasPrefix("\($0)[") } }
        guard doubted.count == 1, let name = doubted.first, let readings = disputed[name], readings.count >= 2 else { return nil }
        // Readings that are fragments (4.26 and 1.26 for a total the items make 15494.26; 4757.78 where
        // 44757.73 would fit, a lost leading 4) say nothing about the value: one reading must be as long
        // as the value that would make the rule hold.
        guard let fitting = valueThatHolds(rule, name, fields: fields),
            readings.contains(where: { $0.text.flatMap(Money.parse).map(Money.format)?.count == Money.format(fitting).count })
        else { return nil }
        let failsWithEach = readings.allSatisfy { reading in
            check(rule, fields: substituting(reading, for: name, in: fields), uncertain: uncertain) != nil
        }
        return failsWithEach ? (name, readings.map { "\($0)" }.joined(separator: " / ")) : nil
    }

    /// The value of `name` that would make a sum or tax rule hold, the others as read (the amount of a
    /// tax rule approximately: the tax over the rate).
    static func valueThatHolds(_ rule: Rule, _ name: String, fields: [String: FieldValue]) -> Decimal? {
        func value(_ field: String) -> Decimal? { money(fields[field]) }
        switch rule.check {
        case .amountPlusTax:
            let (amount, tax, total) = (rule.fields[0], rule.fields[1], rule.fields[2])
            guard let a = value(amount), let t = value(tax), let sum = value(total) else { return nil }
            return name == total ? a + t : name == amount ? sum - t : name == tax ? sum - a : nil
        case .taxRate:
            let (amount, rate, tax) = (rule.fields[0], rule.fields[1], rule.fields[2])
            guard let a = value(amount), let t = value(tax), let percent = fields[rate]?.text.flatMap(Money.rate), percent > 0
            else { return nil }
            return name == tax ? Money.roundedToCent(a * percent / 100) : name == amount ? Money.roundedToCent(t * 100 / percent) : nil
        case .itemsSum:
            let total = rule.fields[0]
            let amounts = (fields[rule.items]?.rows ?? []).map { money($0[rule.column]) }
            guard let whole = value(total), amounts.allSatisfy({ $0 != nil }) else { return nil }
            let sum = amounts.compactMap { $0 }.reduce(0, +)
            if name == total { return sum }
            let cells = amounts.indices.filter { "\(rule.items)[\($0)].\(rule.column)" == name }
            guard let index = cells.first, let cell = amounts[index] else { return nil }
            return whole - (sum - cell)
        default:
            return nil
        }
    }

    /// `fields` with `value` for `name`: a field, or a table cell named `items[2].amount`.
    static func substituting(_ value: FieldValue, for name: String, in fields: [String: FieldValue]) -> [String: FieldValue] {
        var changed = fields
        guard let open = name.firstIndex(of: "["), let close = name.firstIndex(of: "]"),
            let index = Int(name[name.index(after: open)..<close]), name[close...].hasPrefix("].")
        else {
            changed[name] = value
            return changed
        }
        let table = String(name[..<open])
        let column = String(name[name.index(close, offsetBy: 2)...])
        guard var rows = fields[table]?.rows, rows.indices.contains(index) else { return changed }
        rows[index][column] = value
        changed[table] = .rows(rows)
        return changed
    }

    /// A rule is reported broken only over values read with confidence: a tax id the readers could not
    /// settle ("C" under a seal) is `uncertain_field`, not `bad_tax_id`. The `confirmed` and `required`
    /// rules are about certainty and presence themselves.
    static func readWithConfidence(_ failure: Failure, rule: Rule, uncertain: [String]) -> Bool {
        guard rule.check != .confirmed && rule.check != .required else { return true }
        let inputs = failure.inputs ?? failure.fields
        return !uncertain.contains { name in inputs.contains { name == $0 || name.hasPrefix("\($0)[") } }
    }

    struct Failure {
        var message: String
        var fields: [String]
        /// The exact fields and cells the check read, when narrower than `fields` (a sum reads the
        /// amount column, not the categories).
        var inputs: [String]? = nil
    }

    static func money(_ value: FieldValue?) -> Decimal? {
        value?.text.flatMap(Money.parse)
    }

    static func check(_ rule: Rule, fields: [String: FieldValue], uncertain: [String]) -> Failure? {
        let rows = fields[rule.items]?.rows ?? []
        switch rule.check {
        case .required:
            let missing = rule.fields.filter { name in
                switch fields[name] {
                case nil, .null?: true
                case .rows(let rows)?: rows.isEmpty
                case .text(let text)?: text.isEmpty
                default: false
                }
            }
            return missing.isEmpty ? nil : Failure(message: "no value for \(missing.joined(separator: ", "))", fields: missing)

        case .confirmed:
            let unconfirmed = uncertain.filter { name in
                rule.fields.contains("*") || rule.fields.contains(where: { name == $0 || name.hasPrefix("\($0)[") })
            }
            return unconfirmed.isEmpty
                ? nil : Failure(message: "not confirmed: \(unconfirmed.joined(separator: ", "))", fields: unconfirmed)

        case .itemsSum:
            let total = rule.fields[0]
            guard let totalValue = money(fields[total]) else { return nil }
            let amounts = rows.map { money($0[rule.column]) }
            guard !amounts.isEmpty, amounts.allSatisfy({ $0 != nil }) else { return nil }
            let sum = amounts.compactMap { $0 }.reduce(0, +)
            guard sum != totalValue else { return nil }
            return Failure(
                message: "items add up to \(Money.format(sum)), \(total) is \(Money.format(totalValue)) (difference \(Money.format(totalValue - sum)))",
                fields: [rule.items, total], inputs: [total] + rows.indices.map { "\(rule.items)[\($0)].\(rule.column)" })

        case .amountPlusTax:
            let (amountName, taxName, totalName) = (rule.fields[0], rule.fields[1], rule.fields[2])
            guard let amount = money(fields[amountName]), let tax = money(fields[taxName]), let total = money(fields[totalName])
            else { return nil }
            guard amount + tax != total else { return nil }
            return Failure(
                message: "\(Money.format(amount)) + \(Money.format(tax)) = \(Money.format(amount + tax)), \(totalName) is \(Money.format(total))",
                fields: [amountName, taxName, totalName])

        case .taxRate:
            let (amountName, rateName, taxName) = (rule.fields[0], rule.fields[1], rule.fields[2])
            // An invoice with lines (digital invoices) is judged line by line: its lines may carry different
            // rates, and each line's tax is rounded on its own.
            if !rows.isEmpty, rows.allSatisfy({ $0[rateName] != nil }) {
                var wrong: [String] = []
                var inputs: [String] = []
                for (index, row) in rows.enumerated() {
                    guard let amount = money(row[amountName]), let tax = money(row[taxName]),
                        let rateText = row[rateName]?.text, let percent = Money.rate(rateText)
                    else { continue }
                    let expected = Money.roundedToCent(amount * percent / 100)
                    guard abs(tax - expected) > rule.tolerance else { continue }
                    wrong.append(
                        "line \(index + 1): \(Money.format(amount)) × \(rateText) = \(Money.format(expected)), tax is \(Money.format(tax))")
                    inputs += [amountName, rateName, taxName].map { "\(rule.items)[\(index)].\($0)" }
                }
                guard !wrong.isEmpty else { return nil }
                return Failure(
                    message: "\(wrong.joined(separator: "; ")) (tolerance \(Money.format(rule.tolerance)))", fields: [rule.items],
                    inputs: inputs)
            }
            guard let amount = money(fields[amountName]), let tax = money(fields[taxName]),
                let rateText = fields[rateName]?.text, let percent = Money.rate(rateText)
            else { return nil }
            let expected = Money.roundedToCent(amount * percent / 100)
            let difference = tax - expected
            guard abs(difference) > rule.tolerance else { return nil }
            return Failure(
                message: "\(Money.format(amount)) × \(rateText) = \(Money.format(expected)), \(taxName) is \(Money.format(tax)) (tolerance \(Money.format(rule.tolerance)))",
                fields: [amountName, rateName, taxName])

        case .wordsEqualFigures:
            let (wordsName, figuresName) = (rule.fields[0], rule.fields[1])
            guard let words = fields[wordsName]?.text, let figures = money(fields[figuresName]), figures >= 0 else { return nil }
            let expected = ChineseAmount.render(figures)
            // Real invoices write 圆 where the reference forms write 元: both are correct capitals.
            guard words.replacingOccurrences(of: "圆", with: "元") != expected else { return nil }
            return Failure(
                message: "\(figuresName) \(Money.format(figures)) is \(expected) in words, the form says \(words)",
                fields: [wordsName, figuresName])

        case .residentID, .uscc, .luhn:
            var failing: [String] = []
            for name in rule.fields {
                guard let value = fields[name]?.text, !value.isEmpty else { continue }
                let valid =
                    switch rule.check {
                    case .residentID: CheckDigits.isValidResidentID(value)
                    case .uscc: CheckDigits.isValidUSCC(value)
                    default: CheckDigits.isValidBankCard(value)
                    }
                if !valid { failing.append(name) }
            }
            guard !failing.isEmpty else { return nil }
            let shown = failing.map { "\($0) \(Masking.mask(fields[$0]?.text ?? ""))" }.joined(separator: ", ")
            return Failure(message: "check character fails for \(shown)", fields: failing)

        case .categoryLimit:
            guard let category = rule.category, let limit = rule.limit else { return nil }
            var over: [String] = []
            for (index, row) in rows.enumerated() where row["category"]?.text == category {
                if let amount = money(row[rule.column]), amount > limit {
                    over.append("\(rule.items)[\(index)] \(Money.format(amount))")
                }
            }
            guard !over.isEmpty else { return nil }
            return Failure(
                message: "\(category) over \(Money.format(limit)): \(over.joined(separator: ", "))", fields: [rule.items],
                inputs: rows.indices.filter { rows[$0]["category"]?.text == category }.flatMap {
                    ["\(rule.items)[\($0)].category", "\(rule.items)[\($0)].\(rule.column)"]
                })

        case .attachmentsSum:
            let attachmentsName = rule.fields[0]
            guard let attachments = fields[attachmentsName]?.integer else { return nil }
            let receipts = rows.map { $0[rule.column]?.integer }
            guard !receipts.isEmpty, receipts.allSatisfy({ $0 != nil }) else { return nil }
            let sum = receipts.compactMap { $0 }.reduce(0, +)
            guard sum != attachments else { return nil }
            return Failure(
                message: "items carry \(sum) receipts, \(attachmentsName) is \(attachments)", fields: [attachmentsName, rule.items],
                inputs: [attachmentsName] + rows.indices.map { "\(rule.items)[\($0)].\(rule.column)" })

        case .duplicate:
            return nil
        }
    }
}
