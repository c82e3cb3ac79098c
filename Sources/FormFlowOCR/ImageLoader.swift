import CTesseract
import FormFlowCore

#if canImport(Glibc)
import Glibc
#endif

/// The kinds of image file FormFlow takes.
public enum ImageFormat: String, Sendable, Codable {
    case png, jpeg, tiff
}

/// What the header says, read before any pixel is decoded.
public struct ImageHeader: Sendable, Hashable {
    public var format: ImageFormat
    public var width: Int
    public var height: Int
    public var pages: Int
}

/// Decodes PNG, JPEG and TIFF (every page) through Leptonica, refusing hostile files before decoding.
public struct ImageLoader: Sendable {
    public var limits: ImageLimits

    public init(limits: ImageLimits = ImageLimits()) {
        self.limits = limits
        Leptonica.silence()
    }

    /// Reads the header only: format, size and page count, checked against the limits.
    public func header(of bytes: [UInt8]) throws(OCRError) -> ImageHeader {
        guard !bytes.isEmpty else {
            throw OCRError(.emptyFile, "the file is empty (0 bytes); rescan it or check the copy that delivered it")
        }
        guard bytes.count >= 12 else {
            throw OCRError(.notAnImage, "the file is \(bytes.count) bytes long, too short to be an image")
        }
        var rawFormat: Int32 = 0
        let found = bytes.withUnsafeBufferPointer { findFileFormatBuffer($0.baseAddress, &rawFormat) }
        guard found == 0 else {
            throw OCRError(.notAnImage, "the content is not an image (whatever its name says); expected PNG, JPEG or TIFF")
        }
        let format: ImageFormat
        switch Int(rawFormat) {
        case IFF_PNG: format = .png
        case IFF_JFIF_JPEG: format = .jpeg
        case IFF_TIFF, IFF_TIFF_PACKBITS, IFF_TIFF_RLE, IFF_TIFF_G3,
            IFF_TIFF_G4, IFF_TIFF_LZW, IFF_TIFF_ZIP, IFF_TIFF_JPEG:
            format = .tiff
        case IFF_UNKNOWN:
            throw OCRError(.notAnImage, "the content is not an image (whatever its name says); expected PNG, JPEG or TIFF")
        default:
            throw OCRError(
                .unsupportedFormat, "the image format (Leptonica code \(rawFormat)) is not taken; scan to PNG, JPEG or TIFF")
        }

        var sizes: [(Int, Int)] = []
        if format == .tiff {
            // Walk the page directory one header at a time; stop one past the limit.
            while sizes.count <= limits.maxPages {
                var w: Int32 = 0
                var h: Int32 = 0
                let status = bytes.withUnsafeBufferPointer {
                    readHeaderMemTiff($0.baseAddress, $0.count, Int32(sizes.count), &w, &h, nil, nil, nil, nil, nil)
                }
                guard status == 0 else { break }
                sizes.append((Int(w), Int(h)))
            }
            guard !sizes.isEmpty else {
                throw OCRError(.decodeFailed, "the TIFF header cannot be read; the file is truncated or corrupt")
            }
            guard sizes.count <= limits.maxPages else {
                throw OCRError(
                    .tooManyPages, "the TIFF has more than \(limits.maxPages) pages (the configured limit); split it")
            }
        } else {
            var w: Int32 = 0
            var h: Int32 = 0
            let status = bytes.withUnsafeBufferPointer {
                pixReadHeaderMem($0.baseAddress, $0.count, nil, &w, &h, nil, nil, nil)
            }
            guard status == 0 else {
                throw OCRError(.decodeFailed, "the \(format.rawValue.uppercased()) header cannot be read; the file is truncated or corrupt")
            }
            sizes.append((Int(w), Int(h)))
        }
        for (index, (w, h)) in sizes.enumerated() {
            guard w > 0, h > 0 else {
                throw OCRError(.decodeFailed, "page \(index + 1) claims a size of \(w)×\(h) pixels")
            }
            // Multiply in a way that cannot overflow for hostile 32-bit sizes.
            let (pixels, overflow) = w.multipliedReportingOverflow(by: h)
            guard !overflow, pixels <= limits.maxPixels else {
                throw OCRError(
                    .tooManyPixels,
                    "page \(index + 1) claims \(w)×\(h) pixels, over the limit of \(limits.maxPixels / 1_000_000) megapixels; rescan at 300 dpi"
                )
            }
        }
        return ImageHeader(format: format, width: sizes[0].0, height: sizes[0].1, pages: sizes.count)
    }

    /// Decodes every page of an image held in memory, after checking its header.
    public func load(bytes: [UInt8]) throws(OCRError) -> [PageImage] {
        let header = try header(of: bytes)
        var pages: [PageImage] = []
        let reduction = header.format == .jpeg ? limits.jpegReduction(width: header.width, height: header.height) : 1
        for index in 0..<header.pages {
            let decoded: UnsafeMutablePointer<PIX>? = bytes.withUnsafeBufferPointer { buffer in
                switch header.format {
                case .tiff: pixReadMemTiff(buffer.baseAddress, buffer.count, Int32(index))
                case .jpeg where reduction > 1:
                    pixReadMemJpeg(buffer.baseAddress, buffer.count, 0, Int32(reduction), nil, 0)
                case .png, .jpeg: pixReadMem(buffer.baseAddress, buffer.count)
                }
            }
            guard let pix = decoded else {
                throw OCRError(
                    .decodeFailed,
                    "page \(index + 1) of the \(header.format.rawValue.uppercased()) cannot be decoded; the file is truncated or corrupt")
            }
            // A page decoded reduced has its resolution reduced with it.
            let resolution = Int(pixGetXRes(pix)) / reduction
            // Resolutions outside 50–1200 are treated as missing: they are header junk, not scans.
            let dpi = (50...1200).contains(resolution) ? resolution : limits.defaultDPI / reduction
            pages.append(PageImage(taking: pix, dpi: dpi))
        }
        return pages
    }

    /// Reads and decodes a file; see `load(bytes:)`.
    public func load(path: String) throws(OCRError) -> [PageImage] {
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.read(path: path)
        } catch {
            throw OCRError(.notAnImage, "the file cannot be read: \(error)")
        }
        return try load(bytes: bytes)
    }
}

/// Leptonica prints to stderr by default; FormFlow reports through its own typed errors instead.
enum Leptonica {
    private static let silenced: Bool = {
        setMsgSeverity(Int32(L_SEVERITY_NONE))
        return true
    }()

    static func silence() { _ = silenced }
}
