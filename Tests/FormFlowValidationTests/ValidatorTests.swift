import FormFlowCore
import FormFlowTestSupport
import FormFlowYAML
import Foundation
import Testing

@testable import FormFlowValidation

@Suite("Business rules: every rule evaluated, boundaries exact")
struct ValidatorTests {
    let validator: Validator

    init() throws {
        let pipeline = try ConfigNode.load(path: TestSupport.pipelines.appendingPathComponent("default.yaml").path)
        validator = Validator(rules: try RuleSet.parse(pipeline.required("rules")))
    }

    static func invoice(amount: String, rate: String, tax: String, total: String, words: String? = nil) -> [String: FieldValue] {
        let totalValue = Decimal(string: total)!
        return [
            "invoice_code": .text("051400470188"), "invoice_no": .text("87506874"), "amount": .text(amount),
            "tax_rate": .text(rate), "tax_amount": .text(tax), "total": .text(total),
            "total_in_words": .text(words ?? ChineseAmount.render(totalValue)),
            "buyer_tax_id": .text("91350100M000100Y43"), "seller_tax_id": .text("91350100M000100Y43"),
        ]
    }

    func rules(_ violations: [Violation]) -> [String] { violations.map(\.rule) }

    @Test("tax within 0.01 passes, 0.02 off fails")
    func taxTolerance() {
        // 1000.00 × 13% = 130.00
        let exact = Self.invoice(amount: "1000.00", rate: "13%", tax: "130.00", total: "1130.00")
        #expect(validator.evaluate(form: .vatInvoice, fields: exact, uncertain: []).isEmpty)
        let cent = Self.invoice(amount: "1000.00", rate: "13%", tax: "130.01", total: "1130.01")
        #expect(rules(validator.evaluate(form: .vatInvoice, fields: cent, uncertain: [])) == [])
        let twoCents = Self.invoice(amount: "1000.00", rate: "13%", tax: "130.02", total: "1130.02")
        #expect(rules(validator.evaluate(form: .vatInvoice, fields: twoCents, uncertain: [])) == ["tax_mismatch"])
    }

    @Test("tax is rounded half-up before comparing")
    func halfUp() {
        // 100.50 × 3% = 3.015 → 3.02
        let fields = Self.invoice(amount: "100.50", rate: "3%", tax: "3.02", total: "103.52")
        #expect(validator.evaluate(form: .vatInvoice, fields: fields, uncertain: []).isEmpty)
    }

    @Test("all rules are evaluated: a sum that is off, words of another amount and a bad tax id together")
    func everyRule() {
        var fields = Self.invoice(amount: "1000.00", rate: "13%", tax: "130.00", total: "1140.00", words: "壹仟壹佰叁拾元整")
        fields["seller_tax_id"] = .text("91350100M000100Y44")
        let violations = validator.evaluate(form: .vatInvoice, fields: fields, uncertain: ["buyer_name"])
        #expect(Set(rules(violations)) == ["sum_mismatch", "words_mismatch", "bad_tax_id", "uncertain_field"])
        let taxID = violations.first { $0.rule == "bad_tax_id" }
        #expect(taxID?.fields == ["seller_tax_id"])
        #expect(taxID?.message.contains("91350100M000100Y44") == false, "a tax id in a message must be masked")
    }

    static func claim(items: [(String, String, Int)], total: String, attachments: Int, id: String = "11010519491231002X",
                      card: String = "6222026197192206181") -> [String: FieldValue] {
        [
            "claim_no": .text("BX20264267222"), "total": .text(total),
            "total_in_words": .text(ChineseAmount.render(Decimal(string: total)!)), "attachments": .integer(attachments),
            "id_number": .text(id), "bank_account": .text(card),
            "items": .rows(items.map { ["category": .text($0.0), "amount": .text($0.1), "receipts": .integer($0.2)] }),
        ]
    }

    @Test("meal limit: 1000.00 is allowed, 1000.01 is over")
    func mealLimit() {
        let atLimit = Self.claim(items: [("餐饮费", "1000.00", 2), ("差旅费", "20.00", 1)], total: "1020.00", attachments: 3)
        #expect(validator.evaluate(form: .expenseClaim, fields: atLimit, uncertain: []).isEmpty)
        let over = Self.claim(items: [("餐饮费", "1000.01", 2), ("差旅费", "20.00", 1)], total: "1020.01", attachments: 3)
        #expect(rules(validator.evaluate(form: .expenseClaim, fields: over, uncertain: [])) == ["meal_over_limit"])
    }

    @Test("item sums are exact to the cent; attachments must equal the receipts")
    func sums() {
        let off = Self.claim(items: [("住宿费", "688.18", 2), ("会议费", "1493.45", 2)], total: "2181.64", attachments: 5)
        #expect(Set(rules(validator.evaluate(form: .expenseClaim, fields: off, uncertain: []))) == ["sum_mismatch", "attachments_mismatch"])
    }

    @Test("bad ID and bad card are named, their values masked")
    func checkCharacters() {
        let fields = Self.claim(items: [("住宿费", "10.00", 1)], total: "10.00", attachments: 1, id: "110105194912310021",
                                card: "6222026197192206182")
        let violations = validator.evaluate(form: .expenseClaim, fields: fields, uncertain: [])
        #expect(Set(rules(violations)) == ["bad_id_checksum", "bad_bank_account"])
        for violation in violations {
            #expect(!violation.message.contains("110105194912310021") && !violation.message.contains("6222026197192206182"))
        }
    }

    @Test("an unknown check fails at start-up with file and line")
    func unknownCheck() {
        let yaml = """
            - id: too_expensive
              message: 太贵
              check: price_feeling
              fields: [total]
            """
        do {
            _ = try RuleSet.parse(ConfigNode.parse(yaml, file: "rules.yaml"))
            Issue.record("an unknown check was accepted")
        } catch {
            #expect(error.file == "rules.yaml" && error.line == 3)
            #expect(error.message.contains("price_feeling"))
        }
        let badLimit = """
            - id: meal_over_limit
              message: 超标
              check: category_limit
              category: 餐饮费
              limit: lots
            """
        #expect(throws: ConfigurationError.self) { try RuleSet.parse(ConfigNode.parse(badLimit, file: "rules.yaml")) }
    }

    @Test("a tax id a seal covers is uncertain_field, never bad_tax_id; read with confidence, a bad one is reported")
    func sealOverTaxID() {
        var fields = Self.invoice(amount: "1000.00", rate: "13%", tax: "130.00", total: "1130.00")
        // Under a red seal the readers made out only "C": not confirmed.
        fields["seller_tax_id"] = .text("C")
        let unsure = rules(validator.evaluate(form: .vatInvoice, fields: fields, uncertain: ["seller_tax_id"]))
        #expect(unsure == ["uncertain_field"])
        // The same value read with confidence does break the rule.
        #expect(rules(validator.evaluate(form: .vatInvoice, fields: fields, uncertain: [])) == ["bad_tax_id"])
    }

    @Test("a sum is reported broken only over amounts read with confidence; an unsure category does not hide it")
    func sumOverUncertainAmounts() {
        let fields: [String: FieldValue] = [
            "claim_no": .text("BX20264267222"), "total": .text("300.00"), "attachments": .integer(2),
            "total_in_words": .text(ChineseAmount.render(Decimal(300))),
            "items": .rows([
                ["category": .text("差旅费"), "amount": .text("100.00"), "receipts": .integer(1)],
                ["category": .text("住宿费"), "amount": .text("150.00"), "receipts": .integer(1)],
            ]),
        ]
        let sure = rules(validator.evaluate(form: .expenseClaim, fields: fields, uncertain: []))
        #expect(sure.contains("sum_mismatch"))
        let amountUnsure = rules(validator.evaluate(form: .expenseClaim, fields: fields, uncertain: ["items[1].amount"]))
        #expect(!amountUnsure.contains("sum_mismatch"))
        #expect(amountUnsure.contains("uncertain_field"))
        let categoryUnsure = rules(validator.evaluate(form: .expenseClaim, fields: fields, uncertain: ["items[1].category"]))
        #expect(categoryUnsure.contains("sum_mismatch"))
    }

    @Test("a sum that fails with every reading of its one disputed amount is broken whichever is right; one that holds with a reading is not claimed")
    func brokenWhicheverReading() {
        // amount + tax = 28097.36; the total read 28098.36 and 28093.36.
        let fields = Self.invoice(amount: "26506.94", rate: "6%", tax: "1590.42", total: "28098.36")
        let readings: [FieldValue] = [.text("28098.36"), .text("28093.36")]
        let broken = validator.evaluate(form: .vatInvoice, fields: fields, uncertain: ["total"], disputed: ["total": readings])
        #expect(Set(rules(broken)) == ["sum_mismatch", "uncertain_field"])
        #expect(broken.first { $0.rule == "sum_mismatch" }?.message.contains("28098.36 / 28093.36") == true)
        // One of the readings makes it hold: a misread, not a broken form.
        let fits = validator.evaluate(
            form: .vatInvoice, fields: fields, uncertain: ["total"], disputed: ["total": readings + [.text("28097.36")]])
        #expect(rules(fits) == ["uncertain_field"])
        // Two uncertain amounts in the rule, or a single reading: nothing is claimed.
        let two = validator.evaluate(
            form: .vatInvoice, fields: fields, uncertain: ["tax_amount", "total"], disputed: ["total": readings])
        #expect(!rules(two).contains("sum_mismatch"))
        let one = validator.evaluate(form: .vatInvoice, fields: fields, uncertain: ["total"], disputed: [:])
        #expect(!rules(one).contains("sum_mismatch"))
        // Fragments (no reading as long as 28097.36) say nothing about the value.
        let fragments = validator.evaluate(
            form: .vatInvoice, fields: fields, uncertain: ["total"], disputed: ["total": [.text("8.36"), .text("98.36")]])
        #expect(rules(fragments) == ["uncertain_field"])
        // A table cell: items 100.00 + 150.00 (or 180.00) never make 300.00; 200.00 would.
        let claim: [String: FieldValue] = [
            "total": .text("300.00"), "total_in_words": .text(ChineseAmount.render(Decimal(300))),
            "items": .rows([
                ["category": .text("差旅费"), "amount": .text("100.00"), "receipts": .integer(1)],
                ["category": .text("住宿费"), "amount": .text("150.00"), "receipts": .integer(1)],
            ]),
        ]
        let cell = rules(
            validator.evaluate(
                form: .expenseClaim, fields: claim, uncertain: ["items[1].amount"],
                disputed: ["items[1].amount": [.text("150.00"), .text("180.00")]]))
        #expect(cell.contains("sum_mismatch"))
        let cellFits = rules(
            validator.evaluate(
                form: .expenseClaim, fields: claim, uncertain: ["items[1].amount"],
                disputed: ["items[1].amount": [.text("150.00"), .text("200.00")]]))
        #expect(!cellFits.contains("sum_mismatch"))
    }
}
