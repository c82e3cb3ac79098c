/// The EXIF orientation of a JPEG (tag 0x0112): how the stored pixels must be turned to be seen upright.
/// Phones store the sensor's pixels and this tag rather than turning the picture.
public enum ExifOrientation: Int, Sendable {
    case upright = 1, mirrored = 2, upsideDown = 3, upsideDownMirrored = 4
    case transposed = 5, turnedRight = 6, transverse = 7, turnedLeft = 8

    /// Clockwise quarter turns that make the picture upright, and whether it is mirrored left–right
    /// first. (`turnedRight`: the camera was held turned; the pixels need a quarter turn clockwise.)
    public var quarterTurnsClockwise: Int {
        switch self {
        case .upright, .mirrored: 0
        case .turnedRight, .transposed: 1
        case .upsideDown, .upsideDownMirrored: 2
        case .turnedLeft, .transverse: 3
        }
    }

    public var mirrored: Bool { [.mirrored, .upsideDownMirrored, .transposed, .transverse].contains(self) }

    /// The orientation a JPEG's APP1 Exif segment gives, or nil (no segment, no tag, or a malformed one:
    /// a bad header is read as "upright", never as a reason to reject the scan).
    public static func of(jpeg bytes: [UInt8]) -> ExifOrientation? {
        guard bytes.count > 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return nil }
        var offset = 2
        // Walk the markers before the image data; the Exif segment comes first in practice.
        while offset + 4 <= bytes.count, bytes[offset] == 0xFF {
            let marker = bytes[offset + 1]
            if marker == 0xDA || marker == 0xD9 { return nil }  // start of scan / end of image
            let length = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            guard length >= 2, offset + 2 + length <= bytes.count else { return nil }
            let segment = offset + 4
            if marker == 0xE1, length >= 16, Array(bytes[segment..<segment + 6]) == [0x45, 0x78, 0x69, 0x66, 0, 0] {
                return orientation(tiff: Array(bytes[(segment + 6)..<(offset + 2 + length)]))
            }
            offset += 2 + length
        }
        return nil
    }

    /// Reads tag 0x0112 from the first IFD of a TIFF structure (Exif's payload).
    static func orientation(tiff: [UInt8]) -> ExifOrientation? {
        guard tiff.count >= 8 else { return nil }
        let little: Bool
        switch (tiff[0], tiff[1]) {
        case (0x49, 0x49): little = true
        case (0x4D, 0x4D): little = false
        default: return nil
        }
        func u16(_ at: Int) -> Int? {
            guard at + 2 <= tiff.count else { return nil }
            return little ? Int(tiff[at]) | Int(tiff[at + 1]) << 8 : Int(tiff[at]) << 8 | Int(tiff[at + 1])
        }
        func u32(_ at: Int) -> Int? {
            guard let high = u16(little ? at + 2 : at), let low = u16(little ? at : at + 2) else { return nil }
            return high << 16 | low
        }
        guard let first = u32(4), let count = u16(first) else { return nil }
        for entry in 0..<min(count, 512) {
            let at = first + 2 + entry * 12
            guard let tag = u16(at) else { return nil }
            if tag == 0x0112, let value = u16(at + 8) { return ExifOrientation(rawValue: value) }
        }
        return nil
    }
}
