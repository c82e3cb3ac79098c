import FormFlowCore
import Foundation

/// A page's text as the file places it, in the file's own unit: what an OFD page's `TextObject`s and a
/// PDF's text layer have in common, for a reader that places it on a template.
public struct PageText: Sendable {
    public var runs: [PositionedText]
    public var width: Double
    public var height: Double
    /// 25.4 for an OFD's millimetres, 72 for a PDF's points.
    public var unitsPerInch: Double

    public init(runs: [PositionedText], width: Double, height: Double, unitsPerInch: Double) {
        self.runs = runs
        self.width = width
        self.height = height
        self.unitsPerInch = unitsPerInch
    }
}

/// Reads an invoice from a page's text. The runtime's reader places the text on the pipeline's templates;
/// without one, the page is read by its printed labels (`NationalLayout`).
public typealias PageTextReader = (PageText, DigitalInvoice.Source) throws(DigitalError) -> DigitalInvoice

/// Reads an e-invoice from its OFD package (GB/T 33190). The values come from the issuing system, so
/// they are exact: from `Attachs/original_invoice.xml` (older 增值税电子普通发票), else from the tags of
/// `Tags/CustomTag.xml` pointing at the page's `TextObject`s (数电), else from the page's text through
/// `page` (the templates). The amount in words is printed only on the page, so it is always read there.
public enum OFDInvoiceReader {
    public static func read(_ bytes: [UInt8], page reader: PageTextReader? = nil) throws(DigitalError) -> DigitalInvoice {
        let package = try OFDPackage(bytes: bytes)
        guard package.contains("OFD.xml") else {
            throw DigitalError(.notAnInvoice, "the ZIP file has no OFD.xml: it is not an OFD document")
        }
        let root = try package.xml("OFD.xml")
        let docRoot = OFDPackage.resolve(root.value("DocRoot") ?? "Doc_0/Document.xml", from: "OFD.xml")
        let document = try package.xml(docRoot)
        let objects = try pageObjects(package: package, document: document, docRoot: docRoot)
        let layout = NationalLayout(objects.map(\.run))
        let box = (document.first("PhysicalBox")?.text ?? "").split(separator: " ").compactMap { Double($0) }
        let pageText = PageText(
            runs: objects.map(\.run), width: box.count == 4 ? box[2] : 210, height: box.count == 4 ? box[3] : 140,
            unitsPerInch: 25.4)
        // The page read once: the invoice itself when the file has no data, else its lines and words.
        let printed = Result { () throws(DigitalError) -> DigitalInvoice in
            if let reader { try reader(pageText, .ofd) } else { try layout.invoice(source: .ofd) }
        }
        let signed = root.first("Signatures") != nil && package.names.contains { $0.contains("Signs/") }

        var invoice: DigitalInvoice
        if let attachment = try originalInvoicePath(package: package, document: document, docRoot: docRoot) {
            invoice = try fromOriginalInvoice(try package.xml(attachment), part: attachment)
        } else if let tags = try customTags(package: package, document: document, docRoot: docRoot) {
            invoice = try fromCustomTags(tags, objects: objects)
        } else {
            invoice = try printed.get()
        }
        invoice.source = .ofd
        invoice.signed = signed
        // Tags without item lines, or the amount in words: as the page prints them (the invoice's rate and
        // the line-by-line tax check need the lines).
        let page = try? printed.get()
        if invoice.lines.isEmpty, let pageLines = page?.lines, !pageLines.isEmpty {
            invoice.lines = pageLines
        }
        if invoice.totalInWords == nil {
            invoice.totalInWords =
                page?.totalInWords ?? layout.values(after: ["价税合计(大写)"]).first.map(InvoiceText.words)
        }
        return invoice
    }

    /// A page's text object: its ID (what tags point at) and its run of text with its boundary in mm.
    struct PageObject {
        var id: String
        var run: PositionedText
    }

    /// The first page's text objects and those of its template page (where the labels are printed).
    static func pageObjects(package: OFDPackage, document: ParsedElement, docRoot: String) throws(DigitalError)
        -> [PageObject]
    {
        var parts: [String] = []
        if let page = document.first("Pages")?.children.first(where: { $0.name == "Page" }),
            let location = page.attributes["BaseLoc"]
        {
            parts.append(OFDPackage.resolve(location, from: docRoot))
        }
        for template in document.all("TemplatePage") {
            if let location = template.attributes["BaseLoc"] { parts.append(OFDPackage.resolve(location, from: docRoot)) }
        }
        var objects: [PageObject] = []
        for part in parts where package.contains(part) {
            for object in try package.xml(part).all("TextObject") {
                let numbers = (object.attributes["Boundary"] ?? "").split(separator: " ").compactMap { Double($0) }
                guard numbers.count == 4 else { continue }
                let text = object.all("TextCode").map(\.text).joined()
                objects.append(
                    PageObject(
                        id: object.attributes["ID"] ?? "",
                        run: PositionedText(text: text, x: numbers[0], y: numbers[1], width: numbers[2], height: numbers[3])))
            }
        }
        return objects
    }

    static func originalInvoicePath(package: OFDPackage, document: ParsedElement, docRoot: String) throws(DigitalError)
        -> String?
    {
        if let list = document.value("Attachments") {
            let listPath = OFDPackage.resolve(list, from: docRoot)
            if package.contains(listPath) {
                for attachment in try package.xml(listPath).all("Attachment") {
                    guard let location = attachment.value("FileLoc") else { continue }
                    let path = OFDPackage.resolve(location, from: listPath)
                    if (attachment.attributes["Name"] == "original_invoice" || location.hasSuffix("original_invoice.xml"))
                        && package.contains(path)
                    {
                        return path
                    }
                }
            }
        }
        let conventional = OFDPackage.resolve("Attachs/original_invoice.xml", from: docRoot)
        return package.contains(conventional) ? conventional : nil
    }

    /// The older e-invoice's own data file (root `eInvoice`, namespace .../e-invoice/2019).
    static func fromOriginalInvoice(_ xml: ParsedElement, part: String) throws(DigitalError) -> DigitalInvoice {
        let values = InvoiceValues(part: part, element: xml)
        var lines: [DigitalInvoice.Line] = []
        for goods in xml.all("GoodsInfo") {
            guard let lineAmount = goods.value("Amount").flatMap(InvoiceText.money),
                let rate = goods.value("TaxScheme", "TaxRate").flatMap(InvoiceText.taxRate),
                let tax = InvoiceText.money(goods.value("TaxAmount") ?? "***")
            else {
                throw DigitalError(.notAnInvoice, "\(part): a GoodsInfo line has no readable Amount, TaxScheme or TaxAmount")
            }
            lines.append(.init(name: InvoiceText.clean(goods.value("Item") ?? ""), amount: lineAmount, taxRate: rate, taxAmount: tax))
        }
        return DigitalInvoice(
            source: .ofd, invoiceCode: xml.value("InvoiceCode").map(InvoiceText.clean), invoiceNumber: try values.text("InvoiceNo"),
            issueDate: try values.date("IssueDate"), buyerName: try values.text("BuyerName"), buyerTaxID: try values.text("BuyerTaxID"),
            sellerName: try values.text("SellerName"), sellerTaxID: try values.text("SellerTaxID"),
            amount: try values.amount("TaxExclusiveTotalAmount"), taxAmount: try values.amount("TaxTotalAmount"),
            total: try values.amount("TaxInclusiveTotalAmount"), totalInWords: nil, lines: lines)
    }

    /// The 数电 invoice's tag file, when the document has one with invoice tags.
    static func customTags(package: OFDPackage, document: ParsedElement, docRoot: String) throws(DigitalError)
        -> ParsedElement?
    {
        guard let list = document.value("CustomTags") else { return nil }
        let listPath = OFDPackage.resolve(list, from: docRoot)
        guard package.contains(listPath) else { return nil }
        for tag in try package.xml(listPath).all("CustomTag") {
            guard let location = tag.value("FileLoc") else { continue }
            let path = OFDPackage.resolve(location, from: listPath)
            guard package.contains(path) else { continue }
            let tags = try package.xml(path)
            if tags.first("InvoiceNo") != nil { return tags }
        }
        return nil
    }

    /// Each tag names the text objects (`ObjectRef`) that print its value; a value may span two (`¥`, figure).
    static func fromCustomTags(_ tags: ParsedElement, objects: [PageObject]) throws(DigitalError) -> DigitalInvoice {
        let texts = Dictionary(objects.map { ($0.id, $0.run.text) }, uniquingKeysWith: { first, _ in first })
        func text(of element: ParsedElement) -> String {
            let references = element.all("ObjectRef").map { $0.text.trimmingCharacters(in: .whitespaces) }
            if references.isEmpty { return InvoiceText.clean(element.text) }
            return InvoiceText.clean(references.compactMap { texts[$0] }.joined())
        }
        func values(_ name: String) -> [String] { tags.all(name).map(text(of:)) }
        let tagged = InvoiceValues(part: "the OFD's CustomTag (or the text its ObjectRef points at)") { values($0).first }
        let (items, amounts, rates, taxes) = (values("Item"), values("Amount"), values("TaxScheme"), values("TaxAmount"))
        guard amounts.count == items.count, rates.count == items.count, taxes.count == items.count else {
            throw DigitalError(
                .notAnInvoice,
                "the OFD's CustomTag has \(items.count) items but \(amounts.count) amounts, \(rates.count) rates, \(taxes.count) tax amounts")
        }
        var lines: [DigitalInvoice.Line] = []
        for index in items.indices {
            guard let lineAmount = InvoiceText.money(amounts[index]), let rate = InvoiceText.taxRate(rates[index]),
                let tax = InvoiceText.money(taxes[index].isEmpty ? "***" : taxes[index])
            else {
                throw DigitalError(.notAnInvoice, "the OFD's item line \(index + 1) cannot be read")
            }
            lines.append(.init(name: items[index], amount: lineAmount, taxRate: rate, taxAmount: tax))
        }
        let code = values("InvoiceCode").first.flatMap { $0.isEmpty ? nil : $0 }
        return DigitalInvoice(
            source: .ofd, invoiceCode: code, invoiceNumber: try tagged.text("InvoiceNo"), issueDate: try tagged.date("IssueDate"),
            buyerName: try tagged.text("BuyerName"), buyerTaxID: try tagged.text("BuyerTaxID"),
            sellerName: try tagged.text("SellerName"), sellerTaxID: try tagged.text("SellerTaxID"),
            amount: try tagged.amount("TaxExclusiveTotalAmount"), taxAmount: try tagged.amount("TaxTotalAmount"),
            total: try tagged.amount("TaxInclusiveTotalAmount"), totalInWords: nil, lines: lines)
    }
}
