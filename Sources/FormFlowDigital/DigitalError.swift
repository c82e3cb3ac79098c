/// Why a digital file (PDF, OFD, XML) could not be read. Every case is the file's fault, not the
/// machine's: the document is quarantined with `reason`, and the batch goes on.
public struct DigitalError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable {
        /// A ZIP entry named with `..` or an absolute path: it points outside the package.
        case unsafeEntryName = "unsafe_entry_name"
        /// More entries, or more bytes once inflated, than any real invoice has (a compression bomb).
        case tooLarge = "too_large"
        /// XML with a document type declaration or entities: refused before parsing (no expansion, no fetches).
        case xmlDeclarations = "xml_declarations"
        /// The file is cut short or its structure is broken (truncated ZIP, unbalanced XML, damaged PDF).
        case malformed
        /// An encrypted PDF: its text cannot be read without a password.
        case encrypted
        /// The file is well-formed but is not an invoice FormFlow knows (no invoice data where it should be).
        case notAnInvoice = "not_an_invoice"
        /// A PDF tool did not answer within its time or memory limit.
        case toolFailed = "tool_failed"
    }

    public var code: Code
    /// What is wrong and what to do, in words for the operator.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The quarantine reason: the machine-readable code first, as for unreadable scans.
    public var reason: String { "\(code.rawValue): \(message)" }
    public var description: String { reason }
}
