/// The forms FormFlow knows by name. Templates may add more; the name is the
/// template's `form` key, so this is an open set of strings rather than an enum.
public struct FormKind: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ name: String) { self.rawValue = name }

    public static let expenseClaim = FormKind("expense_claim")
    public static let vatInvoice = FormKind("vat_invoice")

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
