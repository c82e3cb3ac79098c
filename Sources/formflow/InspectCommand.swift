import ArgumentParser
import FormFlowCore
import FormFlowExtraction
import FormFlowOCR
import FormFlowRuntime
import Foundation

/// `formflow inspect`: shows what the pipeline sees on one scan: whether its ruled box and title or the
/// layout pass recognised it, how it was registered, and every field reading with its evidence.
/// For template authors; personal data is masked.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show how one scan is recognised and registered (ruled box or layout pass) and every field reading (masked)."
    )

    @Argument(help: "The image file.")
    var file: String

    @Option(help: "Pipeline YAML. Default: Pipelines/default.yaml.")
    var pipeline = "Pipelines/default.yaml"

    @Flag(help: "Also list every word of the layout pass with its box (when the page takes the layout pass).")
    var words = false

    func run() throws {
        let pipeline = try Pipeline.load(path: pipeline)
        let engine = try OCREngine(languages: pipeline.languages)
        engine.secondModel = try SecondModel.launch()
        let page = try ImageLoader().load(path: file)[0].normalized(
            maxSkewDegrees: pipeline.maxSkewDegrees, binarize: pipeline.binarize, removeRules: pipeline.removeRules)
        print("page \(page.width)×\(page.height) at \(page.dpi) dpi, deskewed \(String(format: "%.2f", page.appliedDeskew))°")
        let reader = TesseractPageReader(engine: engine, page: page)
        let template: FormTemplate
        let result: ExtractionResult
        // The same way the pipeline goes: the ruled box first, the layout pass when that does not settle it.
        if pipeline.registerByFrame, let quick = try FrameRecognizer(templates: pipeline.templates).recognize(reader: reader) {
            template = quick.template
            let transform = quick.registration.transform
            print(
                "registered \(template.form) by its ruled box and title: scale \(String(format: "%.3f", transform.scale)), shift (\(Int(transform.tx)), \(Int(transform.ty)))"
            )
            result = try pipeline.extractor(for: template)
                .extract(registration: quick.registration, reader: reader)
        } else {
            print("no ruled box and title settle the form: layout pass")
            let layout = try reader.read(
                nil, options: pipeline.layoutOptions, scale: pipeline.layoutScale(forPageDPI: page.dpi))
            if words {
                for line in TextLine.lines(of: layout.symbols) {
                    let first = line.symbols.first?.box
                    print("  line \(Masking.maskDigitRuns(in: line.text)) at \(first.map { "\($0)" } ?? "-")")
                }
            }
            let classification = FormClassifier(templates: pipeline.templates).classify(
                pageText: layout.words.map(\.text).joined(separator: " "))
            for evidence in classification.evidence {
                print("form \(evidence.form): score \(evidence.score), missing \(evidence.missing.joined(separator: " "))")
            }
            guard let found = classification.template else {
                print("no form recognised")
                return
            }
            template = found
            guard let registration = Registrar.register(template: template, symbols: layout.symbols, pageSize: page.bounds) else {
                print("registration failed")
                return
            }
            let transform = registration.transform
            print(
                "registered \(template.form): scale \(String(format: "%.3f", transform.scale)), rotation \(String(format: "%.2f", transform.rotationDegrees))°, shift (\(Int(transform.tx)), \(Int(transform.ty))), residual \(String(format: "%.1f", registration.residual)) px, missing anchors: \(registration.missing.joined(separator: " "))"
            )
            result = try pipeline.extractor(for: template).extract(layout: layout, reader: reader)
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
