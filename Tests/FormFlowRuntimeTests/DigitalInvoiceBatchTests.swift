import FormFlowCore
import FormFlowTestSupport
import Foundation
import Logging
import Testing

@testable import FormFlowRuntime

@Suite("Digital invoices through the batch: exact values, rules, duplicates across formats, hostile files")
struct DigitalInvoiceBatchTests {
    static func run(_ files: [(String, [UInt8])], workers: Int = 2) async throws -> [String: (status: String, record: [String: Any])] {
        let root = try TestSupport.scratchFolder("digital")
        let inbox = root.appendingPathComponent("inbox")
        let out = root.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        for (name, bytes) in files { try Data(bytes).write(to: inbox.appendingPathComponent(name)) }
        var settings = Settings.defaults
        settings.inbox = inbox.path
        settings.out = out.path
        settings.workers = workers
        settings.stableSeconds = 0
        let pipeline = try Pipeline.load(path: TestSupport.pipelines.appendingPathComponent("default.yaml").path)
        _ = try await BatchRunner(settings: settings, pipeline: pipeline, logger: Logger(label: "test")).run()
        return try BatchRunnerTests.records(in: out)
    }

    static func rules(_ record: [String: Any]) -> [String] {
        (record["violations"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
    }

    @Test("each format is read exactly, and the same invoice in a second format is a duplicate")
    func formatsAndDuplicates() async throws {
        let older = EInvoiceSample.older
        let digital = EInvoiceSample.digital
        // One worker: the first of each pair is met first, so which one is the duplicate is known.
        let records = try await Self.run(
            [
                ("a-older.ofd", try EInvoiceFixtures.olderOFD(older)), ("b-older.pdf", EInvoiceFixtures.olderPDF(older)),
                ("c-digital.ofd", try EInvoiceFixtures.digitalOFD(digital)), ("d-digital.xml", EInvoiceFixtures.digitalXML(digital)),
            ], workers: 1)
        let first = try #require(records["a-older.ofd"])
        #expect(first.status == "accepted", "\(Self.rules(first.record))")
        #expect(first.record["source"] as? String == "ofd")
        #expect(first.record["signature"] as? String == "present (not verified)")
        let fields = try #require(first.record["fields"] as? [String: Any])
        #expect(fields["total_in_words"] as? String == older.words)
        #expect(fields["seller_tax_id"] as? String == older.sellerTaxID)

        let pdf = try #require(records["b-older.pdf"])
        #expect(pdf.record["source"] as? String == "pdf_text")
        #expect(Self.rules(pdf.record) == ["duplicate"])
        let pdfFields = try #require(pdf.record["fields"] as? [String: Any])
        for name in ["invoice_code", "invoice_no", "issue_date", "buyer_name", "buyer_tax_id", "seller_name", "seller_tax_id",
            "amount", "tax_rate", "tax_amount", "total", "total_in_words"]
        {
            #expect("\(pdfFields[name] ?? "-")" == "\(fields[name] ?? "-")", "\(name) differs between the OFD and its PDF")
        }

        let digitalOFD = try #require(records["c-digital.ofd"])
        #expect(digitalOFD.status == "accepted", "\(Self.rules(digitalOFD.record))")
        #expect((digitalOFD.record["fields"] as? [String: Any])?["invoice_code"] is NSNull)
        let xml = try #require(records["d-digital.xml"])
        #expect(xml.record["source"] as? String == "xml")
        #expect(Self.rules(xml.record) == ["duplicate"], "the XML of an accepted 数电 OFD is a duplicate")
    }

    @Test("a page's text goes through the national templates' zones, and its printed labels must say the same")
    func textThroughTemplates() async throws {
        let sample = EInvoiceSample.older
        var other = sample
        // Other invoices of the same seller: another number and another day (the same seller, day and total
        // would be held as the same invoice read otherwise).
        other.number = "87654321"
        other.date = "2025-11-04"
        var third = sample
        third.number = "11223344"
        third.date = "2025-11-05"
        var stray = EInvoiceFixtures.olderLayout(third)
        // A second 名称： above the buyer's block (an issuer's own header line): the labels now take it for
        // the buyer's name, the template's zone does not.
        stray.values.append(EInvoiceFixtures.Run(text: "名称：某某印务有限公司", x: 13, y: 24, width: 60, height: 3.6))
        let records = try await Self.run(
            [
                ("pdf.pdf", EInvoiceFixtures.olderPDF(sample)),
                ("page-only.ofd", try EInvoiceFixtures.olderOFD(other, dataFile: false)),
                ("stray.pdf", EInvoiceFixtures.pdf(runs: stray.labels + stray.values)),
            ], workers: 1)
        let pdf = try #require(records["pdf.pdf"])
        #expect(pdf.status == "accepted", "\(Self.rules(pdf.record))")
        let evidence = try #require(pdf.record["evidence"] as? [String: [String: Any]])
        let note = try #require(evidence["seller_name"]?["note"] as? String)
        #expect(note.contains("einvoice_older.yaml's zones") && note.contains("printed labels say the same"), "\(note)")

        // An OFD without its data file: the page's text objects, through the same template.
        let page = try #require(records["page-only.ofd"])
        #expect(page.status == "accepted", "\(Self.rules(page.record))")
        let fields = try #require(page.record["fields"] as? [String: Any])
        #expect(fields["buyer_name"] as? String == sample.buyerName)
        #expect(fields["invoice_no"] as? String == other.number)
        #expect((fields["items"] as? [Any])?.count == sample.lines.count)

        let disputed = try #require(records["stray.pdf"])
        #expect(disputed.status == "exceptions")
        #expect(Self.rules(disputed.record).contains("text_layer_disagreement"))
        let message = (disputed.record["violations"] as? [[String: Any]])?.first?["message"] as? String ?? ""
        #expect(message.contains("某某印务有限公司") && message.contains(sample.buyerName), "\(message)")
    }

    @Test("rules over exact values: bad tax id, a line's tax, words, and 圆 accepted")
    func rules() async throws {
        var badTaxID = EInvoiceSample.older
        badTaxID.number = "22222222"
        badTaxID.sellerTaxID = String(badTaxID.sellerTaxID.dropLast()) + (badTaxID.sellerTaxID.hasSuffix("1") ? "2" : "1")
        var lineTax = EInvoiceSample.digital
        lineTax.number = "24442000000099999999"
        lineTax.lines[1].tax = "27.00"
        lineTax.tax = "27.00"
        lineTax.total = "1227.00"
        lineTax.words = "壹仟贰佰贰拾柒圆整"
        var words = EInvoiceSample.digital
        words.number = "24442000000088888888"
        words.words = "壹仟贰佰贰拾柒圆整"
        let records = try await Self.run([
            ("tax-id.ofd", try EInvoiceFixtures.olderOFD(badTaxID)), ("line-tax.xml", EInvoiceFixtures.digitalXML(lineTax)),
            ("words.xml", EInvoiceFixtures.digitalXML(words)),
        ])
        #expect(Self.rules(try #require(records["tax-id.ofd"]).record) == ["bad_tax_id"])
        #expect(Self.rules(try #require(records["line-tax.xml"]).record) == ["tax_mismatch"])
        #expect(Self.rules(try #require(records["words.xml"]).record) == ["words_mismatch"])
    }

    @Test("a scanned PDF takes the scan path: the same fields as the scan itself, source pdf_scan")
    func scannedPDF() async throws {
        let name = "expense_claim-002-001.jpg"
        let jpeg = [UInt8](try Data(contentsOf: TestSupport.sample(name)))
        let records = try await Self.run([("scan.jpg", jpeg), ("scan.pdf", EInvoiceFixtures.scannedPDF(jpegs: [jpeg]))])
        let image = try #require(records["scan.jpg"])
        let pdf = try #require(records["scan.pdf"])
        #expect(pdf.record["source"] as? String == "pdf_scan")
        #expect(image.record["source"] as? String == "scan")
        #expect(pdf.record["form"] as? String == "expense_claim")
        let imageFields = try #require(image.record["fields"] as? [String: Any])
        let pdfFields = try #require(pdf.record["fields"] as? [String: Any])
        for field in ["claim_no", "date", "total", "id_number"] {
            #expect("\(pdfFields[field] ?? "-")" == "\(imageFields[field] ?? "-")", "\(field)")
        }
    }

    /// The page of a PDF as poppler renders it (JPEG, 300 dpi).
    static func rendered(_ pdf: [UInt8]) throws -> [UInt8] {
        let folder = try TestSupport.scratchFolder("render")
        let file = folder.appendingPathComponent("page.pdf")
        try Data(pdf).write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/pdftoppm")
        process.arguments = ["-r", "300", "-jpeg", "-singlefile", file.path, folder.appendingPathComponent("page").path]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return [UInt8](try Data(contentsOf: folder.appendingPathComponent("page.jpg")))
    }

    @Test("a text layer edited over a page image disagrees with the page: an operator sees both totals")
    func editedTextLayer() async throws {
        let original = EInvoiceSample.older
        var edited = original
        edited.number = "87654321"  // another invoice: the same one waiting for review would hold the honest copy
        edited.lines = original.lines.map { line in
            var line = line
            let amount = Decimal(string: line.amount)! * 3
            line.amount = "\(amount).00"
            line.tax = "\(Decimal(string: line.tax)! * 3).00"
            return line
        }
        (edited.amount, edited.tax, edited.total, edited.words) = ("900.00", "54.00", "954.00", "玖佰伍拾肆圆整")
        let page = try Self.rendered(EInvoiceFixtures.olderPDF(original))
        let (labels, values) = EInvoiceFixtures.olderLayout(edited)
        let honest = EInvoiceFixtures.olderLayout(original)
        let records = try await Self.run([
            ("edited.pdf", EInvoiceFixtures.pdf(runs: labels + values, background: page)),
            ("honest.pdf", EInvoiceFixtures.pdf(runs: honest.labels + honest.values, background: page)),
        ])
        let record = try #require(records["edited.pdf"]).record
        #expect(Self.rules(record) == ["text_layer_mismatch"])
        let message = (record["violations"] as? [[String: Any]])?.first?["message"] as? String ?? ""
        #expect(message.contains("954.00") && message.contains("318.00"), "\(message)")
        let honestRecord = try #require(records["honest.pdf"])
        #expect(honestRecord.status == "accepted", "\(Self.rules(honestRecord.record))")
    }

    @Test("hostile digital files are quarantined with their reason, and the run goes on")
    func hostile() async throws {
        let whole = try EInvoiceFixtures.olderOFD(.older)
        let pdf = EInvoiceFixtures.olderPDF(.older)
        var good = EInvoiceSample.digital
        good.number = "24442000000077777777"
        let records = try await Self.run([
            ("bomb.ofd", try EInvoiceFixtures.zipBomb()), ("escape.ofd", try EInvoiceFixtures.traversalOFD()),
            ("laughs.xml", EInvoiceFixtures.billionLaughs()),
            ("locked.pdf", EInvoiceFixtures.pdf(runs: EInvoiceFixtures.olderLayout(.older).values, encrypted: true)),
            ("endless.pdf", EInvoiceFixtures.pdf(runs: [], extraPages: 9_999)),
            ("cut.pdf", Array(pdf.prefix(pdf.count / 3))), ("cut.ofd", Array(whole.prefix(whole.count / 2))),
            ("good.xml", EInvoiceFixtures.digitalXML(good)),
        ])
        let expected: [String: String] = [
            "bomb.ofd": "too_large", "escape.ofd": "unsafe_entry_name", "laughs.xml": "xml_declarations",
            "locked.pdf": "encrypted", "endless.pdf": "too_large", "cut.ofd": "malformed",
        ]
        for (name, code) in expected {
            let entry = try #require(records[name], "no record for \(name)")
            #expect(entry.status == "quarantine", "\(name) went to \(entry.status)")
            #expect((entry.record["reason"] as? String)?.hasPrefix(code) == true, "\(name): \(entry.record["reason"] ?? "-")")
        }
        // A PDF cut short may still open (poppler rebuilds its table) but it is never accepted.
        #expect(try #require(records["cut.pdf"]).status != "accepted")
        #expect(try #require(records["good.xml"]).status == "accepted")
    }
}
