import FormFlowCore
import FormFlowTestSupport
import Foundation
import Testing

@testable import FormFlowExtraction

@Suite("Classification from page text")
struct FormClassifierTests {
    let classifier: FormClassifier

    init() throws {
        classifier = FormClassifier(templates: try ["expense_claim", "vat_invoice"].map {
            try FormTemplate.load(path: TestSupport.pipelines.appendingPathComponent("templates/\($0).yaml").path)
        })
    }

    @Test("an expense claim with OCR slips is still an expense claim")
    func expenseClaim() {
        let text = "费用报销单 报销单号: BX20264267222 填报日期: 2026-08-07 报销人: 郭海燕 所在部门 信息中心 合计金额大写): 伍什伍佰"
        let result = classifier.classify(pageText: text)
        #expect(result.template?.form == .expenseClaim)
        let evidence = result.evidence.first { $0.form == "expense_claim" }
        #expect(evidence?.found.contains("费用报销单") == true)
        #expect(evidence?.missing.contains("收款账号") == true)
    }

    @Test("a VAT invoice whose title is misread is still found by its labels")
    func invoiceWithoutTitle() {
        let text = "增值税晋通发栗 发票代码: 051400470188 发票号码: 87506874 开票日期 购买方 名称 纳税人识别号 税率 税额 价税合计"
        #expect(classifier.classify(pageText: text).template?.form == .vatInvoice)
    }

    @Test("a notice that mentions 报销 is no form")
    func notice() {
        let text = "关于规范差旅费报销的通知 各部门: 出差人员应在返回后十个工作日内办理报销手续"
        let result = classifier.classify(pageText: text)
        #expect(result.template == nil)
        #expect(result.evidence.count == 2)
    }

    @Test("tolerant matching forgives one slip in four characters, none in three")
    func tolerance() {
        #expect(TextMatching.contains("合计金额(大写)", "合计金额"))
        #expect(TextMatching.contains("xx纳税人识别亏yy", "纳税人识别号"))
        #expect(!TextMatching.contains("报销入", "报销人"))
        #expect(TextMatching.squeeze(" 名 称: ") == "名称")
    }
}
