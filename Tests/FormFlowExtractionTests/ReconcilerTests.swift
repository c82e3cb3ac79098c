import FormFlowCore
import Foundation
import Testing

@testable import FormFlowExtraction

@Suite("Redundancy confirms readings; it never picks one that merely makes the sums agree")
struct ReconcilerTests {
    static func money(_ name: String, _ values: [String], uncertain: Bool) -> FieldReading {
        let readings = values.map { NormalizedReading(value: .text($0), check: .valid) }
        return FieldReading(
            name: name, type: .money, chosen: readings.first, candidates: readings, raw: values.first ?? "", confidence: 80,
            box: nil, uncertain: uncertain, note: nil, image: nil)
    }

    /// An invoice's amount, tax, total and rate, each read with confidence unless said otherwise.
    /// A claim whose total and items were each read once, alike, with confidence.
    static func itemsClaim(total: String, items: [String]) -> ExtractionResult {
        ExtractionResult(
            readings: ["total": money("total", [total], uncertain: false)],
            rows: items.map { ["amount": money("amount", [$0], uncertain: false)] }, registration: nil, problems: [])
    }

    static func invoice(
        amount: String, tax: String, total: String, rate: String = "3%", amountUncertain: Bool = false
    ) -> ExtractionResult {
        var rateReading = money("tax_rate", [rate], uncertain: false)
        rateReading.type = .percent
        return ExtractionResult(
            readings: [
                "amount": money("amount", [amount], uncertain: amountUncertain),
                "tax_amount": money("tax_amount", [tax], uncertain: false),
                "total": money("total", [total], uncertain: false), "tax_rate": rateReading,
            ], rows: [], registration: nil, problems: [])
    }

    @Test("a total read with the same digits every time is the amount two other readers say with those digits")
    func totalWhoseDigitsOthersSay() {
        func settled(read: [String], words: String, amount: String = "17950.68", model: String? = nil) -> (
            total: FieldReading?, words: FieldReading?
        ) {
            var result = Self.invoice(amount: amount, tax: "537.52", total: "0")
            var total = Self.money("total", [], uncertain: true)
            total.everyReading = read
            result.readings["total"] = total
            var wordsReading = Self.money("total_in_words", [words], uncertain: true)
            wordsReading.type = .amountInWords
            result.readings["total_in_words"] = wordsReading
            Reconciler.confirmTotalWhoseDigitsOthersSay(&result, totalBySecondModel: { model })
            return (result.readings["total"], result.readings["total_in_words"])
        }
        let words = "壹万捌仟肆佰捌拾捌元贰角"  // 18488.20 = 17950.68 + 537.52
        // The point lost (a G4 scan), or a seal's specks after the figures: the words and the sum say it.
        let pointLost = settled(read: ["1848820", "1848820", "1848820"], words: words)
        #expect(pointLost.total?.value == .text("18488.20"))
        #expect(pointLost.total?.uncertain == false)
        #expect(pointLost.words?.uncertain == false)
        #expect(settled(read: ["18488.20..", "18488.20.."], words: words, amount: "17950.00", model: "18488.20").total?.uncertain == false)
        // One other reader is not enough, nor are readings whose digits differ, nor a single reading.
        #expect(settled(read: ["1848820", "1848820"], words: words, amount: "17950.00").total?.uncertain == true)
        #expect(settled(read: ["1848820", "1848828"], words: words).total?.uncertain == true)
        #expect(settled(read: ["1848820"], words: words).total?.uncertain == true)
        // Words that say another amount than the figures' digits stay as they were: the sum and the model
        // confirm the total, the words are not confirmed (no words_mismatch is hidden or claimed on a misread).
        let otherWords = settled(read: ["1848820", "1848820"], words: "壹万捌仟肆佰捌拾玖元贰角", model: "18488.20")
        #expect(otherWords.total?.value == .text("18488.20"))
        #expect(otherWords.words?.uncertain == true)
    }

    @Test("an uncertain total is shown as the amount its words spell where something else gives it too; it stays uncertain")
    func totalProposedFromWords() {
        func proposed(total: [String], words: String, amount: String = "17950.68", model: String? = nil) -> FieldReading? {
            var result = Self.invoice(amount: amount, tax: "537.52", total: total[0])
            result.readings["total"] = Self.money("total", total, uncertain: true)
            var wordsReading = Self.money("total_in_words", [words], uncertain: true)
            wordsReading.type = .amountInWords
            result.readings["total_in_words"] = wordsReading
            Reconciler.proposeTotalTheWordsSpell(&result, totalBySecondModel: { model })
            return result.readings["total"]
        }
        let words = "壹万捌仟肆佰捌拾捌元贰角"  // 18488.20 = 17950.68 + 537.52
        let byParts = proposed(total: ["..20", ".4.20"], words: words)
        #expect(byParts?.value == .text("18488.20"))
        #expect(byParts?.uncertain == true)
        #expect(byParts?.note?.contains("amount + tax") == true)
        // Words alone are no proposal: a total that differs from its words cannot be ruled out.
        #expect(proposed(total: ["..20"], words: words, amount: "17950.00")?.value == .text("..20"))
        // One of Tesseract's readings, or the model's, backs them as well as the sum does.
        #expect(proposed(total: ["18483.20", "18488.20"], words: words, amount: "17950.00")?.value == .text("18488.20"))
        #expect(proposed(total: ["..20"], words: words, amount: "17950.00", model: "¥18488.20")?.value == .text("18488.20"))
        // Words that spell no amount propose nothing.
        #expect(proposed(total: ["..20"], words: "万万伍仟叁拾壹分壹角肆分")?.value == .text("..20"))
    }

    @Test("an amount the model and the glyphs settle makes amount + tax = total hold: the total is then not doubted")
    func settledAmountEndsTheDoubt() {
        var result = Self.invoice(amount: "88165.97", tax: "2289.96", total: "40455.93")
        result.readings["total"] = Self.money("total", ["40455.93", "40455.98"], uncertain: false)
        Reconciler.doubtDisputedAmountsOfBrokenSums(
            &result, amountBySecondModel: { $0 == "amount" ? "38165.97" : nil },
            figuresSpell: { key, text in key == "amount" && text == "38165.97" })
        #expect(result.readings["amount"]?.value == .text("38165.97"))
        #expect(result.readings["amount"]?.uncertain == false)
        #expect(result.readings["total"]?.uncertain == false)
        // Without the glyphs' say the amount stays Tesseract's, and every amount of the broken sum is doubted.
        var unsettled = Self.invoice(amount: "88165.97", tax: "2289.96", total: "40455.93")
        unsettled.readings["total"] = Self.money("total", ["40455.93", "40455.98"], uncertain: false)
        Reconciler.doubtDisputedAmountsOfBrokenSums(&unsettled, amountBySecondModel: { $0 == "amount" ? "38165.97" : nil })
        #expect(unsettled.readings["amount"]?.uncertain == true)
        #expect(unsettled.readings["total"]?.uncertain == true)
    }

    @Test("an uncertain item whose best reading completes the sum is confirmed")
    func bestReadingConfirmed() {
        var result = ExtractionResult(
            readings: ["total": Self.money("total", ["300.00"], uncertain: false)],
            rows: [
                ["amount": Self.money("amount", ["100.00"], uncertain: false)],
                ["amount": Self.money("amount", ["200.00", "280.00"], uncertain: true)],
            ], registration: nil, problems: [])
        Reconciler.settleTotalByItems(&result)
        #expect(result.rows[1]["amount"]?.uncertain == false)
        #expect(result.rows[1]["amount"]?.value == .text("200.00"))
    }

    @Test("another seen reading that happens to complete the sum is not taken: a true sum_mismatch stays visible")
    func otherReadingNotPicked() {
        // The form says 100 + 250 against a total of 300 (a real mismatch); one misreading of 250 was 200.
        var result = ExtractionResult(
            readings: ["total": Self.money("total", ["300.00"], uncertain: false)],
            rows: [
                ["amount": Self.money("amount", ["100.00"], uncertain: false)],
                ["amount": Self.money("amount", ["250.00", "200.00"], uncertain: true)],
            ], registration: nil, problems: [])
        Reconciler.settleTotalByItems(&result)
        #expect(result.rows[1]["amount"]?.uncertain == true)
        #expect(result.rows[1]["amount"]?.value == .text("250.00"))
    }

    @Test("an uncertain receipts count whose own best reading completes the attachments count is confirmed; another is not")
    func receiptsByAttachments() {
        func count(_ name: String, _ values: [Int], uncertain: Bool) -> FieldReading {
            let readings = values.map { NormalizedReading(value: .integer($0), check: .valid) }
            return FieldReading(
                name: name, type: .integer, chosen: readings.first, candidates: readings, raw: "", confidence: 80, box: nil,
                uncertain: uncertain, note: nil, image: nil)
        }
        func claim(attachments: Int, uncertainCount: [Int]) -> ExtractionResult {
            ExtractionResult(
                readings: ["attachments": count("attachments", [attachments], uncertain: false)],
                rows: [
                    ["receipts": count("receipts", [1], uncertain: false)], ["receipts": count("receipts", uncertainCount, uncertain: true)],
                    ["receipts": count("receipts", [3], uncertain: false)],
                ], registration: nil, problems: [])
        }
        var fits = claim(attachments: 8, uncertainCount: [4, 1])
        Reconciler.settleReceiptsByAttachments(&fits)
        #expect(fits.rows[1]["receipts"]?.uncertain == false)
        // Its other reading would complete the sum: not taken, a real attachments_mismatch may hide there.
        var other = claim(attachments: 5, uncertainCount: [4, 1])
        Reconciler.settleReceiptsByAttachments(&other)
        #expect(other.rows[1]["receipts"]?.uncertain == true)
        // An uncertain attachments count settles nothing.
        var unsure = claim(attachments: 8, uncertainCount: [4])
        unsure.readings["attachments"]?.uncertain = true
        Reconciler.settleReceiptsByAttachments(&unsure)
        #expect(unsure.rows[1]["receipts"]?.uncertain == true)
    }

    @Test("VAT arithmetic confirms an uncertain tax only when its own best reading fits")
    func vatArithmetic() {
        var fits = ExtractionResult(
            readings: [
                "amount": Self.money("amount", ["1000.00"], uncertain: false),
                "tax_amount": Self.money("tax_amount", ["130.00", "180.00"], uncertain: true),
                "total": Self.money("total", ["1130.00"], uncertain: false),
            ], rows: [], registration: nil, problems: [])
        Reconciler.settleVATArithmetic(&fits)
        #expect(fits.readings["tax_amount"]?.uncertain == false)

        var picks = ExtractionResult(
            readings: [
                "amount": Self.money("amount", ["1000.00"], uncertain: false),
                "tax_amount": Self.money("tax_amount", ["180.00", "130.00"], uncertain: true),
                "total": Self.money("total", ["1130.00"], uncertain: false),
            ], rows: [], registration: nil, problems: [])
        Reconciler.settleVATArithmetic(&picks)
        #expect(picks.readings["tax_amount"]?.uncertain == true)
        #expect(picks.readings["tax_amount"]?.value == .text("180.00"))
    }

    @Test("an uncertain tax rate is confirmed by tax = amount × rate to the cent, over settled amounts only")
    func taxRateByArithmetic() {
        func invoice(rate: String, taxUncertain: Bool = false) -> ExtractionResult {
            var rateReading = Self.money("tax_rate", [rate], uncertain: true)
            rateReading.type = .percent
            return ExtractionResult(
                readings: [
                    "amount": Self.money("amount", ["2718.35"], uncertain: false),
                    "tax_amount": Self.money("tax_amount", ["244.65"], uncertain: taxUncertain),
                    "tax_rate": rateReading,
                ], rows: [], registration: nil, problems: [])
        }
        var nine = invoice(rate: "9%")  // 2718.35 × 9% = 244.6515
        Reconciler.settleTaxRate(&nine)
        #expect(nine.readings["tax_rate"]?.uncertain == false)
        #expect(nine.readings["tax_rate"]?.decidedBy == ["tax = amount × rate"])
        var misread = invoice(rate: "3%")
        Reconciler.settleTaxRate(&misread)
        #expect(misread.readings["tax_rate"]?.uncertain == true, "a rate the arithmetic does not bear out stays uncertain")
        var unsettled = invoice(rate: "9%", taxUncertain: true)
        Reconciler.settleTaxRate(&unsettled)
        #expect(unsettled.readings["tax_rate"]?.uncertain == true, "an uncertain tax confirms nothing")
    }

    @Test("a broken sum over an amount whose readings differed makes that amount uncertain; over amounts read alike it stands")
    func disputedAmountsOfBrokenSums() {
        func invoice(tax: [String]) -> ExtractionResult {
            var rate = Self.money("tax_rate", ["9%"], uncertain: false)
            rate.type = .percent
            return ExtractionResult(
                readings: [
                    "amount": Self.money("amount", ["44007.19"], uncertain: false),
                    "tax_amount": Self.money("tax_amount", tax, uncertain: false),
                    "total": Self.money("total", ["47967.84"], uncertain: false),
                    "tax_rate": rate,
                ], rows: [], registration: nil, problems: [])
        }
        // 3960.65 printed, read 3660.65 twice and 3860.65 twice: a misread, not a wrong invoice.
        var disputed = invoice(tax: ["3660.65", "3860.65"])
        Reconciler.doubtDisputedAmountsOfBrokenSums(&disputed)
        #expect(disputed.readings["tax_amount"]?.uncertain == true)
        #expect(disputed.readings["amount"]?.uncertain == false)
        // No other reader read either: the relation is not broken as read with confidence, whichever fails.
        #expect(disputed.disputedAmounts(tableName: nil).isEmpty)
        // The model read one of them too: that amount is offered to validation with its readings.
        var backed = invoice(tax: ["3660.65", "3860.65"])
        Reconciler.doubtDisputedAmountsOfBrokenSums(&backed) { $0 == "tax_amount" ? "3860.65" : nil }
        #expect(backed.readings["tax_amount"]?.uncertain == true)
        #expect(backed.readings["tax_amount"]?.readByModelToo == .text("3860.65"))
        #expect(backed.disputedAmounts(tableName: nil)["tax_amount"]?.count == 2)
        // Already uncertain with readings that differ: the model is asked all the same, and nothing else changes.
        var alreadyUncertain = invoice(tax: ["3660.65", "3860.65"])
        alreadyUncertain.readings["tax_amount"]?.uncertain = true
        alreadyUncertain.readings["tax_amount"]?.note = "seen before"
        Reconciler.doubtDisputedAmountsOfBrokenSums(&alreadyUncertain) { $0 == "tax_amount" ? "3860.65" : nil }
        #expect(alreadyUncertain.readings["tax_amount"]?.readByModelToo == .text("3860.65"))
        #expect(alreadyUncertain.readings["tax_amount"]?.note == "seen before")
        // On a 1-bit page a reading with a 1 is no second reader's: both lose a thin 4's strokes alike.
        var bilevel = invoice(tax: ["3660.65", "3160.65"])
        Reconciler.doubtDisputedAmountsOfBrokenSums(&bilevel, strokesMayBeLost: true) { $0 == "tax_amount" ? "3160.65" : nil }
        #expect(bilevel.readings["tax_amount"]?.uncertain == true)
        #expect(bilevel.disputedAmounts(tableName: nil).isEmpty)
        // Every reading says 3660.65: read with confidence, so the broken sum is the form's.
        var alike = invoice(tax: ["3660.65"])
        Reconciler.doubtDisputedAmountsOfBrokenSums(&alike)
        #expect(alike.readings["tax_amount"]?.uncertain == false)
        // Read alike by Tesseract but otherwise by the second model (a 4 that lost its strokes read 1 at
        // two resolutions): uncertain too. Read alike by the model as well: the form's own mismatch.
        var byModel = invoice(tax: ["3660.65"])
        Reconciler.doubtDisputedAmountsOfBrokenSums(&byModel) { $0 == "tax_amount" ? "¥3960.65" : nil }
        #expect(byModel.readings["tax_amount"]?.uncertain == true)
        #expect(byModel.readings["amount"]?.uncertain == false)
        var confirmedByModel = invoice(tax: ["3660.65"])
        Reconciler.doubtDisputedAmountsOfBrokenSums(&confirmedByModel) {
            ["amount": "44007.19", "tax_amount": "3660.65", "total": "47967.84"][$0]
        }
        #expect(["amount", "tax_amount", "total"].allSatisfy { confirmedByModel.readings[$0]?.uncertain == false })
        // Read alike by Tesseract, while the model read the line and made nothing sure of it (a G4 scan's tax
        // 3338.20 read 208338.20 twice, the model `.2`): it rests on Tesseract alone and is uncertain; the
        // amounts the model reads alike stand. Where the model has no line at all, nothing changes.
        var unclear = invoice(tax: ["3660.65"])
        Reconciler.doubtDisputedAmountsOfBrokenSums(
            &unclear, amountBySecondModel: { ["amount": "44007.19", "total": "47967.84"][$0] },
            amountUnclearToSecondModel: { $0 == "tax_amount" })
        #expect(unclear.readings["tax_amount"]?.uncertain == true)
        #expect(unclear.readings["tax_amount"]?.note?.contains("cannot make it out") == true)
        #expect(unclear.readings["amount"]?.uncertain == false && unclear.readings["total"]?.uncertain == false)
        var noLine = invoice(tax: ["3660.65"])
        Reconciler.doubtDisputedAmountsOfBrokenSums(
            &noLine, amountBySecondModel: { ["amount": "44007.19", "total": "47967.84"][$0] },
            amountUnclearToSecondModel: { _ in false })
        #expect(noLine.readings["tax_amount"]?.uncertain == false)
        // A sum that holds leaves a disputed amount alone.
        var holds = invoice(tax: ["3960.65", "3860.65"])
        Reconciler.doubtDisputedAmountsOfBrokenSums(&holds)
        #expect(holds.readings["tax_amount"]?.uncertain == false)
        // Claims: the disputed item of a broken items' sum.
        var claim = ExtractionResult(
            readings: ["total": Self.money("total", ["300.00"], uncertain: false)],
            rows: [
                ["amount": Self.money("amount", ["100.00"], uncertain: false)],
                ["amount": Self.money("amount", ["250.00", "200.00"], uncertain: false)],
            ], registration: nil, problems: [])
        Reconciler.doubtDisputedAmountsOfBrokenSums(&claim)
        #expect(claim.rows[1]["amount"]?.uncertain == true)
        #expect(claim.rows[0]["amount"]?.uncertain == false)
        // An item read alike by Tesseract (3378.50 as 8378.50) that the model reads otherwise, asked by its cell.
        var items = Self.itemsClaim(total: "3478.50", items: ["100.00", "8378.50"])
        Reconciler.doubtDisputedAmountsOfBrokenSums(&items) { ["0.amount": "100.00", "1.amount": "3378.50", "total": "3478.50"][$0] }
        #expect(items.rows[1]["amount"]?.uncertain == true)
        #expect(items.rows[0]["amount"]?.uncertain == false)
        #expect(items.readings["total"]?.uncertain == false)
    }

    @Test("the model's amount the figure glyphs read clearly, where Tesseract's they do not, is taken and the sum judged on it")
    func modelAndGlyphsOutvoteTesseract() {
        // A Kai 3725.90 read 8725.90 at every resolution; the model reads 3725.90; the total 4000.00 is
        // printed with a real mismatch (the items add up to 3825.90).
        func claim() -> ExtractionResult {
            Self.itemsClaim(total: "4000.00", items: ["100.00", "8725.90"])
        }
        let model = ["0.amount": "100.00", "1.amount": "3725.90", "total": "4000.00"]
        var outvoted = claim()
        Reconciler.doubtDisputedAmountsOfBrokenSums(
            &outvoted, amountBySecondModel: { model[$0] }, figuresSpell: { key, text in key == "1.amount" && text == "3725.90" })
        let taken = outvoted.rows[1]["amount"]
        #expect(taken?.uncertain == false)
        #expect(taken?.value == .text("3725.90"))
        #expect(taken?.decidedBy == ["second model", "figure glyphs"])
        // The sum still does not hold on values read with confidence: the form's own mismatch, for the rules.
        #expect(outvoted.readings["total"]?.uncertain == false)
        // Glyphs that spell neither, or both, decide nothing: the amount stays uncertain, Tesseract's shown.
        for spells in [{ (_: String, _: String) in false }, { (_: String, _: String) in true }] {
            var undecided = claim()
            Reconciler.doubtDisputedAmountsOfBrokenSums(&undecided, amountBySecondModel: { model[$0] }, figuresSpell: spells)
            #expect(undecided.rows[1]["amount"]?.uncertain == true)
            #expect(undecided.rows[1]["amount"]?.value == .text("8725.90"))
        }
    }

    @Test("readings that differ are settled where the model and the figure glyphs agree on one; never a 4 read 1")
    func modelAndGlyphsSettleDifferingReadings() {
        // A Kai 3607.11 read 3607.11 once and 8607.11 twice; the items add up to 0.01 less than the total:
        // the claim's real sum_mismatch, which stayed "uncertain" while the readings differed.
        func claim(_ readings: [String], total: String = "3707.12") -> ExtractionResult {
            ExtractionResult(
                readings: ["total": Self.money("total", [total], uncertain: false)],
                rows: [
                    ["amount": Self.money("amount", ["100.00"], uncertain: false)],
                    ["amount": Self.money("amount", readings, uncertain: false)],
                ], registration: nil, problems: [])
        }
        let model = ["0.amount": "100.00", "1.amount": "3607.11", "total": "3707.12"]
        let spells = { (key: String, text: String) in key != "1.amount" || text == "3607.11" }
        var settled = claim(["8607.11", "3607.11"])
        Reconciler.doubtDisputedAmountsOfBrokenSums(&settled, amountBySecondModel: { model[$0] }, figuresSpell: spells)
        #expect(settled.rows[1]["amount"]?.value == .text("3607.11"))
        #expect(settled.rows[1]["amount"]?.uncertain == false)
        #expect(settled.rows[1]["amount"]?.decidedBy == ["second model", "figure glyphs"])
        #expect(settled.readings["total"]?.uncertain == false, "the sum is judged on values read with confidence")
        // Settled so that the sum holds: nothing is in doubt.
        var completes = claim(["8607.11", "3607.11"], total: "3707.11")
        Reconciler.doubtDisputedAmountsOfBrokenSums(
            &completes, amountBySecondModel: { ["1.amount": "3607.11"][$0] ?? model[$0] }, figuresSpell: spells)
        #expect(completes.rows[1]["amount"]?.uncertain == false)
        #expect(completes.rows[1]["amount"]?.value == .text("3607.11"))
        // Glyphs that also spell the other reading settle nothing.
        var both = claim(["8607.11", "3607.11"])
        Reconciler.doubtDisputedAmountsOfBrokenSums(&both, amountBySecondModel: { model[$0] }, figuresSpell: { _, _ in true })
        #expect(both.rows[1]["amount"]?.uncertain == true)
        // A G4 4 that lost its strokes reads 1 to the model and the glyphs alike: Tesseract's 4 is not outvoted.
        var lostFour = claim(["4405.19", "1105.19"])
        Reconciler.doubtDisputedAmountsOfBrokenSums(
            &lostFour, amountBySecondModel: { ["1.amount": "1105.19"][$0] ?? model[$0] },
            figuresSpell: { key, text in key != "1.amount" || text == "1105.19" })
        #expect(lostFour.rows[1]["amount"]?.uncertain == true)
        #expect(Reconciler.modelAndGlyphsSettle("1105.19", against: ["4405.19"], key: "k", figuresSpell: { _, _ in true }) == nil)
        #expect(Reconciler.modelAndGlyphsSettle("4405.19", against: ["1105.19"], key: "k", figuresSpell: { _, t in t == "4405.19" }) == "4405.19")
    }

    @Test("a total that the parts and the words both give otherwise is uncertain; a single real break stands")
    func totalOutvotedByBothRelations() {
        func invoice(total: String, words: String) -> ExtractionResult {
            var wordsReading = Self.money("total_in_words", [words], uncertain: false)
            wordsReading.type = .amountInWords
            return ExtractionResult(
                readings: [
                    "amount": Self.money("amount", ["57660.17"], uncertain: false),
                    "tax_amount": Self.money("tax_amount", ["3459.61"], uncertain: false),
                    "total": Self.money("total", [total], uncertain: false),
                    "total_in_words": wordsReading,
                ], rows: [], registration: nil, problems: [])
        }
        // 61119.78 read 619.78: the parts and the words both give 61119.78.
        var misread = invoice(total: "619.78", words: "陆万壹仟壹佰壹拾玖元柒角捌分")
        Reconciler.doubtTotalThatBothRelationsOutvote(&misread)
        #expect(misread.readings["total"]?.uncertain == true)
        #expect(misread.readings["total"]?.note?.contains("61119.78") == true)
        // A words_mismatch: the words say another amount, the parts agree with the figures.
        var wordsWrong = invoice(total: "61119.78", words: "陆万壹仟壹佰贰拾玖元柒角捌分")
        Reconciler.doubtTotalThatBothRelationsOutvote(&wordsWrong)
        #expect(wordsWrong.readings["total"]?.uncertain == false)
        // A sum_mismatch: the words agree with the figures, the parts do not.
        var sumWrong = invoice(total: "61129.78", words: "陆万壹仟壹佰贰拾玖元柒角捌分")
        Reconciler.doubtTotalThatBothRelationsOutvote(&sumWrong)
        #expect(sumWrong.readings["total"]?.uncertain == false)
    }

    @Test("the model's total is taken over Tesseract's where the words or the confident parts back it, and neither backs Tesseract")
    func modelTotalOutvotesTesseract() throws {
        // A Kai 1315.70 read 1815.70 by Tesseract at every resolution; the model read 1315.70.
        let model = try #require(Decimal(string: "1315.70"))
        let tesseract = try #require(Decimal(string: "1815.70"))
        let words = "壹仟叁佰壹拾伍元柒角"
        func backing(words: String?, _ result: ExtractionResult) -> [String]? {
            Reconciler.readersBackingModelFigures(model, tesseractRead: [tesseract], words: words, result)
        }
        let fits = Self.invoice(amount: "1277.38", tax: "38.32", total: "1815.70")
        #expect(backing(words: words, fits) == ["amount in words", "form's sums"])
        // A words_mismatch the model misread its way into: the parts add up to Tesseract's figures.
        #expect(backing(words: words, Self.invoice(amount: "1762.82", tax: "52.88", total: "1815.70")) == nil)
        // A sum_mismatch: the words back the model, the parts add up to neither.
        #expect(backing(words: words, Self.invoice(amount: "1277.38", tax: "48.32", total: "1815.70")) == ["amount in words"])
        // A words_mismatch: the parts back the model, the words say a third amount.
        #expect(backing(words: "壹仟叁佰贰拾伍元柒角", fits) == ["form's sums"])
        // The words say Tesseract's figures: not taken, whatever the parts say.
        #expect(backing(words: "壹仟捌佰壹拾伍元柒角", fits) == nil)
        // Nobody backs the model: an uncertain part adds up to nothing, the words say a third amount.
        #expect(
            backing(words: "壹仟叁佰贰拾伍元柒角", Self.invoice(amount: "1277.38", tax: "38.32", total: "1815.70", amountUncertain: true))
                == nil)
    }

    @Test("both VAT relations failing where one figure of one amount would make both hold: that amount is uncertain")
    func oneFigureFromBothRelations() {
        func invoice(amount: String, tax: String, total: String) -> ExtractionResult {
            Self.invoice(amount: amount, tax: tax, total: total)
        }
        // 1545.58 printed, read 1515.58 at two resolutions: total − amount and amount × 3% both give 1545.58.
        var misread = invoice(amount: "51519.18", tax: "1515.58", total: "53064.76")
        Reconciler.doubtAmountsOneFigureFromBothRelations(&misread)
        #expect(misread.readings["tax_amount"]?.uncertain == true)
        #expect(misread.readings["tax_amount"]?.note?.contains("1545.58") == true)
        #expect(misread.readings["amount"]?.uncertain == false)
        // The amount misread (51549.18 for 51519.18): the tax and the total agree on the printed one.
        var amountMisread = invoice(amount: "51549.18", tax: "1545.58", total: "53064.76")
        Reconciler.doubtAmountsOneFigureFromBothRelations(&amountMisread)
        #expect(amountMisread.readings["amount"]?.uncertain == true)
        #expect(amountMisread.readings["tax_amount"]?.uncertain == false)
        // A wrong tax printed with a total that adds it up: only tax = amount × rate fails, and it stands.
        var wrongTax = invoice(amount: "51519.18", tax: "1515.58", total: "53034.76")
        Reconciler.doubtAmountsOneFigureFromBothRelations(&wrongTax)
        #expect(wrongTax.readings["tax_amount"]?.uncertain == false)
        // A figure lost: a G4 scan's tax 6555.76 read 555.76 (50428.95 × 13% = 6555.76 = 56984.71 − 50428.95).
        var lost = Self.invoice(amount: "50428.95", tax: "555.76", total: "56984.71", rate: "13%")
        Reconciler.doubtAmountsOneFigureFromBothRelations(&lost)
        #expect(lost.readings["tax_amount"]?.uncertain == true)
        #expect(lost.readings["tax_amount"]?.note?.contains("6555.76") == true)
        // Both fail, but the fitting tax is more than one figure away: the readings stand.
        var far = invoice(amount: "51519.18", tax: "1225.58", total: "53064.76")
        Reconciler.doubtAmountsOneFigureFromBothRelations(&far)
        #expect(far.readings["tax_amount"]?.uncertain == false)
        // A G4 scan's thin 4s kept only their stems: 4405.19 read 1105.19, two figures away, but only 4s as 1s
        // (`doubtAmountsWhoseOnesMakeABrokenRelationHold`).
        var lostFours = Self.invoice(amount: "33886.06", tax: "1105.19", total: "38291.25", rate: "13%")
        Reconciler.doubtAmountsWhoseOnesMakeABrokenRelationHold(&lostFours)
        #expect(lostFours.readings["tax_amount"]?.uncertain == true)
        #expect(lostFours.readings["tax_amount"]?.note?.contains("4405.19") == true)
        #expect(lostFours.readings["amount"]?.uncertain == false)
        // ... or a leading 4 lost altogether: 48005.50 read 8005.50.
        var lostLeadingFour = Self.invoice(amount: "8005.50", tax: "6240.72", total: "54246.22", rate: "13%")
        Reconciler.doubtAmountsWhoseOnesMakeABrokenRelationHold(&lostLeadingFour)
        #expect(lostLeadingFour.readings["amount"]?.uncertain == true)
    }

    @Test("a 1 where the fitting amount has a 4 is a 4 that may have lost its strokes; never the other way round")
    func lostFours() throws {
        func fits(_ read: String, _ fitting: String) throws -> Bool {
            Reconciler.withFours(try #require(Decimal(string: read))).contains(try #require(Decimal(string: fitting)))
        }
        #expect(try fits("1105.19", "4405.19"))
        #expect(try fits("8005.50", "48005.50"))
        #expect(try !fits("4405.19", "1105.19"))
        #expect(try !fits("1211.79", "7211.79"))
        #expect(try !fits("1211.79", "1211.79"))
        #expect(try !fits("1105.19", "4405.18"))
        // The words spell the figures with a 4 where they read 1: the total is uncertain, not a words_mismatch.
        func claim(total: String, words: String) -> ExtractionResult {
            var wordsReading = Self.money("total_in_words", [words], uncertain: false)
            wordsReading.type = .amountInWords
            return ExtractionResult(
                readings: ["total": Self.money("total", [total], uncertain: false), "total_in_words": wordsReading], rows: [],
                registration: nil, problems: [])
        }
        var fours = claim(total: "1211.79", words: "肆仟贰佰壹拾壹元柒角玖分")
        Reconciler.doubtAmountsWhoseOnesMakeABrokenRelationHold(&fours)
        #expect(fours.readings["total"]?.uncertain == true)
        #expect(fours.readings["total"]?.note?.contains("4211.79") == true)
        // One relation broken only by a 1 that could be a 4 (47186.27 read 17186.27; the tax is 13% of 47186.27):
        // the amount is uncertain; a real sum_mismatch beside it is not explained by it and stays.
        var taxHolds = Self.invoice(amount: "17186.27", tax: "6134.22", total: "53420.50", rate: "13%")
        Reconciler.doubtAmountsWhoseOnesMakeABrokenRelationHold(&taxHolds)
        #expect(taxHolds.readings["amount"]?.uncertain == true)
        #expect(taxHolds.readings["amount"]?.note?.contains("47186.27") == true)
        #expect(taxHolds.readings["tax_amount"]?.uncertain == false)
        var realBreak = Self.invoice(amount: "47186.27", tax: "6134.22", total: "53420.50", rate: "13%")
        Reconciler.doubtAmountsWhoseOnesMakeABrokenRelationHold(&realBreak)
        #expect(["amount", "tax_amount", "total"].allSatisfy { realBreak.readings[$0]?.uncertain == false })
        // An item whose 1 read for a 4 breaks the items' sum.
        var items = Self.itemsClaim(total: "4600.00", items: ["100.00", "1500.00"])
        Reconciler.doubtAmountsWhoseOnesMakeABrokenRelationHold(&items)
        #expect(items.rows[1]["amount"]?.uncertain == true)
        #expect(items.rows[0]["amount"]?.uncertain == false)
        var realMismatch = claim(total: "1211.79", words: "柒仟贰佰壹拾壹元柒角玖分")
        Reconciler.doubtAmountsWhoseOnesMakeABrokenRelationHold(&realMismatch)
        #expect(realMismatch.readings["total"]?.uncertain == false)

    }

    @Test("a 1 is doubted as a 4 that lost its strokes only on a 1-bit scan; elsewhere the broken sum is the form's")
    func foursLostOnlyOnBilevelPages() {
        let items = Self.itemsClaim(total: "4600.00", items: ["100.00", "1500.00"])
        var bilevel = items
        Reconciler.reconcile(&bilevel, glyphs: nil, strokesMayBeLost: true)
        #expect(bilevel.rows[1]["amount"]?.uncertain == true)
        var gray = items
        Reconciler.reconcile(&gray, glyphs: nil, strokesMayBeLost: false)
        #expect(gray.rows.allSatisfy { $0["amount"]?.uncertain == false })
        #expect(gray.readings["total"]?.uncertain == false)
    }

    @Test("a tax off the rate, where the second model reads the one on it to the cent, is that one; otherwise it stays")
    func taxTheModelAndRateAgreeOn() {
        func invoice(tax: String, total: String, amountUncertain: Bool = false) -> ExtractionResult {
            Self.invoice(amount: "33745.17", tax: tax, total: total, amountUncertain: amountUncertain)
        }
        // A G4 scan's 1012.36 read 11012.36 alike; the model reads 1012.36 = 33745.17 × 3%. The total printed
        // 34857.53 breaks amount + tax (the invoice's real sum_mismatch), which is then judged on 1012.36.
        var misread = invoice(tax: "11012.36", total: "34857.53")
        Reconciler.takeTaxTheModelAndRateAgreeOn(&misread) { "1012.36" }
        #expect(misread.readings["tax_amount"]?.value == .text("1012.36"))
        #expect(misread.readings["tax_amount"]?.uncertain == false)
        #expect(misread.readings["tax_amount"]?.decidedBy == ["second model + tax = amount × rate"])
        // The model reads another amount that does not fit the rate either: Tesseract's reading stays.
        var offRate = invoice(tax: "11012.36", total: "34857.53")
        Reconciler.takeTaxTheModelAndRateAgreeOn(&offRate) { "1017.36" }
        #expect(offRate.readings["tax_amount"]?.value == .text("11012.36"))
        // A tax truly off the rate (tax_mismatch: 1017.36 printed), read alike by both engines: it stands.
        var wrongTax = invoice(tax: "1017.36", total: "34762.53")
        Reconciler.takeTaxTheModelAndRateAgreeOn(&wrongTax) { "1017.36" }
        #expect(wrongTax.readings["tax_amount"]?.value == .text("1017.36"))
        // An amount not read with confidence cannot vouch for the tax.
        var unsureAmount = invoice(tax: "11012.36", total: "34857.53", amountUncertain: true)
        Reconciler.takeTaxTheModelAndRateAgreeOn(&unsureAmount) { "1012.36" }
        #expect(unsureAmount.readings["tax_amount"]?.value == .text("11012.36"))
    }

    @Test("on an invoice the lines add up to the amount before tax: they confirm it, never the total")
    func invoiceLinesAddUpToAmount() {
        var result = ExtractionResult(
            readings: [
                "amount": Self.money("amount", ["300.00", "360.00"], uncertain: true),
                "tax_amount": Self.money("tax_amount", ["18.00"], uncertain: false),
                "total": Self.money("total", ["300.00", "318.00"], uncertain: true),
            ],
            rows: [
                ["amount": Self.money("amount", ["100.00"], uncertain: false)],
                ["amount": Self.money("amount", ["200.00"], uncertain: false)],
            ], registration: nil, problems: [])
        Reconciler.settleTotalByItems(&result)
        #expect(result.readings["amount"]?.uncertain == false)
        #expect(result.readings["amount"]?.value == .text("300.00"))
        // The total's misreading equal to the lines' sum is not confirmed by them.
        #expect(result.readings["total"]?.uncertain == true)
    }

    @Test("a column's common value is the document's field: the shared rate, or mixed; certain only if every line is")
    func commonColumn() {
        func rate(_ text: String, uncertain: Bool = false) -> FieldReading {
            FieldReading(
                name: "tax_rate", type: .percent, chosen: NormalizedReading(value: .text(text), check: .valid),
                candidates: [], raw: text, confidence: 90, box: PixelRect(x: 10, y: 10, width: 20, height: 10),
                uncertain: uncertain, note: nil, image: nil)
        }
        let shared = FieldExtractor.common("tax_rate", of: [["tax_rate": rate("6%")], ["tax_rate": rate("6%")]])
        #expect(shared?.value == .text("6%"))
        #expect(shared?.uncertain == false)
        let mixed = FieldExtractor.common("tax_rate", of: [["tax_rate": rate("6%")], ["tax_rate": rate("13%")]])
        #expect(mixed?.value == .text("mixed"))
        let unsure = FieldExtractor.common("tax_rate", of: [["tax_rate": rate("6%")], ["tax_rate": rate("6%", uncertain: true)]])
        #expect(unsure?.uncertain == true)
        let missing = FieldExtractor.common("tax_rate", of: [["tax_rate": rate("6%")], [:]])
        #expect(missing?.uncertain == true)
        #expect(FieldExtractor.common("tax_rate", of: [[:]]) == nil)
    }
}
