import FormFlowCore
import FormFlowTestSupport
import Foundation
import Testing

@testable import FormFlowOCR

@Suite("Corrupted scans never crash or hang the loader")
struct CorruptionTests {
    @Test("1,000 mutations of real PNG, JPEG and TIFF scans: each decodes or fails with a typed error")
    func thousandMutations() throws {
        var generator = SystemRandomNumberGenerator()
        let loader = ImageLoader()
        var decoded = 0
        var refused: [String: Int] = [:]
        for name in ["expense_claim-001-000.png", "expense_claim-002-000.jpg", "vat_invoice-002-000.tif"] {
            let bytes = [UInt8](try Data(contentsOf: TestSupport.sample(name)))
            for mutant in BadFiles.mutations(of: bytes, count: 334, using: &generator) {
                do {
                    let pages = try loader.load(bytes: mutant)
                    #expect(!pages.isEmpty && pages.allSatisfy { $0.width > 0 && $0.height > 0 })
                    decoded += 1
                } catch {
                    refused[error.code.name, default: 0] += 1
                }
            }
        }
        #expect(decoded + refused.values.reduce(0, +) == 1002)
        #expect(!refused.isEmpty, "no mutation was refused: the mutations are not biting")
    }

    @Test("a TIFF with hundreds of pages is refused from its header")
    func hundredsOfPages() throws {
        let bytes = BadFiles.multiPageTIFF(pages: 300)
        #expect(try ImageLoader(limits: ImageLimits(maxPages: 400)).header(of: bytes).pages == 300)
        do {
            _ = try ImageLoader().load(bytes: bytes)
            Issue.record("a 300-page TIFF was loaded")
        } catch {
            #expect(error.code == .tooManyPages)
        }
    }
}
