import Foundation
import Testing

@testable import FormFlowRuntime

@Suite("formflow eval counts as SPEC.md defines")
struct EvaluationTests {
    static func truth(_ document: String, claim: String, total: String, violation: String? = nil) -> [String: Any] {
        [
            "document": document, "form": "expense_claim", "expected": violation == nil ? "accepted" : "exception",
            "violation": violation as Any, "fields": ["claim_no": claim, "total": total, "attachments": 3],
        ]
    }

    static func record(_ document: String, claim: String, total: String, status: String, rules: [String] = []) -> [String: Any] {
        [
            "document": document, "status": status, "fields": ["claim_no": claim, "total": total, "attachments": 3],
            "violations": rules.map { ["rule": $0] },
        ]
    }

    @Test("silent errors, recall, straight-through, field accuracy and duplicate groups")
    func counts() {
        let truths = [
            Self.truth("a", claim: "BX1", total: "10.00"),
            Self.truth("b", claim: "BX2", total: "20.00"),
            Self.truth("c", claim: "BX3", total: "30.00", violation: "sum_mismatch"),
            Self.truth("d", claim: "BX4", total: "40.00", violation: "words_mismatch"),
            Self.truth("e", claim: "BX5", total: "50.00"),
            Self.truth("f", claim: "BX5", total: "50.00", violation: "duplicate"),
        ]
        let records: [String: [[String: Any]]] = [
            "a": [Self.record("a", claim: "BX1", total: "10.00", status: "accepted")],
            "b": [Self.record("b", claim: "BX2", total: "29.00", status: "accepted")],  // wrong field accepted
            "c": [Self.record("c", claim: "BX3", total: "30.00", status: "exception", rules: ["sum_mismatch"])],
            "d": [Self.record("d", claim: "BX4", total: "40.00", status: "exception", rules: ["uncertain_field"])],
            "e": [Self.record("e", claim: "BX5", total: "50.00", status: "exception", rules: ["duplicate"])],
            "f": [Self.record("f", claim: "BX5", total: "50.00", status: "accepted")],
        ]
        let result = Evaluation.evaluate(truths: truths, records: records)
        #expect(result.silentErrors == ["b: accepted with a wrong field"])
        #expect(result.straightThrough.hits == 3 && result.straightThrough.total == 3)  // a, b, the group
        #expect(result.violationRecall.hits == 2 && result.violationRecall.total == 3)  // c yes, d no, group yes
        #expect(result.perRule["words_mismatch"]?.hits == 0)
        #expect(result.fieldAccuracy.total == 18 && result.fieldAccuracy.hits == 17)
        #expect(result.missedViolations.count == 1)
    }
}
