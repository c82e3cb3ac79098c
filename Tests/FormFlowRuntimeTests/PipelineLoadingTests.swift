import FormFlowExtraction
import FormFlowTestSupport
import FormFlowYAML
import Foundation
import Testing

@testable import FormFlowRuntime

@Suite("Pipeline loading: the shipped pipeline and its lists")
struct PipelineLoadingTests {
    @Test("the shipped pipeline knows the 3,755 commonest characters; a rare name character is not among them")
    func commonCharacters() throws {
        let pipeline = try Pipeline.load(path: TestSupport.pipelines.appendingPathComponent("default.yaml").path)
        #expect(pipeline.commonCharacters.count == 3755)
        #expect(pipeline.commonCharacters.contains("桑"))
        #expect(!pipeline.commonCharacters.contains("玙"))
        #expect(!pipeline.commonCharacters.contains("镕"))
        #expect(pipeline.extractor(for: pipeline.templates[0]).commonCharacters == pipeline.commonCharacters)
    }

    @Test("a character list that cannot be read stops start-up at its line")
    func missingCommonCharacters() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pipeline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let template = TestSupport.pipelines.appendingPathComponent("templates/expense_claim.yaml").path
        let path = directory.appendingPathComponent("pipeline.yaml").path
        try "name: t\ntemplates: [\(template)]\ncommon_characters: no-such-list.txt\n".write(
            toFile: path, atomically: true, encoding: .utf8)
        #expect {
            try Pipeline.load(path: path)
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.line == 3 && error.message.contains("no-such-list.txt")
        }
    }
}
