import FormFlowCore
import Testing

@testable import FormFlowExtraction

@Suite("Rows below the items that hold marks only (a seal's ring or text, a shadow) are no items")
struct ItemRowJudgeTests {
    static let columns = [
        ItemRowJudge.Column(
            name: "category", type: .enumerated, vocabulary: ["差旅费", "住宿费", "餐饮费", "交通费", "办公用品", "会议费"]),
        ItemRowJudge.Column(name: "amount", type: .money, vocabulary: []),
        ItemRowJudge.Column(name: "receipts", type: .integer, vocabulary: []),
    ]

    static func cell(_ name: String, _ type: FieldType, _ readings: [String], box: Bool = true) -> FieldReading {
        let normalized = readings.map { NormalizedReading(value: .text($0), check: .valid) }
        return FieldReading(
            name: name, type: type, chosen: normalized.first, candidates: normalized, raw: readings.first ?? "",
            confidence: 0, box: box ? PixelRect(x: 0, y: 0, width: 100, height: 40) : nil, uncertain: true,
            note: nil, image: nil)
    }

    static func row(_ category: [String], _ amount: [String], _ receipts: [String]) -> [String: FieldReading] {
        [
            "category": cell("category", .enumerated, category), "amount": cell("amount", .money, amount),
            "receipts": cell("receipts", .integer, receipts, box: !receipts.isEmpty),
        ]
    }

    static let item = row(["住宿费"], ["3887.33"], ["6"])

    @Test("a trailing row read as 人 / 二 with no figures is marks; the items above stay")
    func sealRingRow() {
        let rows = [Self.item, Self.item, Self.row(["人", "二"], [], [])]
        let marks = ItemRowJudge.trailingMarks(rows, columns: Self.columns) { _, _ in nil }
        #expect(marks.map(\.row) == [2])
        #expect(marks.first?.why.contains("人 / 二") == true)
    }

    @Test("several trailing rows of marks are all found, and nothing above the last item")
    func severalRows() {
        let marks = Self.row(["信"], [], [])
        let rows = [Self.item, marks, Self.item, marks, Self.row([], [], [])]
        #expect(ItemRowJudge.trailingMarks(rows, columns: Self.columns) { _, _ in nil }.map(\.row) == [4, 3])
    }

    @Test("any sign of an item keeps the row: figures, a count, a category near the list, a long text")
    func itemSignsKeepTheRow() {
        let kept: [[String: FieldReading]] = [
            Self.row(["人"], [".0", "64"], []),  // two figures in the amount
            Self.row(["人"], [], ["6"]),  // a receipts count
            Self.row(["交通费浓"], [".0"], []),  // contains a list entry
            Self.row(["交通"], [], []),  // one character from an entry
            Self.row(["咨询服务"], [], []),  // an unknown category is still text
        ]
        for row in kept {
            #expect(ItemRowJudge.marksOnly(row, columns: Self.columns) { _ in nil } == nil)
        }
    }

    @Test("the second model reading figures in the amount's ink keeps the row")
    func modelKeepsTheRow() {
        let row = Self.row(["人"], [], [])
        #expect(ItemRowJudge.marksOnly(row, columns: Self.columns) { $0 == "amount" ? "1319.83" : nil } == nil)
        #expect(ItemRowJudge.marksOnly(row, columns: Self.columns) { $0 == "category" ? "会议费" : nil } == nil)
        #expect(ItemRowJudge.marksOnly(row, columns: Self.columns) { $0 == "amount" ? "。" : "人" } != nil)
    }

    static func total(_ text: String, uncertain: Bool = false) -> FieldReading {
        var reading = cell("total", .money, [text])
        reading.uncertain = uncertain
        return reading
    }

    static func settled(_ row: [String: FieldReading]) -> [String: FieldReading] {
        row.mapValues { cell in
            var cell = cell
            cell.uncertain = false
            return cell
        }
    }

    static let amountColumn = columns[1]
    static let countColumn = columns[2]

    @Test(
        "a seal's text read as a category, with no figures beside it, is no item where the items above make the total")
    func sealTextBelowItems() {
        let items = [
            Self.settled(Self.row(["住宿费"], ["3887.33"], ["6"])), Self.settled(Self.row(["交通费"], ["112.67"], ["1"])),
        ]
        let seal = Self.row(["院政务"], [], [])
        let found = ItemRowJudge.rowsTheItemsDoWithout(
            items + [seal, Self.row(["一人人"], [], [])], total: Self.total("4000.00"), amount: Self.amountColumn,
            count: Self.countColumn, model: { _, _ in nil })
        #expect(found.map(\.row) == [3, 2])
        #expect(found.last?.why.contains("院政务") == true)
        // `trailingMarks` keeps such a row (three characters may be an unknown category).
        #expect(ItemRowJudge.marksOnly(seal, columns: Self.columns) { _ in nil } == nil)
    }

    @Test("the row stays where its amount or count holds figures, the items fall short, or a value is uncertain")
    func rowKeptUnlessTheItemsDoWithout() {
        let items = [Self.settled(Self.row(["住宿费"], ["3887.33"], ["6"]))]
        func found(
            _ rows: [[String: FieldReading]], total: FieldReading = Self.total("3887.33"),
            model: @escaping (Int, String) -> String? = { _, _ in nil }
        ) -> [Int] {
            ItemRowJudge.rowsTheItemsDoWithout(
                rows, total: total, amount: Self.amountColumn, count: Self.countColumn, model: model
            ).map(\.row)
        }
        let seal = Self.row(["院政务"], [], [])
        #expect(found(items + [seal]) == [1])
        // A total that leaves out the last line: its figures are read, and the sum_mismatch is the form's.
        #expect(found(items + [Self.row(["会议费"], ["112.67"], [])]).isEmpty)
        #expect(found(items + [Self.row(["会议费"], [], ["2"])]).isEmpty)
        // The second model sees figures in the amount's ink.
        #expect(
            found(items + [Self.row(["会议费"], [""], [])], model: { _, column in column == "amount" ? "112.67" : nil })
                .isEmpty)
        // The items do not make the total, or the total or an amount above is uncertain.
        #expect(found(items + [seal], total: Self.total("4000.00")).isEmpty)
        #expect(found(items + [seal], total: Self.total("3887.33", uncertain: true)).isEmpty)
        #expect(found([Self.row(["住宿费"], ["3887.33"], ["6"]), seal]).isEmpty)
        // A table of one such row is not left empty.
        #expect(found([seal], total: Self.total("0.00")).isEmpty)
    }
}
