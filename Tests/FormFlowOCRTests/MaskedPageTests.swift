import FormFlowCore
import Testing

@testable import FormFlowOCR

@Suite("Pages shown to operators hide the middle of ID and bank numbers")
struct MaskedPageTests {
    @Test("blacked-out areas are black in the copy and untouched in the original")
    func blackedOut() throws {
        let white = GrayImage(width: 40, height: 20, pixels: [UInt8](repeating: 255, count: 800))
        let page = try PageImage(gray: white)
        let masked = try page.blackedOut([PixelRect(x: 10, y: 5, width: 20, height: 10), PixelRect(x: 35, y: 15, width: 50, height: 50)])
        let pixels = try masked.grayImage()
        #expect(pixels.pixels[7 * 40 + 15] == 0)
        #expect(pixels.pixels[2 * 40 + 2] == 255)
        #expect(pixels.pixels[19 * 40 + 39] == 0)  // an area past the edge is clipped, not refused
        #expect(try page.grayImage().pixels[7 * 40 + 15] == 255)
        let jpeg = try masked.jpegData()
        #expect(jpeg.starts(with: [0xFF, 0xD8]))
    }
}
