import FormFlowCore
import Foundation

/// Registers a page whose printed form did not survive the scan by where its values stand.
///
/// VAT invoices are printed in red or brown; a black-and-white scanner's threshold drops that ink
/// entirely and keeps only the black values: no title, no labels, no ruled box. The values still stand
/// where the template's zones are, and many have a shape of their own (a 12-figure code, a date, an
/// 18-character tax ID, an amount with two decimals, the amount in capitals). Each line of the page-wide
/// reading that has a field's shape is a candidate position of that field; the same consensus search as
/// for labels finds the transform most of them agree with. Registering only proposes where to look:
/// every value is then read and judged as on any page.
public enum ValueRegistrar {
    /// Fewest values that must stand where the template puts them. Four of different fields, spread
    /// over the page, leave little room for a page of another kind to fit by chance.
    public static let minimumValues = 4

    public static func register(template: FormTemplate, symbols: [RecognizedSymbol], pageSize: PixelRect)
        -> Registration?
    {
        let lines = ValueLine.lines(of: symbols)
        let shaped = template.fields.filter { shape(of: $0) != nil }
        guard shaped.count >= minimumValues else { return nil }
        let candidates: [[Registrar.PagePoint]] = shaped.map { spec in
            let matches = shape(of: spec)!
            return lines.filter { matches($0.text) }.map { ($0.left, $0.middle) }
        }
        let points: [Registrar.PagePoint] = shaped.map { spec in
            (Double(spec.zone.x + valueInset), Double(spec.zone.y) + Double(spec.zone.height) / 2)
        }
        let scale0 = Double(pageSize.width) / Double(template.pageWidth)
        guard
            let fit = Registrar.consensus(
                points: points, candidates: candidates, scale0: scale0, tolerance: 40 * scale0, minimum: minimumValues)
        else { return nil }
        let matched = fit.pairs.map { pair in
            let spec = shaped[pair.index]
            return AnchorMatch(
                anchor: AnchorSpec(text: spec.name, x: Int(points[pair.index].x), y: Int(points[pair.index].y)),
                x: pair.page.x, y: pair.page.y)
        }
        let names = Set(matched.map(\.anchor.text))
        var registration = Registration(
            transform: fit.transform, matched: matched, missing: shaped.map(\.name).filter { !names.contains($0) },
            residual: fit.residual)
        registration.byValues = true
        return registration
    }

    /// How far a value printed in its zone starts from the zone's left edge, in template pixels.
    static let valueInset = 30

    /// A test of whether a line's text (spaces left out) has the shape of the field's values; nil for
    /// fields whose values have no shape of their own (personal names, list entries, counts, free text).
    static func shape(of spec: FieldSpec) -> ((String) -> Bool)? {
        switch spec.type {
        case .code:
            guard let pattern = spec.pattern, let regex = try? Regex(pattern) else { return nil }
            return { text in
                let compact = String(text.filter { $0.isLetter || $0.isNumber }).uppercased()
                return (try? regex.wholeMatch(in: compact)) != nil
            }
        case .date:
            return { $0.contains(/[0-9]{4}[-.\/年][0-9]{1,2}[-.\/月][0-9]{1,2}/) }
        case .id18, .uscc:
            return { text in
                let characters = text.filter { $0.isASCII && ($0.isLetter || $0.isNumber) }
                return (17...19).contains(characters.count) && characters.filter(\.isNumber).count >= 8
                    && characters.count * 10 >= text.count * 9
            }
        case .bankCard:
            return { text in
                (15...20).contains(text.filter(\.isNumber).count) && text.filter { !$0.isNumber }.count <= 1
            }
        case .money:
            return { $0.wholeMatch(of: /[¥￥]?[0-9,]{1,9}\.[0-9]{2}/) != nil }
        case .percent:
            return { $0.wholeMatch(of: /[0-9]{1,2}%/) != nil }
        case .amountInWords:
            return { text in
                let capitals = text.filter { ChineseAmount.alphabet.contains($0) }.count
                return capitals >= 4 && capitals * 2 >= text.count
            }
        case .organisation:
            return { text in
                text.count >= 5 && text.allSatisfy { !$0.isASCII }
                    && ["公司", "中心", "有限", "集团", "局", "院", "所", "厂", "店"].contains { text.contains($0) }
            }
        case .chineseName, .enumerated, .integer, .text:
            return nil
        }
    }
}

/// One line of the page-wide reading as printed (punctuation kept: a value's shape needs its point,
/// dashes and percent sign), where it starts and the height of its middle.
struct ValueLine {
    var text: String
    var left: Double
    var middle: Double

    /// In Tesseract's line order (a dictionary's would vary from run to run, and with it which of two
    /// equally good fits the consensus search keeps).
    static func lines(of symbols: [RecognizedSymbol]) -> [ValueLine] {
        Dictionary(grouping: symbols.filter { !$0.text.allSatisfy(\.isWhitespace) }, by: \.line).sorted { $0.key < $1.key }.map { _, members in
            let ordered = members.sorted { $0.box.x < $1.box.x }
            let middles = ordered.map { Double($0.box.y) + Double($0.box.height) / 2 }.sorted()
            return ValueLine(
                text: ordered.map(\.text).joined(), left: Double(ordered[0].box.x), middle: middles[middles.count / 2])
        }
    }
}
