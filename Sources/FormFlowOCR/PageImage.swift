import CTesseract
import Foundation
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
    /// A rotation (radians, Leptonica's sense) that `pix` still needs: the page is the rotated `pix`.
    /// Rotating a whole page costs more than rotating the zones that are read, so a deskewed page
    /// rotates each cut-out zone instead (`cropped`), and its reduced copies after reducing (`scaled`).
    let pendingRotation: Float

    /// Takes ownership of `pix`.
    init(taking pix: UnsafeMutablePointer<PIX>, dpi: Int, appliedDeskew: Double = 0, pendingRotation: Float = 0) {
        self.pix = pix
        self.dpi = dpi
        self.width = Int(pixGetWidth(pix))
        self.height = Int(pixGetHeight(pix))
        self.appliedDeskew = appliedDeskew
        self.pendingRotation = pendingRotation
        pixSetResolution(pix, Int32(dpi), Int32(dpi))
    }

    deinit {
        var pointer: UnsafeMutablePointer<PIX>? = pix
        pixDestroy(&pointer)
    }

    public var bounds: PixelRect { PixelRect(x: 0, y: 0, width: width, height: height) }

    /// 8-bit grayscale, deskewed by up to ±`maxSkewDegrees`, optionally binarised (Otsu, adaptive).
    /// Tesseract binarises by itself; explicit binarisation helps only on uneven, dark scans.
    /// `rotateLazily`: leave the rotation to each zone that is cut out (the same pixels, less work).
    public func normalized(
        maxSkewDegrees: Double = 5, binarize: Bool = false, removeRules: Bool = false, rotateLazily: Bool = true
    ) throws(OCRError) -> PageImage {
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
            if confidence >= 1.0, abs(angle) >= 0.1, abs(angle) <= Float(maxSkewDegrees), rotateLazily, !binarize,
                !removeRules, let copy = pixClone(gray)
            {
                return PageImage(taking: copy, dpi: dpi, appliedDeskew: Double(angle), pendingRotation: angle * .pi / 180)
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
        guard var out = pixScale(pix, Float(factor), Float(factor)) else {
            throw OCRError(.imageOperationFailed, "could not scale the page by \(factor)")
        }
        if pendingRotation != 0 {
            // Rotation about the centre commutes with scaling: the reduced copy is rotated, far cheaper.
            var unrotated: UnsafeMutablePointer<PIX>? = out
            defer { pixDestroy(&unrotated) }
            guard let turned = pixRotate(out, pendingRotation, Int32(L_ROTATE_AREA_MAP), Int32(L_BRING_IN_WHITE), 0, 0) else {
                throw OCRError(.imageOperationFailed, "could not rotate the reduced page")
            }
            out = turned
        }
        return PageImage(taking: out, dpi: max(1, Int((Double(dpi) * factor).rounded())))
    }

    /// A new page holding the pixels of `rect` (clipped to the page).
    public func cropped(to rect: PixelRect) throws(OCRError) -> PageImage {
        if pendingRotation != 0 { return try rotatedCrop(rect) }
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

    /// The pixels of `rect` of the rotated page, from a part of the unrotated one rotated on its own.
    ///
    /// The page maps a source point p to C + R(p − C) (C the page centre, R the rotation). A source
    /// part at origin o, rotated about its own centre c, maps p to c + R(p − o − c); so a page point
    /// L sits in the rotated part at L + d, d = c − C + R(C − o − c).
    /// Whether a pixel of ink (darker than `inkLevel`) in `rect` lies within `within` pixels of the edge
    /// of the scanned image. A deskewed page's pixels come from the scan turned about its centre, so the
    /// scan's edges are slanted lines in page coordinates; the ink is mapped back to the scan to tell.
    public func inkTouchesScanEdge(in rect: PixelRect, inkLevel: UInt8 = 160, within: Double = 2) throws(OCRError) -> Bool {
        let clip = rect.clamped(to: bounds)
        guard !clip.isEmpty else { return false }
        let radians = pendingRotation != 0 ? Double(pendingRotation) : appliedDeskew * .pi / 180
        let cosine = cos(radians)
        let sine = sin(radians)
        let centre = (x: Double(width) / 2, y: Double(height) / 2)
        /// How far the page point (x, y) lies inside the scan and inside the page (the turned scan's
        /// corners are outside the page: what was printed there is cut off too).
        func margin(_ x: Double, _ y: Double) -> Double {
            let target = (x: x - centre.x, y: y - centre.y)
            let source = (x: centre.x + cosine * target.x + sine * target.y, y: centre.y - sine * target.x + cosine * target.y)
            return min(
                source.x, source.y, Double(width - 1) - source.x, Double(height - 1) - source.y,
                x, y, Double(width - 1) - x, Double(height - 1) - y)
        }
        let corners = [
            margin(Double(clip.x), Double(clip.y)), margin(Double(clip.maxX), Double(clip.y)),
            margin(Double(clip.x), Double(clip.maxY)), margin(Double(clip.maxX), Double(clip.maxY)),
        ]
        // Every corner well inside: so is everything between them.
        guard corners.min()! <= within + 1 else { return false }
        let image = try cropped(to: clip).grayImage()
        for row in 0..<image.height {
            for column in 0..<image.width where image.pixels[row * image.width + column] < inkLevel {
                if margin(Double(clip.x + column), Double(clip.y + row)) <= within { return true }
            }
        }
        return false
    }

    private func rotatedCrop(_ rect: PixelRect) throws(OCRError) -> PageImage {
        let clip = rect.clamped(to: bounds)
        guard !clip.isEmpty else { throw OCRError(.imageOperationFailed, "crop \(rect) lies outside the page") }
        let cosine = Double(cos(pendingRotation))
        let sine = Double(sin(pendingRotation))
        // The source of the rect's centre, and a part around it large enough for the turned rect.
        let centre = (x: Double(width) / 2, y: Double(height) / 2)
        let target = (x: Double(clip.x) + Double(clip.width) / 2 - centre.x, y: Double(clip.y) + Double(clip.height) / 2 - centre.y)
        let source = (x: centre.x + cosine * target.x + sine * target.y, y: centre.y - sine * target.x + cosine * target.y)
        let halfWidth = (Double(clip.width) * abs(cosine) + Double(clip.height) * abs(sine)) / 2 + 3
        let halfHeight = (Double(clip.width) * abs(sine) + Double(clip.height) * abs(cosine)) / 2 + 3
        let part = PixelRect(
            x: Int((source.x - halfWidth).rounded(.down)), y: Int((source.y - halfHeight).rounded(.down)),
            width: Int((2 * halfWidth).rounded(.up)), height: Int((2 * halfHeight).rounded(.up)))
        let unturned = try PageImage(taking: clipped(part, paddingWithWhite: true), dpi: dpi)
        guard let turned = pixRotate(unturned.pix, pendingRotation, Int32(L_ROTATE_AREA_MAP), Int32(L_BRING_IN_WHITE), 0, 0) else {
            throw OCRError(.imageOperationFailed, "could not rotate the crop \(rect)")
        }
        let rotated = PageImage(taking: turned, dpi: dpi)
        let partCentre = (x: Double(part.width) / 2, y: Double(part.height) / 2)
        let back = (x: centre.x - Double(part.x) - partCentre.x, y: centre.y - Double(part.y) - partCentre.y)
        let offset = (
            x: partCentre.x - centre.x + cosine * back.x - sine * back.y,
            y: partCentre.y - centre.y + sine * back.x + cosine * back.y
        )
        let inPart = PixelRect(
            x: clip.x + Int(offset.x.rounded()), y: clip.y + Int(offset.y.rounded()), width: clip.width, height: clip.height)
        return PageImage(taking: try rotated.clipped(inPart.clamped(to: rotated.bounds)), dpi: dpi)
    }

    /// A new `Pix` holding `rect` of this one's pixels (no rotation). `paddingWithWhite`: the part of
    /// `rect` beyond the page is white paper, as a whole-page rotation brings it in.
    private func clipped(_ rect: PixelRect, paddingWithWhite: Bool = false) throws(OCRError) -> UnsafeMutablePointer<PIX> {
        let inside = rect.clamped(to: bounds)
        if paddingWithWhite, inside != rect {
            guard !inside.isEmpty, let canvas = pixCreate(Int32(rect.width), Int32(rect.height), 8) else {
                throw OCRError(.imageOperationFailed, "crop \(rect) lies outside the page")
            }
            pixSetAll(canvas)  // 8-bit all ones: white
            var source: UnsafeMutablePointer<PIX>? = try clipped(inside)
            defer { pixDestroy(&source) }
            pixRasterop(
                canvas, Int32(inside.x - rect.x), Int32(inside.y - rect.y), Int32(inside.width), Int32(inside.height),
                PIX_SRC, source, 0, 0)
            pixSetResolution(canvas, Int32(dpi), Int32(dpi))
            return canvas
        }
        guard !rect.isEmpty, var box = boxCreate(Int32(rect.x), Int32(rect.y), Int32(rect.width), Int32(rect.height)) else {
            throw OCRError(.imageOperationFailed, "crop \(rect) lies outside the page")
        }
        var boxOptional: UnsafeMutablePointer<BOX>? = box
        defer { boxDestroy(&boxOptional) }
        guard let out = pixClipRectangle(pix, box, nil) else { throw OCRError(.imageOperationFailed, "could not crop \(rect)") }
        box = boxOptional!
        return out
    }

    /// The page with any pending rotation done (for whole-page uses: PNG, pixels, whole-page reading).
    public func materialized() throws(OCRError) -> PageImage {
        guard pendingRotation != 0 else { return self }
        guard let turned = pixRotate(pix, pendingRotation, Int32(L_ROTATE_AREA_MAP), Int32(L_BRING_IN_WHITE), 0, 0) else {
            throw OCRError(.imageOperationFailed, "could not rotate the page")
        }
        return PageImage(taking: turned, dpi: dpi, appliedDeskew: appliedDeskew)
    }

    /// PNG bytes of the page, e.g. for the field crops an operator looks at.
    public func pngData() throws(OCRError) -> [UInt8] {
        if pendingRotation != 0 { return try materialized().pngData() }
        var data: UnsafeMutablePointer<UInt8>? = nil
        var size: Int = 0
        guard pixWriteMem(&data, &size, pix, Int32(IFF_PNG)) == 0, let bytes = data else {
            throw OCRError(.imageOperationFailed, "could not encode the page as PNG")
        }
        defer { lept_free(bytes) }
        return Array(UnsafeBufferPointer(start: bytes, count: size))
    }

    /// A copy of the page with `areas` painted black: what an operator sees of an ID or bank number is
    /// masked like its text.
    public func blackedOut(_ areas: [PixelRect]) throws(OCRError) -> PageImage {
        let base = try materialized()
        guard let copy = pixCopy(nil, base.pix) else {
            throw OCRError(.imageOperationFailed, "could not copy the page")
        }
        let page = PageImage(taking: copy, dpi: dpi)
        for area in areas {
            let clip = area.clamped(to: page.bounds)
            guard !clip.isEmpty, let box = boxCreate(Int32(clip.x), Int32(clip.y), Int32(clip.width), Int32(clip.height))
            else { continue }
            var owned: UnsafeMutablePointer<BOX>? = box
            // In a 1-bit image 1 is black; in gray and colour 0 is.
            if pixGetDepth(copy) == 1 { pixSetInRect(copy, box) } else { pixClearInRect(copy, box) }
            boxDestroy(&owned)
        }
        return page
    }

    /// JPEG bytes of the page: the page an operator sees behind the field boxes (a tenth of a PNG's size
    /// for a scan, and quicker to write).
    public func jpegData(quality: Int = 80) throws(OCRError) -> [UInt8] {
        if pendingRotation != 0 { return try materialized().jpegData(quality: quality) }
        var data: UnsafeMutablePointer<UInt8>? = nil
        var size: Int = 0
        guard pixWriteMemJpeg(&data, &size, pix, Int32(quality), 0) == 0, let bytes = data else {
            throw OCRError(.imageOperationFailed, "could not encode the page as JPEG")
        }
        defer { lept_free(bytes) }
        return Array(UnsafeBufferPointer(start: bytes, count: size))
    }

    /// The page's pixels as a Swift value (8-bit gray), converting other depths first.
    /// A page made from gray pixels, still to be rotated by `pendingRotation` (for tests of what a
    /// deskewed page shows without a scan to deskew).
    public convenience init(gray image: GrayImage, dpi: Int = 300, pendingRotation: Float = 0) throws(OCRError) {
        let (pix, data) = try Self.blankPix(width: image.width, height: image.height, depth: 8)
        let wordsPerLine = Int(pixGetWpl(pix))
        image.pixels.withUnsafeBufferPointer { pixels in
            for y in 0..<image.height {
                Self.pack(row: pixels.baseAddress! + y * image.width, count: image.width, into: data + y * wordsPerLine)
            }
        }
        self.init(
            taking: pix, dpi: dpi, appliedDeskew: Double(pendingRotation) * 180 / .pi, pendingRotation: pendingRotation)
    }

    /// A new pix of `depth` bits and its pixel words (freed here if it has none): the caller owns the pix.
    static func blankPix(width: Int, height: Int, depth: Int32) throws(OCRError) -> (
        UnsafeMutablePointer<PIX>, UnsafeMutablePointer<l_uint32>
    ) {
        guard let pix = pixCreate(Int32(width), Int32(height), depth) else {
            throw OCRError(.imageOperationFailed, "could not allocate a \(width)×\(height) page")
        }
        guard let data = pixGetData(pix) else {
            var owned: UnsafeMutablePointer<PIX>? = pix
            pixDestroy(&owned)
            throw OCRError(.imageOperationFailed, "the new page has no pixel data")
        }
        return (pix, data)
    }

    public func grayImage() throws(OCRError) -> GrayImage {
        if pendingRotation != 0 { return try materialized().grayImage() }
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
        pixels.withUnsafeMutableBufferPointer { pixels in
            for y in 0..<height {
                Self.unpack(line: data + y * wordsPerLine, count: width, into: pixels.baseAddress! + y * width)
            }
        }
        return GrayImage(width: width, height: height, pixels: pixels)
    }

    // Leptonica packs 8-bit pixels big-endian within each 32-bit word: a word's bytes, swapped on a
    // little-endian machine, are four pixels in order. Moved a word at a time (they were moved a byte at
    // a time, with a shift each: 2% of a phone photo's time).

    /// `count` pixels of one line of a Pix into `row`.
    static func unpack(line: UnsafePointer<l_uint32>, count: Int, into row: UnsafeMutablePointer<UInt8>) {
        let words = count / 4
        let raw = UnsafeMutableRawPointer(row)
        for index in 0..<words { raw.storeBytes(of: line[index].bigEndian, toByteOffset: 4 * index, as: UInt32.self) }
        for x in (4 * words)..<count { row[x] = UInt8(truncatingIfNeeded: line[x >> 2] >> UInt32(8 * (3 - (x & 3)))) }
    }

    /// `count` pixels of `row` into one line of a Pix (the rest of its last word left as it was).
    static func pack(row: UnsafePointer<UInt8>, count: Int, into line: UnsafeMutablePointer<l_uint32>) {
        let words = count / 4
        let raw = UnsafeRawPointer(row)
        for index in 0..<words { line[index] = raw.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self).bigEndian }
        for x in (4 * words)..<count {
            let shift = UInt32(8 * (3 - (x & 3)))
            line[x >> 2] = (line[x >> 2] & ~(0xFF << shift)) | (UInt32(row[x]) << shift)
        }
    }

    /// Mean darkness of `rect` (0 white … 1 black), sampled; used to tell empty zones from printed ones.
    public func inkRatio(in rect: PixelRect, threshold: Int = 128) -> Double {
        if pendingRotation != 0 { return (try? cropped(to: rect).inkRatio(in: PixelRect(x: 0, y: 0, width: rect.width, height: rect.height))) ?? 0 }
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
