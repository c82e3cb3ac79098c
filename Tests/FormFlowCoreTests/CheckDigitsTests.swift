import Testing

@testable import FormFlowCore

@Suite("Check characters: GB 11643, GB 32100, Luhn")
struct CheckDigitsTests {
    @Test("resident IDs, including X as check character")
    func residentID() {
        #expect(CheckDigits.isValidResidentID("11010519491231002X"))
        #expect(CheckDigits.isValidResidentID("210702198503221582"))
        #expect(!CheckDigits.isValidResidentID("210702198503221583"))
        #expect(!CheckDigits.isValidResidentID("110105194912310021"))
        #expect(!CheckDigits.isValidResidentID("11010519491231002"))  // 17 characters
        #expect(!CheckDigits.isValidResidentID("1101051949123100X2"))  // X inside
        #expect(CheckDigits.residentIDCheck("11010519491231002") == "X")
    }

    @Test("unified social credit codes with letters")
    func uscc() {
        #expect(CheckDigits.isValidUSCC("91350100M000100Y43"))
        #expect(!CheckDigits.isValidUSCC("91350100M000100Y44"))
        #expect(!CheckDigits.isValidUSCC("91350100M000100YI3"))  // I is not in the alphabet
        let body = "91330100669A81ECB"
        let check = CheckDigits.usccCheck(body)!
        #expect(CheckDigits.isValidUSCC(body + String(check)))
    }

    @Test("Luhn on 16- and 19-digit cards")
    func luhn() {
        #expect(CheckDigits.isValidBankCard("4111111111111111"))  // 16 digits
        #expect(!CheckDigits.isValidBankCard("4111111111111112"))
        #expect(CheckDigits.isValidBankCard("6222026197192206181"))  // 19 digits
        #expect(!CheckDigits.isValidBankCard("6222026197192206182"))
        #expect(!CheckDigits.isValidBankCard("411111111111111"))  // 15 digits
        #expect(!CheckDigits.isValidBankCard("41111111111111111111"))  // 20 digits
    }
}
