import FormFlowCore
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
