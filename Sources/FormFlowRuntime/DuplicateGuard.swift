import FormFlowCore
import FormFlowLedger
import FormFlowValidation

/// Applies the `duplicate` rules through the ledger: an accepted document claims its business keys, and
/// a document whose key another document already holds is an exception naming that document.
///
/// A form may have several such rules: its number, and what it says (an invoice's seller, date and total).
/// The second catches the same invoice sent again with its number read otherwise: a copy faxed in
/// black and white, its code's 4 read 1 by both engines, beside a photo of it.
struct DuplicateGuard: Sendable {
    let rules: RuleSet
    let ledger: any Ledger

    /// One rule's key as read on this document.
    private struct Key {
        var rule: Rule
        var values: [String]
        var key: BusinessKey
        /// Every field of the key was read for sure.
        var certain: Bool
    }

    func apply(to record: inout DocumentRecord) throws {
        guard let form = record.form, record.status != .quarantine else { return }
        let uncertain = Set(record.evidence?.filter(\.value.uncertain).map(\.key) ?? [])
        var keys: [Key] = []
        for rule in rules.rules where rule.check == .duplicate && rule.applies(to: form) {
            let values = rule.fields.map { record.fields[$0]?.text ?? "" }
            guard zip(rule.fields, values).allSatisfy({ !$0.1.isEmpty || rule.optional.contains($0.0) }),
                values.contains(where: { !$0.isEmpty })
            else { continue }
            // A key not read for sure claims nothing; it may still point the operator at an earlier document.
            let certain = rule.fields.allSatisfy { !uncertain.contains($0) }
            if !certain && record.status == .accepted { continue }
            keys.append(Key(rule: rule, values: values, key: BusinessKey(form: form.rawValue, fields: rule.fields, values: values), certain: certain))
        }
        if record.status == .accepted {
            // Every key is looked up before any is claimed: a document another key already names is an
            // exception and must hold none. The same claim or invoice waiting for an operator holds this
            // one too: accepting it now could pay twice once the first is fixed.
            for key in keys {
                if let waiting = try ledger.pendingOwner(of: key.key), waiting.sha256 != record.sha256 {
                    return flag(&record, key, owner: waiting, pending: true)
                }
                if let holder = try ledger.owner(of: key.key), holder.sha256 != record.sha256 {
                    return flag(&record, key, owner: holder, pending: false)
                }
            }
            // The storage's uniqueness decides between two workers claiming at once.
            for key in keys {
                if case .heldBy(let holder) = try ledger.claim(key.key, document: record.document, sha256: record.sha256, batch: record.batch) {
                    return flag(&record, key, owner: holder, pending: false)
                }
            }
            return
        }
        var flagged = false
        for key in keys {
            var owner = try ledger.owner(of: key.key).flatMap { $0.sha256 == record.sha256 ? nil : $0 }
            var pending = false
            if owner == nil, let waiting = try ledger.pendingOwner(of: key.key), waiting.sha256 != record.sha256 {
                owner = waiting
                pending = true
            }
            if owner == nil, key.certain {
                try ledger.holdPending(key.key, document: record.document, sha256: record.sha256, batch: record.batch)
            }
            // One duplicate named is enough: the rules of one form all say "sent before".
            if let owner, !flagged {
                flag(&record, key, owner: owner, pending: pending)
                flagged = true
            }
        }
    }

    private func flag(_ record: inout DocumentRecord, _ key: Key, owner: KeyOwner, pending: Bool) {
        record.status = .exception
        let fields = zip(key.rule.fields, key.values).filter { !$0.1.isEmpty }
        record.violations.append(
            Violation(
                rule: key.rule.id,
                message: Masking.maskDigitRuns(
                    in:
                        "\(key.rule.message)\(key.certain ? "" : " (the key was not read for sure)"): \(fields.map { "\($0.0) \($0.1)" }.joined(separator: ", ")) \(pending ? "is waiting for review" : "was accepted") as \(owner.document) in batch \(owner.batch) since \(owner.acceptedAt)"
                ),
                // Not the personal fields: reason files mask every digit run of a message about them, which
                // hid the earlier document's name; the ID in the message is masked as everywhere.
                fields: key.rule.fields.filter { !Masking.personalFields.contains($0) }))
    }
}
