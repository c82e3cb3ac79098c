import FormFlowCore
import FormFlowTestSupport
import FormFlowYAML
import Foundation
import Testing

@testable import FormFlowExtraction

@Suite("Templates load from YAML; mistakes name file and line")
struct TemplateLoadingTests {
    static let minimal = """
        form: receipt
        page: { width: 1000, height: 800 }
        recognise:
          title: 收据
        anchors:
          - { text: 编号, at: [100, 100] }
          - { text: 金额, at: [100, 300] }
        fields:
          number:
            zone: [200, 80, 400, 80]
            type: code
            pattern: "[0-9]{6}"
          amount:
            zone: [200, 280, 400, 80]
            type: money
        """

    func parse(_ text: String) throws(ConfigurationError) -> FormTemplate {
        try FormTemplate.parse(ConfigNode.parse(text, file: "receipt.yaml"))
    }

    @Test("the shipped templates load; the e-invoice layouts are VAT invoices whose rate comes from their lines")
    func shippedTemplates() throws {
        for (file, form) in [
            ("expense_claim", "expense_claim"), ("vat_invoice", "vat_invoice"), ("einvoice_older", "vat_invoice"),
            ("einvoice_digital", "vat_invoice"),
        ] {
            let template = try FormTemplate.load(
                path: TestSupport.pipelines.appendingPathComponent("templates/\(file).yaml").path)
            #expect(template.form.rawValue == form)
            #expect(template.anchors.count >= 8)
            if file.hasPrefix("einvoice") {
                #expect(template.table?.common == ["tax_rate"])
                #expect(template.fields.first { $0.name == "total" }?.prefix == "¥")
                #expect(template.vocabularies["organisations"]?.isEmpty == false)
            }
        }
    }

    @Test("a table's common column must be one of its columns and not a field of its own")
    func commonColumnChecked() throws {
        let table = """

            table:
              name: lines
              header: [项目]
              first_row_y: 400
              row_pitch: 50
              row_height: 50
              max_rows: 3
              common: [rate]
              columns:
                price:
                  zone: [100, 0, 200, 50]
                  type: money
            """
        do {
            _ = try parse(Self.minimal + table)
            Issue.record("a common column that is not a column was accepted")
        } catch {
            #expect(error.description.contains("receipt.yaml:"))
            #expect(error.description.contains("rate"))
        }
    }

    @Test("a minimal third form needs only YAML")
    func minimalForm() throws {
        let template = try parse(Self.minimal)
        #expect(template.form == FormKind("receipt"))
        #expect(template.fields.map(\.name) == ["number", "amount"])
        #expect(template.fields[0].zone == PixelRect(x: 200, y: 80, width: 400, height: 80))
    }

    @Test("an unknown field type is reported at its line")
    func unknownType() {
        let broken = Self.minimal.replacingOccurrences(of: "type: money", with: "type: currency")
        do {
            _ = try parse(broken)
            Issue.record("accepted an unknown type")
        } catch {
            #expect(error.file == "receipt.yaml")
            #expect(error.line == 15)
            #expect(error.message.contains("currency"))
        }
    }

    @Test("a vocabulary kept in its own file is loaded; a missing file is reported at its line")
    func vocabularyFile() throws {
        let folder = try TestSupport.scratchFolder()
        try "# staff surnames\n王 李\n欧阳  # compound\n".write(
            to: folder.appendingPathComponent("surnames.txt"), atomically: true, encoding: .utf8)
        let text = Self.minimal + "\nvocabularies:\n  surnames: surnames.txt\n"
        let template = try FormTemplate.parse(ConfigNode.parse(text, file: folder.appendingPathComponent("receipt.yaml").path))
        #expect(template.vocabularies["surnames"] == ["王", "李", "欧阳"])
        do {
            _ = try FormTemplate.parse(
                ConfigNode.parse(text.replacingOccurrences(of: "surnames.txt", with: "missing.txt"), file: folder.appendingPathComponent("receipt.yaml").path))
            Issue.record("accepted a missing vocabulary file")
        } catch {
            #expect(error.line == 17)  // the `surnames:` line
            #expect(error.message.contains("missing.txt"))
        }
    }

    @Test("a misspelt key is reported, not ignored")
    func misspeltKey() {
        let broken = Self.minimal.replacingOccurrences(of: "pattern:", with: "patern:")
        do {
            _ = try parse(broken)
            Issue.record("accepted a misspelt key")
        } catch {
            #expect(error.line == 12)
            #expect(error.message.contains("patern"))
        }
    }

    @Test("a broken zone and invalid YAML are reported with their lines")
    func brokenZoneAndSyntax() {
        do {
            _ = try parse(Self.minimal.replacingOccurrences(of: "[200, 280, 400, 80]", with: "[200, 280, 400]"))
            Issue.record("accepted a three-number zone")
        } catch {
            #expect(error.line == 14)
        }
        do {
            _ = try parse(Self.minimal.replacingOccurrences(of: "  title: 收据", with: "  title: [收据"))
            Issue.record("accepted broken YAML")
        } catch {
            #expect(error.message.contains("not valid YAML"))
        }
    }
}
