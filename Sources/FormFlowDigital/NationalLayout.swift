import FormFlowCore
import Foundation

/// A run of text on a page with its box, in any unit (OFD millimetres, PDF points): what an OFD page's
/// `TextObject`s and a PDF's text layer have in common.
public struct PositionedText: Sendable, Hashable {
    public var text: String
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double

    public init(text: String, x: Double, y: Double, width: Double, height: Double) {
        self.text = text
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    var centreX: Double { x + width / 2 }
    var centreY: Double { y + height / 2 }
}

/// Reads the national e-invoice layout (the tax office's: 发票代码/发票号码/开票日期 top right, 购买方 and
/// 销售方 blocks with 名称 and 纳税人识别号, the item table 项目名称 … 金额 税率 税额, 合计, 价税合计（大写）…
/// （小写）) from positioned text, by its printed labels rather than by fixed zones: issuers and regions
/// move the blocks, the labels are fixed by the tax office. Both the older 增值税电子普通发票 (buyer above
/// seller) and the 数电 layout (buyer beside seller) read this way: the first 名称 in reading order is the
/// buyer's.
public struct NationalLayout {
    /// The page's text grouped into lines (top to bottom), each line's runs left to right, NFKC-cleaned.
    public let lines: [[PositionedText]]

    public init(_ runs: [PositionedText]) {
        let cleaned = runs.compactMap { run -> PositionedText? in
            var run = run
            run.text = InvoiceText.clean(run.text)
            return run.text.isEmpty ? nil : run
        }
        lines = TextLines.grouped(cleaned, centreY: \.centreY, height: \.height, x: \.x)
    }

    /// The texts right of each occurrence of a label, in reading order. A label and its value may be one
    /// run (`名称:科游迈利有限公司`) or two; a value may span two runs (`¥` and the figure).
    public func values(after labels: [String]) -> [String] {
        var found: [String] = []
        for line in lines {
            var index = 0
            while index < line.count {
                let text = Self.withoutColon(line[index].text)
                if let label = labels.first(where: { text.hasPrefix($0) }) {
                    var rest = Self.withoutColon(String(text.dropFirst(label.count)))
                    var next = index + 1
                    // `¥` or `⊗` alone is a prefix printed as its own run: the value is in the next one.
                    while rest.filter({ !Self.prefixMarks.contains($0) }).isEmpty, next < line.count,
                        !Self.isLabel(line[next].text)
                    {
                        rest += line[next].text
                        next += 1
                    }
                    found.append(rest)
                    index = next
                } else {
                    index += 1
                }
            }
        }
        return found
    }

    /// The runs that print the total in figures (right of （小写）), as one box: where the page's glyphs
    /// can be compared with the text layer.
    public func totalBox() -> PositionedText? {
        for line in lines {
            guard let index = line.firstIndex(where: { Self.withoutColon($0.text).hasPrefix("(小写)") }) else { continue }
            var runs = Array(line[(index + 1)...].prefix { !Self.isLabel($0.text) })
            let own = Self.withoutColon(String(Self.withoutColon(line[index].text).dropFirst("(小写)".count)))
            if !own.isEmpty { runs = [line[index]] }
            guard let first = runs.first else { return nil }
            let maxX = runs.map { $0.x + $0.width }.max()!
            let minY = runs.map(\.y).min()!
            let maxY = runs.map { $0.y + $0.height }.max()!
            return PositionedText(
                text: runs.map(\.text).joined(), x: first.x, y: minY, width: maxX - first.x, height: maxY - minY)
        }
        return nil
    }

    static let prefixMarks: Set<Character> = ["¥", "￥", "⊗", "ⓧ", "Ⓧ"]

    static let knownLabels = [
        "发票代码", "发票号码", "开票日期", "校验码", "机器编号", "名称", "纳税人识别号", "统一社会信用代码", "地址", "开户行",
        "价税合计", "(小写)", "(大写)", "合计", "备注", "收款人", "复核", "开票人", "密码区", "购买方", "销售方",
    ]

    static func isLabel(_ text: String) -> Bool {
        let text = withoutColon(text)
        return knownLabels.contains { text.hasPrefix($0) } && text.count <= 16
    }

    static func withoutColon(_ text: String) -> String {
        var text = Substring(text)
        while let first = text.first, ":：".contains(first) { text = text.dropFirst() }
        while let last = text.last, ":：".contains(last) { text = text.dropLast() }
        return String(text)
    }

    /// The item table: the header line (项目名称 … 金额 … 税率 … 税额), then each line below it until the
    /// 合计 line; every run goes to the column whose header is nearest. A line with a name only continues
    /// the name above it (long names wrap). Returns the rows and the 合计 line's column values.
    public func table() -> (rows: [[String: String]], totals: [String: String])? {
        guard let headerIndex = lines.firstIndex(where: { line in
            line.contains { $0.text.hasPrefix("项目名称") || $0.text.hasPrefix("货物或应税劳务") }
                && line.contains { $0.text.hasPrefix("税额") }
        }) else { return nil }
        var columns: [(name: String, centre: Double)] = []
        for run in lines[headerIndex] {
            let name: String? =
                if run.text.hasPrefix("项目名称") || run.text.hasPrefix("货物或应税劳务") { "name" }
                else if run.text.hasPrefix("金额") { "amount" }
                else if run.text.hasPrefix("税率") || run.text.hasPrefix("征收率") { "tax_rate" }
                else if run.text.hasPrefix("税额") { "tax_amount" }
                else { "other" }
            columns.append((name!, run.centreX))
        }
        func column(of run: PositionedText) -> String {
            // A name is left-aligned from the table's edge: it belongs to the name column when it starts
            // left of the next column's header.
            columns.min { abs($0.centre - run.centreX) < abs($1.centre - run.centreX) }!.name
        }
        var rows: [[String: String]] = []
        var totals: [String: String] = [:]
        for line in lines[(headerIndex + 1)...] {
            // 合计, 合计¥300.00, or 合 and 计 as two runs (the 数电 layout spaces them).
            let isTotals =
                line.contains { run in
                    Self.withoutColon(run.text) == "合计"
                        || (run.text.hasPrefix("合计") && InvoiceText.money(String(run.text.dropFirst(2))) != nil)
                } || zip(line, line.dropFirst()).contains { $0.text == "合" && $1.text == "计" }
            if isTotals {
                for run in line where run.text != "合" && run.text != "计" {
                    let text = run.text.hasPrefix("合计") ? Self.withoutColon(String(run.text.dropFirst(2))) : run.text
                    if !text.isEmpty { totals[column(of: run), default: ""] += text }
                }
                break
            }
            if line.contains(where: { $0.text.hasPrefix("价税合计") }) { break }
            var row: [String: String] = [:]
            for run in line { row[column(of: run), default: ""] += run.text }
            if row["amount"] == nil, row["tax_amount"] == nil, let name = row["name"], !rows.isEmpty {
                rows[rows.count - 1]["name", default: ""] += name
            } else if row["amount"] != nil {
                rows.append(row)
            }
        }
        return (rows, totals)
    }

    /// The invoice on this page, or the reason it is not one.
    public func invoice(source: DigitalInvoice.Source) throws(DigitalError) -> DigitalInvoice {
        func first(_ labels: String..., index: Int = 0) -> String? {
            let found = values(after: labels)
            return found.count > index ? found[index] : nil
        }
        let names = values(after: ["名称"])
        let taxIDs = values(after: ["统一社会信用代码/纳税人识别号", "纳税人识别号"])
        var printed: [String: String] = [:]
        printed["invoice_code"] = first("发票代码")
        printed["invoice_no"] = first("发票号码")
        printed["issue_date"] = first("开票日期")
        printed["buyer_name"] = names.first
        printed["seller_name"] = names.dropFirst().first
        printed["buyer_tax_id"] = taxIDs.first
        printed["seller_tax_id"] = taxIDs.dropFirst().first
        printed["total_in_words"] = first("价税合计(大写)", "价税合计（大写）")
        printed["total"] = first("(小写)", "（小写）")
        guard let table = table() else {
            throw DigitalError(.notAnInvoice, "the page's text has no 项目名称 … 税额: not the national e-invoice layout")
        }
        printed["amount"] = table.totals["amount"]
        printed["tax_amount"] = table.totals["tax_amount"]
        return try DigitalInvoice.printed(printed, lines: table.rows, source: source)
    }
}

extension DigitalInvoice {
    /// The invoice from the texts its page prints, by the record's field names (`invoice_no`,
    /// `buyer_name`, `total` …) and the item table's rows (`name`, `amount`, `tax_rate`, `tax_amount`):
    /// what a template's zones or the page's labels found. Every value must parse exactly; the 合计
    /// amounts may be left out when the lines give them.
    public static func printed(
        _ printed: [String: String], lines rows: [[String: String]], source: Source
    ) throws(DigitalError) -> DigitalInvoice {
        func text(_ name: String) -> String? {
            printed[name].map(InvoiceText.clean).flatMap { $0.isEmpty ? nil : $0 }
        }
        let missing = [
            ("invoice_no", "发票号码"), ("buyer_name", "购买方 名称"), ("seller_name", "销售方 名称"),
            ("buyer_tax_id", "购买方 纳税人识别号"), ("seller_tax_id", "销售方 纳税人识别号"), ("total", "价税合计（小写）"),
        ].filter { text($0.0) == nil }.map(\.1)
        guard missing.isEmpty, let number = text("invoice_no"), let totalText = text("total") else {
            throw DigitalError(
                .notAnInvoice, "the page's text has no \(missing.joined(separator: ", ")): not the national e-invoice layout")
        }
        guard let date = text("issue_date").flatMap(InvoiceText.date) else {
            throw DigitalError(.notAnInvoice, "the page's text has no readable 开票日期")
        }
        var lines: [DigitalInvoice.Line] = []
        for row in rows {
            guard let amount = row["amount"].flatMap(InvoiceText.money),
                let rate = row["tax_rate"].flatMap(InvoiceText.taxRate),
                let tax = row["tax_amount"].flatMap(InvoiceText.money)
            else {
                throw DigitalError(.notAnInvoice, "an item line of the table cannot be read: \(row.values.joined(separator: " "))")
            }
            lines.append(.init(name: InvoiceText.clean(row["name"] ?? ""), amount: amount, taxRate: rate, taxAmount: tax))
        }
        guard let total = InvoiceText.money(totalText),
            let amount = text("amount").flatMap(InvoiceText.money) ?? (lines.isEmpty ? nil : lines.map(\.amount).reduce(0, +)),
            let tax = text("tax_amount").flatMap(InvoiceText.money) ?? (lines.isEmpty ? nil : lines.map(\.taxAmount).reduce(0, +))
        else {
            throw DigitalError(.notAnInvoice, "the totals (合计, 价税合计) cannot be read")
        }
        return DigitalInvoice(
            source: source, invoiceCode: text("invoice_code"), invoiceNumber: number, issueDate: date,
            buyerName: text("buyer_name")!, buyerTaxID: text("buyer_tax_id")!, sellerName: text("seller_name")!,
            sellerTaxID: text("seller_tax_id")!, amount: amount, taxAmount: tax, total: total,
            totalInWords: text("total_in_words").map(InvoiceText.words), lines: lines)
    }
}
