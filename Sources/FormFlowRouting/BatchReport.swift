import FormFlowCore
import Foundation

/// One self-contained HTML page per batch for the operators' morning: the figures, then every exception
/// and quarantined file with its violations, the crops beside the values read, confidences and the
/// command to act on it. No network is needed to view it (crops are embedded); personal data is masked.
public enum BatchReport {
    public static func html(batch: String, records: [DocumentRecord], crops: [String: [String: [UInt8]]], seconds: Double) -> String {
        let accepted = records.filter { $0.status == .accepted }.count
        let exceptions = records.filter { $0.status == .exception }.sorted { $0.document < $1.document }
        let quarantined = records.filter { $0.status == .quarantine }.sorted { $0.document < $1.document }
        var rules: [String: Int] = [:]
        for record in records { for violation in record.violations { rules[violation.rule, default: 0] += 1 } }
        var body = """
            <h1>FormFlow batch \(escape(batch))</h1>
            <table class="summary" id="summary">
            <tr><th>documents</th><td>\(records.count)</td></tr>
            <tr><th>accepted</th><td id="accepted">\(accepted)</td></tr>
            <tr><th>exceptions</th><td id="exceptions">\(exceptions.count)</td></tr>
            <tr><th>quarantine</th><td id="quarantine">\(quarantined.count)</td></tr>
            <tr><th>seconds</th><td>\(String(format: "%.1f", seconds))</td></tr>
            </table>
            <p class="rules">\(rules.sorted { $0.key < $1.key }.map { "\(escape($0.key)): \($0.value)" }.joined(separator: " · "))</p>
            <h2>Exceptions</h2>

            """
        for record in exceptions {
            body += "<section class=\"exception\" data-document=\"\(escape(record.document))\">\n"
            body += "<h3>\(escape(Masking.maskDigitRuns(in: record.document))) <small>\(escape(record.form?.rawValue ?? "unrecognised"))</small></h3>\n<ul>\n"
            for violation in record.violations {
                let aboutPersonal = !Masking.personalFields.isDisjoint(with: violation.fields)
                let message = aboutPersonal ? Masking.maskNumberFragments(in: violation.message) : Masking.maskDigitRuns(in: violation.message)
                body += "<li><b>\(escape(violation.rule))</b> \(escape(message))</li>\n"
            }
            body += "</ul>\n<table class=\"fields\"><tr><th>field</th><th>value read</th><th>confidence</th><th>scan</th></tr>\n"
            let named = Set(record.violations.flatMap(\.fields))
            for field in named.sorted() {
                let masked = Masking.personalFields.contains(field) ? Masking.maskNumberFragments(in:) : Masking.maskDigitRuns(in:)
                let value = record.fields[field].map { masked(display($0)) } ?? "—"
                let confidence = record.evidence?[field].map { String(Int($0.confidence)) } ?? "—"
                var image = ""
                if let png = crops[record.document]?[field] {
                    image = "<img alt=\"\(escape(field))\" src=\"data:image/png;base64,\(Data(png).base64EncodedString())\">"
                }
                body += "<tr><td>\(escape(field))</td><td>\(escape(value))</td><td>\(confidence)</td><td>\(image)</td></tr>\n"
            }
            body += "</table>\n"
            let quoted = "'" + record.document.replacingOccurrences(of: "'", with: "'\\''") + "'"
            body += "<pre>formflow exceptions fix \(escape(quoted)) FIELD=VALUE --reason \"…\"\nformflow exceptions requeue \(escape(quoted))\nformflow exceptions reject \(escape(quoted)) --reason \"…\"</pre>\n</section>\n"
        }
        body += "<h2>Quarantine</h2>\n<ul>\n"
        for record in quarantined {
            body += "<li class=\"quarantined\"><b>\(escape(Masking.maskDigitRuns(in: record.document)))</b>: \(escape(Masking.maskDigitRuns(in: record.reason ?? "")))</li>\n"
        }
        body += "</ul>\n"
        return """
            <!doctype html>
            <html lang="zh"><head><meta charset="utf-8"><title>FormFlow batch \(escape(batch))</title>
            <style>
            body{font-family:sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse}
            td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:middle}
            section.exception{border-top:2px solid #c33;margin-top:1.5em}img{max-height:5em;max-width:40em}
            pre{background:#f4f4f4;padding:.5em}small{color:#666}
            </style></head><body>
            \(body)</body></html>

            """
    }

    static func display(_ value: FieldValue) -> String {
        if case .rows(let rows) = value {
            return rows.map { $0.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }
                .joined(separator: "; ")
        }
        return value.description
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
