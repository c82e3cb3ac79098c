import Foundation
import Testing

@testable import FormFlowCore

@Suite("Money and tax rates as printed")
struct MoneyTests {
    @Test("a rate is a percentage, exempt lines carry none, and anything else is no one rate")
    func rates() {
        #expect(Money.rate("9%") == 9)
        #expect(Money.rate("13%") == 13)
        #expect(Money.rate("免税") == 0)
        #expect(Money.rate("不征税") == 0)
        #expect(Money.rate("mixed") == nil)
        #expect(Money.rate("9") == nil)
    }

    @Test("money has two decimals; tax is rounded half-up to the cent")
    func amounts() {
        #expect(Money.parse("2718.35") == Decimal(string: "2718.35"))
        #expect(Money.parse("2718.3") == nil)
        #expect(Money.roundedToCent(Decimal(string: "244.6515")!) == Decimal(string: "244.65"))
        #expect(Money.format(Decimal(string: "1234.5")!) == "1234.50")
    }
}
