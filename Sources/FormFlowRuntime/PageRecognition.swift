import FormFlowCore
import FormFlowExtraction
import FormFlowOCR
import Foundation

/// One page as recognition left it: which form (if any), how it is registered, and the page its values
/// are read from.
struct Recognised {
    var template: FormTemplate?
    /// Registered by the ruled box (the quick path) ...
    var registration: Registration?
    /// ... or by the page-wide layout pass (the long way), whose characters locate the values.
    var layoutText: Recognition?
    /// The page values are read from: the same geometry as the one recognised, with coloured ink dropped.
    var values: PageImage
    var evidence: [ClassificationEvidence]
    /// What was done to the page, for the record.
    var preparation: [String]
    var pageNumber = 1
    var recognitionTime: Duration
    /// Time spent preparing pixels (turning, colour, rectifying, deskewing), as against recognising.
    var preparationTime: Duration = .zero
    /// The page was a 1-bit scan (smoothed to gray): its thin strokes may be lost.
    var fromBilevel = false
}

extension DocumentProcessor {
    /// The pages of one file as recognition leaves them.
    struct RecognisedPages {
        /// The first page that is a known form (its `pageNumber` set), if any.
        var form: Recognised?
        /// Other pages that are a known form too, and the pages that are none (attachments).
        var otherForms: [Int] = []
        var attachments: [Int] = []
        /// What classifying the first page found, for a file with no form.
        var firstEvidence: [ClassificationEvidence] = []
    }

    /// Recognises every page of a file (`pending`, emptied page by page: a phone's photo is large).
    /// Of a file of several pages, each is first recognised by its ruled box only; the page-wide reading
    /// (the long way, for a form whose print the scan lost) is made only when no page had a box: a paste
    /// sheet of receipts took 0.4–0.7 s of it. A second form is still found by its box, as the first was.
    /// `untilForm`: stop at the first form (what `inspect` needs). `done` is told of each page recognised.
    func recognisePages(
        _ pending: inout [PageImage], orientation: ExifOrientation?, untilForm: Bool = false,
        done: (Recognised) -> Void = { _ in }
    ) throws(OCRError) -> RecognisedPages {
        var pages = RecognisedPages()
        let pageCount = pending.count
        var withoutBox: [(number: Int, page: PageImage)] = []
        func look(at number: Int, _ page: consuming PageImage, pageWide: Bool) throws(OCRError) {
            // Only a page that may need the long way later is kept here; otherwise `recognise` holds the
            // only reference and lets the page go once its gray pages are made (a phone's colour photo,
            // kept here through its rectifying, had raised a run's peak by 45 MB).
            let kept: PageImage? = pageWide ? nil : copy page
            var original: PageImage? = consume page
            let recognised = try recognise(&original, orientation: orientation, pageWide: pageWide)
            done(recognised)
            if number == 1 { pages.firstEvidence = recognised.evidence }
            if recognised.template != nil {
                if pages.form == nil {
                    pages.form = recognised
                    pages.form?.pageNumber = number
                } else {
                    pages.otherForms.append(number)
                }
            } else if pageWide {
                pages.attachments.append(number)
            } else if let kept {
                withoutBox.append((number, kept))
            }
        }
        var number = 0
        while !pending.isEmpty, !(untilForm && pages.form != nil) {
            number += 1
            try look(at: number, pending.removeFirst(), pageWide: pageCount == 1)
        }
        if pages.form == nil {
            while !withoutBox.isEmpty, !(untilForm && pages.form != nil) {
                let (number, page) = withoutBox.removeFirst()
                try look(at: number, consume page, pageWide: true)
            }
        }
        pages.attachments = (pages.attachments + withoutBox.map(\.number)).sorted()
        pages.otherForms.sort()
        return pages
    }

    /// Makes one page readable and says which form it is. In order, cheapest first:
    /// 1. upright as the JPEG's EXIF orientation says; a resolution claim under 150 dpi (a phone's 72) is
    ///    replaced by what the page's width implies;
    /// 2. two gray pages: by luminance for registration (the ruled box, title and labels may be printed
    ///    in colour) and with coloured ink dropped for the values (a red seal over a value is paper);
    /// 3. deskewed, recognised by the ruled box;
    /// 4. else the box's four corners are found and the page rectified onto the template (perspective,
    ///    scale from the box itself, any turn under 45°), and recognised again;
    /// 5. else the page turned 180° (or a quarter turn either way when it stands upright);
    /// 6. else the long way: a page-wide layout reading, matched against every template.
    /// `original` is taken (set to nil) as soon as its gray pages are made: a phone's colour picture
    /// is the largest thing a worker holds.
    /// `pageWide`: false stops before step 6, with no template when the page has no ruled box.
    func recognise(_ original: inout PageImage?, orientation: ExifOrientation?, pageWide: Bool = true)
        throws(OCRError) -> Recognised
    {
        guard let first = original else { throw OCRError(.imageOperationFailed, "no page to recognise") }
        original = nil
        var notes: [String] = []
        // A phone's picture: colour, and a resolution claim no scanner makes (or a turn in its EXIF).
        let photo = first.isColour && (first.dpi < 150 || (orientation.map { $0 != .upright } ?? false))
        let bilevel = first.isBilevel
        let clock = ContinuousClock()
        let preparing = clock.now
        let (layout, values) = try Self.grayPages(of: consume first, orientation: orientation, notes: &notes)
        var preparationTime = preparing.duration(to: clock.now)
        var time = Duration.zero

        if pipeline.registerByFrame {
            var attempts: [(turns: Int, label: String?)] = [(0, nil)]
            if layout.height > layout.width * 11 / 10 {
                attempts += [(1, "turned a quarter clockwise"), (3, "turned a quarter anticlockwise")]
            } else {
                attempts.append((2, "turned upside down"))
            }
            for attempt in attempts {
                let turnedLayout = try layout.turned(quarterTurns: attempt.turns)
                let turnedValues = try values?.turned(quarterTurns: attempt.turns)
                if var found = try byFrame(
                    layout: turnedLayout, values: turnedValues, photo: photo, time: &time, preparation: &preparationTime
                ) {
                    found.preparation = notes + (attempt.label.map { [$0] } ?? []) + found.preparation
                    found.recognitionTime = time
                    found.preparationTime = preparationTime
                    found.fromBilevel = bilevel
                    return found
                }
            }
        }

        guard pageWide else {
            return Recognised(
                template: nil, registration: nil, layoutText: nil, values: values ?? layout, evidence: [],
                preparation: notes, recognitionTime: time, preparationTime: preparationTime, fromBilevel: bilevel)
        }
        // The long way, on the page as it came.
        let deskewing = clock.now
        let normalized = try layout.normalized(
            maxSkewDegrees: pipeline.maxSkewDegrees, binarize: pipeline.binarize, removeRules: pipeline.removeRules)
        preparationTime += deskewing.duration(to: clock.now)
        let reader = TesseractPageReader(engine: engine, page: normalized)
        let text: Recognition
        do {
            text = try reader.read(
                nil, options: pipeline.layoutOptions, scale: pipeline.layoutScale(forPageDPI: normalized.dpi))
        } catch let error as OCRError {
            throw error
        } catch {
            throw OCRError(.imageOperationFailed, "reading the page failed: \(error)")
        }
        time += reader.recognitionTime
        let classification = classifier.classify(pageText: text.words.map(\.text).joined(separator: " "))
        if classification.template == nil, let byValues = registeredByValues(text, pageSize: normalized.bounds) {
            let names = byValues.registration.matched.map(\.anchor.text)
            return Recognised(
                template: byValues.template, registration: byValues.registration, layoutText: nil,
                values: try values?.deskewed(like: normalized) ?? normalized,
                evidence: classification.evidence + [
                    ClassificationEvidence(
                        form: byValues.template.form.rawValue, score: 0, found: names.map { "value \($0)" },
                        missing: byValues.registration.missing.map { "value \($0)" })
                ],
                preparation: notes + [
                    "no printed form found (its ink lost in the scan?): registered by where \(names.count) values stand (\(names.joined(separator: ", ")))"
                ], recognitionTime: time, preparationTime: preparationTime, fromBilevel: bilevel)
        }
        return Recognised(
            template: classification.template, registration: nil, layoutText: text,
            values: try values?.deskewed(like: normalized) ?? normalized, evidence: classification.evidence,
            preparation: notes, recognitionTime: time, preparationTime: preparationTime, fromBilevel: bilevel)
    }

    /// The one template whose values stand where the page's do, for a page without title or labels (a red
    /// invoice scanned in black and white keeps only its values). Nil when none fits, or two fit as well.
    private func registeredByValues(_ text: Recognition, pageSize: PixelRect) -> (
        template: FormTemplate, registration: Registration
    )? {
        let fits = pipeline.templates.compactMap { template in
            ValueRegistrar.register(template: template, symbols: text.symbols, pageSize: pageSize).map {
                (template, $0)
            }
        }.sorted { $0.1.matched.count > $1.1.matched.count }
        guard let best = fits.first, fits.count == 1 || fits[1].1.matched.count < best.1.matched.count else {
            return nil
        }
        return (best.0, best.1)
    }

    /// The page upright, at a believable resolution, as two gray pages: by luminance (layout) and with
    /// coloured ink dropped (values; nil for a gray page). The colour page itself is not kept.
    static func grayPages(of page: consuming PageImage, orientation: ExifOrientation?, notes: inout [String])
        throws(OCRError) -> (PageImage, PageImage?)
    {
        let turn = orientation.flatMap { $0 == .upright ? nil : $0 }
        if page.dpi < 150 {
            // A phone writes 72 dpi whatever it took; the templates' pages are A4/A5 wide (8.27 in).
            let uprightWidth = (turn?.quarterTurnsClockwise ?? 0) % 2 == 1 ? page.height : page.width
            let implied = max(72, Int((Double(uprightWidth) / 8.27).rounded()))
            notes.append("\(CaptureMode.resolutionNote) \(page.dpi) dpi; its width implies \(implied)")
            page = try page.withResolution(implied)
        }
        // A dithered page's labels are read from a page smoothed more (its dots become gray print
        // again); its values from the page smoothed as any other, whose strokes stay sharp.
        var descreened: PageImage? = nil
        if page.isBilevel {
            if page.isDithered {
                descreened = try page.smoothedFromBilevel(blur: 2)
                notes.append("\(CaptureMode.ditheredNote) labels read from the page smoothed more")
            }
            page = try page.smoothedFromBilevel()
            notes.append("\(CaptureMode.bilevelNote) smoothed to gray at \(page.dpi) dpi")
        }
        var values = try page.valuesWithoutColour()
        if values != nil {
            notes.append("\(CaptureMode.colourNote) seals, coloured form print and tinted paper dropped before values were read")
        }
        var layout = try page.luminance()
        if let descreened {
            values = layout
            layout = descreened
        }
        // Turned once gray, not in colour: a turned copy of a phone's colour picture was the largest
        // allocation of a run (48 MB for 12 megapixels, beside the picture itself).
        _ = consume page
        if let turn {
            layout = try layout.upright(turn)
            values = try values?.upright(turn)
            notes.append("\(CaptureMode.exifNote) (\(turn.rawValue)) says")
        }
        return (layout, values)
    }

    /// Recognition by the ruled box: as the page is, and rectified from the box's corners. A photo (or a
    /// box found at a slant or at another scale than the page's width implies) is rectified first.
    private func byFrame(
        layout: PageImage, values: PageImage?, photo: Bool, time: inout Duration, preparation: inout Duration
    ) throws(OCRError) -> Recognised? {
        // The box's corners as the first look finds them; when they give no form, or the page rectified by
        // them shows no box, as the second look into deep shadows finds them (`QuadFinder.boxes`).
        func rectifiedByEitherLook() throws(OCRError) -> Recognised? {
            // One reduced copy for both looks.
            let reduction = min(1, Self.cornerSearchWidth / Double(layout.width))
            let overview = try layout.scaled(by: reduction).grayImage()
            var tried: Rectification? = nil
            for deepShadows in [false, true] {
                guard
                    let plan = rectification(
                        overview: overview, reduction: reduction, pageWidth: layout.width, deepShadows: deepShadows),
                    tried.map({ !$0.sameCorners(as: plan) }) ?? true
                else { continue }
                tried = plan
                if let found = try rectified(
                    layout: layout, values: values, plan: plan, time: &time, preparation: &preparation)
                {
                    return found
                }
            }
            return nil
        }
        if photo, let found = try rectifiedByEitherLook() { return found }
        if let found = try frameOnce(layout: layout, values: values, time: &time, preparation: &preparation) {
            return found
        }
        return photo ? nil : try rectifiedByEitherLook()
    }

    /// The page mapped onto the template by the box's corners, its paper made even, and recognised: its
    /// title band first, on its own; the whole page only when the title is there. A receipt whose outline
    /// has a form's proportions is then never rectified whole (in a scan of claim and receipts, two turns
    /// of each receipt page each warped and levelled two whole pages).
    private func rectified(
        layout: PageImage, values: PageImage?, plan: Rectification, time: inout Duration, preparation: inout Duration
    ) throws(OCRError) -> Recognised? {
        let template = plan.template
        let page = PixelRect(x: 0, y: 0, width: plan.width, height: plan.height)
        guard let titleZone = template.recognition.titleZone, !titleZone.clamped(to: page).isEmpty else { return nil }
        let warping = ContinuousClock.now
        let layoutGray = try layout.grayImage()
        let band = try PageImage(
            gray: layoutGray.warpedAndFlattened(titleZone, page: page, sourceOf: plan.sourceOf), dpi: plan.dpi)
        preparation += warping.duration(to: .now)
        let bandReader = TesseractPageReader(engine: engine, page: band)
        defer { time += bandReader.recognitionTime }
        let shown: Bool
        do {
            shown = try frameRecognizer.titleShown(band: bandReader, as: template)
        } catch let error as OCRError {
            throw error
        } catch {
            throw OCRError(.imageOperationFailed, "reading the title failed: \(error)")
        }
        guard shown else { return nil }

        let wholePages = ContinuousClock.now
        func warp(_ gray: GrayImage) throws(OCRError) -> PageImage {
            try PageImage(
                gray: gray.warped(width: plan.width, height: plan.height, sourceOf: plan.sourceOf).flattened(), dpi: plan.dpi)
        }
        // Values are read from the page with coloured ink dropped where there is one; the layout page,
        // whose title was seen, is not needed whole then.
        let rectifiedValues = try warp(try values?.grayImage() ?? layoutGray)
        preparation += wholePages.duration(to: .now)
        let found = FrameRecognizer.rectified(as: template)
        return Recognised(
            template: template, registration: found.registration, layoutText: nil, values: rectifiedValues,
            evidence: found.evidence,
            preparation: [
                "rectified onto the \(template.form.rawValue) template from its ruled box's corners (perspective, turn and scale), paper levelled"
            ], recognitionTime: .zero)
    }

    /// The ruled box's corners, when the page needs rectifying to be registered by them.
    /// `deepShadows`: the second look, where a side of the box in a shadow at a fifth of the light is ink
    /// only ten levels darker than its paper.
    /// `overview` is the page reduced by `reduction` to `cornerSearchWidth`.
    private func rectification(overview: GrayImage, reduction: Double, pageWidth: Int, deepShadows: Bool)
        -> Rectification?
    {
        // The first box with a form's proportions (the likeliest may be part of one).
        var quad: Quadrilateral? = nil
        var plan: Rectification? = nil
        for box in QuadFinder.boxes(in: overview, deepShadows: deepShadows) {
            quad = quad ?? box
            plan = Rectification.plan(
                quad: box.scaled(by: 1 / reduction), pageWidth: pageWidth, templates: frameRecognizer.templates)
            if plan != nil {
                quad = box
                break
            }
        }
        if FieldExtractor.trace {
            print(
                "TRACE corners\(deepShadows ? " (deep shadows)" : "") \(quad.map { "\($0.corners.map { "(\(Int($0.x)),\(Int($0.y)))" })" } ?? "none") keystone \(quad?.keystoneDegrees ?? 0) plan \(plan?.template.form.rawValue ?? "none")"
            )
        }
        return plan
    }

    /// Width of the reduced copy the box's corners are looked for in: its lines must stay a pixel thick.
    static let cornerSearchWidth = 1240.0

    /// Recognition by the ruled box on a deskewed page.
    private func frameOnce(
        layout: PageImage, values: PageImage?, time: inout Duration, preparation: inout Duration
    ) throws(OCRError) -> Recognised? {
        let deskewing = ContinuousClock.now
        let normalized = try layout.normalized(
            maxSkewDegrees: pipeline.maxSkewDegrees, binarize: pipeline.binarize, removeRules: pipeline.removeRules)
        preparation += deskewing.duration(to: .now)
        let reader = TesseractPageReader(engine: engine, page: normalized)
        defer { time += reader.recognitionTime }
        let quick: FrameRecognizer.Result?
        do {
            quick = try frameRecognizer.recognize(reader: reader)
        } catch let error as OCRError {
            throw error
        } catch {
            throw OCRError(.imageOperationFailed, "reading the title failed: \(error)")
        }
        guard let quick else { return nil }
        return Recognised(
            template: quick.template, registration: quick.registration, layoutText: nil,
            values: try values?.deskewed(like: normalized) ?? normalized, evidence: quick.evidence, preparation: [],
            recognitionTime: .zero)
    }
}
