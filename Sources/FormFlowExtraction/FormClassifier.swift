import FormFlowCore

/// Decides which template a page belongs to from the text found on it.
public struct FormClassifier: Sendable {
    public struct Result: Sendable {
        /// The chosen template, or `nil` when no template fits well enough.
        public var template: FormTemplate?
        /// Per template: score, what was found and what was missing; the record carries it.
        public var evidence: [ClassificationEvidence]

        public init(template: FormTemplate?, evidence: [ClassificationEvidence]) {
            self.template = template
            self.evidence = evidence
        }
    }

    public let templates: [FormTemplate]

    public init(templates: [FormTemplate]) {
        self.templates = templates
    }

    /// Scores every template against the page's text. A template is taken when its title is found, or
    /// when at least `minKeywords` of its keywords are; of several, the highest score wins, and a tie
    /// between different forms is refused (an operator decides, not a coin).
    public func classify(pageText: String) -> Result {
        let text = TextMatching.squeeze(pageText)
        var evidence: [ClassificationEvidence] = []
        var candidates: [(template: FormTemplate, score: Double)] = []
        for template in templates {
            let titlesFound = template.recognition.titles.filter { TextMatching.contains(text, $0) }
            let keywordsFound = template.recognition.keywords.filter { TextMatching.contains(text, $0) }
            let keywordShare =
                template.recognition.keywords.isEmpty
                ? 0 : Double(keywordsFound.count) / Double(template.recognition.keywords.count)
            let score = (titlesFound.isEmpty ? 0 : 0.5) + 0.5 * keywordShare
            let wanted = template.recognition.titles + template.recognition.keywords
            let found = titlesFound + keywordsFound
            evidence.append(
                ClassificationEvidence(
                    form: template.form.rawValue, score: (score * 1000).rounded() / 1000, found: found,
                    missing: wanted.filter { !found.contains($0) }))
            let enoughKeywords = keywordsFound.count >= template.recognition.minKeywords
            if enoughKeywords || (!titlesFound.isEmpty && keywordsFound.count >= 1) {
                candidates.append((template, score))
            }
        }
        candidates.sort { $0.score > $1.score }
        if candidates.count >= 2, candidates[0].score == candidates[1].score {
            return Result(template: nil, evidence: evidence)
        }
        return Result(template: candidates.first?.template, evidence: evidence)
    }
}
