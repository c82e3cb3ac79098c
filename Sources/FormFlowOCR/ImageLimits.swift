/// Guards applied before any pixel is decoded, so that a hostile header cannot exhaust memory.
public struct ImageLimits: Sendable, Hashable {
    /// Largest accepted width × height of one page (default 60 megapixels, an A3 page at 600 dpi is ~70).
    public var maxPixels: Int
    /// Largest accepted number of pages in one TIFF.
    public var maxPages: Int
    /// Resolution assumed when a file records none (many phone and fax scans don't).
    public var defaultDPI: Int

    public init(maxPixels: Int = 60_000_000, maxPages: Int = 20, defaultDPI: Int = 300) {
        self.maxPixels = maxPixels
        self.maxPages = maxPages
        self.defaultDPI = defaultDPI
    }
}
