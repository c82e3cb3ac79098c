/// How a document came, as the notes its page was prepared with tell (`DocumentProcessor.grayPages`
/// writes them): FormFlow's own view, not how a generator made it. `formflow bench` gives its ratios by it.
public enum CaptureMode: String, CaseIterable, Sendable {
    case phonePhoto = "phone photo"
    case blackAndWhite = "black-and-white TIFF"
    case colourScan = "colour scan"
    case officeScan = "office scan"

    /// How the notes that tell a mode begin.
    static let resolutionNote = "the file claims"
    static let bilevelNote = "black and white:"
    static let ditheredNote = "black and white, dithered:"
    static let colourNote = "colour:"
    static let exifNote = "turned upright as its EXIF orientation"

    /// The mode of a record's `preparation`. A photo is a colour page with a phone's resolution claim or
    /// an EXIF turn, as `DocumentProcessor.recognise` tells a photo.
    public static func of(preparation: [String]) -> CaptureMode {
        func noted(_ beginning: String) -> Bool { preparation.contains { $0.hasPrefix(beginning) } }
        if noted(colourNote) && (noted(resolutionNote) || noted(exifNote)) { return .phonePhoto }
        if noted(bilevelNote) { return .blackAndWhite }
        if noted(colourNote) { return .colourScan }
        return .officeScan
    }
}
