import Foundation
import ZIPFoundation

/// One e-invoice's values, from which the fixtures below write the same invoice as an older OFD
/// (original_invoice.xml), a 数电 OFD (CustomTag → TextObjects), a 数电 XML and a PDF with a text layer
/// in the national layout. Made at test time: nothing from ../shared is committed.
public struct EInvoiceSample: Sendable {
    public struct Line: Sendable {
        public var name: String
        public var amount: String
        public var rate: String
        public var tax: String

        public init(name: String, amount: String, rate: String, tax: String) {
            self.name = name
            self.amount = amount
            self.rate = rate
            self.tax = tax
        }
    }

    public var code: String?
    public var number: String
    public var date: String  // YYYY-MM-DD
    public var buyerName: String
    public var buyerTaxID: String
    public var sellerName: String
    public var sellerTaxID: String
    public var amount: String
    public var tax: String
    public var total: String
    public var words: String
    public var lines: [Line]

    public init(
        code: String?, number: String, date: String, buyerName: String, buyerTaxID: String, sellerName: String,
        sellerTaxID: String, amount: String, tax: String, total: String, words: String, lines: [Line]
    ) {
        self.code = code
        self.number = number
        self.date = date
        self.buyerName = buyerName
        self.buyerTaxID = buyerTaxID
        self.sellerName = sellerName
        self.sellerTaxID = sellerTaxID
        self.amount = amount
        self.tax = tax
        self.total = total
        self.words = words
        self.lines = lines
    }

    /// An older e-invoice: 12-digit code, 8-digit number, three 6% lines, valid tax ids.
    public static let older = EInvoiceSample(
        code: "044031900111", number: "12345678", date: "2021-03-15", buyerName: "北京市海淀区政务服务中心",
        buyerTaxID: uscc("11110108MB1234567"), sellerName: "杭州融易算企业管理咨询有限公司", sellerTaxID: uscc("91330106MA2CE71F6"),
        amount: "300.00", tax: "18.00", total: "318.00", words: "叁佰壹拾捌圆整",
        lines: [
            Line(name: "*餐饮服务*餐费", amount: "100.00", rate: "6%", tax: "6.00"),
            Line(name: "*餐饮服务*餐费", amount: "150.00", rate: "6%", tax: "9.00"),
            Line(name: "*餐饮服务*餐费", amount: "50.00", rate: "6%", tax: "3.00"),
        ])

    /// A 数电 invoice: no code, 20-digit number, one tax-exempt line (`***`) and one at 13%.
    public static let digital = EInvoiceSample(
        code: nil, number: "24442000000012345678", date: "2024-06-03", buyerName: "深圳前海信息技术有限公司",
        buyerTaxID: uscc("91440300MA5FXXX20"), sellerName: "广州南方办公设备有限公司", sellerTaxID: uscc("91440101MA59YYY10"),
        amount: "1200.00", tax: "26.00", total: "1226.00", words: "壹仟贰佰贰拾陆圆整",
        lines: [
            Line(name: "*图书*会计实务", amount: "1000.00", rate: "免税", tax: "***"),
            Line(name: "*纸制品*打印纸", amount: "200.00", rate: "13%", tax: "26.00"),
        ])

    /// A unified social credit code with a correct GB 32100 check character after `body` (17 characters).
    public static func uscc(_ body: String) -> String {
        let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
        let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
        let sum = zip(body, weights).reduce(0) { $0 + (alphabet.firstIndex(of: $1.0) ?? 0) * $1.1 }
        return body + String(alphabet[(31 - sum % 31) % 31])
    }

    var dateInChinese: String {
        let parts = date.split(separator: "-")
        return "\(parts[0])年\(parts[1])月\(parts[2])日"
    }
}

/// Writers of digital invoices and of hostile digital files.
public enum EInvoiceFixtures {
    // MARK: OFD

    /// A ZIP of the given parts, deflated.
    public static func zip(_ parts: [(String, [UInt8])]) throws -> [UInt8] {
        let archive = try Archive(data: Data(), accessMode: .create)
        for (path, bytes) in parts {
            let data = Data(bytes)
            try archive.addEntry(
                with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate,
                provider: { position, size in data.subdata(in: Int(position)..<Int(position) + size) })
        }
        return [UInt8](archive.data ?? Data())
    }

    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    /// A run of the national layout: text and its boundary in millimetres (x, y, width, height).
    public struct Run: Sendable {
        public var text: String
        public var x, y, width, height: Double
        public var id: Int = 0

        public init(text: String, x: Double, y: Double, width: Double, height: Double, id: Int = 0) {
            self.text = text
            self.x = x
            self.y = y
            self.width = width
            self.height = height
            self.id = id
        }
    }

    /// The labels of the older layout (as its template page prints them) and the values of `sample`,
    /// at the places the real 增值税电子普通发票 prints them (210 × 140 mm).
    public static func olderLayout(_ sample: EInvoiceSample) -> (labels: [Run], values: [Run]) {
        var labels: [Run] = [
            Run(text: "电子普通发票", x: 69, y: 7, width: 72, height: 7.7), Run(text: "发票代码：", x: 148.5, y: 7.5, width: 16, height: 3.6),
            Run(text: "发票号码：", x: 148.5, y: 13, width: 16, height: 3.6), Run(text: "开票日期：", x: 148.5, y: 18.5, width: 16, height: 3.6),
            Run(text: "购买方", x: 6.6, y: 32.8, width: 4.1, height: 17.2), Run(text: "名称：", x: 13, y: 31.6, width: 23.3, height: 3.6),
            Run(text: "纳税人识别号：", x: 13, y: 36.8, width: 23.3, height: 3.6), Run(text: "项目名称", x: 24.5, y: 53, width: 39.1, height: 4),
            Run(text: "规格型号", x: 63.5, y: 53, width: 13.7, height: 4.5), Run(text: "单位", x: 85, y: 53, width: 7.4, height: 4.5),
            Run(text: "数量", x: 98.8, y: 53, width: 10.6, height: 4.5), Run(text: "单价", x: 120, y: 53, width: 9.6, height: 4.5),
            Run(text: "金额", x: 144.2, y: 53, width: 11, height: 4.5), Run(text: "税率", x: 166.2, y: 53, width: 7.4, height: 4.5),
            Run(text: "税额", x: 184.5, y: 53, width: 11.2, height: 4.5), Run(text: "合计", x: 22, y: 91.4, width: 18.3, height: 4),
            Run(text: "价税合计（大写）", x: 16.8, y: 98.5, width: 26.5, height: 4.5), Run(text: "（小写）", x: 156.5, y: 98.5, width: 13.8, height: 4.5),
            Run(text: "销售方", x: 6.6, y: 106.3, width: 4.1, height: 17.2), Run(text: "名称：", x: 13, y: 105.4, width: 23.3, height: 3.6),
            Run(text: "纳税人识别号：", x: 13, y: 110.3, width: 23.3, height: 3.6),
        ]
        if sample.code == nil { labels.removeAll { $0.text == "发票代码：" } }
        var values: [Run] = [
            Run(text: sample.number, x: 164, y: 11.7, width: 40, height: 5), Run(text: sample.dateInChinese, x: 164, y: 17.2, width: 40, height: 5),
            Run(text: sample.buyerName, x: 36, y: 30, width: 82.5, height: 5.8), Run(text: sample.buyerTaxID, x: 36, y: 35, width: 82.5, height: 5.3),
            Run(text: "¥" + sample.amount, x: 135.4, y: 90.7, width: 28, height: 5.2), Run(text: "¥" + sample.tax, x: 176.7, y: 90.7, width: 28, height: 5.2),
            Run(text: sample.words, x: 63, y: 95.8, width: 95.5, height: 7.9), Run(text: "¥" + sample.total, x: 168.2, y: 96.2, width: 37, height: 6),
            Run(text: sample.sellerName, x: 36, y: 104, width: 82.5, height: 5.8), Run(text: sample.sellerTaxID, x: 36, y: 108.5, width: 82.5, height: 4.8),
        ]
        if let code = sample.code { values.append(Run(text: code, x: 164, y: 6.2, width: 40, height: 5)) }
        for (index, line) in sample.lines.enumerated() {
            let y = 56 + Double(index) * 4.5
            values += [
                Run(text: line.name, x: 5.5, y: y, width: 50, height: 4.5), Run(text: line.amount, x: 135.5, y: y, width: 28, height: 4.5),
                Run(text: line.rate, x: 165.2, y: y, width: 9.7, height: 4.5), Run(text: line.tax, x: 176.5, y: y, width: 28, height: 4.5),
            ]
        }
        for index in values.indices { values[index].id = 100 + index }
        return (labels, values)
    }

    static func content(_ runs: [Run]) -> [UInt8] {
        var xml = #"<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer>"#
        for run in runs {
            xml += #"<ofd:TextObject ID="\#(run.id)" Boundary="\#(run.x) \#(run.y) \#(run.width) \#(run.height)" Font="1" Size="3.175"><ofd:TextCode X="0" Y="4">\#(escaped(run.text))</ofd:TextCode></ofd:TextObject>"#
        }
        return Array((xml + "</ofd:Layer></ofd:Content></ofd:Page>").utf8)
    }

    static func ofdRoot(signed: Bool) -> [UInt8] {
        let signatures = signed ? "<ofd:Signatures>Doc_0/Signs/Signatures.xml</ofd:Signatures>" : ""
        return Array(
            #"<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" DocType="OFD" Version="1.1"><ofd:DocBody><ofd:DocInfo><ofd:DocID>1</ofd:DocID></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>\#(signatures)</ofd:DocBody></ofd:OFD>"#
                .utf8)
    }

    static func document(attachments: Bool, tags: Bool) -> [UInt8] {
        Array(
            (#"<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"><ofd:CommonData><ofd:TemplatePage ID="2" BaseLoc="Tpls/Tpl_0/Content.xml"/><ofd:PageArea><ofd:PhysicalBox>0 0 210 140</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData><ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages>"#
                + (attachments ? "<ofd:Attachments>Attachs/Attachments.xml</ofd:Attachments>" : "")
                + (tags ? "<ofd:CustomTags>Tags/CustomTags.xml</ofd:CustomTags>" : "") + "</ofd:Document>").utf8)
    }

    static let signatureParts: [(String, [UInt8])] = [
        ("Doc_0/Signs/Signatures.xml", Array(#"<?xml version="1.0" encoding="UTF-8"?><ofd:Signatures xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Signature ID="1" BaseLoc="/Doc_0/Signs/Sign_0/Signature.xml"/></ofd:Signatures>"#.utf8)),
        ("Doc_0/Signs/Sign_0/SignedValue.dat", Array(repeating: 0x30, count: 64)),
    ]

    /// An older 增值税电子普通发票: its data in `Attachs/original_invoice.xml`, the capitals on the page.
    /// `dataFile: false`: without the attachment, as some issuers send them: the page is all there is.
    public static func olderOFD(_ sample: EInvoiceSample, signed: Bool = true, dataFile: Bool = true) throws -> [UInt8] {
        let (labels, values) = olderLayout(sample)
        let goods = sample.lines.map { line in
            "<fp:GoodsInfo><fp:Item>\(escaped(line.name))</fp:Item><fp:Amount>\(line.amount)</fp:Amount><fp:TaxScheme>\(line.rate)</fp:TaxScheme><fp:TaxAmount>\(line.tax)</fp:TaxAmount></fp:GoodsInfo>"
        }.joined()
        let original = #"<?xml version="1.0" encoding="utf-8"?><eInvoice xmlns:fp="http://www.edrm.org.cn/schema/e-invoice/2019" Version="1.0"><fp:InvoiceCode>\#(sample.code ?? "")</fp:InvoiceCode><fp:InvoiceNo>\#(sample.number)</fp:InvoiceNo><fp:IssueDate>\#(sample.dateInChinese)</fp:IssueDate><fp:Buyer><fp:BuyerName>\#(escaped(sample.buyerName))</fp:BuyerName><fp:BuyerTaxID>\#(sample.buyerTaxID)</fp:BuyerTaxID></fp:Buyer><fp:Seller><fp:SellerName>\#(escaped(sample.sellerName))</fp:SellerName><fp:SellerTaxID>\#(sample.sellerTaxID)</fp:SellerTaxID></fp:Seller><fp:TaxInclusiveTotalAmount>\#(sample.total)</fp:TaxInclusiveTotalAmount><fp:TaxTotalAmount>\#(sample.tax)</fp:TaxTotalAmount><fp:TaxExclusiveTotalAmount>\#(sample.amount)</fp:TaxExclusiveTotalAmount><fp:GoodsInfos>\#(goods)</fp:GoodsInfos></eInvoice>"#
        let attachments = #"<?xml version="1.0" encoding="UTF-8"?><ofd:Attachments xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Attachment Name="original_invoice" Format="xml"><ofd:FileLoc>original_invoice.xml</ofd:FileLoc></ofd:Attachment></ofd:Attachments>"#
        let data: [(String, [UInt8])] = [
            ("Doc_0/Attachs/Attachments.xml", Array(attachments.utf8)), ("Doc_0/Attachs/original_invoice.xml", Array(original.utf8)),
        ]
        return try zip(
            [
                ("OFD.xml", ofdRoot(signed: signed)), ("Doc_0/Document.xml", document(attachments: dataFile, tags: false)),
                ("Doc_0/Pages/Page_0/Content.xml", content(values)), ("Doc_0/Tpls/Tpl_0/Content.xml", content(labels)),
            ] + (dataFile ? data : []) + (signed ? signatureParts : []))
    }

    /// A 数电 invoice's OFD: fields tagged in `Tags/CustomTag.xml` by `ObjectRef`; the total is printed as two
    /// objects (`¥` and the figure), as real ones are.
    /// `tagLines: false`: the tags name no item lines (they are only printed on the page).
    public static func digitalOFD(_ sample: EInvoiceSample, tagLines: Bool = true) throws -> [UInt8] {
        var (labels, values) = olderLayout(sample)
        // Split the total into `¥` and its figure.
        if let index = values.firstIndex(where: { $0.text == "¥" + sample.total }) {
            let run = values[index]
            values[index].text = sample.total
            values[index].x += 3
            values.append(Run(text: "¥", x: run.x, y: run.y, width: 3, height: run.height, id: 999))
        }
        func ref(_ text: String) -> String {
            let ids = values.filter { $0.text == text }.map(\.id)
            return ids.map { "<ofd:ObjectRef>\($0)</ofd:ObjectRef>" }.joined()
        }
        var used: Set<Int> = []
        func refOnce(_ text: String) -> String {
            guard let run = values.first(where: { $0.text == text && !used.contains($0.id) }) else { return "" }
            used.insert(run.id)
            return "<ofd:ObjectRef>\(run.id)</ofd:ObjectRef>"
        }
        let totalRefs = "<ofd:ObjectRef>999</ofd:ObjectRef>" + refOnce(sample.total)
        var tags = #"<?xml version="1.0" encoding="UTF-8"?><Tags xmlns:ofd="http://www.ofdspec.org/2016">"#
        tags += "<InvoiceNo>\(refOnce(sample.number))</InvoiceNo><IssueDate>\(refOnce(sample.dateInChinese))</IssueDate>"
        tags += "<BuyerName>\(refOnce(sample.buyerName))</BuyerName><BuyerTaxID>\(refOnce(sample.buyerTaxID))</BuyerTaxID>"
        tags += "<SellerName>\(refOnce(sample.sellerName))</SellerName><SellerTaxID>\(refOnce(sample.sellerTaxID))</SellerTaxID>"
        tags += "<TaxExclusiveTotalAmount>\(refOnce("¥" + sample.amount))</TaxExclusiveTotalAmount><TaxTotalAmount>\(refOnce("¥" + sample.tax))</TaxTotalAmount>"
        tags += "<TaxInclusiveTotalAmount>\(totalRefs)</TaxInclusiveTotalAmount>"
        for line in sample.lines where tagLines {
            tags += "<Item>\(refOnce(line.name))</Item><Amount>\(refOnce(line.amount))</Amount><TaxScheme>\(refOnce(line.rate))</TaxScheme><TaxAmount>\(refOnce(line.tax))</TaxAmount>"
        }
        tags += "</Tags>"
        _ = ref
        let tagList = #"<?xml version="1.0" encoding="UTF-8"?><ofd:CustomTags xmlns:ofd="http://www.ofdspec.org/2016"><ofd:CustomTag TypeID="invoice"><ofd:FileLoc>CustomTag.xml</ofd:FileLoc></ofd:CustomTag></ofd:CustomTags>"#
        return try zip(
            [
                ("OFD.xml", ofdRoot(signed: true)), ("Doc_0/Document.xml", document(attachments: false, tags: true)),
                ("Doc_0/Pages/Page_0/Content.xml", content(values)), ("Doc_0/Tpls/Tpl_0/Content.xml", content(labels)),
                ("Doc_0/Tags/CustomTags.xml", Array(tagList.utf8)), ("Doc_0/Tags/CustomTag.xml", Array(tags.utf8)),
            ] + signatureParts)
    }

    // MARK: 数电 XML

    public static func digitalXML(_ sample: EInvoiceSample) -> [UInt8] {
        func fraction(_ rate: String) -> String {
            guard rate.hasSuffix("%"), let percent = Double(rate.dropLast()) else { return rate }
            return String(format: "%.2f", percent / 100)
        }
        let items = sample.lines.map { line in
            "<IssuItemInformation><ItemName>\(escaped(line.name))</ItemName><Amount>\(line.amount)</Amount><TaxRate>\(fraction(line.rate))</TaxRate><ComTaxAm>\(line.tax)</ComTaxAm></IssuItemInformation>"
        }.joined()
        let xml = #"<?xml version="1.0" encoding="UTF-8"?><EInvoice><Header><EInvoiceTag>SWEI3200</EInvoiceTag></Header><EInvoiceData><SellerInformation><SellerIdNum>\#(sample.sellerTaxID)</SellerIdNum><SellerName>\#(escaped(sample.sellerName))</SellerName></SellerInformation><BuyerInformation><BuyerIdNum>\#(sample.buyerTaxID)</BuyerIdNum><BuyerName>\#(escaped(sample.buyerName))</BuyerName></BuyerInformation><BasicInformation><TotalAmWithoutTax>\#(sample.amount)</TotalAmWithoutTax><TotalTaxAm>\#(sample.tax)</TotalTaxAm><TotalTax-includedAmount>\#(sample.total)</TotalTax-includedAmount><TotalTax-includedAmountInChinese>\#(sample.words)</TotalTax-includedAmountInChinese></BasicInformation>\#(items)</EInvoiceData><TaxSupervisionInfo><InvoiceNumber>\#(sample.number)</InvoiceNumber><IssueTime>\#(sample.date) 10:11:12</IssueTime></TaxSupervisionInfo></EInvoice>"#
        return Array(xml.utf8)
    }

    // MARK: PDF

    /// A one-page PDF (210 × 140 mm) whose text layer holds `runs` (positions in mm from the top left), in a
    /// CID font with a ToUnicode map, as e-invoice PDFs carry it. The glyphs are not embedded: this is a
    /// text layer to read, not a page to look at.
    /// `background`: a JPEG of the page drawn under the text, which is then invisible (render mode 3), as in
    /// a scan with a text layer, or a page image with an edited text layer over it.
    public static func pdf(runs: [Run], extraPages: Int = 0, encrypted: Bool = false, background: [UInt8]? = nil) -> [UInt8] {
        let pointsPerMM = 72 / 25.4
        let (pageWidth, pageHeight) = (210 * pointsPerMM, 140 * pointsPerMM)
        var used: Set<UInt16> = []
        var stream = background == nil ? "" : String(format: "q %.2f 0 0 %.2f 0 0 cm /Im0 Do Q\n3 Tr\n", pageWidth, pageHeight)
        for run in runs {
            let units = Array(run.text.utf16)
            used.formUnion(units)
            let size = run.height * 0.7 * pointsPerMM
            let x = run.x * pointsPerMM
            let y = pageHeight - (run.y + run.height * 0.8) * pointsPerMM
            let hex = units.map { String(format: "%04X", $0) }.joined()
            stream += String(format: "BT %@/F1 %.2f Tf %.2f %.2f Td <%@> Tj ET\n", background == nil ? "" : "3 Tr ", size, x, y, hex)
        }
        var cmap = "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /FormFlow-UCS def /CMapType 2 def\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        let codes = used.sorted()
        for start in stride(from: 0, to: codes.count, by: 100) {
            let chunk = codes[start..<min(start + 100, codes.count)]
            cmap += "\(chunk.count) beginbfchar\n"
            for code in chunk { cmap += String(format: "<%04X> <%04X>\n", code, code) }
            cmap += "endbfchar\n"
        }
        cmap += "endcmap CMapName currentdict /CMap defineresource pop end end\n"
        let widths = codes.filter { $0 < 0x80 }.map { "\($0) [500]" }.joined(separator: " ")

        let pageCount = 1 + extraPages
        var objects: [[UInt8]] = []
        func add(_ text: String) { objects.append(Array(text.utf8)) }
        add("<< /Type /Catalog /Pages 2 0 R >>")  // 1
        let kids = (0..<pageCount).map { "\(8 + $0) 0 R" }.joined(separator: " ")
        add("<< /Type /Pages /Kids [\(kids)] /Count \(pageCount) >>")  // 2
        add("<< /Length \(stream.utf8.count) >>\nstream\n\(stream)endstream")  // 3
        add("<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [5 0 R] /ToUnicode 6 0 R >>")  // 4
        add("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 /W [\(widths)] >>")  // 5
        add("<< /Length \(cmap.utf8.count) >>\nstream\n\(cmap)endstream")  // 6
        if let background {  // 7
            let (width, height, components) = jpegSize(background)
            objects.append(
                Array("<< /Type /XObject /Subtype /Image /Width \(width) /Height \(height) /ColorSpace \(components == 1 ? "/DeviceGray" : "/DeviceRGB") /BitsPerComponent 8 /Filter /DCTDecode /Length \(background.count) >>\nstream\n".utf8)
                    + background + Array("\nendstream".utf8))
        } else {
            add("null")
        }
        for page in 0..<pageCount {
            let contents = page == 0 ? "/Contents 3 0 R " : ""
            let image = background == nil ? "" : "/XObject << /Im0 7 0 R >> "
            add(
                String(format: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] %@/Resources << /Font << /F1 4 0 R >> %@>> >>", pageWidth, pageHeight, contents, image))
        }
        var out: [UInt8] = Array("%PDF-1.7\n%\u{E2}\u{E3}\u{CF}\u{D3}\n".utf8)
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(out.count)
            out += Array("\(index + 1) 0 obj\n".utf8) + object + Array("\nendobj\n".utf8)
        }
        var encrypt = ""
        if encrypted {
            offsets.append(out.count)
            let filler = String(repeating: "A1", count: 32)
            out += Array("\(objects.count + 1) 0 obj\n<< /Filter /Standard /V 1 /R 2 /O <\(filler)> /U <\(filler)> /P -44 >>\nendobj\n".utf8)
            encrypt = " /Encrypt \(objects.count + 1) 0 R /ID [<00112233445566778899AABBCCDDEEFF> <00112233445566778899AABBCCDDEEFF>]"
        }
        let xref = out.count
        var table = "xref\n0 \(offsets.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { table += String(format: "%010d 00000 n \n", offset) }
        table += "trailer\n<< /Size \(offsets.count + 1) /Root 1 0 R\(encrypt) >>\nstartxref\n\(xref)\n%%EOF\n"
        return out + Array(table.utf8)
    }

    /// A PDF of scanned pages: each page one JPEG (DCTDecode, embedded as it is), 300 dpi, no text layer.
    public static func scannedPDF(jpegs: [[UInt8]]) -> [UInt8] {
        var objects: [[UInt8]] = []
        objects.append(Array("<< /Type /Catalog /Pages 2 0 R >>".utf8))
        let kids = jpegs.indices.map { "\(3 + $0 * 3) 0 R" }.joined(separator: " ")
        objects.append(Array("<< /Type /Pages /Kids [\(kids)] /Count \(jpegs.count) >>".utf8))
        for (index, jpeg) in jpegs.enumerated() {
            let (width, height, components) = jpegSize(jpeg)
            let (pageWidth, pageHeight) = (Double(width) * 72 / 300, Double(height) * 72 / 300)
            let page = 3 + index * 3
            objects.append(
                Array(
                    String(format: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Contents %d 0 R /Resources << /XObject << /Im0 %d 0 R >> >> >>", pageWidth, pageHeight, page + 1, page + 2).utf8))
            let draw = String(format: "q %.2f 0 0 %.2f 0 0 cm /Im0 Do Q", pageWidth, pageHeight)
            objects.append(Array("<< /Length \(draw.utf8.count) >>\nstream\n\(draw)\nendstream".utf8))
            let colour = components == 1 ? "/DeviceGray" : "/DeviceRGB"
            objects.append(
                Array("<< /Type /XObject /Subtype /Image /Width \(width) /Height \(height) /ColorSpace \(colour) /BitsPerComponent 8 /Filter /DCTDecode /Length \(jpeg.count) >>\nstream\n".utf8)
                    + jpeg + Array("\nendstream".utf8))
        }
        var out: [UInt8] = Array("%PDF-1.5\n".utf8)
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(out.count)
            out += Array("\(index + 1) 0 obj\n".utf8) + object + Array("\nendobj\n".utf8)
        }
        let xref = out.count
        var table = "xref\n0 \(offsets.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { table += String(format: "%010d 00000 n \n", offset) }
        table += "trailer\n<< /Size \(offsets.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return out + Array(table.utf8)
    }

    /// Width, height and colour components from a JPEG's start-of-frame marker.
    static func jpegSize(_ jpeg: [UInt8]) -> (Int, Int, Int) {
        var index = 2
        while index + 9 < jpeg.count {
            guard jpeg[index] == 0xFF else { index += 1; continue }
            let marker = jpeg[index + 1]
            let length = Int(jpeg[index + 2]) << 8 | Int(jpeg[index + 3])
            if (0xC0...0xC3).contains(marker) {
                let height = Int(jpeg[index + 5]) << 8 | Int(jpeg[index + 6])
                let width = Int(jpeg[index + 7]) << 8 | Int(jpeg[index + 8])
                return (width, height, Int(jpeg[index + 9]))
            }
            index += 2 + length
        }
        return (0, 0, 1)
    }

    /// The sample in the older national layout, as a PDF with a text layer.
    public static func olderPDF(_ sample: EInvoiceSample) -> [UInt8] {
        let (labels, values) = olderLayout(sample)
        return pdf(runs: labels + values)
    }

    // MARK: Hostile files

    /// An OFD whose one entry inflates from a few kilobytes to `megabytes` of zeros.
    public static func zipBomb(megabytes: Int = 40) throws -> [UInt8] {
        try zip([("OFD.xml", [UInt8](repeating: 0x20, count: megabytes << 20))])
    }

    /// An OFD with an entry that climbs out of the package.
    public static func traversalOFD() throws -> [UInt8] {
        try zip([("OFD.xml", ofdRoot(signed: false)), ("../../etc/formflow-was-here", Array("x".utf8))])
    }

    /// The billion-laughs XML: ten levels of ten entity references.
    public static func billionLaughs() -> [UInt8] {
        var xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE EInvoice [\n<!ENTITY lol \"lol\">\n"
        for level in 1...9 {
            xml += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level == 1 ? "" : String(level - 1));", count: 10) + "\">\n"
        }
        xml += "]>\n<EInvoice><InvoiceNumber>&lol9;</InvoiceNumber></EInvoice>\n"
        return Array(xml.utf8)
    }
}

extension EInvoiceFixtures {
    /// The 数电 layout: buyer and seller side by side, no code, 统一社会信用代码/纳税人识别号 labels, 合 and 计
    /// as two runs, ⊗ before the capitals as its own run.
    public static func digitalLayout(_ sample: EInvoiceSample) -> [Run] {
        var runs: [Run] = [
            Run(text: "电子发票（普通发票）", x: 70, y: 6, width: 70, height: 8),
            Run(text: "发票号码：", x: 145, y: 10, width: 20, height: 3.6), Run(text: sample.number, x: 166, y: 9.5, width: 40, height: 4.5),
            Run(text: "开票日期：", x: 145, y: 16, width: 20, height: 3.6), Run(text: sample.dateInChinese, x: 166, y: 15.5, width: 40, height: 4.5),
            Run(text: "购买方信息", x: 6, y: 24, width: 4, height: 18), Run(text: "销售方信息", x: 106, y: 24, width: 4, height: 18),
            Run(text: "名称：", x: 12, y: 26, width: 12, height: 3.6), Run(text: sample.buyerName, x: 25, y: 25.5, width: 75, height: 4.5),
            Run(text: "名称：", x: 112, y: 26, width: 12, height: 3.6), Run(text: sample.sellerName, x: 125, y: 25.5, width: 78, height: 4.5),
            Run(text: "统一社会信用代码/纳税人识别号：", x: 12, y: 33, width: 48, height: 3.6),
            Run(text: sample.buyerTaxID, x: 61, y: 32.5, width: 42, height: 4.5),
            Run(text: "统一社会信用代码/纳税人识别号：", x: 112, y: 33, width: 48, height: 3.6),
            Run(text: sample.sellerTaxID, x: 161, y: 32.5, width: 42, height: 4.5),
            Run(text: "项目名称", x: 10, y: 46, width: 20, height: 4), Run(text: "规格型号", x: 48, y: 46, width: 16, height: 4),
            Run(text: "单位", x: 70, y: 46, width: 8, height: 4), Run(text: "数量", x: 84, y: 46, width: 8, height: 4),
            Run(text: "单价", x: 100, y: 46, width: 10, height: 4), Run(text: "金额", x: 128, y: 46, width: 10, height: 4),
            Run(text: "税率/征收率", x: 148, y: 46, width: 18, height: 4), Run(text: "税额", x: 182, y: 46, width: 10, height: 4),
            Run(text: "合", x: 22, y: 88, width: 4, height: 4), Run(text: "计", x: 30, y: 88, width: 4, height: 4),
            Run(text: "¥" + sample.amount, x: 122, y: 88, width: 20, height: 4.2), Run(text: "¥" + sample.tax, x: 176, y: 88, width: 22, height: 4.2),
            Run(text: "价税合计（大写）", x: 10, y: 96, width: 28, height: 4.5), Run(text: "⊗", x: 42, y: 95.5, width: 4, height: 5),
            Run(text: sample.words, x: 47, y: 95.5, width: 80, height: 5), Run(text: "（小写）", x: 140, y: 96, width: 14, height: 4.5),
            Run(text: "¥" + sample.total, x: 156, y: 95.5, width: 40, height: 5), Run(text: "备注", x: 10, y: 104, width: 8, height: 4),
        ]
        for (index, line) in sample.lines.enumerated() {
            let y = 52 + Double(index) * 5
            runs += [
                Run(text: line.name, x: 6, y: y, width: 40, height: 4.2), Run(text: line.amount, x: 122, y: y, width: 20, height: 4.2),
                Run(text: line.rate, x: 150, y: y, width: 12, height: 4.2), Run(text: line.tax, x: 176, y: y, width: 22, height: 4.2),
            ]
        }
        return runs
    }
}
