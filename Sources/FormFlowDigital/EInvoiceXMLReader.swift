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
        let values = InvoiceValues(part: "the 数电 XML", element: xml)
        // Totals are BasicInformation's (a line has an Amount of its own).
        let totals = InvoiceValues(part: "the 数电 XML's BasicInformation") { xml.first("BasicInformation")?.value($0) ?? xml.value($0) }
        guard let seller = xml.first("SellerInformation"), let buyer = xml.first("BuyerInformation") else {
            throw DigitalError(.notAnInvoice, "the 数电 XML has no SellerInformation or BuyerInformation")
        }
        let sellerValues = InvoiceValues(part: "the 数电 XML's SellerInformation", element: seller)
        let buyerValues = InvoiceValues(part: "the 数电 XML's BuyerInformation", element: buyer)
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
        let words = xml.value("TotalTax-includedAmountInChinese", "TotalTaxIncludedAmountInChinese").map(InvoiceText.words)
        return DigitalInvoice(
            source: .xml, invoiceCode: nil, invoiceNumber: try values.text("InvoiceNumber", "EIid"),
            issueDate: try values.date("IssueTime", "RequestTime", "IssueDate"),
            buyerName: try buyerValues.text("BuyerName"), buyerTaxID: try buyerValues.text("BuyerIdNum", "BuyerTaxID"),
            sellerName: try sellerValues.text("SellerName"), sellerTaxID: try sellerValues.text("SellerIdNum", "SellerTaxID"),
            amount: try totals.amount("TotalAmWithoutTax"), taxAmount: try totals.amount("TotalTaxAm"),
            total: try totals.amount("TotalTax-includedAmount", "TotalTaxIncludedAmount"), totalInWords: words, lines: lines)
    }
}
