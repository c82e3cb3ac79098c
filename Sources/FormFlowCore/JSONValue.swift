/// A normalised field value as it appears in a result record: a string, an integer, or a table.
public enum FieldValue: Hashable, Sendable, Codable, CustomStringConvertible {
    case text(String)
    case integer(Int)
    case rows([[String: FieldValue]])
    case null

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let number = try? container.decode(Int.self) {
            self = .integer(number)
        } else if let string = try? container.decode(String.self) {
            self = .text(string)
        } else {
            self = .rows(try container.decode([[String: FieldValue]].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let string): try container.encode(string)
        case .integer(let number): try container.encode(number)
        case .rows(let rows): try container.encode(rows)
        case .null: try container.encodeNil()
        }
    }

    public var text: String? {
        switch self {
        case .text(let string): string
        case .integer(let number): String(number)
        default: nil
        }
    }

    public var integer: Int? {
        switch self {
        case .integer(let number): number
        case .text(let string): Int(string)
        default: nil
        }
    }

    public var rows: [[String: FieldValue]]? {
        if case .rows(let rows) = self { return rows }
        return nil
    }

    public var description: String {
        switch self {
        case .text(let string): string
        case .integer(let number): String(number)
        case .rows(let rows): "\(rows.count) rows"
        case .null: "null"
        }
    }
}
