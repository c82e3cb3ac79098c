import FormFlowCore
import Testing

@Suite("Traditional characters folded into the simplified ones documents print")
struct TraditionalFoldingTests {
    @Test("a traditional character becomes its simplified form; simplified and rare name characters stay")
    func characters() {
        #expect(TraditionalCharacters.simplified("吳") == "吴")
        #expect(TraditionalCharacters.simplified("黃") == "黄")
        #expect(TraditionalCharacters.simplified("靜") == "静")
        #expect(TraditionalCharacters.simplified("吴") == "吴")
        // Characters names use as they are: outside the table though Unihan lists a simplified variant.
        #expect(TraditionalCharacters.simplified("龑") == "龑")
        #expect(TraditionalCharacters.simplified("乾") == "乾")
        #expect(TraditionalCharacters.simplified("7") == "7")
    }

    @Test("the two spellings' probabilities are added at their place, and the likelier character is the one read")
    func lineReading() throws {
        let json = #"{"text": "吴磊", "confidences": [0.7216, 0.8156], "alternatives": [[["吴", 0.7216], ["吳", 0.2474], ["昊", 0.0309]], [["磊", 0.8156], ["品", 0.1511]]]}"#
        let folded = try #require(LineReading(json: json)).foldingTraditional()
        #expect(folded.text == "吴磊")
        #expect(abs(folded.confidences[0] - 0.969) < 0.001)
        #expect(folded.confidences[1] == 0.8156)
        #expect(folded.alternatives[0].map(\.character) == ["吴", "昊"])
        // Where the model put the traditional form first, the simplified one is read.
        let traditional = #"{"text": "黃強", "confidences": [0.6, 0.9], "alternatives": [[["黃", 0.6], ["黄", 0.3]], [["強", 0.9], ["强", 0.05]]]}"#
        let simplified = try #require(LineReading(json: traditional)).foldingTraditional()
        #expect(simplified.text == "黄强")
        #expect(abs(simplified.confidences[0] - 0.9) < 0.001)
        #expect(abs(simplified.confidences[1] - 0.95) < 0.001)
        // Without alternatives each character is folded alone.
        let bare = try #require(LineReading(json: #"{"text": "吳敏", "confidences": [0.9, 0.99]}"#)).foldingTraditional()
        #expect(bare.text == "吴敏")
        #expect(bare.confidences == [0.9, 0.99])
    }
}
