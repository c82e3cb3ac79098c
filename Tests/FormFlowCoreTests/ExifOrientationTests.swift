import Testing

@testable import FormFlowCore

@Suite("EXIF orientation of phone pictures")
struct ExifOrientationTests {
    /// A JPEG's first bytes: SOI, an APP1 Exif segment with one IFD entry (orientation), then SOS.
    static func jpeg(orientation: UInt16, littleEndian: Bool) -> [UInt8] {
        func u16(_ value: UInt16) -> [UInt8] {
            littleEndian ? [UInt8(value & 0xFF), UInt8(value >> 8)] : [UInt8(value >> 8), UInt8(value & 0xFF)]
        }
        func u32(_ value: UInt32) -> [UInt8] {
            littleEndian
                ? (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) } : (0..<4).reversed().map { UInt8((value >> (8 * $0)) & 0xFF) }
        }
        var tiff: [UInt8] = littleEndian ? [0x49, 0x49] : [0x4D, 0x4D]
        tiff += u16(42) + u32(8) + u16(1)
        tiff += u16(0x0112) + u16(3) + u32(1) + u16(orientation) + u16(0)
        tiff += u32(0)
        let payload: [UInt8] = [0x45, 0x78, 0x69, 0x66, 0, 0] + tiff
        let length = payload.count + 2
        return [0xFF, 0xD8, 0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload + [0xFF, 0xDA, 0, 2]
    }

    @Test("the orientation tag is read in either byte order")
    func readsTag() {
        #expect(ExifOrientation.of(jpeg: Self.jpeg(orientation: 6, littleEndian: true)) == .turnedRight)
        #expect(ExifOrientation.of(jpeg: Self.jpeg(orientation: 3, littleEndian: false)) == .upsideDown)
        #expect(ExifOrientation.of(jpeg: Self.jpeg(orientation: 8, littleEndian: true))?.quarterTurnsClockwise == 3)
        #expect(ExifOrientation.turnedRight.quarterTurnsClockwise == 1)
    }

    @Test("no tag, a bad tag or not a JPEG: no orientation, never a crash")
    func missing() {
        #expect(ExifOrientation.of(jpeg: [0xFF, 0xD8, 0xFF, 0xDA, 0, 2]) == nil)
        #expect(ExifOrientation.of(jpeg: Self.jpeg(orientation: 9, littleEndian: true)) == nil)
        #expect(ExifOrientation.of(jpeg: [0x89, 0x50, 0x4E, 0x47]) == nil)
        var truncated = Self.jpeg(orientation: 6, littleEndian: true)
        truncated.removeLast(12)
        _ = ExifOrientation.of(jpeg: truncated)
    }
}
