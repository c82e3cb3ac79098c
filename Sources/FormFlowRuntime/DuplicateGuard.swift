import FormFlowCore
import FormFlowLedger
import FormFlowRouting
import FormFlowValidation
import Foundation

/// Applies the `duplicate` rules through the ledger: an accepted document claims its business keys, and
/// a document whose key another document already holds is an exception naming that document.
///
/// A form may have several such rules: its number, and what it says (an invoice's seller, date and total).
/// The second catches the same invoice sent again with its number read otherwise: a copy faxed in
/// black and white, its code's 4 read 1 by both engines, beside a photo of it.
///
/// Of each group of copies exactly one is accepted, whatever order they come in: a clean copy is accepted
/// though an earlier one waits for an operator (a phone photo with a name to confirm), and that earlier one
/// is then marked a duplicate of it (`Superseded`, `DuplicateMarker`). It cannot be paid: an operator's fix
/// of it meets the accepted copy's key.
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

    /// A document waiting for an operator whose key an accepted copy now holds.
    struct Superseded: Sendable {
        var waiting: KeyOwner
        var rule: Rule
        var values: [String]
        var acceptedAs: String
        var batch: String
        /// The document that showed the two to be copies of one, where `waiting` and the copy kept share no
        /// key themselves (each shares one with it).
        var linkedBy: String? = nil
        /// The copy kept waits for an operator too: it is the one to decide on.
        var keptWaits = false
        /// How often marking it found no waiting record.
        var attempts = 0
    }

    /// Returns the waiting copies that `record`, accepted, supersedes: they are to be marked duplicates.
    @discardableResult
    func apply(to record: inout DocumentRecord) throws -> [Superseded] {
        guard let form = record.form, record.status != .quarantine else { return [] }
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
            keys.append(
                Key(
                    rule: rule, values: values,
                    key: BusinessKey(form: form.rawValue, fields: rule.fields, values: values), certain: certain))
        }
        if record.status == .accepted {
            // Every key is looked up before any is claimed: a document another key already names is an
            // exception and must hold none.
            for key in keys {
                if let holder = try ledger.owner(of: key.key), holder.sha256 != record.sha256 {
                    flag(&record, key, owner: holder, pending: false)
                    return []
                }
            }
            // The storage's uniqueness decides between two workers claiming at once.
            for key in keys {
                if case .heldBy(let holder) = try ledger.claim(
                    key.key, document: record.document, sha256: record.sha256, batch: record.batch)
                {
                    flag(&record, key, owner: holder, pending: false)
                    return []
                }
            }
            // The same claim or invoice waiting for an operator: this copy is the one accepted, that one
            // becomes its duplicate.
            var superseded: [Superseded] = []
            for key in keys {
                if let waiting = try ledger.pendingOwner(of: key.key), waiting.sha256 != record.sha256,
                    !superseded.contains(where: { $0.waiting.sha256 == waiting.sha256 })
                {
                    superseded.append(
                        Superseded(
                            waiting: waiting, rule: key.rule, values: key.values, acceptedAs: record.document,
                            batch: record.batch))
                }
            }
            return superseded
        }
        var flagged = false
        var owners: [(owner: KeyOwner, pending: Bool, key: Key)] = []
        for key in keys {
            var owner = try ledger.owner(of: key.key).flatMap { $0.sha256 == record.sha256 ? nil : $0 }
            var pending = false
            if owner == nil, let waiting = try ledger.pendingOwner(of: key.key), waiting.sha256 != record.sha256 {
                owner = waiting
                pending = true
            }
            if let owner, !owners.contains(where: { $0.owner.sha256 == owner.sha256 }) {
                owners.append((owner, pending, key))
            }
            // A waiting copy holds even a key it did not read for sure: a clean copy accepted later with the
            // same key, read with confidence, supersedes it (a G4 copy whose number was put forward by the second
            // model beside a phone photo of it). Only the accepted copy's key claims anything, and a misreading
            // that happens to equal another invoice's whole key is far less likely than a resend.
            if owner == nil {
                try ledger.holdPending(key.key, document: record.document, sha256: record.sha256, batch: record.batch)
            }
            // One duplicate named is enough: the rules of one form all say "sent before".
            if let owner, !flagged {
                flag(&record, key, owner: owner, pending: pending)
                flagged = true
            }
        }
        return linkedCopies(owners, by: record.document)
    }

    /// Where this document shares one key with one copy and another key with another, the three are copies
    /// of one document though those two share no key (a fax whose claim number was misread, a photo whose
    /// ID number was): of the others, the accepted one (or else the first) is kept, and every other one
    /// waiting for an operator is to be marked its duplicate, so that exactly one copy is left to decide on.
    private func linkedCopies(_ owners: [(owner: KeyOwner, pending: Bool, key: Key)], by document: String)
        -> [Superseded]
    {
        guard owners.count > 1 else { return [] }
        let kept = owners.first(where: { !$0.pending }) ?? owners[0]
        return owners.filter { $0.pending && $0.owner.sha256 != kept.owner.sha256 }.map {
            Superseded(
                waiting: $0.owner, rule: $0.key.rule, values: $0.key.values, acceptedAs: kept.owner.document,
                batch: kept.owner.batch,
                linkedBy: document, keptWaits: kept.pending)
        }
    }

    private func flag(_ record: inout DocumentRecord, _ key: Key, owner: KeyOwner, pending: Bool) {
        record.status = .exception
        record.violations.append(
            Self.violation(key.rule, values: key.values) { said in
                "\(key.rule.message)\(key.certain ? "" : " (the key was not read for sure)"): \(said) \(pending ? "is waiting for review" : "was accepted") as \(owner.document) in batch \(owner.batch) since \(owner.acceptedAt)"
            })
    }

    /// The `duplicate` violation of `rule` for a key read as `values`; `message` is given the key as
    /// "field value, …". Digit runs are masked, and the personal fields are left out of the violation's
    /// fields: reason files mask every digit run of a message about them, which hid the other document's name.
    static func violation(_ rule: Rule, values: [String], message: (String) -> String) -> Violation {
        let said = zip(rule.fields, values).filter { !$0.1.isEmpty }.map { "\($0.0) \($0.1)" }.joined(separator: ", ")
        return Violation(
            rule: rule.id, message: Masking.maskDigitRuns(in: message(said)),
            fields: rule.fields.filter { !Masking.personalFields.contains($0) })
    }
}

/// Marks a copy waiting for an operator as the duplicate of one accepted after it: its record and reason
/// file in the exceptions folder gain the `duplicate` violation, the ledger and the audit trail say so.
struct DuplicateMarker: Sendable {
    let outputs: OutputFolders
    let ledger: any Ledger
    let audit: any AuditTrail

    /// The waiting copy's record as now marked, or nil where it is no longer waiting (fixed, rejected, or
    /// on another host not yet delivered): nothing is changed then.
    @discardableResult
    func mark(_ superseded: DuplicateGuard.Superseded) throws -> DocumentRecord? {
        let folder = outputs.folder(for: .exception)
        let names = [OutputFolders.fitting(superseded.waiting.document)]
        for name in names + names.map({ OutputFolders.disambiguated($0, sha256: superseded.waiting.sha256) }) {
            let url = folder.appendingPathComponent(name + ".json")
            guard let data = FileManager.default.contents(atPath: url.path),
                var record = try? JSONDecoder().decode(DocumentRecord.self, from: data),
                record.sha256 == superseded.waiting.sha256, record.status == .exception
            else { continue }
            if record.violations.contains(where: { $0.rule == superseded.rule.id }) { return record }
            record.violations.append(
                DuplicateGuard.violation(superseded.rule, values: superseded.values) { said in
                    switch (superseded.linkedBy, superseded.keptWaits) {
                    case (nil, _):
                        "\(superseded.rule.message): \(said) was accepted later as \(superseded.acceptedAs) in batch \(superseded.batch), a copy read with confidence: this one is not to be paid"
                    case (let link?, false):
                        "\(superseded.rule.message): \(link) has \(said) too, and is a copy of \(superseded.acceptedAs), accepted in batch \(superseded.batch): this one is a copy of it and is not to be paid"
                    case (let link?, true):
                        "\(superseded.rule.message): \(link) has \(said) too, and is a copy of \(superseded.acceptedAs), which waits for an operator: decide on that one; this one is a copy of it and is not to be paid"
                    }
                })
            try ledger.finish(record)
            try outputs.writeRecord(record, named: name)
            try audit.append(
                actor: "formflow", action: "marked duplicate", document: record.document, batch: record.batch,
                sha256: record.sha256,
                detail: superseded.linkedBy.map {
                    "a copy of \(superseded.acceptedAs) (\(superseded.keptWaits ? "waiting for an operator" : "accepted")), as \($0) shows"
                }
                    ?? "the same \(record.form?.rawValue ?? "document") was accepted later as \(superseded.acceptedAs) in batch \(superseded.batch)"
            )
            return record
        }
        return nil
    }
}
