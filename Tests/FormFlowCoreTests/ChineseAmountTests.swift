import Foundation
import Testing

@testable import FormFlowCore

@Suite("Chinese financial capitals, both directions")
struct ChineseAmountTests {
    static let cases: [(String, String)] = [
        ("0.00", "零元整"),
        ("0.05", "伍分"),
        ("0.50", "伍角"),
        ("1.05", "壹元零伍分"),
        ("10.50", "壹拾元伍角"),
        ("100.00", "壹佰元整"),
        ("101.00", "壹佰零壹元整"),
        ("110.00", "壹佰壹拾元整"),
        ("1001.01", "壹仟零壹元零壹分"),
        ("1010.10", "壹仟零壹拾元壹角"),
        ("5506.08", "伍仟伍佰零陆元零捌分"),
        ("10000.00", "壹万元整"),
        ("10001.00", "壹万零壹元整"),
        ("20100.00", "贰万零壹佰元整"),
        ("31779.07", "叁万壹仟柒佰柒拾玖元零柒分"),
        ("100010.00", "壹拾万零壹拾元整"),
        ("1000000.00", "壹佰万元整"),
        ("10000000.00", "壹仟万元整"),
        ("100000000.00", "壹亿元整"),
        ("100000010.10", "壹亿零壹拾元壹角"),
        ("100010000.00", "壹亿零壹万元整"),
        ("123456789.12", "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元壹角贰分"),
    ]

    @Test("rendering", arguments: cases)
    func render(amount: String, words: String) throws {
        let value = try #require(Decimal(string: amount))
        #expect(ChineseAmount.render(value) == words)
    }

    @Test("parsing", arguments: cases)
    func parse(amount: String, words: String) throws {
        #expect(ChineseAmount.parse(words) == Decimal(string: amount))
    }

    @Test("圆 and 正 are read as 元 and 整")
    func variants() {
        #expect(ChineseAmount.parse("壹佰圆正") == 100)
    }

    @Test("garbled or non-canonical text is refused, never read as another amount")
    func refuses() {
        for text in ["伍什伍佰零陆元零捌分", "壹仟壹元", "壹拾拾元整", "元整", "壹佰元整整", "伍角伍角", "壹万万元整", "", "1001.01"] {
            #expect(ChineseAmount.parse(text) == nil, "\(text) was parsed")
        }
    }

    @Test("every amount up to 20000.00 in steps of 0.37 survives the round trip")
    func roundTrip() {
        var cents = 0
        while cents <= 2_000_000 {
            let amount = Decimal(cents) / 100
            let words = ChineseAmount.render(amount)
            #expect(ChineseAmount.parse(words) == amount, "\(amount) → \(words)")
            cents += 37
        }
    }

    @Test("amounts are rounded half-up to the cent")
    func rounding() {
        #expect(ChineseAmount.render(Decimal(string: "1.005")!) == "壹元零壹分")
        #expect(Money.format(Decimal(string: "2.675")!) == "2.68")
    }
}
