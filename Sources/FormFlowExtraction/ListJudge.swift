import FormFlowCore
import Foundation

/// Values judged against the template's closed lists once they are read. A list confirms a reading that
/// equals an entry; it never replaces one. What it says about the others goes to an operator:
/// - an organisation one or two characters away from a known one (深圳钱海信息技术有限公司 beside
///   深圳前海信息技术有限公司) is taken as printed only when two independent readers confirm it
///   (Tesseract's agreement and the glyphs, see `FieldExtractor`); otherwise it is a possible look-alike,
///   and the operator is told which known supplier it resembles;
/// - a department or category off the list, read with confidence, is `unknown_<field>` (an unreadable
///   one is already `uncertain_field`, and its note names the nearest entry).
enum ListJudge {
    static func problems(template: FormTemplate, result: ExtractionResult) -> [Violation] {
        var problems: [Violation] = []
        for spec in template.fields {
            guard let reading = result.readings[spec.name] else { continue }
            problems += judge(spec, reading, path: spec.name, template: template)
        }
        if let table = template.table {
            for (index, row) in result.rows.enumerated() {
                for column in table.columns {
                    guard let reading = row[column.name] else { continue }
                    problems += judge(column, reading, path: "\(table.name)[\(index)].\(column.name)", template: template)
                }
            }
        }
        return problems
    }

    /// Organisations read as the start or the end of a known name, within a character: a value cut short
    /// reads as a whole, well-formed name, and two readers of the same cut agree on it. A thin face's faint
    /// first characters left out of a phone photo's value: 合肥庐州会务服务有限公司 read 会务服务有限公司 by both
    /// engines, 上海绅城物业管理有限公司 read 海绅城物业管理有限公司. Such a reading is uncertain; its note names the
    /// known name.
    static func doubtCutShort(_ result: inout ExtractionResult, template: FormTemplate) {
        for spec in template.fields where spec.type == .organisation {
            guard var reading = result.readings[spec.name], !reading.uncertain, let listName = spec.vocabulary,
                let vocabulary = template.vocabularies[listName], let value = reading.chosen?.value.text,
                let (entry, end) = ListMatch.part(value, in: vocabulary)
            else { continue }
            reading.uncertain = true
            reading.note =
                "reads \(value), the \(end) of known \(listName) entry \(entry) but for a character at most: part of the name may not have been read; \(reading.note ?? "")"
            result.readings[spec.name] = reading
        }
    }

    /// What an organisation's registered name ends with: the word for what it is (有限公司, 中心, 局, 医院,
    /// 事务所, 合作社, 分行, （有限合伙）…), by its last character.
    static let organisationEndings: Set<Character> = Set(
        "司心局院厂店社行所校会部处站馆团学园队场室厅委府署台庭宫城楼厦苑组办科联盟矿段库营铺堂房吧市庄寓中）)")

    /// Organisations off the list whose name does not end as an organisation's does: a name cut short
    /// reads as well as a whole one. A G4 scan's 温州瑞汇印务股份有限公司, its end under a seal, was read
    /// 温州瑞汇印务股 by the second model and confirmed glyph by glyph. Such a reading is uncertain; an entry
    /// of the list is not judged here.
    static func doubtUnfinished(_ result: inout ExtractionResult, template: FormTemplate) {
        for spec in template.fields where spec.type == .organisation {
            guard var reading = result.readings[spec.name], !reading.uncertain, let value = reading.chosen?.value.text,
                let last = value.last, !organisationEndings.contains(last),
                !(spec.vocabulary.flatMap { template.vocabularies[$0] }?.contains(value) ?? false)
            else { continue }
            reading.uncertain = true
            reading.note =
                "reads \(value), which ends with \(last): an organisation's name ends with what it is (有限公司, 中心, 局 …), so part of it may not have been read; \(reading.note ?? "")"
            result.readings[spec.name] = reading
        }
    }

    /// Notes on organisations taken as printed though near a known one, so the record says so.
    static func annotate(_ result: inout ExtractionResult, template: FormTemplate) {
        for spec in template.fields where spec.type == .organisation {
            guard var reading = result.readings[spec.name], !reading.uncertain, let listName = spec.vocabulary,
                let vocabulary = template.vocabularies[listName], let value = reading.chosen?.value.text,
                case .near(let entry, let differences) = ListMatch.of(value, in: vocabulary)
            else { continue }
            let gap = differences == 1 ? "一字之差" : "\(differences) characters different"
            reading.note = "\(gap) with known \(listName) entry \(entry), taken as printed: \(reading.note ?? "confirmed")"
            result.readings[spec.name] = reading
        }
    }

    static func judge(_ spec: FieldSpec, _ reading: FieldReading, path: String, template: FormTemplate) -> [Violation] {
        guard spec.type == .organisation || spec.type == .enumerated, let listName = spec.vocabulary,
            let vocabulary = template.vocabularies[listName], !vocabulary.isEmpty,
            let value = reading.chosen?.value.text, !value.isEmpty
        else { return [] }
        let match = ListMatch.of(value, in: vocabulary)
        switch (spec.type, match) {
        case (.organisation, .listed) where reading.uncertain:
            // The value shown may be the second model's reading put forward (`putForwardModelReading`): where
            // it is a known name and a reading of Tesseract's is one or two characters from it, the operator is
            // still told of the possible look-alike, which Tesseract may have read as printed.
            for candidate in reading.candidates {
                guard let text = candidate.value.text, case .near(let entry, let differences) = ListMatch.of(text, in: vocabulary)
                else { continue }
                return [lookalike(spec, path, read: text, entry: entry, differences: differences)]
            }
            return []
        case (_, .listed):
            return []
        case (.organisation, .near(let entry, let differences)) where reading.uncertain:
            return [lookalike(spec, path, read: value, entry: entry, differences: differences)]
        case (.organisation, _):
            return []  // confirmed as printed by two readers, or unknown and left to uncertain_field
        case (_, .near(let entry, _)) where !reading.uncertain:
            return [unknown(spec, path, value, listName, nearest: entry)]
        case (_, .unlisted) where !reading.uncertain:
            return [unknown(spec, path, value, listName, nearest: nil)]
        default:
            return []
        }
    }

    static func lookalike(_ spec: FieldSpec, _ path: String, read value: String, entry: String, differences: Int) -> Violation {
        let known = spec.name.hasPrefix("seller") ? "known supplier" : "known organisation"
        let gap = differences == 1 ? "一字之差" : "\(differences) characters different"
        return Violation(
            rule: "possible_lookalike",
            message: "\(path) reads \(value): \(gap) with \(known) \(entry): possible look-alike. Compare the name on the paper with the vendor master before accepting; FormFlow never takes it as \(entry)",
            fields: [path])
    }

    static func unknown(_ spec: FieldSpec, _ path: String, _ value: String, _ listName: String, nearest: String?) -> Violation {
        Violation(
            rule: "unknown_\(spec.name)",
            message: "\(path) reads \(value), which is not on the list of \(listName)\(nearest.map { " (nearest: \($0))" } ?? ""); it is not mapped to an entry. Correct the value or add it to the list",
            fields: [path])
    }
}
