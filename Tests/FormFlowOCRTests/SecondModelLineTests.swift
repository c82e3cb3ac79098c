import FormFlowCore
import FormFlowTestSupport
import Foundation
import Testing

@testable import FormFlowOCR

/// The second model's input: lines scaled to its height (pure pixels; the model is exercised by the
/// pipeline tests where it is installed).
@Suite("Second model: line preparation")
struct SecondModelLineTests {
    @Test("lines are scaled to the model's height, dark ink staying dark")
    func resized() {
        // A 96-pixel-high line with a black bar in its middle third, reduced to 48.
        let width = 30
        let height = 96
        var pixels = [UInt8](repeating: 255, count: width * height)
        for y in 32..<64 { for x in 0..<width { pixels[y * width + x] = 0 } }
        let line = SecondModel.resized(GrayImage(width: width, height: height, pixels: pixels), height: 48)
        #expect(line.height == 48 && line.width == 15)
        #expect(line[7, 24] == 0)
        #expect(line[7, 2] == 255)
        // Enlarging a small line keeps its proportions.
        let small = SecondModel.resized(
            GrayImage(width: 10, height: 12, pixels: [UInt8](repeating: 128, count: 120)), height: 48)
        #expect(small.width == 40 && small[20, 20] == 128)
    }
}

/// The installed model's answer for a real line: what the judges rely on in its alternatives.
@Suite("Second model: its answer for a scanned line")
struct SecondModelAnswerTests {
    @Test(
        "a name is read with up to five likeliest characters at each place, best first, the one read first",
        .enabled(
            if: SecondModel.installedPython != nil,
            "the second model is not installed (scripts/install-second-model.sh)"))
    func alternativesBestFirst() throws {
        let model = try #require(try SecondModel.launch())
        let bytes = [UInt8](try Data(contentsOf: TestSupport.sample("expense_claim-001-000.png")))
        let page = try ImageLoader().load(bytes: bytes)[0]
        // The claimant's zone of the template (a name after its label), reduced to a fifth so that the
        // model is unsure and its runners-up have probabilities apart.
        let zone = try page.cropped(to: PixelRect(x: 352, y: 300, width: 1000, height: 90)).scaled(by: 0.2)
        let line = try #require(model.read(try zone.grayImage()))
        // The name printed there (SampleDocs' first claim); the likeliest characters are what is read.
        #expect(line.text == "郭海燕")
        #expect(line.alternatives.count == line.text.count)
        for (character, alternatives) in zip(line.text, line.alternatives) {
            #expect(!alternatives.isEmpty && alternatives.count <= 5)
            #expect(alternatives.first?.character == character, "\(character): \(alternatives)")
            let probabilities = alternatives.map(\.probability)
            #expect(probabilities == probabilities.sorted(by: >), "\(character): \(alternatives)")
        }
    }
}
