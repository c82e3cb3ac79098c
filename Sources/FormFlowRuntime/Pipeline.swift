import FormFlowCore
import FormFlowExtraction
import FormFlowValidation
import FormFlowYAML
import Foundation

/// A pipeline: which forms it reads (templates), how pages are prepared, and (later) its rules.
public struct Pipeline: Sendable {
    public var name: String
    public var version: String
    public var file: String
    public var templates: [FormTemplate]
    public var maxSkewDegrees: Double
    public var binarize: Bool
    /// Paint table rules and box borders white before reading.
    public var removeRules: Bool
    /// Resolution the whole-page layout pass reads at (classification, anchors, value boxes): enough
    /// for printed labels, and a quarter of the pixels of a 300 dpi page.
    public var layoutDPI: Int

    /// The scale that brings a page of `dpi` to the layout resolution (never enlarges).
    public func layoutScale(forPageDPI dpi: Int) -> Double {
        min(1, Double(layoutDPI) / Double(max(dpi, 1)))
    }
    /// The business rules, in file order.
    public var rules: RuleSet
    /// Prototypes for verifying amounts in words glyph by glyph.
    public var glyphs: GlyphClassifier?
    /// Second opinion on figures, from prototypes of digits and capitals (`digits:`); without it figures
    /// are read by Tesseract until enough readings agree.
    public var figures: FigureVerifier? = nil
    /// Second opinion on titles and vocabulary entries, from prototypes of the templates' characters
    /// (`text_glyphs:`).
    public var text: TextVerifier? = nil
    /// Second opinion on personal names, from prototypes of common surnames and given-name characters
    /// (`name_glyphs:`).
    public var names: TextVerifier? = nil
    /// The commonest Chinese characters (`common_characters:`, GB 2312 level 1): a name character outside
    /// them that the second OCR model read surely is not its lean to a common look-alike.
    public var commonCharacters: Set<Character> = []
    /// Extraction for one of this pipeline's templates, with its glyph, figure, text and name classifiers.
    public func extractor(for template: FormTemplate) -> FieldExtractor {
        FieldExtractor(
            template: template, glyphs: glyphs, figures: figures, text: text, names: names,
            commonCharacters: commonCharacters)
    }
    /// Page segmentation of the layout pass.
    public var layoutSegmentation: PageSegmentation
    /// Recognise and register pages by their ruled box and title (`FrameRecognizer`) before trying the
    /// page-wide layout pass: the same decisions at a fraction of the OCR.
    public var registerByFrame: Bool = true

    /// The options of the whole-page layout pass.
    public var layoutOptions: RecognitionOptions {
        RecognitionOptions(language: "chi_sim", segmentation: layoutSegmentation, collectSymbols: true)
    }

    /// `name@version`, written into every record so that a result can be traced to its configuration.
    public var identifier: String { "\(name)@\(version)" }

    /// The languages the templates read with, to initialise engines before the first document.
    public var languages: [String] {
        var set: Set<String> = ["chi_sim"]
        for template in templates {
            for field in template.fields { set.insert(field.ocr.language) }
            for column in template.table?.columns ?? [] { set.insert(column.ocr.language) }
        }
        return set.sorted()
    }

    /// Loads the pipeline and every template it names; the first mistake stops start-up with file and line.
    public static func load(path: String) throws(ConfigurationError) -> Pipeline {
        let root = try ConfigNode.load(path: path)
        try root.allowOnly([
            "name", "version", "templates", "normalise", "layout_dpi", "layout_psm", "register_by_frame", "glyphs",
            "digits", "text_glyphs", "name_glyphs", "common_characters", "rules", "description",
        ])
        let directory = (path as NSString).deletingLastPathComponent
        // A path the pipeline names, relative to the pipeline's own folder unless absolute.
        func resolved(_ relative: String) -> String {
            relative.hasPrefix("/") ? relative : (directory as NSString).appendingPathComponent(relative)
        }
        var templates: [FormTemplate] = []
        let templatesNode = try root.required("templates")
        for item in try templatesNode.items() {
            let relative = try item.string()
            let templatePath = resolved(relative)
            guard FileManager.default.fileExists(atPath: templatePath) else {
                throw item.error("the template file \(templatePath) does not exist")
            }
            templates.append(try FormTemplate.load(path: templatePath))
        }
        guard !templates.isEmpty else { throw templatesNode.error("a pipeline needs at least one template") }
        // A form may have several templates (layouts of one form: the VAT invoice on the office's paper and
        // in the national e-invoice layouts); each file once.
        var files: Set<String> = []
        for template in templates where !files.insert((template.file as NSString).standardizingPath).inserted {
            throw templatesNode.error("the template \(template.file) is listed twice")
        }

        var maxSkew = 5.0
        var binarize = false
        var removeRules = true
        if let normalise = try root.optional("normalise") {
            try normalise.allowOnly(["max_skew_degrees", "binarize", "remove_rules"])
            if let node = try normalise.optional("remove_rules") { removeRules = try node.bool() }
            if let node = try normalise.optional("max_skew_degrees") {
                maxSkew = try node.double()
                guard (0...15).contains(maxSkew) else { throw node.error("max_skew_degrees must lie between 0 and 15") }
            }
            if let node = try normalise.optional("binarize") { binarize = try node.bool() }
        }
        var layoutDPI = 150
        if let node = try root.optional("layout_dpi") {
            layoutDPI = try node.int()
            guard (70...600).contains(layoutDPI) else { throw node.error("layout_dpi must lie between 70 and 600") }
        }
        var layoutSegmentation = PageSegmentation.auto
        if let node = try root.optional("layout_psm") {
            let name = try node.string()
            guard let psm = PageSegmentation(name: name) else {
                throw node.error("unknown page segmentation '\(name)'; use auto, single_block or sparse_text")
            }
            layoutSegmentation = psm
        }
        func prototypes(_ key: String, features: GlyphFeatures = .inkDensity) throws(ConfigurationError)
            -> GlyphClassifier?
        {
            guard let node = try root.optional(key) else { return nil }
            // One file, or a list of files loaded as one set (names.txt and its rivals).
            let relatives: [String]
            if let list = try? node.strings() { relatives = list } else { relatives = [try node.string()] }
            var paths: [String] = []
            for relative in relatives {
                let glyphPath = resolved(relative)
                guard FileManager.default.fileExists(atPath: glyphPath) else {
                    throw node.error("the glyph prototype file \(glyphPath) does not exist")
                }
                paths.append(glyphPath)
            }
            return try GlyphClassifier.load(paths: paths, features: features)
        }
        let glyphs = try prototypes("glyphs")
        let figures = try prototypes("digits").map { FigureVerifier(classifier: $0) }
        let text = try prototypes("text_glyphs").map { TextVerifier(classifier: $0) }
        // Names (people's and organisations') are any characters in any typeface: their glyphs are compared
        // by stroke directions, which hold across typefaces where ink density does not.
        let names = try prototypes("name_glyphs", features: .strokeDirection).map { TextVerifier.names(classifier: $0) }
        var commonCharacters: Set<Character> = []
        if let node = try root.optional("common_characters") {
            let relative = try node.string()
            let listPath = resolved(relative)
            guard let list = try? String(contentsOfFile: listPath, encoding: .utf8) else {
                throw node.error("the character list \(listPath) cannot be read")
            }
            commonCharacters = Set(
                list.split(separator: "\n").filter { !$0.hasPrefix("#") }.joined().filter { $0.isCJK })
            guard !commonCharacters.isEmpty else {
                throw node.error("the character list \(listPath) holds no Chinese characters")
            }
        }
        var rules = RuleSet(rules: [])
        if let node = try root.optional("rules") {
            rules = try RuleSet.parse(node)
            let forms = Set(templates.map(\.form.rawValue))
            for rule in rules.rules {
                for form in rule.forms where !forms.contains(form) {
                    throw ConfigurationError(
                        file: rule.file, line: rule.line,
                        message: "rule '\(rule.id)' names the form '\(form)', which no template defines")
                }
            }
        }
        var pipeline = Pipeline(
            name: try root.required("name").string(), version: try root.optional("version")?.string() ?? "1",
            file: path, templates: templates, maxSkewDegrees: maxSkew, binarize: binarize, removeRules: removeRules,
            layoutDPI: layoutDPI,
            rules: rules, glyphs: glyphs, layoutSegmentation: layoutSegmentation,
            registerByFrame: try root.optional("register_by_frame")?.bool() ?? true)
        pipeline.figures = figures
        pipeline.text = text
        pipeline.names = names
        pipeline.commonCharacters = commonCharacters
        return pipeline
    }
}
