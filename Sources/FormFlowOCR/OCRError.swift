/// What went wrong while loading or reading a page. Shaped like swift-service-lifecycle's
/// `ServiceGroupError`: a public struct with an extensible `Code`, a message for the operator,
/// and where it was thrown.
public struct OCRError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case emptyFile = "empty_file"
            case notAnImage = "not_an_image"
            case unsupportedFormat = "unsupported_format"
            case tooManyPixels = "too_many_pixels"
            case tooManyPages = "too_many_pages"
            case decodeFailed = "decode_failed"
            case engineUnavailable = "engine_unavailable"
            case imageOperationFailed = "image_operation_failed"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The file has no bytes at all (often a scanner still writing, or a failed copy).
        public static let emptyFile = Code(.emptyFile)
        /// The bytes are not a known image format (a text or office file with an image name).
        public static let notAnImage = Code(.notAnImage)
        /// A real image, but in a format FormFlow does not take (only PNG, JPEG and TIFF).
        public static let unsupportedFormat = Code(.unsupportedFormat)
        /// The header announces more pixels than the configured limit; nothing was decoded.
        public static let tooManyPixels = Code(.tooManyPixels)
        /// A TIFF with more pages than the configured limit.
        public static let tooManyPages = Code(.tooManyPages)
        /// The header looked right but the pixels could not be decoded (truncated or corrupt file).
        public static let decodeFailed = Code(.decodeFailed)
        /// Tesseract could not start: language data missing or unreadable.
        public static let engineUnavailable = Code(.engineUnavailable)
        /// Leptonica failed on an image operation (out of memory, degenerate image).
        public static let imageOperationFailed = Code(.imageOperationFailed)

        /// A stable, machine-readable name, used in quarantine reasons and metrics.
        public var name: String { base.rawValue }
        public var description: String { base.rawValue }
    }

    public let code: Code
    /// What happened and what the operator can do about it.
    public let message: String
    public let file: String
    public let line: Int

    public init(_ code: Code, _ message: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
    }

    /// True for errors caused by the input file rather than by this machine: such files go to quarantine.
    public var isInputProblem: Bool {
        code != .engineUnavailable && code != .imageOperationFailed
    }

    public var description: String { "\(code.name): \(message)" }
}
