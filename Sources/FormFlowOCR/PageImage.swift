import CTesseract
import FormFlowCore

/// One decoded page, owned by Swift: the Leptonica `Pix` is destroyed when the last reference goes.
///
/// A `PageImage` is never mutated after it is made (every operation returns a new page), so it can be
/// handed from one pipeline stage to the next; that is why it is `@unchecked Sendable`.
public final class PageImage: @unchecked Sendable {
    let pix: UnsafeMutablePointer<PIX>

    /// Resolution in dots per inch: the file's own, or the configured default where the file has none.
    public let dpi: Int
    public let width: Int
    public let height: Int
    /// Degrees the page was rotated by when it was deskewed (0 for an original page).
    public let appliedDeskew: Double

    /// Takes ownership of `pix`.
    init(taking pix: UnsafeMutablePointer<PIX>, dpi: Int, appliedDeskew: Double = 0) {
        self.pix = pix
        self.dpi = dpi
        self.width = Int(pixGetWidth(pix))
        self.height = Int(pixGetHeight(pix))
        self.appliedDeskew = appliedDeskew
        pixSetResolution(pix, Int32(dpi), Int32(dpi))
    }

    deinit {
        var pointer: UnsafeMutablePointer<PIX>? = pix
        pixDestroy(&pointer)
    }

    public var bounds: PixelRect { PixelRect(x: 0, y: 0, width: width, height: height) }

    /// 8-bit grayscale, deskewed by up to ±`maxSkewDegrees`, optionally binarised (Otsu, adaptive).
    /// Tesseract binarises by itself; explicit binarisation helps only on uneven, dark scans.
    public func normalized(maxSkewDegrees: Double = 5, binarize: Bool = false, removeRules: Bool = false) throws(OCRError)
        -> PageImage
    {
        guard let gray = pixConvertTo8(pix, 0) else {
            throw OCRError(.imageOperationFailed, "could not convert the page to grayscale")
        }
        var grayOwned: UnsafeMutablePointer<PIX>? = gray
        defer { pixDestroy(&grayOwned) }

        var angle: Float = 0
        var confidence: Float = 0
        var current = gray
        var rotated: UnsafeMutablePointer<PIX>? = nil
        defer { pixDestroy(&rotated) }
        if maxSkewDegrees > 0 {
            // Leptonica's own deskew gives up below confidence 3, which noisy scans rarely reach; the
            // angle it finds there is still right, so the search and the rotation are done here.
            if var binary = pixConvertTo1(gray, 160) {
                var binaryOptional: UnsafeMutablePointer<PIX>? = binary
                defer { pixDestroy(&binaryOptional) }
                pixFindSkewSweepAndSearch(binary, &angle, &confidence, 4, 2, Float(maxSkewDegrees), 0.1, 0.01)
                binary = binaryOptional!
            }
            if confidence >= 1.0, abs(angle) >= 0.1, abs(angle) <= Float(maxSkewDegrees),
                let turned = pixRotate(gray, angle * .pi / 180, Int32(L_ROTATE_AREA_MAP), Int32(L_BRING_IN_WHITE), 0, 0)
            {
                rotated = turned
                current = turned
            } else {
                angle = 0
            }
        }

        var cleaned: UnsafeMutablePointer<PIX>? = nil
        defer { pixDestroy(&cleaned) }
        if removeRules, let withoutRules = Self.removingRules(from: current, dpi: dpi) {
            cleaned = withoutRules
            current = withoutRules
        }

        if binarize {
            var binary: UnsafeMutablePointer<PIX>? = nil
            pixOtsuAdaptiveThreshold(current, 300, 300, 0, 0, 0.1, nil, &binary)
            guard let binaryPix = binary else {
                throw OCRError(.imageOperationFailed, "could not binarise the page")
            }
            var binaryOwned: UnsafeMutablePointer<PIX>? = binaryPix
            defer { pixDestroy(&binaryOwned) }
            guard let back = pixConvertTo8(binaryPix, 0) else {
                throw OCRError(.imageOperationFailed, "could not convert the binarised page back to grayscale")
            }
            return PageImage(taking: back, dpi: dpi, appliedDeskew: Double(angle))
        }
        guard let copy = pixClone(current) else {
            throw OCRError(.imageOperationFailed, "could not keep the normalised page")
        }
        return PageImage(taking: copy, dpi: dpi, appliedDeskew: Double(angle))
    }

    /// A copy of an 8-bit page with long horizontal and vertical lines (table rules, box borders)
    /// painted white: a rule beside a value is otherwise read as 1, 4 or |.
    static func removingRules(from gray: UnsafeMutablePointer<PIX>, dpi: Int) -> UnsafeMutablePointer<PIX>? {
        let unit = Double(dpi) / 300
        guard var binary = pixConvertTo1(gray, 160) else { return nil }
        var binaryOptional: UnsafeMutablePointer<PIX>? = binary
        defer { pixDestroy(&binaryOptional) }
        // Longer than any stroke of a character (about 50 px at 300 dpi), shorter than a table's rules.
        var vertical = pixOpenBrick(nil, binary, 1, Int32(150 * unit))
        defer { pixDestroy(&vertical) }
        var horizontal = pixOpenBrick(nil, binary, Int32(200 * unit), 1)
        defer { pixDestroy(&horizontal) }
        guard let verticalLines = vertical, let horizontalLines = horizontal,
            var both = pixOr(nil, verticalLines, horizontalLines)
        else { return nil }
        var bothOptional: UnsafeMutablePointer<PIX>? = both
        defer { pixDestroy(&bothOptional) }
        var mask = pixDilateBrick(nil, both, 5, 5)
        defer { pixDestroy(&mask) }
        guard let lineMask = mask, let copy = pixCopy(nil, gray) else { return nil }
        pixSetMasked(copy, lineMask, 255)
        binary = binaryOptional!
        both = bothOptional!
        return copy
    }

    /// The page scaled by `factor` (smooth area mapping when shrinking); its DPI scales with it.
    public func scaled(by factor: Double) throws(OCRError) -> PageImage {
        guard let out = pixScale(pix, Float(factor), Float(factor)) else {
            throw OCRError(.imageOperationFailed, "could not scale the page by \(factor)")
        }
        return PageImage(taking: out, dpi: max(1, Int((Double(dpi) * factor).rounded())))
    }

    /// A new page holding the pixels of `rect` (clipped to the page).
    public func cropped(to rect: PixelRect) throws(OCRError) -> PageImage {
        let clip = rect.clamped(to: bounds)
        guard !clip.isEmpty, var box = boxCreate(Int32(clip.x), Int32(clip.y), Int32(clip.width), Int32(clip.height))
        else {
            throw OCRError(.imageOperationFailed, "crop \(rect) lies outside the page")
        }
        var boxOptional: UnsafeMutablePointer<BOX>? = box
        defer { boxDestroy(&boxOptional) }
        guard let out = pixClipRectangle(pix, box, nil) else {
            throw OCRError(.imageOperationFailed, "could not crop \(rect)")
        }
        box = boxOptional!
        return PageImage(taking: out, dpi: dpi)
    }

    /// PNG bytes of the page, e.g. for the field crops an operator looks at.
    public func pngData() throws(OCRError) -> [UInt8] {
        var data: UnsafeMutablePointer<UInt8>? = nil
        var size: Int = 0
        guard pixWriteMem(&data, &size, pix, Int32(IFF_PNG)) == 0, let bytes = data else {
            throw OCRError(.imageOperationFailed, "could not encode the page as PNG")
        }
        defer { lept_free(bytes) }
        return Array(UnsafeBufferPointer(start: bytes, count: size))
    }

    /// The page's pixels as a Swift value (8-bit gray), converting other depths first.
    public func grayImage() throws(OCRError) -> GrayImage {
        guard let gray = pixConvertTo8(pix, 0) else {
            throw OCRError(.imageOperationFailed, "could not convert the zone to grayscale")
        }
        var owned: UnsafeMutablePointer<PIX>? = gray
        defer { pixDestroy(&owned) }
        let wordsPerLine = Int(pixGetWpl(gray))
        guard let data = pixGetData(gray) else {
            throw OCRError(.imageOperationFailed, "the zone has no pixel data")
        }
        var pixels = [UInt8](repeating: 255, count: width * height)
        for y in 0..<height {
            let line = data + y * wordsPerLine
            for x in 0..<width {
                // Leptonica packs 8-bit pixels big-endian within each 32-bit word.
                let word = line[x >> 2]
                pixels[y * width + x] = UInt8(truncatingIfNeeded: word >> UInt32(8 * (3 - (x & 3))))
            }
        }
        return GrayImage(width: width, height: height, pixels: pixels)
    }

    /// Mean darkness of `rect` (0 white … 1 black), sampled; used to tell empty zones from printed ones.
    public func inkRatio(in rect: PixelRect, threshold: Int = 128) -> Double {
        let clip = rect.clamped(to: bounds)
        guard !clip.isEmpty, pixGetDepth(pix) == 8 else { return 0 }
        var dark = 0
        var total = 0
        var value: UInt32 = 0
        let step = 2
        for y in stride(from: clip.y, to: clip.maxY, by: step) {
            for x in stride(from: clip.x, to: clip.maxX, by: step) {
                pixGetPixel(pix, Int32(x), Int32(y), &value)
                total += 1
                if Int(value) < threshold { dark += 1 }
            }
        }
        return total == 0 ? 0 : Double(dark) / Double(total)
    }
}
