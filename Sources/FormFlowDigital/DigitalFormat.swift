/// The file kinds that carry an invoice as text rather than pixels, told apart by their first bytes
/// (never by the file's name: a scanner or a mail client may name anything `.pdf`).
public enum DigitalFormat: String, Sendable {
    case pdf
    case ofd
    case xml

    public static func sniff(_ bytes: [UInt8]) -> DigitalFormat? {
        if bytes.starts(with: Array("%PDF-".utf8)) { return .pdf }
        // A PDF may have up to 1024 bytes of junk before its header (PDF 1.7, 7.5.2); readers accept it.
        if let header = bytes.prefix(1024).firstRange(of: Array("%PDF-".utf8)), header.lowerBound > 0 { return .pdf }
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return .ofd }
        var start = bytes.startIndex
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start += 3 }  // UTF-8 byte order mark
        while start < bytes.endIndex, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[start]) { start += 1 }
        if bytes[start...].starts(with: Array("<?xml".utf8)) || bytes[start...].starts(with: Array("<EInvoice".utf8)) {
            return .xml
        }
        return nil
    }
}
