import FormFlowCore
import Foundation

/// Reads a 数电 invoice's XML (root `EInvoice`): `EInvoiceData` with `SellerInformation`,
/// `BuyerInformation`, `BasicInformation` and one `IssuItemInformation` per line; `TaxSupervisionInfo`
/// with the number and issue time.
public enum EInvoiceXMLReader {
    public static func read(_ bytes: [UInt8]) throws(DigitalError) -> DigitalInvoice {
        let xml = try SafeXML.parse(bytes, part: "the XML file")
        guard xml.name == "EInvoice" else {
            throw DigitalError(.notAnInvoice, "the XML's root is <\(xml.name)>, not a 数电 invoice's <EInvoice>")
        }
        func required(_ names: String...) throws(DigitalError) -> String {
            for name in names { if let value = xml.value(name) { return InvoiceText.clean(value) } }
            throw DigitalError(.notAnInvoice, "the 数电 XML has no \(names.joined(separator: " or "))")
        }
        func amount(_ names: String...) throws(DigitalError) -> Decimal {
            for name in names {
                guard let text = xml.first("BasicInformation")?.value(name) ?? xml.value(name) else { continue }
                guard let value = InvoiceText.money(text) else {
                    throw DigitalError(.notAnInvoice, "the 数电 XML's \(name) '\(text)' is not an amount")
                }
                return value
            }
            throw DigitalError(.notAnInvoice, "the 数电 XML has no \(names.joined(separator: " or "))")
        }
        let seller = xml.first("SellerInformation")
        let buyer = xml.first("BuyerInformation")
        guard let seller, let buyer else {
            throw DigitalError(.notAnInvoice, "the 数电 XML has no SellerInformation or BuyerInformation")
        }
        func party(_ element: ParsedElement, _ names: String...) throws(DigitalError) -> String {
            for name in names { if let value = element.value(name) { return InvoiceText.clean(value) } }
            throw DigitalError(.notAnInvoice, "the 数电 XML's \(element.name) has no \(names.joined(separator: " or "))")
        }
        guard let dateText = xml.value("IssueTime", "RequestTime", "IssueDate") else {
            throw DigitalError(.notAnInvoice, "the 数电 XML has no IssueTime")
        }
        guard let date = InvoiceText.date(dateText) else {
            throw DigitalError(.notAnInvoice, "the 数电 XML's issue time '\(dateText)' is not a date")
        }
        var lines: [DigitalInvoice.Line] = []
        for item in xml.all("IssuItemInformation") {
            guard let lineAmount = item.value("Amount").flatMap(InvoiceText.money),
                let rate = item.value("TaxRate", "TaxScheme").flatMap(InvoiceText.taxRate),
                let tax = InvoiceText.money(item.value("ComTaxAm", "TaxAmount", "TaxAm") ?? "***")
            else {
                throw DigitalError(.notAnInvoice, "an IssuItemInformation line has no readable Amount, TaxRate or ComTaxAm")
            }
            lines.append(
                .init(name: InvoiceText.clean(item.value("ItemName", "Item") ?? ""), amount: lineAmount, taxRate: rate, taxAmount: tax))
        }
        let total = try amount("TotalTax-includedAmount", "TotalTaxIncludedAmount")
        let words = xml.value("TotalTax-includedAmountInChinese", "TotalTaxIncludedAmountInChinese").map(InvoiceText.words)
        return DigitalInvoice(
            source: .xml, invoiceCode: nil, invoiceNumber: try required("InvoiceNumber", "EIid"), issueDate: date,
            buyerName: try party(buyer, "BuyerName"), buyerTaxID: try party(buyer, "BuyerIdNum", "BuyerTaxID"),
            sellerName: try party(seller, "SellerName"), sellerTaxID: try party(seller, "SellerIdNum", "SellerTaxID"),
            amount: try amount("TotalAmWithoutTax"), taxAmount: try amount("TotalTaxAm"), total: total,
            totalInWords: words, lines: lines)
    }
}
