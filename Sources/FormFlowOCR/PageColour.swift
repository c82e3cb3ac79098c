import CTesseract
import FormFlowCore

/// Turning, colour and resolution of whole pages: what makes a photo or a colour scan readable like a
/// gray office scan. Every Leptonica call and allocation stays in this module.
extension PageImage {
    /// Whether the page holds colour (32-bit RGB), as colour scans and photos do.
    public var isColour: Bool { pixGetDepth(pix) == 32 }

    /// The page turned clockwise by `quarterTurns` × 90°, mirrored left–right first when asked.
    public func turned(quarterTurns: Int, mirrored: Bool = false) throws(OCRError) -> PageImage {
        var source = pix
        var flipped: UnsafeMutablePointer<PIX>? = nil
        defer { pixDestroy(&flipped) }
        if mirrored {
            guard let copy = pixFlipLR(nil, pix) else { throw OCRError(.imageOperationFailed, "could not mirror the page") }
            flipped = copy
            source = copy
        }
        let turns = ((quarterTurns % 4) + 4) % 4
        guard turns != 0 || mirrored else { return self }
        guard let out = turns == 0 ? pixClone(source) : pixRotateOrth(source, Int32(turns)) else {
            throw OCRError(.imageOperationFailed, "could not turn the page by \(turns * 90)°")
        }
        return PageImage(taking: out, dpi: dpi)
    }

    /// The page upright, as the JPEG's EXIF orientation says.
    public func upright(_ orientation: ExifOrientation) throws(OCRError) -> PageImage {
        try turned(quarterTurns: orientation.quarterTurnsClockwise, mirrored: orientation.mirrored)
    }

    /// Whether the page is black and white (1 bit per pixel), as office scanners' CCITT G4 TIFFs are.
    public var isBilevel: Bool { pixGetDepth(pix) == 1 }

    /// A black-and-white page as smooth gray at 300 dpi: the thin strokes of a light typeface break into
    /// specks at 200 dpi in one bit, which the ink locator drops and the glyph prototypes (rendered in
    /// gray) do not resemble. Interpolated up, the broken strokes join again as gray lines; blurred by a
    /// pixel, the one-bit edges' steps become the gray ramps of a gray scan, which Tesseract reads better
    /// (300 G4 scans of four seeds: field accuracy 87.8% → 90.1%, straight-through 109 → 115 of 221;
    /// blurring before the scale, or 5 pixels wide, did worse).
    ///
    /// `blur` is the box filter's half-width at 300 dpi: 1 for values; a dithered page's layout takes 2
    /// (`isDithered`), which turns its dots back into the gray they stood for.
    public func smoothedFromBilevel(blur: Int = 1) throws(OCRError) -> PageImage {
        guard isBilevel, let gray = pixConvertTo8(pix, 0) else { return self }
        var grayOwned: UnsafeMutablePointer<PIX>? = gray
        defer { pixDestroy(&grayOwned) }
        let factor = dpi < 300 ? Float(300) / Float(dpi) : 1
        var scaled: UnsafeMutablePointer<PIX>? = factor > 1.05 ? pixScale(gray, factor, factor) : nil
        defer { pixDestroy(&scaled) }
        guard let smooth = pixBlockconv(scaled ?? gray, Int32(blur), Int32(blur)) else {
            throw OCRError(.imageOperationFailed, "could not smooth the black-and-white page")
        }
        return PageImage(taking: smooth, dpi: scaled != nil ? 300 : dpi)
    }

    /// Whether a black-and-white page was dithered, as a fax does, rather than thresholded: most of its
    /// black pixels stand alone (no black pixel left, right, above or below), where tinted paper and
    /// coloured print became scattered dots. Such a page's labels are dots too, which Tesseract does not
    /// read: its form went unrecognised (one fresh G4 invoice in 160, Noto Serif labels in brown). The
    /// share is 0.01–0.15 on thresholded G4 scans of the generator's sets, 0.64–0.91 on dithered ones.
    public var isDithered: Bool {
        guard isBilevel, let sel = selCreateFromString(" o oXo o ", 3, 3, "isolated") else { return false }
        var selOwned: UnsafeMutablePointer<SEL>? = sel
        defer { selDestroy(&selOwned) }
        var alone: UnsafeMutablePointer<PIX>? = pixHMT(nil, pix, sel)
        defer { pixDestroy(&alone) }
        var black: Int32 = 0
        var isolated: Int32 = 0
        guard pixCountPixels(pix, &black, nil) == 0, let alone, pixCountPixels(alone, &isolated, nil) == 0, black > 0
        else { return false }
        return Double(isolated) / Double(black) > Self.ditheredShare
    }

    /// The page in one bit as a scanner makes it: dithered (Floyd–Steinberg, as a fax does) or
    /// thresholded at `threshold`. For tests of the black-and-white path.
    func bilevel(dithered: Bool, threshold: Int32 = 160) throws(OCRError) -> PageImage {
        guard let gray = pixConvertTo8(pix, 0) else {
            throw OCRError(.imageOperationFailed, "could not convert the page to grayscale")
        }
        var grayOwned: UnsafeMutablePointer<PIX>? = gray
        defer { pixDestroy(&grayOwned) }
        guard let binary = dithered ? pixDitherToBinary(gray) : pixConvertTo1(gray, threshold) else {
            throw OCRError(.imageOperationFailed, "could not make the page black and white")
        }
        return PageImage(taking: binary, dpi: dpi)
    }

    /// Between the shares of thresholded and dithered pages (`isDithered`), well clear of both.
    static let ditheredShare = 0.4

    /// 8-bit gray by luminance: the form as printed, coloured ink included (its ruled box, title and
    /// labels are what registration looks for).
    public func luminance() throws(OCRError) -> PageImage {
        if pixGetDepth(pix) == 8 && pixGetColormap(pix) == nil { return self }
        guard let gray = pixConvertTo8(pix, 0) else {
            throw OCRError(.imageOperationFailed, "could not convert the page to grayscale")
        }
        return PageImage(taking: gray, dpi: dpi)
    }

    /// 8-bit gray where coloured ink is paper: a pixel's level is its brightest channel raised by its
    /// saturation, fully where the brightest channel reaches 130, not at all under 90. Black values (and
    /// black under a red seal, blended dark red) stay dark; a red seal, blue or brown form print and tinted
    /// paper turn light. Nil for a page without colour.
    public func valuesWithoutColour() throws(OCRError) -> PageImage? {
        guard isColour else { return nil }
        guard let source = pixGetData(pix) else { throw OCRError(.imageOperationFailed, "the page has no pixel data") }
        let (gray, target) = try Self.blankPix(width: width, height: height, depth: 8)
        let sourceWords = Int(pixGetWpl(pix))
        let targetWords = Int(pixGetWpl(gray))
        for y in 0..<height {
            let sourceLine = source + y * sourceWords
            let targetLine = target + y * targetWords
            // Four pixels to a target word, eight at a time (the same integer arithmetic as `level`).
            let whole = width / 8
            for step in 0..<whole {
                let rgb = UnsafeRawPointer(sourceLine).loadUnaligned(fromByteOffset: 32 * step, as: SIMD8<UInt32>.self)
                let levels = Self.levels(rgb)
                targetLine[2 * step] = levels[0] << 24 | levels[1] << 16 | levels[2] << 8 | levels[3]
                targetLine[2 * step + 1] = levels[4] << 24 | levels[5] << 16 | levels[6] << 8 | levels[7]
            }
            for xWord in (2 * whole)..<targetWords {
                var packed: UInt32 = 0
                for byte in 0..<4 {
                    let x = xWord * 4 + byte
                    packed |= (x < width ? Self.level(sourceLine[x]) : 255) << UInt32(8 * (3 - byte))
                }
                targetLine[xWord] = packed
            }
        }
        return PageImage(taking: gray, dpi: dpi)
    }

    /// The gray level of one of Leptonica's RGB pixels (red, green, blue, alpha from the high byte down)
    /// with its colour lifted towards paper.
    ///
    /// Only bright colour is lifted to paper in full: black printed under a seal is blended to a dark red
    /// (84, 16, 7), which its saturation alone lifted to 199 and lost (a claimant's 郭 under a seal's star,
    /// read 建国); the seal's own red is bright (235, 79, 90). Under 90 a pixel is ink whatever its hue.
    @inline(__always)
    static func level(_ rgb: UInt32) -> UInt32 {
        let red = (rgb >> 24) & 0xFF
        let green = (rgb >> 16) & 0xFF
        let blue = (rgb >> 8) & 0xFF
        let brightest = max(red, green, blue)
        let saturation = brightest - min(red, green, blue)
        let lift = min(max(Int(brightest) - 90, 0), 40)
        return min(255, brightest + saturation * 3 * UInt32(lift) / 80)
    }

    /// `level` of eight pixels at once. x / 80 is (x · 52429) >> 22 for every x up to 255 · 3 · 40.
    @inline(__always)
    static func levels(_ rgb: SIMD8<UInt32>) -> SIMD8<UInt32> {
        let mask = SIMD8<UInt32>(repeating: 0xFF)
        let red = (rgb &>> 24) & mask
        let green = (rgb &>> 16) & mask
        let blue = (rgb &>> 8) & mask
        let brightest = pointwiseMax(pointwiseMax(red, green), blue)
        let saturation = brightest &- pointwiseMin(pointwiseMin(red, green), blue)
        let lift = pointwiseMin(
            pointwiseMax(SIMD8<Int32>(truncatingIfNeeded: brightest) &- 90, SIMD8<Int32>(repeating: 0)),
            SIMD8<Int32>(repeating: 40))
        let product = saturation &* 3 &* SIMD8<UInt32>(truncatingIfNeeded: lift)
        return pointwiseMin(SIMD8<UInt32>(repeating: 255), brightest &+ ((product &* 52429) &>> 22))
    }

    /// A colour page from red, green and blue bytes, pixel by pixel, row by row (tests draw seals with it).
    convenience init(rgb bytes: [UInt8], width: Int, height: Int, dpi: Int = 200) throws(OCRError) {
        precondition(bytes.count == width * height * 3, "three bytes per pixel")
        let (pix, data) = try Self.blankPix(width: width, height: height, depth: 32)
        let wordsPerLine = Int(pixGetWpl(pix))
        for y in 0..<height {
            for x in 0..<width {
                let at = (y * width + x) * 3
                data[y * wordsPerLine + x] = UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8
            }
        }
        self.init(taking: pix, dpi: dpi)
    }

    /// This page (8-bit, the same size as `reference`) deskewed as `reference` was: the values page
    /// follows the layout page's rotation exactly.
    public func deskewed(like reference: PageImage) throws(OCRError) -> PageImage {
        if reference.pendingRotation != 0 {
            guard let copy = pixClone(pix) else { throw OCRError(.imageOperationFailed, "could not keep the page") }
            return PageImage(
                taking: copy, dpi: dpi, appliedDeskew: reference.appliedDeskew, pendingRotation: reference.pendingRotation)
        }
        guard reference.appliedDeskew != 0 else { return self }
        guard
            let turned = pixRotate(
                pix, Float(reference.appliedDeskew * .pi / 180), Int32(L_ROTATE_AREA_MAP), Int32(L_BRING_IN_WHITE), 0, 0)
        else { throw OCRError(.imageOperationFailed, "could not rotate the page") }
        return PageImage(taking: turned, dpi: dpi, appliedDeskew: reference.appliedDeskew)
    }

    /// The page with `dpi` as its resolution (when the file's claim is known to be wrong).
    public func withResolution(_ dpi: Int) throws(OCRError) -> PageImage {
        guard let copy = pixClone(pix) else { throw OCRError(.imageOperationFailed, "could not keep the page") }
        return PageImage(taking: copy, dpi: dpi, appliedDeskew: appliedDeskew, pendingRotation: pendingRotation)
    }
}

extension PageImage {
    /// A multi-page TIFF (lossless) of `pages`, in order: for tests and tools that need a document of
    /// several pages as a scanner makes them.
    public static func multipageTIFF(_ pages: [PageImage]) throws(OCRError) -> [UInt8] {
        guard var pixa = pixaCreate(Int32(pages.count)) else {
            throw OCRError(.imageOperationFailed, "could not collect \(pages.count) pages")
        }
        var pixaOptional: UnsafeMutablePointer<PIXA>? = pixa
        defer { pixaDestroy(&pixaOptional) }
        for page in pages {
            // L_COPY: the collection keeps its own copy, the page keeps its pixels.
            guard pixaAddPix(pixa, page.pix, Int32(L_COPY)) == 0 else {
                throw OCRError(.imageOperationFailed, "could not add a page to the TIFF")
            }
        }
        var data: UnsafeMutablePointer<UInt8>? = nil
        var size = 0
        guard pixaWriteMemMultipageTiff(&data, &size, pixa) == 0, let bytes = data else {
            throw OCRError(.imageOperationFailed, "could not write the multi-page TIFF")
        }
        defer { lept_free(bytes) }
        pixa = pixaOptional!
        return Array(UnsafeBufferPointer(start: bytes, count: size))
    }
}

/// The C allocator's side of memory: a phone's picture is tens of megabytes in Leptonica's buffers,
/// which glibc keeps in its per-thread arenas after they are freed unless asked to give them back.
public enum AllocatorMemory {
    /// Returns freed memory to the system (after a large page is prepared).
    public static func returnFreed() {
        _ = malloc_trim(0)
    }

    /// Two allocator arenas for the whole process instead of one per thread: each worker's arena kept a
    /// phone picture's worth of freed memory (80 office documents, 2 workers: 446 MB → 411 MB peak, the
    /// same speed). And buffers of 4 MB and more (page images and their planes) mapped and unmapped on
    /// their own: glibc otherwise raises that bound, up to 32 MB, each time such a buffer is freed, after
    /// which a scan's colour image and a rectified page are cut from the heap, which keeps them when freed
    /// (80 documents of the mix, 2 workers: 365–375 MB peak → 329 MB; 5% more CPU for the
    /// pages the system must clear). Called once, before the workers start.
    public static func limitArenas() {
        _ = mallopt(M_ARENA_MAX, 2)
        _ = mallopt(M_MMAP_THRESHOLD, 4 << 20)
    }
}
