import Foundation

/// Builders for broken and hostile files, made at test time so nothing odd is committed.
public enum BadFiles {
    /// A PNG signature and IHDR chunk (with a correct CRC) announcing `width` × `height` pixels,
    /// followed by no image data at all.
    public static func pngHeader(width: UInt32, height: UInt32) -> [UInt8] {
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var chunk: [UInt8] = Array("IHDR".utf8)
        chunk += bigEndian(width) + bigEndian(height)
        chunk += [8, 0, 0, 0, 0]  // 8-bit grayscale, deflate, no filter, no interlace
        bytes += bigEndian(UInt32(13)) + chunk + bigEndian(crc32(chunk))
        // An empty IEND so that readers reach the end of the stream.
        let end: [UInt8] = Array("IEND".utf8)
        bytes += bigEndian(UInt32(0)) + end + bigEndian(crc32(end))
        return bytes
    }

    /// The first `fraction` of a real file's bytes.
    public static func truncated(_ url: URL, keeping fraction: Double) throws -> [UInt8] {
        let bytes = [UInt8](try Data(contentsOf: url))
        return Array(bytes.prefix(Int(Double(bytes.count) * fraction)))
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return crc ^ 0xFFFF_FFFF
    }
}
