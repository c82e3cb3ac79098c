/// Guards applied before any pixel is decoded, so that a hostile header cannot exhaust memory.
public struct ImageLimits: Sendable, Hashable {
    /// Largest accepted width × height of one page (default 60 megapixels, an A3 page at 600 dpi is ~70).
    public var maxPixels: Int
    /// Largest accepted number of pages in one TIFF.
    public var maxPages: Int
    /// Resolution assumed when a file records none (many phone and fax scans don't).
    public var defaultDPI: Int
    /// A JPEG larger than this (width × height) is decoded at a half, quarter or eighth of its size by the
    /// JPEG decoder itself, to the first that fits: a 50-megapixel phone photo is 200 MB decoded, and two
    /// workers on two of them peaked at 550 MB (the target is 400 MB); at 12.5 megapixels a page still has
    /// more pixels than its 300 dpi template. Default 16 megapixels, above the common 12-megapixel photo.
    public var reducedDecodingAbove: Int

    public init(
        maxPixels: Int = 60_000_000, maxPages: Int = 20, defaultDPI: Int = 300, reducedDecodingAbove: Int = 16_000_000
    ) {
        self.maxPixels = maxPixels
        self.maxPages = maxPages
        self.defaultDPI = defaultDPI
        self.reducedDecodingAbove = reducedDecodingAbove
    }

    /// The JPEG decoder's reduction (1, 2, 4 or 8) for a page of `width` × `height` pixels.
    public func jpegReduction(width: Int, height: Int) -> Int {
        var reduction = 1
        while reduction < 8, (width / reduction) * (height / reduction) > reducedDecodingAbove { reduction *= 2 }
        return reduction
    }
}
