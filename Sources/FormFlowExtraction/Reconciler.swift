import FormFlowCore
import Foundation

/// Uses the form's redundancy to settle readings that single fields could not: 大写 against 小写, items
/// against the total, amount + tax against the total.
///
/// The sums only ever *confirm* an uncertain field's own best reading; they never pick another reading
/// that happens to make them agree (a misread off by exactly a true discrepancy would hide a real
/// sum_mismatch). The glyph-verified amount in words is a reader of its own, so it may pick among the
/// total's readings. A confirmed reading is never changed to make sums agree: a form that truly breaks
/// a rule keeps its clear readings, and validation reports the break.
enum Reconciler {
    /// - Parameter wordsBySecondModel: the second OCR model's reading of the amount-in-words line, asked
    ///   only where its glyphs do not settle it (nil without a model). Taken as a reading where it is sure
    ///   enough (`SecondModelJudge.minimumProbability`); an unsure one can still dispute the glyphs.
    /// - Parameter amountBySecondModel: the second OCR model's reading of a field's line (by name; a table
    ///   cell by "row.column"), asked only for the amounts of a sum that does not hold.
    /// - Parameter amountUnclearToSecondModel: whether the second OCR model read a field's line (by the
    ///   same key) but made nothing sure of it: an amount of a broken sum that rests on Tesseract alone.
    /// - Parameter figuresSpell: whether the figure classifier reads an amount's glyphs (by the same key)
    ///   as the given text, glyph by glyph and clearly.
    /// - Parameter strokesMayBeLost: the page was a 1-bit scan, where a 4 may keep only its stem
    ///   (`doubtAmountsWhoseOnesMakeABrokenRelationHold`); on gray and colour pages a 1 read as 1 stands.
    static func reconcile(
        _ result: inout ExtractionResult, glyphs: GlyphClassifier?, strokesMayBeLost: Bool = false,
        wordsBySecondModel: () -> LineReading? = { nil },
        amountBySecondModel: (String) -> String? = { _ in nil }, amountUnclearToSecondModel: (String) -> Bool = { _ in false },
        figuresSpell: (String, String) -> Bool = { _, _ in false }, cellBySecondModel: (String) -> String? = { _ in nil }
    ) {
        // The model reads a field's line once, however many steps ask.
        var asked: [String: String?] = [:]
        func amountByModel(_ key: String) -> String? {
            if let said = asked[key] { return said }
            let said = amountBySecondModel(key)
            asked[key] = .some(said)
            return said
        }
        // Rows of a seal's text below the items: before the sums are judged, and again once the total may
        // have been settled by its words.
        leaveOutRowsTheItemsDoWithout(&result, cellBySecondModel: cellBySecondModel)
        settleTotalByItems(&result)
        settleReceiptsByAttachments(&result)
        settleVATArithmetic(&result)
        settleTaxRate(&result)
        takeTaxTheModelAndRateAgreeOn(&result, taxBySecondModel: { amountByModel("tax_amount") })
        checkAmountInWords(
            &result, glyphs: glyphs, wordsBySecondModel: wordsBySecondModel,
            totalBySecondModel: { amountByModel("total") })
        doubtDisputedAmountsOfBrokenSums(
            &result, strokesMayBeLost: strokesMayBeLost, amountBySecondModel: amountByModel,
            amountUnclearToSecondModel: amountUnclearToSecondModel, figuresSpell: figuresSpell)
        doubtAmountsOneFigureFromBothRelations(&result)
        doubtTotalThatBothRelationsOutvote(&result)
        // Only where strokes may be lost: on a clean scan, a tax computed on 6677.44 beside an amount of
        // 6677.14 is the form's own tax_mismatch, which the doubt hid.
        if strokesMayBeLost { doubtAmountsWhoseOnesMakeABrokenRelationHold(&result) }
        leaveOutRowsTheItemsDoWithout(&result, cellBySecondModel: cellBySecondModel)
        confirmTotalWhoseDigitsOthersSay(&result, totalBySecondModel: { amountByModel("total") })
        // Last, and deciding nothing: what an operator is shown for a total left uncertain.
        proposeTotalTheWordsSpell(&result, totalBySecondModel: { amountByModel("total") })
    }

    /// Leaves out the rows below the items that the items do without (`ItemRowJudge.rowsTheItemsDoWithout`),
    /// and says so in the table's evidence. `cellBySecondModel` reads a cell's ink by "row.column".
    static func leaveOutRowsTheItemsDoWithout(_ result: inout ExtractionResult, cellBySecondModel: (String) -> String?) {
        let amount = ItemRowJudge.Column(name: "amount", type: .money, vocabulary: [])
        let count = ItemRowJudge.Column(name: "receipts", type: .integer, vocabulary: [])
        let rows = ItemRowJudge.rowsTheItemsDoWithout(
            result.rows, total: result.readings[itemsAddUpTo(result)], amount: amount,
            count: result.rows.contains { $0["receipts"] != nil } ? count : nil,
            model: { row, column in cellBySecondModel("\(row).\(column)") })
        result.leaveOutLastRows(rows, judge: "items sum")
    }

    /// A total whose figures Tesseract read with the same digits every time, but not as an amount (a G4
    /// scan's point lost: 547933 five times for 5479.33; a seal's specks after it: 20630.82..), is that
    /// amount where two other readers say it: the amount in words (as the glyphs or the second model read
    /// them), the parts' sum read with confidence, the second model's reading of the figures. Tesseract's
    /// digits are the third reader. A form whose words say another amount than its figures keeps the
    /// words as they were: no words_mismatch is hidden, and none is claimed on a misread.
    static func confirmTotalWhoseDigitsOthersSay(_ result: inout ExtractionResult, totalBySecondModel: () -> String?) {
        guard let total = result.readings["total"], total.uncertain else { return }
        let read = total.everyReading.map { $0.filter(\.isASCIIDigit) }
        guard read.count >= 2, let digits = read.first, !digits.isEmpty, read.allSatisfy({ $0 == digits }) else { return }
        let words = result.readings["total_in_words"]?.chosen?.value.text.flatMap(ChineseAmount.parse)
        let others: [(reader: String, says: Decimal?)] = [
            ("the amount in words", words), ("the parts' sum", partsSum(result, confident: true)),
            ("the second OCR model's reading of the figures", modelAmount(totalBySecondModel())),
        ]
        let agreeing = others.filter { $0.says.map { Money.format($0).filter(\.isASCIIDigit) == digits } ?? false }
        guard agreeing.count >= 2, let amount = agreeing.first?.says else { return }
        let shown = Money.format(amount)
        result.readings["total"]?.confirm(
            NormalizedReading(value: .text(shown), check: .valid),
            because:
                "Tesseract read the digits of \(shown) every time (\(total.everyReading.joined(separator: " / "))), and \(agreeing.map(\.reader).joined(separator: " and ")) say \(shown)",
            by: "tesseract digits")
        result.readings["total"]?.decidedBy = ["tesseract digits"] + agreeing.map(\.reader)
        if words == amount, let text = result.readings["total_in_words"]?.chosen {
            result.readings["total_in_words"]?.confirm(text, because: "agrees with the amount in figures", by: "amount in words")
        }
    }

    /// A total left uncertain is put before the operator as the amount its words spell, where the words were
    /// read into an amount and something else gives the same: its parts' sum (amount + tax, the items), one
    /// of Tesseract's readings of the figures, or the second model's. Still uncertain: the figures were not
    /// read, so a total that differs from its words (words_mismatch) cannot be ruled out; the proposal only
    /// spares the operator retyping. A G4 scan's seal over 18488.20 left the figures read `..20`, while the
    /// glyphs read 壹万捌仟肆佰捌拾捌元贰角 and amount + tax gave 18488.20.
    static func proposeTotalTheWordsSpell(_ result: inout ExtractionResult, totalBySecondModel: () -> String?) {
        guard let total = result.readings["total"], total.uncertain,
            let text = result.readings["total_in_words"]?.chosen?.value.text, let said = ChineseAmount.parse(text),
            money(total.chosen) != said
        else { return }
        let backing: String
        if partsSum(result) == said {
            backing = itemsAddUpTo(result) == "total" ? "the items' sum" : "amount + tax"
        } else if total.candidates.contains(where: { money($0) == said }) {
            backing = "a reading of the figures"
        } else if modelAmount(totalBySecondModel()) == said {
            backing = "the second OCR model's reading of the figures"
        } else {
            return
        }
        let shown = Money.format(said)
        result.readings["total"]?.chosen = NormalizedReading(value: .text(shown), check: .valid)
        result.readings["total"]?.note = (total.note ?? "") + "; put forward: \(shown), which the amount in words spells and \(backing) gives"
    }

    /// `read` with some of its 1s read as 4s, or a 4 put before it, at most 64 of them: a G4 scan's thin 4
    /// keeps only its stem (4405.19 read 1105.19 by every reader) or is lost (48005.50 read 8005.50), and
    /// never the other way round.
    static func withFours(_ read: Decimal) -> [Decimal] {
        let text = Array(Money.format(read))
        let ones = text.indices.filter { text[$0] == "1" }.prefix(6)
        var variants: [Decimal] = Money.parse("4" + String(text)).map { [$0] } ?? []
        for mask in 1..<(1 << ones.count) {
            var changed = text
            for (bit, index) in ones.enumerated() where mask & (1 << bit) != 0 { changed[index] = "4" }
            if let value = Money.parse(String(changed)) { variants.append(value) }
        }
        return variants
    }

    /// A relation that fails (amount + tax = total, tax = amount × rate, the amount in words, the items'
    /// sum) but holds with one of its amounts' 1s read as 4s is more likely a G4 scan's 4 that lost its
    /// strokes than a wrong form (47186.27 read 17186.27 beside a tax of 13% of 47186.27): that amount is
    /// uncertain and no violation is claimed on it. The fitting amount is named, never taken.
    static func doubtAmountsWhoseOnesMakeABrokenRelationHold(_ result: inout ExtractionResult) {
        func doubt(_ name: String, _ relation: String, holdsWith: (Decimal) -> Bool) {
            guard var reading = result.readings[name], !reading.uncertain, !outvotedTesseract(reading), let read = money(reading.chosen),
                let fitting = withFours(read).first(where: holdsWith)
            else { return }
            reading.uncertain = true
            reading.note = "\(relation) does not hold, but holds with \(Money.format(fitting)): a 4 read 1 cannot be ruled out"
            result.readings[name] = reading
        }
        func value(_ name: String) -> Decimal? { money(result.readings[name]?.chosen) }
        if let amount = value("amount"), let tax = value("tax_amount"), let total = value("total"), amount + tax != total {
            doubt("amount", "amount + tax = total") { $0 + tax == total }
            doubt("tax_amount", "amount + tax = total") { amount + $0 == total }
            doubt("total", "amount + tax = total") { amount + tax == $0 }
        }
        if let amount = value("amount"), let tax = value("tax_amount"), let rate = result.readings["tax_rate"]?.chosen?.value.text,
            let percent = Money.rate(rate), !taxFits(amount: amount, tax: tax, percent: percent)
        {
            doubt("amount", "tax = amount × rate") { taxFits(amount: $0, tax: tax, percent: percent) }
            doubt("tax_amount", "tax = amount × rate") { taxFits(amount: amount, tax: $0, percent: percent) }
        }
        // The words spell the figures with 4s where the figures read 1 (肆仟贰佰… beside 1211.79).
        if let figures = value("total"), let words = result.readings["total_in_words"], !words.uncertain,
            let said = words.chosen?.value.text.flatMap({ ChineseAmount.parse($0) }), said != figures
        {
            doubt("total", "figures = amount in words") { $0 == said }
        }
        let target = itemsAddUpTo(result)
        let items = result.rows.compactMap { money($0["amount"]?.chosen) }
        guard !result.rows.isEmpty, items.count == result.rows.count, let whole = value(target) else { return }
        let sum = items.reduce(0, +)
        guard sum != whole else { return }
        doubt(target, "the items' sum") { $0 == sum }
        for index in result.rows.indices {
            guard var reading = result.rows[index]["amount"], !reading.uncertain, let read = money(reading.chosen),
                let fitting = withFours(read).first(where: { sum - read + $0 == whole })
            else { continue }
            reading.uncertain = true
            reading.note = "the items' sum does not hold, but holds with \(Money.format(fitting)): a 4 read 1 cannot be ruled out"
            result.rows[index]["amount"] = reading
        }
    }

    /// Where the parts (amount + tax on an invoice, the items on a claim) and the amount in words give one
    /// and the same amount, and the total's figures were read as another, the figures are more likely
    /// misread than the form wrong twice over in the same way: the total is uncertain and no sum_mismatch or
    /// words_mismatch is claimed on it (a G4 scan's 61119.78 read 619.78 at two resolutions, its thin 1s
    /// lost; 57660.17 + 3459.61 and the words both said 61119.78). The amount they give is named, never
    /// taken. A real break leaves the words with the figures (a sum_mismatch) or the parts (a
    /// words_mismatch), and stands.
    static func doubtTotalThatBothRelationsOutvote(_ result: inout ExtractionResult) {
        guard var total = result.readings["total"], !total.uncertain, let figures = money(total.chosen),
            let words = result.readings["total_in_words"], !words.uncertain,
            let text = words.chosen?.value.text, let spelled = ChineseAmount.parse(text), spelled != figures
        else { return }
        guard partsSum(result) == spelled else { return }
        total.uncertain = true
        total.note =
            "the parts add up to \(Money.format(spelled)) and the amount in words says \(Money.format(spelled)); the figures read \(Money.format(figures)): a misread cannot be ruled out"
        result.readings["total"] = total
    }

    /// Who, besides the second model, says the total is the model's figures: the amount in words, and the
    /// parts read with confidence (the items on a claim, amount + tax on an invoice). Tesseract's figures are
    /// outvoted where one of them does and neither says what Tesseract read: two readers against one (a G4
    /// scan's 31657.11 read 81657.11 at every resolution; the model and 29865.20 + 1791.91 say 31657.11, so
    /// the words' 31667.11 is the invoice's real words_mismatch). Nil where none backs the model, or one
    /// backs Tesseract (a words_mismatch the model misread its way into: the parts add up to the figures).
    static func readersBackingModelFigures(
        _ modelFigures: Decimal, tesseractRead: [Decimal], words: String?, _ result: ExtractionResult
    ) -> [String]? {
        let others: [(reader: String, says: Decimal?)] = [
            ("amount in words", words.flatMap { ChineseAmount.parse($0) }), ("form's sums", partsSum(result, confident: true)),
        ]
        let rivals = Set(tesseractRead).subtracting([modelFigures])
        guard !others.contains(where: { $0.says.map(rivals.contains) == true }) else { return nil }
        let backing = others.filter { $0.says == modelFigures }.map(\.reader)
        return backing.isEmpty ? nil : backing
    }

    /// Whether the reading is the second model's, taken over Tesseract's with another reader backing it
    /// (`takeModelTotal`): Tesseract's differing readings are what was outvoted, not a doubt.
    static func outvotedTesseract(_ reading: FieldReading) -> Bool {
        guard let judges = reading.decidedBy else { return false }
        return judges.first == "second model" && judges.count > 1
    }

    /// The total as the second model reads its figures, with the readers that back it
    /// (`readersBackingModelFigures`). Words that say another amount keep what they say where they were
    /// read clearly (validation reports the words_mismatch), and stay uncertain otherwise.
    static func takeModelTotal(
        _ modelFigures: Decimal, backedBy backing: [String], words said: String, wordsClear: Bool, tesseractRead: String,
        _ total: inout FieldReading, _ words: inout FieldReading
    ) {
        let modelText = Money.format(modelFigures)
        let phrases = backing.map { $0 == "amount in words" ? "the amount in words says" : "the parts add up to" }
        total.confirm(
            NormalizedReading(value: .text(modelText), check: .valid),
            because: "Tesseract read \(tesseractRead); the second OCR model read \(modelText), which \(phrases.joined(separator: " and ")) too",
            by: "second model")
        total.decidedBy = ["second model"] + backing
        if ChineseAmount.parse(said) == modelFigures {
            words.confirm(
                NormalizedReading(value: .text(said), check: .valid),
                because: "agrees with the amount in figures as the second OCR model reads them", by: "amount in words")
        } else if wordsClear {
            words.confirm(
                NormalizedReading(value: .text(said), check: .valid),
                because: "differs from the amount in figures (the second OCR model's, which the parts add up to)",
                by: "amount-in-words glyphs")
        } else {
            words.chosen = NormalizedReading(value: .text(said), check: .valid)
            words.uncertain = true
            words.note = "they read \(said), not the amount in figures \(modelText): compare the words on the paper"
        }
    }

    /// What the total's parts add up to (the items on a claim, amount + tax on an invoice), where every part
    /// was read (and, with `confident`, none is uncertain); nil otherwise.
    static func partsSum(_ result: ExtractionResult, confident: Bool = false) -> Decimal? {
        let parts: [FieldReading?] =
            itemsAddUpTo(result) == "total"
            ? result.rows.map { $0["amount"] }
            : [result.readings["amount"], result.readings["tax_amount"]]
        let values = parts.compactMap { money($0?.chosen) }
        guard !parts.isEmpty, values.count == parts.count, !confident || parts.allSatisfy({ $0?.uncertain == false }) else { return nil }
        return values.reduce(0, +)
    }

    /// VAT invoices: a tax amount that does not fit amount × rate, where the second model reads the one that
    /// does, to the cent: two independent readers (the model, and the arithmetic over an amount and a rate
    /// read with confidence) against Tesseract's one. A G4 scan's 1012.36 was read 11012.36 at every
    /// resolution; the model read 1012.36, which is 33,745.17 × 3% to the cent. The invoice's other relation,
    /// amount + tax = total, is then judged on that value, so a real sum_mismatch is reported rather than
    /// hidden behind an uncertain tax. A tax truly off the rate (tax_mismatch) is read alike by both
    /// engines and stays; a model misreading it onto the rate's value would still break amount + tax =
    /// total, which the total printed with that tax keeps.
    static func takeTaxTheModelAndRateAgreeOn(_ result: inout ExtractionResult, taxBySecondModel: () -> String?) {
        guard let amountReading = result.readings["amount"], !amountReading.uncertain, let amount = money(amountReading.chosen),
            let rate = result.readings["tax_rate"], !rate.uncertain, let rateText = rate.chosen?.value.text,
            let percent = Money.rate(rateText), let taxReading = result.readings["tax_amount"],
            let read = money(taxReading.chosen)
        else { return }
        let onRate = Money.roundedToCent(amount * percent / 100)
        guard read != onRate, let modelTax = modelDisputes(read, taxBySecondModel), modelTax == onRate else { return }
        let shown = taxReading.candidates.map { "\($0.value)" }.joined(separator: " / ")
        result.readings["tax_amount"]?.confirm(
            NormalizedReading(value: .text(Money.format(modelTax)), check: .valid),
            because: "the second OCR model read \(Money.format(modelTax)), which is amount × \(rateText) to the cent; Tesseract's \(shown) is not",
            by: "second model + tax = amount × rate")
    }

    /// Whether tax = amount × rate holds to the cent, within a cent either way (the doubts' own check of the
    /// relation; the validator's rule has its configured tolerance).
    static func taxFits(amount: Decimal, tax: Decimal, percent: Decimal) -> Bool {
        abs(Money.roundedToCent(amount * percent / 100) - tax) <= Decimal(string: "0.01")!
    }

    /// VAT invoices: where amount + tax = total and tax = amount × rate both fail, and both would hold
    /// with one value of the tax (or of the amount) one figure away from its reading, that figure is more
    /// likely misread than the invoice wrong twice over: the amount is uncertain and no sum_mismatch or
    /// tax_mismatch is claimed on it (a photo's 1545.58 read 1515.58 at two resolutions; total − amount and
    /// amount × 3% both give 1545.58). The value that would fit is named, never taken: the operator decides.
    /// A real break of one relation leaves the other holding and stands.
    static func doubtAmountsOneFigureFromBothRelations(_ result: inout ExtractionResult) {
        guard let amountReading = result.readings["amount"], let taxReading = result.readings["tax_amount"],
            let amount = money(amountReading.chosen), let tax = money(taxReading.chosen),
            let total = money(result.readings["total"]?.chosen),
            let rateText = result.readings["tax_rate"]?.chosen?.value.text, let percent = Money.rate(rateText),
            amount + tax != total
        else { return }
        func taxHolds(_ amount: Decimal, _ tax: Decimal) -> Bool { taxFits(amount: amount, tax: tax, percent: percent) }
        guard !taxHolds(amount, tax) else { return }
        // One figure misread, or one lost (a G4 scan's tax 6555.76 read 555.76 with confidence, and a false
        // sum_mismatch and tax_mismatch claimed on it).
        func oneFigureApart(_ read: Decimal, _ fitting: Decimal) -> Bool {
            let a = Array(Money.format(read)), b = Array(Money.format(fitting))
            if a.count == b.count { return zip(a, b).filter { $0 != $1 }.count == 1 }
            return b.count == a.count + 1 && b.indices.contains { index in
                var shorter = b
                shorter.remove(at: index)
                return shorter == a
            }
        }
        let candidates: [(name: String, read: Decimal, fitting: Decimal, fits: Bool)] = [
            ("tax_amount", tax, total - amount, taxHolds(amount, total - amount)),
            ("amount", amount, total - tax, taxHolds(total - tax, tax)),
        ]
        for candidate in candidates where candidate.fits && oneFigureApart(candidate.read, candidate.fitting) {
            guard var reading = result.readings[candidate.name], !reading.uncertain else { continue }
            reading.uncertain = true
            reading.note =
                "amount + tax = total and tax = amount × rate both fail, and both hold with \(Money.format(candidate.fitting)), "
                + "one figure from the reading \(Money.format(candidate.read)) (misread or lost): a misread cannot be ruled out"
            result.readings[candidate.name] = reading
        }
    }

    /// A sum that does not hold over an amount whose readings disagreed (3660.65 twice, 3860.65 twice), or
    /// that the second model reads otherwise (a G4 scan's 4022.94 read 1022.94 at two resolutions), says
    /// "misread" as much as "wrong form": that amount is uncertain, and no sum_mismatch or tax_mismatch is
    /// claimed on it (a violation is reported only for values read with confidence). Where every amount
    /// in the sum was read alike, by both engines where the model reads it, the sum's failure stands.
    /// Where the model's amount is the one the figure classifier reads clearly, glyph by glyph, and
    /// Tesseract's is not, two readers outvote one: the model's amount is taken, and the sum judged on it
    /// (a colour scan's Kai 1321.00 and 3725.90 read 1821.00 and 8725.90 by Tesseract at every resolution;
    /// the claim's real sum_mismatch was then reported as uncertain only).
    static func doubtDisputedAmountsOfBrokenSums(
        _ result: inout ExtractionResult, strokesMayBeLost: Bool = false, amountBySecondModel: (String) -> String? = { _ in nil },
        amountUnclearToSecondModel: (String) -> Bool = { _ in false },
        figuresSpell: (String, String) -> Bool = { _, _ in false }
    ) {
        // Why an amount may be misread: its readings differ, the second model reads it otherwise, or the
        // model cannot make it out (asked once per field: by its name, a table's cell by "row.column", 2.amount).
        var modelReadings: [String: String?] = [:]
        func dispute(_ reading: inout FieldReading, key: String? = nil) -> String? {
            let key = key ?? reading.name
            func modelReading() -> String? {
                if modelReadings[key] == nil { modelReadings[key] = .some(amountBySecondModel(key)) }
                return modelReadings[key] ?? nil
            }
            let read = Array(Set(reading.candidates.filter { $0.check == .valid }.compactMap(\.value.text)))
            // The reading the model read too is kept: a relation failing with it (and every other reading)
            // is broken as two readers read it (`ExtractionResult.disputedAmounts`). Not a reading with a 1 on
            // a 1-bit page, where both lose a thin 4's strokes alike (a G4 item 4427.87 read 1127.87 by the
            // model and once by Tesseract, a tax 2834.90 read 2831.90).
            func keepTheReadingTheModelReadToo(_ modelSaid: Decimal?) {
                guard let modelSaid, !(strokesMayBeLost && Money.format(modelSaid).contains("1")),
                    let backed = reading.candidates.first(where: { money($0) == modelSaid })
                else { return }
                reading.readByModelToo = backed.value
            }
            // Already uncertain, its readings differing (a colour scan's amount 118.72 read 4418.72 once):
            // the model is asked all the same, for validation.
            if reading.uncertain, reading.type == .money, read.count > 1, !outvotedTesseract(reading) {
                keepTheReadingTheModelReadToo(modelAmount(modelReading()))
                return nil
            }
            // A total the model and another reader already took over Tesseract's readings is settled.
            guard !reading.uncertain, !outvotedTesseract(reading) else { return nil }
            let shown = reading.candidates.map { "\($0.value)" }.joined(separator: " / ")
            func take(_ modelText: String) {
                reading.chosen = NormalizedReading(value: .text(modelText), check: .valid)
                reading.note = "Tesseract read \(shown); the second OCR model read \(modelText), and so do the figure glyphs, clearly"
                reading.decidedBy = ["second model", "figure glyphs"]
            }
            if read.count > 1 {
                // Tesseract's readings differ (a Kai 3 read 8 at one resolution): the model and the glyphs,
                // two readers that are not Tesseract, may settle which it is, as below.
                let modelSaid = modelAmount(modelReading())
                if let modelSaid,
                    let settled = modelAndGlyphsSettle(Money.format(modelSaid), against: read, key: key, figuresSpell: figuresSpell)
                {
                    take(settled)
                    return nil
                }
                keepTheReadingTheModelReadToo(modelSaid)
                return "the readings of this amount differ (\(shown))"
            }
            guard let chosen = money(reading.chosen), let chosenText = reading.chosen?.value.text else { return nil }
            // The model read the line and made nothing sure of it (under `SecondModelJudge.minimumProbability`
            // somewhere): the amount rests on Tesseract alone, and a broken sum over it is no violation read
            // with confidence. On ten generated sets, every sum or tax claimed broken over such an amount was
            // a misread (a G4 scan's tax 3338.20 read 208338.20 twice, the model `.2`; 3500.62 read 350.62),
            // and no true one was.
            if modelReading() == nil, amountUnclearToSecondModel(key) {
                return "the second OCR model cannot make it out"
            }
            guard let modelAmount = modelDisputes(chosen, modelReading) else { return nil }
            let modelText = Money.format(modelAmount)
            if let settled = modelAndGlyphsSettle(modelText, against: [chosenText], key: key, figuresSpell: figuresSpell) {
                take(settled)
                return nil
            }
            return "Tesseract read \(shown), the second OCR model \(modelText)"
        }
        func doubt(_ name: String, _ relation: String) {
            guard var reading = result.readings[name] else { return }
            let why = dispute(&reading)
            if let why {
                reading.uncertain = true
                reading.note = "\(relation) does not hold, and \(why): a misread cannot be ruled out"
            }
            result.readings[name] = reading
        }
        func value(_ name: String) -> Decimal? { money(result.readings[name]?.chosen) }
        // Each relation is judged again before each amount is doubted: one the model and the glyphs settled
        // may have made it hold, and then the others are not in doubt (a colour scan's amount 38165.97, read
        // 88165.97 by Tesseract, settled by the model and the glyphs; its total, read 40455.98 once and
        // 40455.93 twice, was still doubted, and the invoice's words_mismatch went unclaimed).
        func sumFails() -> Bool {
            guard let amount = value("amount"), let tax = value("tax_amount"), let total = value("total") else { return false }
            return amount + tax != total
        }
        func taxFails() -> Bool {
            guard let amount = value("amount"), let tax = value("tax_amount"), let rate = result.readings["tax_rate"]?.chosen?.value.text,
                let percent = Money.rate(rate)
            else { return false }
            return !taxFits(amount: amount, tax: tax, percent: percent)
        }
        for name in ["amount", "tax_amount", "total"] where sumFails() { doubt(name, "amount + tax = total") }
        for name in ["amount", "tax_amount"] where taxFails() { doubt(name, "tax = amount × rate") }
        let target = itemsAddUpTo(result)
        let parts = result.rows.compactMap { $0["amount"] }
        guard !result.rows.isEmpty, parts.count == result.rows.count, let whole = value(target) else { return }
        func itemsSum() -> Decimal? {
            let values = result.rows.compactMap { money($0["amount"]?.chosen) }
            return values.count == result.rows.count ? values.reduce(0, +) : nil
        }
        guard let sum = itemsSum(), sum != whole else { return }
        // The items first: one the model and the glyphs settle may complete the sum, and then nothing is in doubt.
        var disputed: [Int: String] = [:]
        for index in result.rows.indices {
            guard var reading = result.rows[index]["amount"] else { continue }
            disputed[index] = dispute(&reading, key: "\(index).amount")
            result.rows[index]["amount"] = reading
        }
        if disputed.isEmpty, itemsSum() == whole { return }
        doubt(target, "the items' sum")
        for (index, why) in disputed {
            result.rows[index]["amount"]?.uncertain = true
            result.rows[index]["amount"]?.note = "the items' sum does not hold, and \(why): a misread cannot be ruled out"
        }
    }

    /// The second model's amount where the figure glyphs spell it clearly and none of Tesseract's
    /// readings (`tesseractRead`): two readers that are not Tesseract agree. Nil otherwise, and nil where
    /// the model has a 1 where Tesseract read a 4: a G4 scan's 4 that lost its strokes reads 1 to the model
    /// and the glyphs alike, never the other way round.
    static func modelAndGlyphsSettle(
        _ modelText: String, against tesseractRead: [String], key: String, figuresSpell: (String, String) -> Bool
    ) -> String? {
        let rivals = tesseractRead.filter { $0 != modelText }
        guard !rivals.isEmpty, figuresSpell(key, modelText), !rivals.contains(where: { figuresSpell(key, $0) }) else { return nil }
        let losesAFour = rivals.contains { rival in
            rival.count == modelText.count && zip(rival, modelText).contains { $0 == "4" && $1 == "1" }
        }
        return losesAFour ? nil : modelText
    }

    /// Money read once (`FieldReading.readOnce`) is confirmed when the form's redundancy holds over those
    /// very readings: the items add up to the total (expense claims) or amount + tax does (invoices), and
    /// the amount in words, verified glyph by glyph, spells the total. A misread would have to be matched
    /// by another misread in the figures and in the words alike. Anything else stays unconfirmed and is
    /// read in full.
    static func confirmReadOnce(_ result: inout ExtractionResult, glyphs: GlyphClassifier?) {
        guard let glyphs, let words = result.readings["total_in_words"], let image = words.image,
            let total = result.readings["total"], total.readOnce, let totalValue = money(total.chosen)
        else { return }
        var parts: [FieldReading] = []
        let byItems = !result.rows.isEmpty && itemsAddUpTo(result) == "total"
        if byItems {
            parts = result.rows.compactMap { $0["amount"] }
            guard parts.count == result.rows.count else { return }
        } else if let amount = result.readings["amount"], let tax = result.readings["tax_amount"] {
            parts = [amount, tax]
        }
        let values = parts.compactMap { $0.readOnce ? money($0.chosen) : nil }
        guard !parts.isEmpty, values.count == parts.count, values.reduce(0, +) == totalValue else { return }
        let spelled = verifyWords(image: image, amount: totalValue, glyphs: glyphs)
        guard spelled.verdict == .matches else { return }
        let reason = "one reading, confirmed by the form: the parts add up to the total and the amount in words spells it"
        result.readings["total"]?.confirm(total.chosen!, because: reason, by: "figure glyphs + sums + amount-in-words glyphs")
        // The words were just verified against this total: `checkAmountInWords` need not do it again.
        result.readings["total_in_words"]?.confirm(
            NormalizedReading(value: .text(spelled.text), check: .valid),
            because: "agrees with the amount in figures", by: "amount-in-words glyphs")
        if !byItems {
            for name in ["amount", "tax_amount"] {
                if let chosen = result.readings[name]?.chosen { result.readings[name]?.confirm(chosen, because: reason, by: "figure glyphs + sums + amount-in-words glyphs") }
            }
        } else {
            for index in result.rows.indices {
                if let chosen = result.rows[index]["amount"]?.chosen {
                    result.rows[index]["amount"]?.confirm(chosen, because: reason, by: "figure glyphs + sums + amount-in-words glyphs")
                }
            }
        }
    }

    /// The field the item lines add up to: the amount before tax on an invoice (its lines carry their own
    /// tax), the total on a claim.
    static func itemsAddUpTo(_ result: ExtractionResult) -> String {
        result.readings["tax_amount"] != nil ? "amount" : "total"
    }

    /// The amount in words verified against `amount` as written with 元 and, failing that, with 圆 (which
    /// e-invoices print): the spelling that matches, or the 元 spelling's verdict.
    static func verifyWords(image: GrayImage, amount: Decimal, glyphs: GlyphClassifier)
        -> (text: String, verdict: AmountInWordsVerifier.Verdict)
    {
        let plain = ChineseAmount.render(amount)
        let verdict = AmountInWordsVerifier.verify(image: image, expected: plain, classifier: glyphs)
        if FieldExtractor.trace {
            // Each place as expected character, nearest character, and their distances.
            let (free, aligned) = AmountInWordsVerifier.positions(image: image, expected: plain, classifier: glyphs)
            let places = (aligned ?? []).map {
                "\($0.expected)\($0.nearest) \(String(format: "%.2f/%.2f", $0.expectedDistance, $0.nearestDistance))"
            }
            FieldExtractor.tracePrint("TRACE words free \(free) \(verdict) \(places.joined(separator: " "))")
        }
        guard verdict != .matches, plain.contains("元") else { return (plain, verdict) }
        let printed = plain.replacingOccurrences(of: "元", with: "圆")
        if AmountInWordsVerifier.verify(image: image, expected: printed, classifier: glyphs) == .matches,
            unitClearlyRound(image: image, plain: plain, printed: printed, glyphs: glyphs)
        {
            return (printed, .matches)
        }
        return (plain, verdict)
    }

    /// Whether the glyph where the words have their unit is clearly 圆 rather than 元: nearer to 圆 by twice
    /// the agreement margin. The words are recorded as printed; a 元 in AR PL UMing under a seal lay 4.39
    /// from 元 and 3.59 from 叁, near enough to 圆 for the 圆 spelling to match, and 玖仟肆佰零叁圆陆角柒分
    /// was accepted for a printed 玖仟肆佰零叁元陆角柒分.
    static func unitClearlyRound(image: GrayImage, plain: String, printed: String, glyphs: GlyphClassifier) -> Bool {
        guard let place = Array(plain).firstIndex(of: "元"),
            let asPlain = AmountInWordsVerifier.positions(image: image, expected: plain, classifier: glyphs).aligned,
            let asPrinted = AmountInWordsVerifier.positions(image: image, expected: printed, classifier: glyphs).aligned,
            asPlain.indices.contains(place), asPrinted.indices.contains(place)
        else { return false }
        return asPlain[place].expectedDistance - asPrinted[place].expectedDistance
            > 2 * AmountInWordsVerifier.agreementMargin
    }

    static func money(_ reading: NormalizedReading?) -> Decimal? {
        guard let reading, reading.check == .valid, let text = reading.value.text else { return nil }
        return Money.parse(text)
    }

    /// 大写 versus 小写: confirms the words (and an uncertain total) when they agree character by character.
    /// - Parameter totalBySecondModel: the second model's reading of the total's figures, asked only where
    ///   the words clearly say another amount than the total read with confidence.
    static func checkAmountInWords(
        _ result: inout ExtractionResult, glyphs: GlyphClassifier?, wordsBySecondModel: () -> LineReading? = { nil },
        totalBySecondModel: () -> String? = { nil }
    ) {
        guard var words = result.readings["total_in_words"], var total = result.readings["total"], words.box != nil,
            words.uncertain
        else { return }
        // The model reads the line once, however many of the steps below ask.
        var modelLine: LineReading?? = nil
        func modelWordsLine() -> LineReading? {
            if modelLine == nil { modelLine = .some(wordsBySecondModel()) }
            return modelLine!
        }
        func wordsByModel() -> String? {
            modelWordsLine().flatMap { $0.lowestConfidence >= SecondModelJudge.minimumProbability ? $0.text : nil }
        }
        /// Confirms the words as the sure model reads them, where they say another amount than the figures
        /// and the glyphs read the model's characters at each difference (`differenceBothRead`).
        func confirmDifferenceBothRead(glyphsRead reading: String) -> Bool {
            guard let figures = money(total.chosen), let modelSaid = wordsByModel()?.filter({ !$0.isWhitespace }),
                let backed = differenceBothRead(glyphsRead: reading, modelRead: modelSaid, figuresSay: ChineseAmount.render(figures))
            else { return false }
            words.confirm(
                NormalizedReading(value: .text(backed), check: .valid),
                because: "the second OCR model reads \(backed), and the glyphs read its characters where they differ from the figures' words",
                by: "second model + amount-in-words glyphs")
            return true
        }
        guard let glyphs, let image = words.image else {
            words.uncertain = true
            words.note = "no glyph prototypes to verify the amount in words"
            result.readings["total_in_words"] = words
            return
        }
        let candidates = total.uncertain ? total.candidates : (total.chosen.map { [$0] } ?? [])
        var verdicts: [(NormalizedReading, String, AmountInWordsVerifier.Verdict)] = []
        for candidate in candidates {
            guard let amount = money(candidate) else { continue }
            let spelled = verifyWords(image: image, amount: amount, glyphs: glyphs)
            verdicts.append((candidate, spelled.text, spelled.verdict))
        }
        let matching = verdicts.filter { $0.2 == .matches }
        // Glyphs that clearly spell another amount are not overruled by the second model.
        let wordsSayOther = verdicts.contains { if case .contradicts(let reading) = $0.2 { ChineseAmount.parse(reading) != nil } else { false } }
        if matching.count == 1, let (candidate, text, _) = matching.first {
            if total.uncertain { total.confirm(candidate, because: "confirmed by the amount in words", by: "amount-in-words glyphs") }
            words.confirm(
                NormalizedReading(value: .text(text), check: .valid),
                because: "agrees with the amount in figures", by: "amount-in-words glyphs")
        } else if matching.isEmpty, !wordsSayOther, let (candidate, text) = spelledBySecondModel(candidates, wordsByModel) {
            // Two readers: Tesseract's figures and the second model's words say the same amount (where a
            // photo's glyphs cannot be cut or one is unclear).
            if total.uncertain {
                total.confirm(candidate, because: "confirmed by the amount in words as the second OCR model reads them", by: "second model (amount in words)")
            }
            words.confirm(
                NormalizedReading(value: .text(text), check: .valid),
                because: "the second OCR model reads the amount in figures in these words", by: "second model")
        } else if !total.uncertain, let (_, _, verdict) = verdicts.first {
            switch verdict {
            case .contradicts(let reading) where ChineseAmount.parse(reading) != nil:
                if let chosen = total.chosen, modelReadsTheFigures(chosen, wordsByModel) {
                    words.chosen = NormalizedReading(value: .text(reading), check: .valid)
                    words.uncertain = true
                    words.note =
                        "the glyphs read \(reading), the second OCR model the amount in figures: compare the words on the paper"
                    break
                }
                // The figures misread alike twice (a G4 scan's 1753.98 read 1758.98, the one item's amount too,
                // so the items' sum held): where the second model reads the figures as another amount than
                // Tesseract did, the words' difference is no violation read with confidence.
                if let figures = money(total.chosen), let modelFigures = modelDisputes(figures, totalBySecondModel) {
                    // Two readers against one: the model's figures are what the words say or what the parts,
                    // read with confidence, add up to (a colour scan's Kai 1315.70 read 1815.70 by Tesseract at
                    // every resolution), and neither says Tesseract's. A real words_mismatch leaves the parts
                    // with the figures.
                    if let backing = readersBackingModelFigures(modelFigures, tesseractRead: [figures], words: reading, result) {
                        // The glyphs' words are a clear reading unless the model reads them as its figures.
                        let clear = !modelReadsTheFigures(NormalizedReading(value: .text(Money.format(modelFigures)), check: .valid), wordsByModel)
                        takeModelTotal(
                            modelFigures, backedBy: backing, words: reading, wordsClear: clear, tesseractRead: Money.format(figures),
                            &total, &words)
                        break
                    }
                    total.uncertain = true
                    total.note =
                        "Tesseract read \(Money.format(figures)), the second OCR model \(Money.format(modelFigures)), and the amount in words says \(reading): a misread cannot be ruled out"
                    words.chosen = NormalizedReading(value: .text(reading), check: .valid)
                    words.uncertain = true
                    words.note = "the glyphs read \(reading); the figures are disputed: compare them on the paper"
                    break
                }
                // Two readers agree on the difference: the model, sure of the line, reads words that say another
                // amount than the figures, and the glyphs read its characters wherever it differs from them. The
                // glyphs' own slip elsewhere (a colour scan's 壹佰 read 叁佰 under the seal) is no difference
                // the model backs, and the words are the model's (its 陆拾 where the figures say 伍拾).
                if confirmDifferenceBothRead(glyphsRead: reading) { break }
                // One reader is not two: where the model, however unsure of the line, read other characters
                // than the glyphs where they differ from the figures' words (a phone photo's 柒角 read 壹角 by
                // the glyphs, 染角 by the model, on a valid claim), the difference is not read with confidence.
                if let figures = money(total.chosen), let modelRead = modelWordsLine()?.text,
                    let unbacked = placeTheModelDoesNotBack(glyphsRead: reading, figuresSay: ChineseAmount.render(figures), modelRead: modelRead)
                {
                    words.chosen = NormalizedReading(value: .text(reading), check: .valid)
                    words.uncertain = true
                    words.note =
                        "the glyphs read \(reading), the second OCR model \(unbacked.modelRead) where they differ from the figures' words (character \(unbacked.place + 1)): compare the words on the paper"
                    break
                }
                // A clear difference: the words say another amount. Keep what they say; validation flags it.
                words.confirm(
                    NormalizedReading(value: .text(reading), check: .valid),
                    because: "differs from the amount in figures", by: "amount-in-words glyphs")
            case .contradicts(let reading):
                // Glyphs that spell no amount (仟仟壹佰…, 陆壹捌佰…) are a misreading of the line, not words
                // that say another amount: an operator compares them, no words_mismatch is claimed. Unless the
                // second model, sure of the line, reads words that say another amount, and the glyphs read its
                // characters wherever they differ from the figures' words: two readers agree on the difference,
                // and the glyphs' misreading lies elsewhere (a phone photo's 贰佰贰拾 for 41219.87, read
                // 贰叁贰拾 by the glyphs).
                if confirmDifferenceBothRead(glyphsRead: reading) { break }
                words.chosen = NormalizedReading(value: .text(reading), check: .malformed)
                words.uncertain = true
                words.note = "the amount in words reads \(reading), which spells no amount: cannot compare it with the figures"
            case .unknownTypeface(let reading):
                // Glyphs in a face the prototypes do not know are no reader of their own (a display face's
                // 陆 and 捌 read 叁 and 壹): they count only where the sure model reads their characters where
                // they differ from the figures' words, as for glyphs in a known face. Otherwise what they read
                // is shown, unconfirmed.
                let spellsAmount = ChineseAmount.parse(reading) != nil
                if spellsAmount, confirmDifferenceBothRead(glyphsRead: reading) { break }
                words.chosen = NormalizedReading(value: .text(reading), check: spellsAmount ? .valid : .malformed)
                words.uncertain = true
                words.note =
                    "the glyphs of the amount in words lie far from every prototype (a typeface they do not know, or a blurred line); they read \(reading), unconfirmed: compare the words on the paper"
            case .unverified(let reason):
                words.uncertain = true
                words.note = "cannot confirm the amount in words: \(reason)"
            case .matches:
                break
            }
        } else {
            words.uncertain = true
            words.note = "cannot confirm the amount in words against an uncertain total"
            // What the words say is still put before the operator (unconfirmed): the second model's reading,
            // else the glyphs', where it spells an amount.
            let glyphsRead = verdicts.compactMap { verdict -> String? in
                if case .contradicts(let reading) = verdict.2, ChineseAmount.parse(reading) != nil { return reading }
                return nil
            }
            let modelSaid = wordsByModel()?.filter { !$0.isWhitespace }
            let wordsSay =
                (modelSaid.flatMap { ChineseAmount.parse($0) } != nil ? modelSaid : nil)
                ?? (Set(glyphsRead).count == 1 ? glyphsRead.first : nil)
            if words.chosen == nil, let said = wordsSay {
                words.chosen = NormalizedReading(value: .text(said), check: .valid)
                words.note = "cannot confirm the amount in words against an uncertain total; they read \(said)"
            }
            // A total Tesseract could not read (a G4 scan's seal over it) is what the second model reads in
            // its figures where another reader backs it: the parts, read with confidence, or the words as the
            // glyphs read them (the model's own reading of the words is not a second reader).
            if total.uncertain, let said = wordsSay, let modelFigures = modelAmount(totalBySecondModel()),
                let backing = readersBackingModelFigures(
                    modelFigures, tesseractRead: total.candidates.compactMap { money($0) }, words: said, result),
                backing != ["amount in words"] || glyphsRead.contains(said)
            {
                let shown = total.candidates.map { "\($0.value)" }.joined(separator: " / ")
                // Words that say another amount are claimed only where the glyphs and the model read them alike.
                let clear = glyphsRead.contains(said) && modelSaid == said
                takeModelTotal(
                    modelFigures, backedBy: backing, words: said, wordsClear: clear, tesseractRead: shown.isEmpty ? "nothing clear" : shown,
                    &total, &words)
            }
        }
        result.readings["total_in_words"] = words
        result.readings["total"] = total
    }

    /// Whether the second model reads the amount in words as `total` spells it: then glyphs that read
    /// another amount are one reader against another, and no words_mismatch is claimed (a photo's blurred
    /// 陆 was read 肆 by the glyphs, twice, on a valid claim). Without the model's reading the glyphs'
    /// clear difference stands.
    static func modelReadsTheFigures(_ total: NormalizedReading, _ read: () -> String?) -> Bool {
        spelledBySecondModel([total], read) != nil
    }

    /// The first place where the glyphs' words differ from what the figures say and the second model (read
    /// at the same length) did not read the glyphs' character, with the model's character there; nil where
    /// the model backs every difference, or its reading, or the glyphs', is not as long as the figures' words.
    static func placeTheModelDoesNotBack(glyphsRead: String, figuresSay: String, modelRead: String) -> (
        place: Int, modelRead: Character
    )? {
        let glyphs = Array(glyphsRead.filter { !$0.isWhitespace })
        let figures = Array(figuresSay)
        let model = Array(modelRead.filter { !$0.isWhitespace })
        guard glyphs.count == figures.count, model.count == figures.count,
            let place = glyphs.indices.first(where: { glyphs[$0] != figures[$0] && model[$0] != glyphs[$0] })
        else { return nil }
        return (place, model[place])
    }

    /// The model's words where they spell another amount than the figures' words and the glyphs read the
    /// model's character at every place where the two differ; nil otherwise (or where the three are not as
    /// long).
    static func differenceBothRead(glyphsRead: String, modelRead: String, figuresSay: String) -> String? {
        let glyphs = Array(glyphsRead.filter { !$0.isWhitespace })
        let model = Array(modelRead)
        let figures = Array(figuresSay)
        guard model.count == figures.count, glyphs.count == figures.count, model != figures,
            let said = ChineseAmount.parse(modelRead), said != ChineseAmount.parse(figuresSay),
            figures.indices.allSatisfy({ model[$0] == figures[$0] || glyphs[$0] == model[$0] })
        else { return nil }
        return modelRead
    }

    /// The amount the second model reads in figures where it differs from `figures` (Tesseract's); nil where
    /// it reads the same or nothing.
    static func modelDisputes(_ figures: Decimal, _ read: () -> String?) -> Decimal? {
        guard let model = modelAmount(read()), model != figures else { return nil }
        return model
    }

    /// An amount as the second model read its line, its figures and point only (a ¥ or a space dropped).
    static func modelAmount(_ text: String?) -> Decimal? {
        text.flatMap { Money.parse($0.filter { $0.isASCIIDigit || $0 == "." }) }
    }

    /// The one candidate total whose words (元 or 圆) the second model read exactly, with those words.
    static func spelledBySecondModel(_ candidates: [NormalizedReading], _ read: () -> String?) -> (NormalizedReading, String)? {
        let amounts = candidates.compactMap { candidate in money(candidate).map { (candidate, $0) } }
        guard !amounts.isEmpty, let text = read()?.filter({ !$0.isWhitespace }), !text.isEmpty else { return nil }
        let spelled = amounts.compactMap { candidate, amount -> (NormalizedReading, String)? in
            let plain = ChineseAmount.render(amount)
            if text == plain { return (candidate, plain) }
            let printed = plain.replacingOccurrences(of: "元", with: "圆")
            return text == printed ? (candidate, printed) : nil
        }
        return spelled.count == 1 ? spelled[0] : nil
    }

    /// Expense claims: when every item amount is confirmed and the total is not, the total's best reading
    /// is confirmed if it equals their sum; when the total is confirmed and one item is not, that item's
    /// best reading is confirmed if it completes the sum.
    /// On an invoice the lines add up to the amount before tax, which then stands where the total stands
    /// here (`itemsAddUpTo`).
    static func settleTotalByItems(_ result: inout ExtractionResult) {
        let target = itemsAddUpTo(result)
        guard !result.rows.isEmpty, var total = result.readings[target] else { return }
        let amounts = result.rows.compactMap { $0["amount"] }
        guard amounts.count == result.rows.count else { return }
        let uncertainItems = amounts.indices.filter { amounts[$0].uncertain }
        if total.uncertain && uncertainItems.isEmpty {
            let values = amounts.compactMap { money($0.chosen) }
            guard values.count == amounts.count else { return }
            let sum = values.reduce(0, +)
            if let candidate = total.chosen, money(candidate) == sum {
                total.confirm(candidate, because: "equals the sum of the items", by: "items sum")
                result.readings[target] = total
            }
        } else if !total.uncertain, uncertainItems.count == 1, let totalValue = money(total.chosen) {
            let index = uncertainItems[0]
            let others = amounts.indices.filter { $0 != index }.compactMap { money(amounts[$0].chosen) }
            guard others.count == amounts.count - 1 else { return }
            let needed = totalValue - others.reduce(0, +)
            if let candidate = amounts[index].chosen, money(candidate) == needed {
                result.rows[index]["amount"]?.confirm(candidate, because: "completes the sum of the items", by: "items sum")
            }
        }
    }

    /// Claims: the attachments count is the receipts' sum. One uncertain count whose own best reading
    /// completes it, with the attachments and every other count settled, is confirmed, as the items' sum
    /// confirms one amount; never another seen reading (a colour scan's lone 4 whose glyph tied with 1).
    static func settleReceiptsByAttachments(_ result: inout ExtractionResult) {
        guard !result.rows.isEmpty, let attachments = result.readings["attachments"], !attachments.uncertain,
            let whole = attachments.chosen?.value.integer
        else { return }
        let counts = result.rows.compactMap { $0["receipts"] }
        let uncertain = counts.indices.filter { counts[$0].uncertain }
        guard counts.count == result.rows.count, uncertain.count == 1, let index = uncertain.first else { return }
        let others = counts.indices.filter { $0 != index }.compactMap { counts[$0].chosen?.value.integer }
        guard others.count == counts.count - 1, let candidate = counts[index].chosen, candidate.check == .valid,
            candidate.value.integer == whole - others.reduce(0, +)
        else { return }
        result.rows[index]["receipts"]?.confirm(candidate, because: "completes the attachments count, the receipts' sum", by: "attachments sum")
    }

    /// VAT invoices: an uncertain tax rate whose own best reading makes the tax exactly the amount × rate,
    /// rounded to the cent, with both amounts settled, is confirmed by that arithmetic. A rate is one of a
    /// few values whose products differ by far more than a cent; a misread rate (13% read 3%) fails it
    /// and stays uncertain. A photo's blurred 9% was read by two readings where three are needed.
    static func settleTaxRate(_ result: inout ExtractionResult) {
        guard let rate = result.readings["tax_rate"], rate.uncertain, let candidate = rate.chosen, candidate.check == .valid,
            let text = candidate.value.text, let percent = Money.rate(text),
            let amountReading = result.readings["amount"], !amountReading.uncertain, let amount = money(amountReading.chosen),
            let taxReading = result.readings["tax_amount"], !taxReading.uncertain, let tax = money(taxReading.chosen),
            amount > 0, Money.roundedToCent(amount * percent / 100) == tax
        else { return }
        result.readings["tax_rate"]?.confirm(candidate, because: "tax = amount × \(text), to the cent", by: "tax = amount × rate")
    }

    /// VAT invoices: amount + tax = total and tax = amount × rate settle one uncertain amount among the three.
    static func settleVATArithmetic(_ result: inout ExtractionResult) {
        guard let amount = result.readings["amount"], let tax = result.readings["tax_amount"],
            let total = result.readings["total"]
        else { return }
        let uncertain = [amount, tax, total].filter(\.uncertain)
        guard uncertain.count == 1 else { return }
        switch uncertain[0].name {
        case "total":
            guard let a = money(amount.chosen), let t = money(tax.chosen) else { return }
            if let candidate = total.chosen, money(candidate) == a + t {
                result.readings["total"]?.confirm(candidate, because: "equals amount + tax", by: "amount + tax = total")
            }
        case "tax_amount":
            guard let a = money(amount.chosen), let s = money(total.chosen) else { return }
            if let candidate = tax.chosen, money(candidate) == s - a {
                result.readings["tax_amount"]?.confirm(candidate, because: "equals total − amount", by: "amount + tax = total")
            }
        case "amount":
            guard let t = money(tax.chosen), let s = money(total.chosen) else { return }
            if let candidate = amount.chosen, money(candidate) == s - t {
                result.readings["amount"]?.confirm(candidate, because: "equals total − tax", by: "amount + tax = total")
            }
        default:
            break
        }
    }
}
