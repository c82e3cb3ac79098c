import Foundation

#if canImport(FoundationXML)
    internal import FoundationXML
#endif

/// One XML element as a plain value: its local name (prefix dropped: OFD writes `ofd:` and `fp:`
/// inconsistently), attributes, text and children.
public struct ParsedElement: Sendable, Hashable {
    public var name: String
    public var attributes: [String: String]
    public var text: String
    public var children: [ParsedElement]

    /// The first child with this local name.
    public func child(_ name: String) -> ParsedElement? { children.first { $0.name == name } }

    /// The first element with this local name anywhere below (depth first).
    public func first(_ name: String) -> ParsedElement? {
        for child in children {
            if child.name == name { return child }
            if let found = child.first(name) { return found }
        }
        return nil
    }

    /// Every element with this local name anywhere below, in document order.
    public func all(_ name: String) -> [ParsedElement] {
        children.flatMap { child in (child.name == name ? [child] : []) + child.all(name) }
    }

    /// The trimmed text of the first element below with one of these names, or nil when none has text.
    public func value(_ names: String...) -> String? {
        for name in names {
            if let text = first(name)?.text.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty { return text }
        }
        return nil
    }
}

/// Parses XML from files FormFlow does not trust (OFD parts, 数电 XML, poppler's output of a hostile PDF).
/// A document type declaration is refused before the parser sees the bytes: without one there are no
/// entities to expand (billion laughs) and no external resources to fetch.
public enum SafeXML {
    /// Largest XML document taken (a real invoice part is a few kilobytes; a page's content well under 1 MB).
    public static let maxBytes = 8 << 20
    /// Deepest nesting taken.
    public static let maxDepth = 64

    public static func parse(_ bytes: [UInt8], part: String) throws(DigitalError) -> ParsedElement {
        guard bytes.count <= maxBytes else {
            throw DigitalError(.tooLarge, "\(part) is \(bytes.count) bytes of XML, over the limit of \(maxBytes)")
        }
        let text: String
        if bytes.starts(with: [0xFE, 0xFF]) || bytes.starts(with: [0xFF, 0xFE]) {
            // UTF-16: decoded first, so a declaration cannot hide from the check below.
            guard let decoded = String(data: Data(bytes), encoding: .utf16) else {
                throw DigitalError(.malformed, "\(part) is not readable UTF-16 text")
            }
            text = decoded
        } else {
            text = String(decoding: bytes, as: UTF8.self)
        }
        let upper = text.uppercased()
        if upper.contains("<!DOCTYPE") || upper.contains("<!ENTITY") {
            throw DigitalError(
                .xmlDeclarations,
                "\(part) declares a document type or entities; invoices never do, and such XML can expand without end or fetch files. Ask the sender for the file as the tax system issued it")
        }
        let builder = TreeBuilder()
        let parser = XMLParser(data: Data(text.utf8))
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = builder
        guard parser.parse(), let root = builder.root, builder.failure == nil else {
            let detail = builder.failure ?? parser.parserError.map { "\($0.localizedDescription)" } ?? "no root element"
            throw DigitalError(.malformed, "\(part) is not well-formed XML (\(detail)); the file may be cut short")
        }
        return root
    }

    /// Builds the element tree; keeps only text directly inside an element.
    private final class TreeBuilder: NSObject, XMLParserDelegate {
        var stack: [ParsedElement] = []
        var root: ParsedElement?
        var failure: String?

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            guard stack.count < SafeXML.maxDepth else {
                failure = "nested deeper than \(SafeXML.maxDepth) elements"
                parser.abortParsing()
                return
            }
            let local = elementName.split(separator: ":").last.map(String.init) ?? elementName
            stack.append(ParsedElement(name: local, attributes: attributes, text: "", children: []))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].text += string
        }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].text += String(decoding: CDATABlock, as: UTF8.self)
        }

        func parser(
            _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?
        ) {
            guard let element = stack.popLast() else { return }
            if stack.isEmpty {
                root = element
            } else {
                stack[stack.count - 1].children.append(element)
            }
        }

        func parser(_ parser: XMLParser, resolveExternalEntityName name: String, systemID: String?) -> Data? {
            failure = "external entity \(name)"
            parser.abortParsing()
            return nil
        }
    }
}
