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

extension BadFiles {
    /// A little-endian TIFF of `pages` 1×1 gray pages, written by hand.
    public static func multiPageTIFF(pages: Int) -> [UInt8] {
        func le16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF)] }
        func le32(_ value: Int) -> [UInt8] { (0..<4).map { UInt8(value >> (8 * $0) & 0xFF) } }
        let entries = 8
        let ifdSize = 2 + entries * 12 + 4
        var bytes: [UInt8] = Array("II".utf8) + le16(42) + le32(8)
        for page in 0..<pages {
            let ifdStart = 8 + page * (ifdSize + 2)
            let pixelOffset = ifdStart + ifdSize
            let next = page == pages - 1 ? 0 : ifdStart + ifdSize + 2
            func entry(_ tag: Int, _ type: Int, _ value: Int) -> [UInt8] {
                le16(tag) + le16(type) + le32(1) + (type == 3 ? le16(value) + [0, 0] : le32(value))
            }
            bytes += le16(entries)
            bytes += entry(256, 3, 1) + entry(257, 3, 1) + entry(258, 3, 8) + entry(259, 3, 1)
            bytes += entry(262, 3, 1) + entry(273, 4, pixelOffset) + entry(278, 3, 1) + entry(279, 4, 1)
            bytes += le32(next)
            bytes += [0x80, 0x00]  // the pixel, and a pad byte
        }
        return bytes
    }

    /// Mutations of real files: flipped bytes, cut tails, swapped chunks.
    public static func mutations<G: RandomNumberGenerator>(of bytes: [UInt8], count: Int, using generator: inout G) -> [[UInt8]] {
        var result: [[UInt8]] = []
        for index in 0..<count {
            var copy = bytes
            switch index % 3 {
            case 0:
                for _ in 0..<Int.random(in: 1...64, using: &generator) {
                    let position = Int.random(in: 0..<copy.count, using: &generator)
                    copy[position] ^= UInt8.random(in: 1...255, using: &generator)
                }
            case 1:
                copy = Array(copy.prefix(Int.random(in: 0..<copy.count, using: &generator)))
            default:
                let size = Int.random(in: 16...4096, using: &generator)
                guard copy.count > 2 * size else { break }
                let a = Int.random(in: 0..<(copy.count - size), using: &generator)
                let b = Int.random(in: 0..<(copy.count - size), using: &generator)
                let chunk = Array(copy[a..<(a + size)])
                copy.replaceSubrange(a..<(a + size), with: copy[b..<(b + size)])
                copy.replaceSubrange(b..<(b + size), with: chunk)
            }
            result.append(copy)
        }
        return result
    }
}
