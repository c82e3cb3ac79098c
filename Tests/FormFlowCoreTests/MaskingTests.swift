import Testing

@testable import FormFlowCore

@Suite("Masking personal data")
struct MaskingTests {
    @Test("ID numbers and bank cards keep six leading and four trailing characters")
    func mask() {
        #expect(Masking.mask("110101199003074209") == "110101********4209")
        #expect(Masking.mask("11010119900307420X") == "110101********420X")
        #expect(Masking.mask("6222026197192206181") == "622202*********6181")
    }

    @Test("long digit runs inside free text are masked, short numbers are not")
    func maskInText() {
        let text = "身份证号 210702198503221582 不符, 账号6222026197192206181; 金额 5506.08, 单号 BX20264267222"
        let masked = Masking.maskDigitRuns(in: text)
        #expect(!masked.contains("210702198503221582"))
        #expect(masked.contains("210702********1582"))
        #expect(masked.contains("622202*********6181"))
        #expect(masked.contains("5506.08"))
        #expect(masked.contains("BX20264267222"))
    }

    @Test("text about a personal number hides every fragment a misreading leaves")
    func fragments() {
        let note = "readings: 3301061966011 4784X / 33010619660114784X"
        #expect(Masking.maskNumberFragments(in: note) == "readings: ************* ***** / 330106********784X")
        #expect(Masking.maskNumberFragments(in: "id 2 of 3, total 1234") == "id 2 of 3, total 1234")
        // The 15-digit rule alone lets such fragments through.
        #expect(Masking.maskDigitRuns(in: note).contains("3301061966011"))
    }
}
