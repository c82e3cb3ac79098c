import ArgumentParser
import FormFlowCore
import FormFlowExtraction
import FormFlowOCR
import FormFlowRuntime
import Foundation

/// `formflow inspect`: shows what the pipeline sees on one scan, by the path a run takes: what was done to
/// the page (turned, colour dropped, rectified), whether its ruled box, its labels or the layout pass
/// registered it, and every field reading with its evidence. For template authors; personal data is masked.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract:
            "Show how one scan is recognised and registered (ruled box or layout pass) and every field reading (masked)."
    )

    @Argument(help: "The image file.")
    var file: String

    @Option(help: "Pipeline YAML. Default: Pipelines/default.yaml.")
    var pipeline = "Pipelines/default.yaml"

    @Flag(help: "Also list every line of the layout pass with its box (when the page takes the layout pass).")
    var words = false

    func run() throws {
        let pipeline = try Pipeline.load(path: pipeline)
        // The same path a run takes: EXIF orientation, colour, a photo rectified by its box, G4 smoothed.
        let processor = try DocumentProcessor(pipeline: pipeline, settings: .defaults)
        let inspection = try processor.inspect(file: URL(fileURLWithPath: file))
        for evidence in inspection.evidence {
            let found = evidence.found.isEmpty ? "" : ", found \(evidence.found.joined(separator: " "))"
            let missing = evidence.missing.isEmpty ? "" : ", missing \(evidence.missing.joined(separator: " "))"
            print("form \(evidence.form): score \(evidence.score)\(found)\(missing)")
        }
        guard let template = inspection.template, let result = inspection.extraction else {
            print("no form recognised on \(inspection.pageCount) page(s)")
            return
        }
        let page = inspection.valuesPage
        print(
            "page \(inspection.pageNumber) of \(inspection.pageCount): \(template.form), values read on \(page.width)×\(page.height) at \(page.dpi) dpi"
        )
        for step in inspection.preparation { print("  \(step)") }
        if let registration = inspection.registration {
            let transform = registration.transform
            let how =
                registration.byFrame
                ? "its ruled box and title" : registration.byValues ? "where its values stand" : "its labels"
            print(
                "registered by \(how): scale \(String(format: "%.3f", transform.scale)), shift (\(Int(transform.tx)), \(Int(transform.ty)))"
            )
        } else if let layout = inspection.layoutText {
            print("registered by the layout pass")
            if words {
                for line in TextLine.lines(of: layout.symbols) {
                    let first = line.symbols.first?.box
                    print("  line \(Masking.maskDigitRuns(in: line.text)) at \(first.map { "\($0)" } ?? "-")")
                }
            }
        }
        let table = template.table?.name
        for (name, evidence) in result.evidence(tableName: table).sorted(by: { $0.key < $1.key }) {
            let value = result.readings[name]?.value.map { "\($0)" } ?? ""
            print(
                "  \(name) = \(Masking.maskDigitRuns(in: value)) raw '\(Masking.maskDigitRuns(in: evidence.raw))' conf \(Int(evidence.confidence)) \(evidence.box.map { "\($0)" } ?? "-")\(evidence.uncertain ? " UNCERTAIN" : "") \(evidence.note.map { Masking.maskDigitRuns(in: $0) } ?? "")"
            )
        }
        if let words = result.readings["total_in_words"], let image = words.image, let glyphs = pipeline.glyphs,
            let total = result.readings["total"]?.value?.text, let amount = Money.parse(total)
        {
            let expected = ChineseAmount.render(amount)
            let (free, aligned) = AmountInWordsVerifier.positions(image: image, expected: expected, classifier: glyphs)
            print("    glyphs read freely: \(free)")
            for position in aligned ?? [] {
                print(
                    "    \(position.expected) nearest \(position.nearest) d_expected \(String(format: "%.2f", position.expectedDistance)) d_nearest \(String(format: "%.2f", position.nearestDistance))"
                )
            }
        }
        for problem in result.problems { print("problem \(problem.rule): \(problem.message)") }
    }
}
