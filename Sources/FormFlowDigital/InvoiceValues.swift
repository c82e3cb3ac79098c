import Foundation

/// The named values of one part of a digital invoice (an XML file, a tag file, a party's element), read
/// with errors that name the part and the value: what every reader needs, written once.
struct InvoiceValues {
    /// How the part is named in messages: "the 数电 XML", "Doc_0/Attachs/original_invoice.xml" …
    let part: String
    /// The raw text of a named value, nil when the part has none (or it is empty).
    let lookup: (String) -> String?

    init(part: String, lookup: @escaping (String) -> String?) {
        self.part = part
        self.lookup = lookup
    }

    /// Values of an XML element found by local name anywhere below it.
    init(part: String, element: ParsedElement) {
        self.init(part: part) { element.value($0) }
    }

    private func raw(_ names: [String]) throws(DigitalError) -> (name: String, text: String) {
        for name in names {
            if let text = lookup(name), !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return (name, text) }
        }
        throw DigitalError(.notAnInvoice, "\(part) has no \(names.joined(separator: " or "))")
    }

    /// The first of `names` present, NFKC-cleaned.
    func text(_ names: String...) throws(DigitalError) -> String {
        InvoiceText.clean(try raw(names).text)
    }

    func amount(_ names: String...) throws(DigitalError) -> Decimal {
        let (name, text) = try raw(names)
        guard let value = InvoiceText.money(text) else {
            throw DigitalError(.notAnInvoice, "\(part): \(name) '\(text)' is not an amount")
        }
        return value
    }

    /// A date as `YYYY-MM-DD`, from `2020年10月10日`, `2024-01-05 10:11:12` …
    func date(_ names: String...) throws(DigitalError) -> String {
        let (name, text) = try raw(names)
        guard let date = InvoiceText.date(text) else {
            throw DigitalError(.notAnInvoice, "\(part): \(name) '\(text)' is not a date")
        }
        return date
    }
}
