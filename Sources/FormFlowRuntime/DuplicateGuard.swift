import FormFlowCore
import FormFlowLedger
import FormFlowValidation

/// Applies the `duplicate` rules through the ledger: an accepted document claims its business key, and
/// a document whose key another document already holds is an exception naming that document.
struct DuplicateGuard: Sendable {
    let rules: RuleSet
    let ledger: any Ledger

    func apply(to record: inout DocumentRecord) throws {
        guard let form = record.form, record.status != .quarantine else { return }
        let uncertain = Set(record.evidence?.filter(\.value.uncertain).map(\.key) ?? [])
        for rule in rules.rules where rule.check == .duplicate && rule.applies(to: form) {
            let values = rule.fields.map { record.fields[$0]?.text ?? "" }
            guard zip(rule.fields, values).allSatisfy({ !$0.1.isEmpty || rule.optional.contains($0.0) }),
                values.contains(where: { !$0.isEmpty })
            else { continue }
            // A key not read for sure claims nothing; it may still point the operator at an earlier document.
            let keyIsCertain = rule.fields.allSatisfy { !uncertain.contains($0) }
            if !keyIsCertain && record.status == .accepted { continue }
            let key = BusinessKey(form: form.rawValue, fields: rule.fields, values: values)
            var owner: KeyOwner?
            var pending = false
            if record.status == .accepted {
                // The same claim or invoice waiting for an operator holds this one too: accepting it now
                // could pay twice once the first is fixed.
                if let waiting = try ledger.pendingOwner(of: key), waiting.sha256 != record.sha256 {
                    owner = waiting
                    pending = true
                } else {
                    switch try ledger.claim(key, document: record.document, sha256: record.sha256, batch: record.batch) {
                    case .claimed: owner = nil
                    case .heldBy(let holder): owner = holder
                    }
                }
            } else {
                owner = try ledger.owner(of: key).flatMap { $0.sha256 == record.sha256 ? nil : $0 }
                if owner == nil, let waiting = try ledger.pendingOwner(of: key), waiting.sha256 != record.sha256 {
                    owner = waiting
                    pending = true
                }
                if owner == nil, keyIsCertain {
                    try ledger.holdPending(key, document: record.document, sha256: record.sha256, batch: record.batch)
                }
            }
            if let owner {
                record.status = .exception
                record.violations.append(
                    Violation(
                        rule: rule.id,
                        message: Masking.maskDigitRuns(
                            in:
                                "\(rule.message)\(keyIsCertain ? "" : " (the key was not read for sure)"): \(zip(rule.fields, values).map { "\($0.0) \($0.1)" }.joined(separator: ", ")) \(pending ? "is waiting for review" : "was accepted") as \(owner.document) in batch \(owner.batch) since \(owner.acceptedAt)"
                        ), fields: rule.fields))
            }
        }
    }
}
