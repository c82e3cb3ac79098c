import FormFlowCore
import FormFlowTestSupport
import Foundation
import Testing

@testable import FormFlowExtraction

@Suite("Normalisers and type checks on hand-written readings")
struct FieldNormalizerTests {
    func normalize(_ raw: String, _ type: FieldType, pattern: String? = nil, vocabulary: [String] = [], allowed: [String] = [])
        -> NormalizedReading?
    {
        FieldNormalizer.normalize(raw, type: type, pattern: pattern, vocabulary: vocabulary, allowed: allowed)
    }

    @Test("names start with a listed surname, compound ones too, or go to an operator")
    func surnames() throws {
        let surnames = ["王", "黄", "欧阳"]
        #expect(normalize("王洋", .chineseName, vocabulary: surnames)?.check == .valid)
        #expect(normalize("欧阳娜", .chineseName, vocabulary: surnames)?.check == .valid)
        let misread = try #require(normalize("还洋", .chineseName, vocabulary: surnames))  // 王 misread
        #expect(misread.check == .malformed)
        #expect(misread.note?.contains("还") == true)
        #expect(normalize("欧阳", .chineseName, vocabulary: surnames)?.check == .malformed)  // a surname alone
        // Four characters only after a compound surname: 欧阳建国 is a name, 王建国民 is not.
        #expect(normalize("欧阳建国", .chineseName, vocabulary: surnames)?.check == .valid)
        #expect(normalize("王建国民", .chineseName, vocabulary: surnames)?.check == .malformed)
        #expect(normalize("欧阳建国民", .chineseName, vocabulary: surnames)?.check == .malformed)
        #expect(normalize("还洋", .chineseName)?.check == .valid)  // without a list, any name
        // The shipped list holds the surnames of the generated claims and leaves out the misreads seen.
        let shipped = try FormTemplate.load(
            path: TestSupport.pipelines.appendingPathComponent("templates/expense_claim.yaml").path
        ).vocabularies["surnames"] ?? []
        #expect(shipped.count > 300)
        for name in ["郭伟", "吴敏", "高磊", "王洋"] { #expect(normalize(name, .chineseName, vocabulary: shipped)?.check == .valid) }
        for name in ["部伟", "天敏", "还洋"] { #expect(normalize(name, .chineseName, vocabulary: shipped)?.check == .malformed) }
    }

    @Test("a name that starts with a given name's character has lost its surname; a rare surname has not")
    func lostSurname() throws {
        let template = try FormTemplate.load(
            path: TestSupport.pipelines.appendingPathComponent("templates/expense_claim.yaml").path)
        let claimant = try #require(template.fields.first { $0.name == "claimant" })
        let surnames = try #require(claimant.vocabulary.flatMap { template.vocabularies[$0] })
        let givenNames = claimant.givenNameCharacters
        #expect(givenNames.count > 500)
        func read(_ name: String) -> NormalizedReading? {
            FieldNormalizer.normalize(name, type: .chineseName, vocabulary: surnames, givenNameCharacters: givenNames)
        }
        // 郭建国 under a seal's star, read without its 郭 by both engines.
        let lost = try #require(read("建国"))
        #expect(lost.check == .malformed)
        #expect(!lost.unlistedSurname)
        #expect(lost.note?.contains("surname may be lost") == true)
        // A surname the list lacks, read right: still for the readers to confirm.
        for name in ["郏静", "笪伟", "蒯磊"] { #expect(read(name)?.unlistedSurname == true) }
        #expect(read("郭建国")?.check == .valid)
    }

    @Test("money keeps two decimals and refuses what it would have to guess")
    func money() {
        #expect(normalize(" 5506.08 ", .money) == NormalizedReading(value: .text("5506.08"), check: .valid))
        #expect(normalize("¥1,604.91", .money)?.value == .text("1604.91"))  // currency sign and grouping dropped
        #expect(normalize("1604,91", .money)?.check == .malformed)  // a comma for the point is not guessed
        #expect(normalize("550608", .money)?.check == .malformed)  // a lost decimal point is not restored
        #expect(normalize("55.0.08", .money)?.check == .malformed)
        #expect(normalize("05.08", .money)?.check == .malformed)
        #expect(normalize("0.08", .money)?.check == .valid)
        // A speck read as a full stop after the cents: nothing printed follows them.
        #expect(normalize("2258.89.", .money) == NormalizedReading(value: .text("2258.89"), check: .valid))
        #expect(normalize("2258.8.", .money)?.check == .malformed)  // a decimal may be lost: not guessed
        #expect(normalize("669..10", .money)?.check == .malformed)
    }

    @Test("dates are checked against the calendar")
    func dates() {
        #expect(normalize("2026-8-7", .date)?.value == .text("2026-08-07"))
        #expect(normalize("20260807", .date)?.value == .text("2026-08-07"))
        #expect(normalize("2026-02-29", .date)?.check == .malformed)
        #expect(normalize("2028-02-29", .date)?.check == .valid)
        #expect(normalize("2026-13-01", .date)?.check == .malformed)
    }

    @Test("codes match their pattern; extra characters make a reading malformed, never a shorter code")
    func codes() {
        #expect(normalize("BX20264267222", .code, pattern: "BX[0-9]{11}")?.check == .valid)
        #expect(normalize(":BX20264267222", .code, pattern: "BX[0-9]{11}")?.value == .text("BX20264267222"))
        #expect(normalize("BX2026426722", .code, pattern: "BX[0-9]{11}")?.check == .malformed)
        #expect(normalize("051400470188", .code, pattern: "[0-9]{12}")?.check == .valid)
        // A nine-digit reading of an eight-digit invoice number is not that number with a digit dropped.
        let nine = normalize("123456789", .code, pattern: "[0-9]{8}")
        #expect(nine?.check == .malformed)
        #expect(nine?.value == .text("123456789"))
        #expect(normalize("BX20264267222TIN", .code, pattern: "BX[0-9]{11}")?.check == .malformed)
        // The pattern's own letters read as figures are those letters; nothing else is changed.
        #expect(normalize("8X95431712142", .code, pattern: "BX[0-9]{11}")?.value == .text("BX95431712142"))
        #expect(normalize("8X95431712142", .code, pattern: "BX[0-9]{11}")?.check == .valid)
        #expect(normalize("8X9543171214", .code, pattern: "BX[0-9]{11}")?.check == .malformed, "a figure short")
        #expect(normalize("3X95431712142", .code, pattern: "BX[0-9]{11}")?.check == .malformed, "3 is not drawn like B")
        #expect(normalize("BX9543171214B", .code, pattern: "BX[0-9]{11}")?.check == .malformed, "only the fixed letters")
    }

    @Test("resident IDs: O read as 0, X kept, check character judged")
    func residentIDs() {
        #expect(normalize("21O702198503221582", .id18) == NormalizedReading(value: .text("210702198503221582"), check: .valid))
        #expect(normalize("210702198503221583", .id18)?.check == .checksumFailed)
        #expect(normalize("11010519491231002x", .id18)?.value == .text("11010519491231002X"))
        #expect(normalize("2107021985032215", .id18)?.check == .malformed)
    }

    @Test("tax ids and bank cards")
    func taxIDsAndCards() {
        #expect(normalize("91350100M000100Y43", .uscc)?.check == .valid)
        #expect(normalize("91350100M000100Y44", .uscc)?.check == .checksumFailed)
        // Characters 3–8 are an administrative division: a letter there is a misread, not an invalid code.
        #expect(normalize("913501U0M000100Y43", .uscc)?.check == .malformed)
        #expect(normalize("6222026197192206181", .bankCard)?.check == .valid)
        #expect(normalize("6222026197192206182", .bankCard)?.check == .checksumFailed)
        #expect(normalize("62220261971922061", .bankCard)?.check == .checksumFailed)  // 17 digits, Luhn fails
        #expect(normalize("622202619719220618181", .bankCard)?.check == .malformed)
        // Where a 4 may stand for a 1 read (a lost 4 on a 1-bit page): not in an ID's birth date's month or
        // day tens, not as a tax ID's kind after authority 9.
        #expect(FieldNormalizer.fourMayStand(in: "310104199707206375", .id18))
        #expect(!FieldNormalizer.fourMayStand(in: "310104199747206375", .id18))
        #expect(!FieldNormalizer.fourMayStand(in: "310104199707406375", .id18))
        #expect(!FieldNormalizer.fourMayStand(in: "94310115AF06GB488U", .uscc))
        #expect(FieldNormalizer.fourMayStand(in: "34310115AF06GB488U", .uscc))
        #expect(FieldNormalizer.fourMayStand(in: "91310415AF06GB488U", .uscc))
        // A leading 0 passes Luhn whatever follows, and no card number has one: malformed, not valid.
        #expect(normalize("62284897912861503", .bankCard)?.check == .valid)
        #expect(normalize("062284897912861503", .bankCard)?.check == .malformed)
    }

    @Test("counts, rates, names and vocabularies")
    func others() {
        #expect(normalize(":13", .integer) == NormalizedReading(value: .integer(13), check: .valid))
        #expect(normalize("1a3", .integer)?.check == .malformed)
        #expect(normalize("13%", .percent, allowed: ["3%", "13%"])?.value == .text("13%"))
        #expect(normalize("12%", .percent, allowed: ["3%", "13%"])?.check == .malformed)
        #expect(normalize("郭 海 燕", .chineseName)?.value == .text("郭海燕"))
        #expect(normalize("郭海燕燕燕", .chineseName)?.check == .malformed)
        let departments = ["财务部", "信息中心", "办公室"]
        // The list confirms an exact entry; anything else stays as read, with the nearest entry named.
        #expect(normalize("信息中心", .enumerated, vocabulary: departments) == NormalizedReading(value: .text("信息中心"), check: .valid))
        let near = normalize("信息中必", .enumerated, vocabulary: departments)
        #expect(near?.value == .text("信息中必"))
        #expect(near?.note?.contains("一字之差 from 信息中心") == true)
        #expect(normalize("人事处", .enumerated, vocabulary: departments)?.value == .text("人事处"))
        #expect(normalize("人事处", .enumerated, vocabulary: departments)?.note == "not on the list")
        #expect(normalize("伍仟伍佰零陆元零捌分", .amountInWords)?.check == .valid)
        #expect(normalize("伍什伍佰零陆元零捌分", .amountInWords)?.check == .malformed)
    }
}
