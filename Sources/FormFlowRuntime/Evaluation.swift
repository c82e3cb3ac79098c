import Foundation

/// Scores result records against truth files as SPEC.md "What counts" defines: silent errors,
/// violation recall (per rule), straight-through rate, field accuracy (per field), duplicates by group.
public struct Evaluation: Sendable, Codable {
    public struct Ratio: Sendable, Codable {
        public var hits: Int = 0
        public var total: Int = 0
        public var rate: Double { total == 0 ? 1 : Double(hits) / Double(total) }

        mutating func add(_ hit: Bool) {
            total += 1
            if hit { hits += 1 }
        }

        enum CodingKeys: String, CodingKey { case hits, total, rate }
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(hits, forKey: .hits)
            try container.encode(total, forKey: .total)
            try container.encode(rate, forKey: .rate)
        }
        public init() {}
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            hits = try container.decode(Int.self, forKey: .hits)
            total = try container.decode(Int.self, forKey: .total)
        }
    }

    public var documents = 0
    public var missing: [String] = []
    public var multiple: [String] = []
    public var silentErrors: [String] = []
    /// Documents made to break a rule and not routed to exceptions naming it.
    public var missedViolations: [String] = []
    public var straightThrough = Ratio()
    public var violationRecall = Ratio()
    public var fieldAccuracy = Ratio()
    public var perField: [String: Ratio] = [:]
    public var perRule: [String: Ratio] = [:]
    public var wrongFields: [String] = []

    enum CodingKeys: String, CodingKey {
        case documents, missing, multiple, perField = "per_field", perRule = "per_rule", wrongFields = "wrong_fields"
        case silentErrors = "silent_errors", missedViolations = "missed_violations"
        case straightThrough = "straight_through", violationRecall = "violation_recall", fieldAccuracy = "field_accuracy"
    }

    /// Reads `*.truth.json` from `truthFolder` and every record (`*.json` with `document` and `status`)
    /// under `outFolder`.
    public static func evaluate(truthFolder: URL, outFolder: URL) throws -> Evaluation {
        let fileManager = FileManager.default
        var truths: [[String: Any]] = []
        for name in try fileManager.contentsOfDirectory(atPath: truthFolder.path).sorted() where name.hasSuffix(".truth.json") {
            let data = try Data(contentsOf: truthFolder.appendingPathComponent(name))
            if let truth = try JSONSerialization.jsonObject(with: data) as? [String: Any] { truths.append(truth) }
        }
        var records: [String: [[String: Any]]] = [:]
        if let walker = fileManager.enumerator(at: outFolder, includingPropertiesForKeys: nil) {
            for case let url as URL in walker where url.pathExtension == "json" {
                guard let data = try? Data(contentsOf: url),
                    let record = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
                    let document = record["document"] as? String, record["status"] != nil
                else { continue }
                records[document, default: []].append(record)
            }
        }
        return evaluate(truths: truths, records: records)
    }

    static func normalized(_ value: Any?) -> AnyHashable? {
        switch value {
        case nil, is NSNull: return nil
        case let list as [Any]: return list.map { normalized($0) } as [AnyHashable?]
        case let dictionary as [String: Any]: return dictionary.mapValues { normalized($0) } as [String: AnyHashable?]
        case let number as NSNumber: return number.stringValue
        case let text as String: return text.trimmingCharacters(in: .whitespaces)
        default: return "\(value!)"
        }
    }

    static func key(_ truth: [String: Any]) -> String {
        let fields = truth["fields"] as? [String: Any] ?? [:]
        if let claim = fields["claim_no"] as? String { return "claim:\(claim)" }
        return "invoice:\(fields["invoice_code"] ?? "")/\(fields["invoice_no"] ?? "")"
    }

    public static func evaluate(truths: [[String: Any]], records: [String: [[String: Any]]]) -> Evaluation {
        var result = Evaluation()
        result.documents = truths.count
        var groups: [String: [[String: Any]]] = [:]
        for truth in truths { groups[key(truth), default: []].append(truth) }

        for truth in truths {
            let document = truth["document"] as? String ?? "?"
            guard let found = records[document], let record = found.first else {
                result.missing.append(document)
                continue
            }
            if found.count > 1 { result.multiple.append(document) }
            let got = record["fields"] as? [String: Any] ?? [:]
            let want = truth["fields"] as? [String: Any] ?? [:]
            var allRight = true
            for (name, value) in want {
                let right = normalized(got[name]) == normalized(value)
                result.fieldAccuracy.add(right)
                result.perField[name, default: Ratio()].add(right)
                if !right {
                    allRight = false
                    result.wrongFields.append("\(document) \(name)")
                }
            }
            let rules = Set((record["violations"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String })
            let accepted = record["status"] as? String == "accepted"
            let violation = truth["violation"] as? String
            let grouped = (groups[key(truth)]?.count ?? 0) > 1
            if violation == "duplicate" || (violation == nil && grouped) { continue }  // scored per group
            if let violation {
                let caught = !accepted && rules.contains(violation)
                result.violationRecall.add(caught)
                result.perRule[violation, default: Ratio()].add(caught)
                if accepted { result.silentErrors.append("\(document): broke \(violation), accepted") }
                if !caught && !accepted { result.missedViolations.append("\(document): \(violation) not named (\(rules.sorted().joined(separator: ",")))") }
            } else {
                result.straightThrough.add(accepted)
                if accepted && !allRight { result.silentErrors.append("\(document): accepted with a wrong field") }
            }
        }
        for (key, group) in groups where group.count > 1 {
            let found = group.compactMap { records[$0["document"] as? String ?? ""]?.first }
            guard found.count == group.count else { continue }
            let accepted = found.filter { $0["status"] as? String == "accepted" }
            let duplicates = found.filter { record in
                (record["violations"] as? [[String: Any]] ?? []).contains { $0["rule"] as? String == "duplicate" }
            }
            for index in 0..<(group.count - 1) {
                let caught = index < duplicates.count
                result.violationRecall.add(caught)
                result.perRule["duplicate", default: Ratio()].add(caught)
            }
            result.straightThrough.add(accepted.count == 1)
            if accepted.count > 1 { result.silentErrors.append("duplicate group \(key): \(accepted.count) accepted") }
        }
        return result
    }
}
