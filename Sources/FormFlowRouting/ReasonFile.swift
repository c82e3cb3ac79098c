import FormFlowCore

/// The text an operator reads beside an exception or quarantined file: what the document is, each
/// violation with its message and the values read, and what to do. Personal data is masked.
public enum ReasonFile {
    public static func text(for record: DocumentRecord) -> String {
        var lines: [String] = []
        lines.append("文件 Document: \(record.document)")
        lines.append("表单 Form:     \(record.form?.rawValue ?? "未识别 not recognised")")
        lines.append("状态 Status:   \(record.status == .quarantine ? "隔离 quarantine" : "待复核 exception")")
        lines.append("批次 Batch:    \(record.batch)")
        lines.append("SHA-256:       \(record.sha256)")
        lines.append("")
        if let reason = record.reason {
            lines.append("无法读取 Cannot be read: \(Masking.maskDigitRuns(in: reason))")
            lines.append("")
            lines.append("处理 What to do: rescan or replace the file and drop it into the inbox again.")
            return lines.joined(separator: "\n") + "\n"
        }
        for (index, violation) in record.violations.enumerated() {
            let aboutPersonal = !Masking.personalFields.isDisjoint(with: violation.fields)
            let maskMessage = aboutPersonal ? Masking.maskNumberFragments(in:) : Masking.maskDigitRuns(in:)
            lines.append("\(index + 1). [\(violation.rule)] \(maskMessage(violation.message))")
            for field in violation.fields {
                let evidence = record.evidence?[field]
                // A misread ID or bank number leaves fragments shorter than the 15-digit rule catches.
                let masked = Masking.personalFields.contains(field) ? Masking.maskNumberFragments(in:) : Masking.maskDigitRuns(in:)
                let value = record.fields[field].map { masked(display($0, field: field)) } ?? "—"
                var line = "     \(field) = \(value)"
                if let evidence {
                    line += "  (read '\(masked(evidence.raw))', confidence \(Int(evidence.confidence))"
                    if let note = evidence.note { line += "; \(masked(note))" }
                    line += ")"
                }
                lines.append(line)
            }
        }
        lines.append("")
        lines.append("处理 What to do: compare the values with the scan (the PNG crops beside this file show each")
        lines.append("  field named above); correct the document at its source, or rescan it and drop it into the inbox again.")
        return lines.joined(separator: "\n") + "\n"
    }

    static func display(_ value: FieldValue, field: String) -> String {
        switch value {
        case .rows(let rows):
            return rows.map { row in
                row.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            }.joined(separator: "; ")
        default:
            return Masking.maskDigitRuns(in: value.description)
        }
    }
}
