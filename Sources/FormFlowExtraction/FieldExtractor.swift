import FormFlowCore
import Foundation

/// What extraction found on one page of a known form.
public struct ExtractionResult: Sendable {
    public var readings: [String: FieldReading]
    /// The item table, one dictionary of readings per non-empty row.
    public var rows: [[String: FieldReading]]
    public var registration: Registration?
    /// Problems that stop the page from being trusted as a whole (registration failed, missing fields).
    public var problems: [Violation]
    /// Why rows below the items were left out as marks (`ItemRowJudge`), as the table's own evidence.
    public var tableNote: FieldEvidence? = nil

    /// The record's `fields`, in SPEC names and normalised values.
    public func fields(tableName: String?) -> [String: FieldValue] {
        var fields: [String: FieldValue] = [:]
        for (name, reading) in readings {
            fields[name] = reading.value ?? .null
        }
        if let tableName {
            fields[tableName] = .rows(rows.map { row in row.mapValues { $0.value ?? .null } })
        }
        return fields
    }

    /// Leaves out the last rows, named last first with why (`ItemRowJudge`), and says so in the table's
    /// evidence, after what it said already; `judge` is who decided.
    mutating func leaveOutLastRows(_ left: [(row: Int, why: String)], judge: String) {
        guard !left.isEmpty else { return }
        let boxes = left.flatMap { rows[$0.row].values.compactMap(\.box) } + (tableNote?.box.map { [$0] } ?? [])
        rows.removeLast(left.count)
        let note =
            "\(left.count == 1 ? "a row" : "\(left.count) rows") below the last item left out: "
            + left.reversed().map(\.why).joined(separator: "; ")
        tableNote = FieldEvidence(
            raw: "", confidence: 0, box: boxes.dropFirst().reduce(boxes.first) { $0?.union($1) }, uncertain: false,
            note: tableNote?.note.map { "\($0); \(note)" } ?? note, decidedBy: (tableNote?.decidedBy ?? []) + [judge])
    }

    /// Evidence per field; table cells as `items[0].amount`.
    public func evidence(tableName: String?) -> [String: FieldEvidence] {
        var evidence = readings.mapValues(\.evidence)
        if let tableNote { evidence[tableName ?? "table"] = tableNote }
        for (index, row) in rows.enumerated() {
            for (column, reading) in row {
                evidence["\(tableName ?? "table")[\(index)].\(column)"] = reading.evidence
            }
        }
        return evidence
    }

    /// Names of fields (and cells) whose reading could not be confirmed.
    public func uncertainFields(tableName: String?) -> [String] {
        evidence(tableName: tableName).filter(\.value.uncertain).map(\.key).sorted()
    }

    /// The uncertain amounts whose readings differ, by name (cells as `items[0].amount`), one of which
    /// the second OCR model read too (`FieldReading.readByModelToo`): their well-formed readings, two or
    /// more. A relation that fails with each of them fails whichever is right, and with one that two readers
    /// read (`Validator.evaluate`'s `disputed`). Without the model's reading it is no violation read with
    /// confidence: on seven generated sets, 5 of the 6 false claims of this kind had none (a G4 total
    /// 5247.75 read 5047.74 and 547.74, the model unsure), and 3 of the 4 true ones had one.
    public func disputedAmounts(tableName: String?) -> [String: [FieldValue]] {
        func values(_ reading: FieldReading) -> [FieldValue]? {
            guard reading.uncertain, reading.type == .money, reading.readByModelToo != nil else { return nil }
            var seen: [FieldValue] = []
            for candidate in reading.candidates where candidate.check == .valid && !seen.contains(candidate.value) {
                seen.append(candidate.value)
            }
            return seen.count >= 2 ? seen : nil
        }
        var disputed = readings.compactMapValues(values)
        for (index, row) in rows.enumerated() {
            for (column, reading) in row {
                if let found = values(reading) { disputed["\(tableName ?? "table")[\(index)].\(column)"] = found }
            }
        }
        return disputed
    }
}

/// Reads every field of a registered page: the layout pass says where each value is, a re-read at full
/// resolution with the field's own settings says what it is, and disagreements get a third reading.
public struct FieldExtractor: Sendable {
    public let template: FormTemplate
    /// Prototypes of the financial capitals; without them amounts in words stay unverified.
    public let glyphs: GlyphClassifier?
    /// Second opinion on figures (IDs, accounts, codes, dates, counts); without it they are read again
    /// until enough Tesseract readings agree.
    public let figures: FigureVerifier?
    /// Second opinion on vocabulary entries (departments, categories, known organisations).
    public let text: TextVerifier?
    /// Second opinion on personal names, from prototypes of common surnames and given-name characters.
    public let names: TextVerifier?
    /// The commonest Chinese characters (GB 2312 level 1; `Pipeline.commonCharacters`): see `CharacterVotes`.
    public let commonCharacters: Set<Character>

    public static let trace = ProcessInfo.processInfo.environment["FORMFLOW_TRACE"] != nil

    /// Prints a trace line (`FORMFLOW_TRACE`), ID and bank card numbers in it masked as on the console.
    public static func tracePrint(_ line: String) {
        print(Masking.maskDigitRuns(in: line))
    }

    public init(
        template: FormTemplate, glyphs: GlyphClassifier?, figures: FigureVerifier? = nil, text: TextVerifier? = nil,
        names: TextVerifier? = nil, commonCharacters: Set<Character> = []
    ) {
        self.template = template
        self.glyphs = glyphs
        self.figures = figures
        self.text = text
        self.names = names
        self.commonCharacters = commonCharacters
    }

    /// Reads a page registered by its printed labels, using the layout pass to find each value.
    public func extract(layout: Recognition, reader: any PageReader) throws -> ExtractionResult {
        guard
            let registration = Registrar.register(
                template: template, symbols: layout.symbols, pageSize: reader.pageSize)
        else {
            return ExtractionResult(
                readings: [:], rows: [], registration: nil,
                problems: [
                    Violation(
                        rule: "registration_failed",
                        message:
                            "the printed labels of \(template.form) were not found where the template expects them; check the scan's orientation and completeness"
                    )
                ])
        }
        return try extract(registration: registration, layout: layout.symbols, reader: reader)
    }

    /// Reads a page registered without a layout pass (by its ruled box): each value is found by the ink
    /// in its zone, and every reading is made for the field alone.
    public func extract(registration: Registration, reader: any PageReader) throws -> ExtractionResult {
        try extract(registration: registration, layout: nil, reader: reader)
    }

    private func extract(
        registration: Registration, layout: [RecognizedSymbol]?, reader: any PageReader
    ) throws -> ExtractionResult {
        let transform = registration.transform
        // Without a layout pass, money is read once at first: where the items add up to the total and
        // the amount in words spells it, that one reading per amount is confirmed by the form itself, and
        // only amounts the sums do not confirm are read again.
        let moneyOnce = layout == nil
        var readings: [String: FieldReading] = [:]
        var locations: [String: (FieldSpec, ValueLocation?)] = [:]
        for spec in template.fields {
            let zone = transform.map(spec.zone).clamped(to: reader.pageSize)
            let started = ContinuousClock.now
            let location = try locate(spec, zone: zone, layout: layout, reader: reader, scale: transform.scale)
            let located = ContinuousClock.now
            locations[spec.name] = (spec, location)
            readings[spec.name] = try read(
                spec, at: location, reader: reader, scale: transform.scale, once: moneyOnce && spec.type == .money)
            // Where a worker's time goes, field by field (`FORMFLOW_TRACE`).
            if Self.trace {
                print("TRACE field \(spec.name) located in \(started.duration(to: located)), read in \(located.duration(to: .now))")
            }
        }

        var rows: [[String: FieldReading]] = []
        var cellLocations: [String: (FieldSpec, ValueLocation?)] = [:]
        if let table = template.table {
            for index in 0..<table.maxRows {
                let top = table.firstRowY + index * table.rowPitch
                var cells: [(FieldSpec, ValueLocation?)] = []
                for column in table.columns {
                    let templateZone = PixelRect(
                        x: column.zone.x, y: top + column.zone.y, width: column.zone.width, height: column.zone.height)
                    let zone = transform.map(templateZone).clamped(to: reader.pageSize)
                    cells.append(
                        (
                            column,
                            try locate(
                                column, zone: zone, layout: layout, reader: reader, scale: transform.scale,
                                fallback: false)
                        ))
                }
                // An empty row is where the table ends; a row with some cells read is kept whole.
                guard cells.contains(where: { $0.1 != nil }) else { continue }
                var row: [String: FieldReading] = [:]
                for (column, location) in cells {
                    row[column.name] = try read(
                        column, at: location, reader: reader, scale: transform.scale,
                        once: moneyOnce && column.type == .money)
                    cellLocations["\(rows.count).\(column.name)"] = (column, location)
                }
                rows.append(row)
            }
        }
        if moneyOnce {
            var partial = ExtractionResult(readings: readings, rows: rows, registration: registration, problems: [])
            Reconciler.confirmReadOnce(&partial, glyphs: glyphs)
            readings = partial.readings
            rows = partial.rows
            for (name, reading) in readings where reading.readOnce {
                guard let (spec, location) = locations[name] else { continue }
                readings[name] = try read(spec, at: location, reader: reader, scale: transform.scale)
            }
            for index in rows.indices {
                for (column, reading) in rows[index] where reading.readOnce {
                    guard let (spec, location) = cellLocations["\(index).\(column)"] else { continue }
                    rows[index][column] = try read(spec, at: location, reader: reader, scale: transform.scale)
                }
            }
        }

        var result = ExtractionResult(readings: readings, rows: rows, registration: registration, problems: [])
        result.leaveOutLastRows(rowsOfMarks(rows, cellLocations: cellLocations, reader: reader), judge: "item-row judge")
        // Redundancy first (the amount in words is only ever settled there), then what is still missing.
        let wordsArea = locations["total_in_words"]?.1?.inkBox.map { Self.lineArea($0, reader) }
        // The model's line of an amount, read once however many steps ask (by name; a cell by "row.column").
        var amountLines: [String: LineReading?] = [:]
        func amountLine(_ name: String) -> LineReading? {
            if let line = amountLines[name] { return line }
            var line: LineReading? = nil
            if let ink = (locations[name]?.1 ?? cellLocations[name]?.1)?.inkBox {
                line = try? reader.readLine(in: Self.lineArea(ink, reader))
            }
            if Self.trace, let line {
                FieldExtractor.tracePrint("TRACE second model amount \(name) \(line.text) \(line.confidences)")
            }
            amountLines[name] = .some(line)
            return line
        }
        Reconciler.reconcile(
            &result, glyphs: glyphs, strokesMayBeLost: reader.strokesMayBeLost,
            wordsBySecondModel: {
                guard let wordsArea, let line = try? reader.readLine(in: wordsArea) else { return nil }
                if Self.trace { FieldExtractor.tracePrint("TRACE second model words \(line.text) \(line.confidences)") }
                return line
            },
            amountBySecondModel: { name in
                amountLine(name).flatMap { $0.lowestConfidence >= SecondModelJudge.minimumProbability ? $0.text : nil }
            },
            amountUnclearToSecondModel: { name in
                amountLine(name).map { $0.lowestConfidence < SecondModelJudge.minimumProbability } ?? false
            },
            figuresSpell: { [figures] name, text in
                guard let figures, let ink = (locations[name]?.1 ?? cellLocations[name]?.1)?.inkBox,
                    let image = try? reader.pixels(in: Self.inkArea(ink, reader))
                else { return false }
                // Amounts only, where the sums still check what the figures' shapes settle.
                let outcome = figures.verify(
                    text, image: image, alphabet: .digits, shapesSettle: !reader.strokesMayBeLost)
                if Self.trace { FieldExtractor.tracePrint("TRACE figures \(name) \(text): \(outcome)") }
                return outcome == .confirmed
            },
            cellBySecondModel: { amountLine($0)?.text })
        for column in template.table?.common ?? [] {
            result.readings[column] = Self.common(column, of: result.rows)
        }
        ListJudge.doubtCutShort(&result, template: template)
        ListJudge.doubtUnfinished(&result, template: template)
        result.problems += ListJudge.problems(template: template, result: result)
        ListJudge.annotate(&result, template: template)
        let missing = template.fields.filter { $0.required && result.readings[$0.name]?.chosen == nil }.map(\.name)
        if !missing.isEmpty {
            result.problems.append(
                Violation(
                    rule: "missing_field",
                    message:
                        "no value was found for \(missing.joined(separator: ", ")); check the scan or the template zones",
                    fields: missing))
        }
        if template.table != nil && rows.isEmpty {
            result.problems.append(
                Violation(
                    rule: "missing_field", message: "the item table has no readable row", fields: [template.table!.name]
                ))
        }
        return result
    }

    /// The rows below the last item that hold marks only (`ItemRowJudge.trailingMarks`), last first.
    private func rowsOfMarks(
        _ rows: [[String: FieldReading]], cellLocations: [String: (FieldSpec, ValueLocation?)], reader: any PageReader
    ) -> [(row: Int, why: String)] {
        guard let table = template.table else { return [] }
        let columns = table.columns.map {
            ItemRowJudge.Column(
                name: $0.name, type: $0.type, vocabulary: $0.vocabulary.flatMap { template.vocabularies[$0] } ?? [])
        }
        return ItemRowJudge.trailingMarks(rows, columns: columns) { row, column in
            guard let ink = cellLocations["\(row).\(column)"]?.1?.inkBox else { return nil }
            return try? reader.readLine(in: Self.lineArea(ink, reader))?.text
        }
    }

    /// The value's box without its first glyph (a printed prefix such as ¥), when the ink shows one
    /// standing apart before at least one more; nil when it does not.
    static func withoutFirstGlyph(_ box: PixelRect, reader: any PageReader) throws -> (box: PixelRect, prefixEnd: Int)?
    {
        guard let line = GlyphLine(image: try reader.pixels(in: box), splitWide: false), line.pieces.count >= 2 else {
            return nil
        }
        let start = line.pieces[1].start
        let prefixEnd = box.x + (line.pieces[0].end + start + 1) / 2
        return (PixelRect(x: box.x + start, y: box.y, width: box.width - start, height: box.height), prefixEnd)
    }

    /// A table column's value as a field of the document: what every row reads, or `mixed`; certain only
    /// when every row's reading is.
    static func common(_ column: String, of rows: [[String: FieldReading]]) -> FieldReading? {
        let cells = rows.compactMap { $0[column] }
        guard let first = cells.first else { return nil }
        let values = Set(cells.compactMap { $0.value?.text })
        let value = values.count == 1 ? values.first! : "mixed"
        var reading = first
        reading.chosen = NormalizedReading(value: .text(value), check: .valid)
        reading.candidates = []
        reading.raw = cells.map(\.raw).joined(separator: " ")
        reading.confidence = cells.map(\.confidence).min() ?? 0
        let boxes = cells.compactMap(\.box)
        reading.box = boxes.first.map { first in boxes.dropFirst().reduce(first) { $0.union($1) } }
        reading.uncertain = cells.count < rows.count || cells.contains { $0.uncertain || $0.value == nil }
        reading.image = nil
        reading.readOnce = false
        reading.note = "the lines' common \(column)" + (reading.uncertain ? "; a line's is not confirmed" : "")
        reading.decidedBy = ["item lines"]
        return reading
    }

    /// Characters of the layout pass whose centre lies in `zone`, in reading order.
    static func symbols(in zone: PixelRect, from symbols: [RecognizedSymbol]) -> [RecognizedSymbol] {
        let inside = symbols.filter { symbol in
            !symbol.text.trimmingCharacters(in: .whitespaces).isEmpty && zone.containsCentre(of: symbol.box)
        }
        return inside.sorted { ($0.line, $0.box.x) < ($1.line, $1.box.x) }
    }

    private func normalize(_ raw: String, _ spec: FieldSpec, characters: Int? = nil) -> NormalizedReading? {
        guard
            var reading = FieldNormalizer.normalize(
                raw, type: spec.type, pattern: spec.pattern,
                vocabulary: spec.vocabulary.flatMap { template.vocabularies[$0] } ?? [], allowed: spec.allowed,
                givenNameCharacters: spec.givenNameCharacters)
        else { return nil }
        // Tesseract splits wide Chinese glyphs (磊 → 和大): a name must have as many characters as the
        // printed line has glyphs.
        if let characters, let text = reading.value.text, reading.check == .valid, text.count != characters {
            reading.check = .malformed
            reading.note = "read \(text.count) characters, the line holds \(characters)"
        }
        return reading
    }

    /// Where a value is printed, and what the layout pass read there (when there was one).
    struct ValueLocation {
        var box: PixelRect
        var layoutText: String?
        var layoutConfidence: Double
        /// The ink of the value itself, unpadded (only when found by ink).
        var inkBox: PixelRect? = nil
        /// The value's line goes on beside the ink found (`InkLocator.lineGoesOn`): part of it may be left out.
        var lineGoesOn = false
    }

    /// Finds the value in `zone`: from the layout pass's characters when there is a layout, else from
    /// the ink. The box is padded the way Tesseract reads best.
    private func locate(
        _ spec: FieldSpec, zone: PixelRect, layout: [RecognizedSymbol]?, reader: any PageReader, scale: Double,
        fallback: Bool = true
    ) throws -> ValueLocation? {
        var box: PixelRect
        var layoutText: String? = nil
        var layoutConfidence = 0.0
        var inkBox: PixelRect? = nil
        var lineGoesOn = false
        // Padding stops short of a prefix cut off (¥): none of its ink may come back into the reading.
        var leftLimit = Int.min
        if let layout {
            var words = Self.symbols(in: zone, from: layout)
            if words.isEmpty && fallback {
                // The layout pass can miss faint values: look again in the zone itself, at full resolution.
                let sparse = try reader.read(
                    zone,
                    options: RecognitionOptions(
                        language: spec.ocr.language, segmentation: .sparseText, collectSymbols: true),
                    scale: 1)
                words = Self.symbols(in: zone, from: sparse.symbols)
            }
            guard !words.isEmpty else { return nil }
            box = words.map(\.box).reduce(words[0].box) { $0.union($1) }
            layoutText = words.map(\.text).joined()
            layoutConfidence = words.map(\.confidence).reduce(0, +) / Double(words.count)
        } else {
            // Blobs cut by the zone's edge are seen whole, but only those centred in the zone count.
            let margin = Int(40 * scale)
            let area = zone.insetBy(dx: -margin, dy: -margin).clamped(to: reader.pageSize)
            guard !area.isEmpty else { return nil }
            let inner = PixelRect(x: zone.x - area.x, y: zone.y - area.y, width: zone.width, height: zone.height)
            // A 1-bit page's thin strokes are grey once scaled, and its seal black: its ink is not weighed by
            // how dark it is.
            let image = try reader.pixels(in: area)
            guard
                let found = InkLocator.valueBox(in: image, zone: inner, unit: scale, bilevel: reader.strokesMayBeLost)
            else {
                return nil
            }
            // Names cut short are names still (a name's last character left out is a name of two): whether
            // the line goes on beside what was found is looked at for them.
            if spec.type == .organisation || spec.type == .chineseName {
                lineGoesOn = InkLocator.lineGoesOn(beside: found, in: image, zone: inner, unit: scale)
            }
            box = PixelRect(x: found.x + area.x, y: found.y + area.y, width: found.width, height: found.height)
            if spec.prefix != nil, let rest = try Self.withoutFirstGlyph(box, reader: reader) {
                box = rest.box
                leftLimit = rest.prefixEnd
            }
            inkBox = box
        }
        // A value run together with its label starts left of the zone: cut the label off.
        if box.x < zone.x {
            box = PixelRect(x: zone.x, y: box.y, width: box.maxX - zone.x, height: box.height)
        }
        // Tesseract needs white space around text: a lone digit cut tight reads as anything (1 → 4).
        // The margin grows with the text height but stays inside the zone, away from neighbours.
        let padX = max(Int(12 * scale), box.height * 3 / 4)
        // One or two digits alone need room above and below too; longer values would pick up the
        // neighbouring lines instead.
        let padY = box.width < box.height * 3 / 2 ? max(Int(8 * scale), box.height / 3) : Int(8 * scale)
        let left = max(min(zone.x, box.x), box.x - padX, leftLimit)
        let right = min(max(zone.maxX, box.maxX), box.maxX + padX)
        box = PixelRect(x: left, y: box.y - padY, width: right - left, height: box.height + 2 * padY)
            .clamped(to: reader.pageSize)
        guard !box.isEmpty else { return nil }
        if let ink = inkBox, ink.x < zone.x {
            inkBox = PixelRect(x: zone.x, y: ink.y, width: ink.maxX - zone.x, height: ink.height)
        }
        return ValueLocation(
            box: box, layoutText: layoutText, layoutConfidence: layoutConfidence, inkBox: inkBox, lineGoesOn: lineGoesOn)
    }

    /// Reads one value. `once`: make only the first reading and leave it for the form's sums to confirm
    /// (`FieldReading.readOnce`); a value that is not well formed is read in full at once.
    private func read(
        _ spec: FieldSpec, at location: ValueLocation?, reader: any PageReader, scale: Double, once: Bool = false
    ) throws -> FieldReading {
        var reading = try readValue(spec, at: location, reader: reader, scale: scale, once: once)
        // Ink reaching the edge of the scan may be cut off: the top of an invoice code's last 8 was, and
        // every reading agreed on 5 (2,000 harsh scans). Sums and the amount in words still check money.
        if let ink = location?.inkBox, !reading.uncertain, spec.type != .money, spec.type != .amountInWords,
            try reader.inkTouchesScanEdge(in: ink)
        {
            reading.uncertain = true
            reading.note =
                "the value touches the edge of the scan, so part of it may be cut off; " + (reading.note ?? "")
        }
        if location?.lineGoesOn == true, !reading.uncertain {
            reading.uncertain = true
            reading.note =
                "the value's line goes on beside what was read (faint print left out?), so part of it may be missing; "
                + (reading.note ?? "")
        }
        return reading
    }

    private func readValue(
        _ spec: FieldSpec, at location: ValueLocation?, reader: any PageReader, scale: Double, once: Bool = false
    ) throws -> FieldReading {
        var empty = FieldReading(
            name: spec.name, type: spec.type, chosen: nil, candidates: [], raw: "", confidence: 0, box: nil,
            uncertain: true, note: "nothing found in the zone", image: nil)
        guard let location else { return empty }
        let box = location.box
        let layoutText = location.layoutText ?? ""
        var characters: Int? = nil
        if spec.type == .chineseName, let line = GlyphLine(image: try reader.pixels(in: box)) {
            characters = line.estimatedCharacterCount
        }
        empty.box = box
        empty.raw = layoutText
        empty.confidence = location.layoutConfidence
        empty.note = nil

        // Amounts in words are decided glyph by glyph against the figures (`Reconciler`); Tesseract's
        // reading of them is not used, so it is not made.
        if spec.type == .amountInWords {
            empty.image = try reader.pixels(in: box)
            empty.chosen = normalize(layoutText, spec)
            return empty
        }
        // A closed vocabulary read exactly as one of its entries needs no second reading: a misread
        // that lands on another whole entry is not a risk worth a full-resolution pass.
        if spec.type == .enumerated, let reading = normalize(layoutText, spec), reading.check == .valid,
            reading.note == nil
        {
            empty.chosen = reading
            empty.candidates = [reading]
            empty.uncertain = false
            empty.decidedBy = ["tesseract layout pass", "list entry"]
            return empty
        }

        let vocabulary = spec.vocabulary.flatMap { template.vocabularies[$0] } ?? []
        // A closed list's entry whose glyphs, and no other entry's, match the ink needs no reading; so
        // does a known organisation (an unknown one fails at its first character that differs).
        // The names' stroke-direction judge first (it holds across typefaces and captures), the form
        // words' prototypes where it cannot spell every entry.
        if spec.type == .enumerated || spec.type == .organisation, let ink = location.inkBox, !vocabulary.isEmpty,
            let entry = try Self.chooseEntry(
                among: vocabulary, by: [names, text], image: reader.pixels(in: Self.inkArea(ink, reader))),
            let reading = normalize(entry, spec), reading.check == .valid
        {
            if Self.trace { FieldExtractor.tracePrint("TRACE text \(spec.name) chose an entry") }
            empty.raw = entry
            empty.chosen = reading
            empty.candidates = [reading]
            empty.uncertain = false
            empty.note = "matched glyph by glyph to this entry of the list, and to no other"
            empty.decidedBy = ["list glyphs"]
            return empty
        }

        // Money the form's sums will check: the figure classifier's reading stands in for Tesseract's
        // first one (`Reconciler.confirmReadOnce` takes either only when the sums and the words agree).
        if once, spec.type == .money, let figures, let ink = location.inkBox,
            let amount = figures.readAmount(image: try reader.pixels(in: Self.inkArea(ink, reader))),
            var reading = normalize(amount, spec), reading.check == .valid
        {
            if Self.trace { FieldExtractor.tracePrint("TRACE figures \(spec.name) read an amount") }
            reading.resolution = 100
            empty.raw = amount
            empty.chosen = reading
            empty.candidates = [reading]
            empty.readOnce = true
            empty.note = "read glyph by glyph, not yet confirmed"
            return empty
        }

        // A value with a check character read glyph by glyph: when every glyph is clear and the check
        // character fits, two independent judges agree (a clear misread must also keep the checksum,
        // which an ID's and a credit code's catch for any one character) and Tesseract is not asked.
        var figureReading: String? = nil
        if spec.type.hasCheckCharacter, let figures, let ink = location.inkBox,
            let alphabet = FigureVerifier.Alphabet(spec.type)
        {
            figureReading = figures.read(
                image: try reader.pixels(in: Self.inkArea(ink, reader)), alphabet: alphabet, lengths: spec.type.lengths)
        }
        if let text = figureReading, let reading = normalize(text, spec), reading.check == .valid, reading.note == nil {
            if Self.trace { FieldExtractor.tracePrint("TRACE figures \(spec.name) read and checked") }
            empty.raw = text
            empty.chosen = reading
            empty.candidates = [reading]
            empty.uncertain = false
            empty.note = "read glyph by glyph by the figure classifier; the check character confirms it"
            empty.decidedBy = ["figure glyphs", "check character"]
            return empty
        }

        let primary = try reader.read(box, options: spec.ocr.options, scale: 1)
        let primaryText = primary.text.trimmingCharacters(in: .whitespacesAndNewlines)
        if !primaryText.isEmpty { empty.raw = primaryText }
        if !primary.words.isEmpty { empty.confidence = primary.meanConfidence }

        var readings: [NormalizedReading] = []
        if var reading = normalize(primaryText, spec, characters: characters) {
            reading.resolution = 100
            readings.append(reading)
        }
        if location.layoutText != nil, var reading = normalize(layoutText, spec, characters: characters) {
            reading.resolution = 0  // the layout pass's own resolution
            readings.append(reading)
        }
        if location.layoutText == nil, spec.type == .enumerated, let reading = readings.first, reading.check == .valid,
            reading.note == nil
        {
            // Without a layout pass the full-resolution reading is the first; the same rule as above.
            empty.chosen = reading
            empty.candidates = [reading]
            empty.uncertain = false
            empty.decidedBy = ["tesseract", "list entry"]
            return empty
        }
        if let first = readings.first, first.check == .valid,
            let confirmation = try secondOpinion(on: first, spec, vocabulary: vocabulary, at: location, reader: reader)
        {
            empty.chosen = first
            empty.candidates = [first]
            empty.uncertain = false
            empty.note = confirmation
            empty.decidedBy = ["tesseract", spec.type == .organisation ? "list glyphs" : "figure glyphs"]
            return empty
        }
        if once, let first = readings.first, first.check == .valid {
            empty.chosen = first
            empty.candidates = [first]
            empty.readOnce = true
            empty.note = "one reading, not yet confirmed"
            return empty
        }
        // The field's second reader besides Tesseract, if it has one here (see `FieldPolicy`).
        let inkImage = { [reader] () throws -> GrayImage in
            guard let ink = location.inkBox else { return GrayImage(width: 1, height: 1, pixels: [255]) }
            return try reader.pixels(in: Self.inkArea(ink, reader))
        }
        // A 1 standing where a 4's stem does (`FigurePlacement`) is judged only on pages from a 1-bit scan.
        let placementJudged = figures != nil && location.inkBox != nil && reader.strokesMayBeLost
        // The same for a value with a check character, where a 4 can stand (`FieldNormalizer.fourMayStand`):
        // both its own judge and the doubt over the second model's agreement ask it.
        let lostFourInCheckedValue: MemoJudge? =
            spec.type.hasCheckCharacter && placementJudged
            ? MemoJudge(
                FigurePlacement(
                    verifier: figures!, image: inkImage,
                    fourMayStandThere: { FieldNormalizer.fourMayStand(in: $0, spec.type) }))
            : nil
        let glyphJudge: MemoJudge? =
            switch spec.type {
            case .chineseName where names != nil && location.inkBox != nil:
                MemoJudge(NameGlyphs(verifier: names!, image: inkImage))
            // A department or category read off its list is reported as unknown only when its glyphs
            // confirm it (a photo's 交通费 read 通费 is a misread, not an unknown category).
            case .organisation where text != nil && location.inkBox != nil,
                .enumerated where text != nil && location.inkBox != nil:
                MemoJudge(ListOrGlyphs(verifier: text!, broad: names, known: vocabulary, image: inkImage))
            // An amount too: its sums and words may still confirm it, but its readings agreeing do not. A
            // date, which nothing checks either (a G4 scan's 2026-09-04 read 2026-09-01 by both engines).
            // Only on a 1-bit scan, whose strokes may be lost: elsewhere a narrow 1 is a 1 (a phone photo's
            // tax ID 91310115C77944B69W, read alike by both engines, was doubted and its bad_tax_id lost).
            case .code where placementJudged, .money where placementJudged:
                MemoJudge(FigurePlacement(verifier: figures!, image: inkImage))
            // A date's 1 where a 4 makes no date (a month's or a day's tens) is no lost 4: 7 of the 9 dates
            // doubted on 1-bit scans of ten generated sets were such 1s, in faces whose narrow 1 moves the
            // figures after it.
            case .date where placementJudged:
                MemoJudge(
                    FigurePlacement(
                        verifier: figures!, image: inkImage,
                        fourMayStandThere: { FieldNormalizer.date($0)?.check == .valid }))
            default: nil
            }
        // The second OCR model: read on first use (`FieldPolicy` asks it only where Tesseract does not decide).
        let secondModel =
            spec.type.readBySecondModel
            ? SecondModelJudge { [reader] () throws -> (line: LineReading?, reading: NormalizedReading?) in
                let area = location.inkBox.map { Self.lineArea($0, reader) } ?? box
                guard let line = try reader.readLine(in: area) else { return (nil, nil) }
                if Self.trace {
                    FieldExtractor.tracePrint("TRACE second model line \(line.text) \(line.confidences)")
                    FieldExtractor.tracePrint(
                        "TRACE second model alternatives "
                            + line.alternatives.map {
                                $0.map { "\($0.character)\($0.probability)" }.joined(separator: " ")
                            }.joined(separator: " | "))
                }
                guard line.lowestConfidence >= SecondModelJudge.minimumProbability else { return (line, nil) }
                let reading = normalize(line.text, spec, characters: characters)
                // How surely the model read the value is judged on the value's own characters.
                return (reading?.value.text.map { line.trimmed(to: $0) } ?? line, reading)
            } wider: { [reader] () throws -> [NormalizedReading?] in
                guard let ink = location.inkBox else { return [] }
                return try [2, 1].map { divisor in
                    let margin = max(6, ink.height / divisor)
                    let area = ink.insetBy(dx: -margin, dy: -margin).clamped(to: reader.pageSize)
                    guard let line = try reader.readLine(in: area),
                        line.lowestConfidence >= SecondModelJudge.minimumProbability
                    else { return nil }
                    return normalize(line.text, spec, characters: characters)
                }
            } : nil
        // Glyphs the prototypes cannot place (beyond reach of their own character and every other) are
        // no objection to a name, department or category the model read surely: two independent readers
        // agree and the glyphs have no opinion (a phone photo's 黄强, 马建国 lay 0.53–0.63 from everything;
        // a blurred 餐 of 餐饮费 0.54 from its own prototypes, 0.53 from every other). Where the model was
        // unsure (西门或 at 0.54, for 西门彧) they still object, and so does a glyph within reach of another
        // character (务 of 会务费 read 会议费) unless the whole line lies in a face the prototypes do not
        // know (`TextVerifier.unknownTypeface`).
        let unlessModelSure: (String) -> Bool = { value in !((try? secondModel?.readsSurely(value)) ?? false) }
        // Whether, at a place of a value, a glyph's character is outvoted by Tesseract and the sure model
        // (`SecondModelJudge.outvotes`), as the readings stand when the glyphs are asked.
        let outvotedByBoth: (String, Int, Character) -> Bool = { value, place, character in
            (try? secondModel?.outvotes(
                value, place: place, character: character, tesseractRead: readings.compactMap { $0.value.text }))
                ?? false
        }
        // A character the model was unsure of, beside another it found possible, that the glyphs cannot
        // tell apart (`RunnerUpGlyphs`): an unknown supplier's 福州昊晟… read 吴 by the model (0.55, 昊
        // 0.45) and once by Tesseract was taken for 福州吴晟… without it. Compared by the names' prototypes,
        // which hold every character of GB 2312 and the 通用规范汉字表. In a person's name also a rare
        // character it found possible beside a common one it was sure of
        // (`SecondModelJudge.runnersUp(of:isRare:)`); organisations' names keep to common characters (an
        // unknown supplier 济南创拓… went to an operator for a rare look-alike of 创 the model found possible).
        let isRare: (Character) -> Bool = { [commonCharacters] in
            !commonCharacters.isEmpty && !commonCharacters.contains($0)
        }
        let rareInNames: (Character) -> Bool = spec.type == .chineseName ? isRare : { _ in false }
        let runnerUpGlyphs: [any GlyphJudge] =
            names.map { names in
                [
                    RunnerUpGlyphs(
                        verifier: names,
                        runnersUp: { try secondModel?.runnersUp(of: $0, isRare: rareInNames) ?? [] },
                        image: inkImage)
                ]
            } ?? []
        // What may speak against a value the second model agrees on.
        let glyphDoubt: MemoJudge? =
            switch spec.type {
            case .chineseName where names != nil && location.inkBox != nil:
                MemoJudge(
                    Doubts(
                        judges: [
                            GlyphDoubt(
                                verifier: names!, broad: nil, image: inkImage, readAlone: true,
                                unknownGlyphsObject: unlessModelSure,
                                outvoted: outvotedByBoth),
                            RareRivalGlyphs(verifier: names!, isRare: isRare, image: inkImage),
                        ] + runnerUpGlyphs))
            case .organisation where text != nil && location.inkBox != nil:
                MemoJudge(
                    Doubts(
                        judges: [
                            // Where Tesseract and the sure model both read a character, its glyph unlike
                            // every prototype says nothing (phone photos in a Ming face lay 0.5–0.75 from
                            // the characters of 成都蓉易办数据服务有限公司); one clearly another character
                            // still objects, as a look-alike's would.
                            GlyphDoubt(
                                verifier: text!, broad: names, image: inkImage,
                                unknownGlyphsObject: { ListMatch.of($0, in: vocabulary) != .unlisted },
                                unknownGlyphsObjectOnlyAt: { ListMatch.differences($0, in: vocabulary) },
                                unlikeOutvoted: outvotedByBoth)
                        ] + runnerUpGlyphs))
            case .enumerated where text != nil && location.inkBox != nil:
                MemoJudge(
                    Doubts(
                        judges: [
                            GlyphDoubt(
                                verifier: text!, broad: names, image: inkImage, unknownGlyphsObject: unlessModelSure)
                        ] + runnerUpGlyphs))
            // A value with a check character that fails: a 1 standing where a 4's stem does says
            // misread, not invalid (a G4 scan's thin 4 lost its strokes: 6228485275339058771 read
            // 6228185275339058771 by Tesseract and the model alike, and bad_bank_account claimed).
            // The same for a code, which the model reads alike (BX68224331061 read BX68221331061 by both):
            // its glyph judge is that placement already, and asked once per reading.
            case .code: glyphJudge
            case _ where lostFourInCheckedValue != nil: lostFourInCheckedValue
            default: nil
            }
        let entryJudge: MemoJudge? =
            switch spec.type {
            case .organisation where text != nil && location.inkBox != nil && !vocabulary.isEmpty,
                .enumerated where text != nil && location.inkBox != nil && !vocabulary.isEmpty:
                MemoJudge(
                    EntryGlyphs(judge: ListOrGlyphs(verifier: text!, broad: names, known: vocabulary, image: inkImage)))
            default: nil
            }
        // Fields with nothing on the form to check them against (codes, dates, names) need more than
        // two readings to agree: misreads of these repeat across readings (郭 → 部 at two resolutions).
        let boxPath = location.layoutText == nil
        let needs: Agreement =
            switch spec.type {
            case .chineseName, .text: .unanimous
            // Without the layout pass's reading, which came from another model, one of the agreeing
            // readings must come from the other model: on 2,000 generated scans three eng readings agreed
            // on a wrong invoice-code digit, and a wrong count (1 → 4 in both the count and the
            // attachments) passed the sum.
            case .code, .date: boxPath ? .acrossModels : .strong
            case .integer: boxPath ? .withFirst : .twoResolutions
            // A list only lowers the bar for a value read exactly as one of its entries; anything else
            // needs the agreement of a value nothing on the form checks.
            case .organisation, .enumerated: vocabulary.isEmpty ? .strong : .strongUnlessKnown(vocabulary)
            // A rate is one or two digits: a reduced copy drops one (13% read 3% at two resolutions on a
            // printed e-invoice, a false tax_mismatch), and only the line's arithmetic could tell.
            case .percent: .strong
            default: .twoResolutions
            }
        // Tesseract's own doubt about a name read at full resolution: on 1,000 generated claims the wrong
        // names that every reading agreed on (磊 → 大) all had a mean confidence under 50; on 2,000 more,
        // read without the layout pass, one (吴 → 天) had 51.8.
        // Where the name's glyphs can judge, they decide instead: Tesseract's doubt makes no difference.
        let firstJudgeable: Bool
        if spec.type == .chineseName, let glyphJudge, let first = readings.first,
            case .noOpinion = try glyphJudge.judge(first)
        {
            firstJudgeable = false
        } else {
            firstJudgeable = spec.type == .chineseName && glyphJudge != nil && !readings.isEmpty
        }
        let doubtfulName = spec.type == .chineseName && primary.meanConfidence < 55 && !firstJudgeable
        // The readings so far disagree or fail the type: differently made readings decide, one at a
        // time, until enough agree.
        // Another segmentation at full resolution, then both at a reduced resolution: their errors are
        // least alike. Without a layout pass, the reduced reading comes first (a second resolution
        // decides most fields), and the fourth reading is at a third resolution, as names need.
        var word = spec.ocr.options
        word.segmentation = spec.ocr.segmentation == .singleWord ? .singleLine : .singleWord
        var variants: [(RecognitionOptions, Double)] =
            location.layoutText == nil
            ? [(spec.ocr.options, 0.7), (word, 1), (spec.ocr.options, 0.85), (word, 0.7)]
            : [(word, 1), (spec.ocr.options, 0.7), (word, 0.7)]
        // Readings by one model share its confusions (1 ↔ L in tax ids; a lone 1 reads 4 at every
        // resolution); the other model reads the same characters with other weights. For a count of one
        // or two digits it is the cheapest second opinion, for check-character values the last one.
        var other = spec.ocr.options
        other.language = spec.ocr.language == "chi_sim" ? "eng" : "chi_sim"
        if location.layoutText == nil, spec.type == .integer || spec.type == .code || spec.type == .date {
            variants.insert((other, 1), at: spec.type == .integer ? 0 : 1)
        } else if location.layoutText == nil, spec.type.hasCheckCharacter {
            // Two readings by the other model, at two resolutions, can agree on a value that passes.
            variants += [(other, 1), (other, 0.7)]
        }
        var remaining = variants[...]
        // A count's glyphs read by the figure classifier, where every glyph is clear: Tesseract reads a
        // lone 1 as 4 at every resolution and in both models' first readings (seen on 2,000 scans, in an
        // attachment count and its receipts, so the sum passed), the classifier does not.
        var glyphCount: NormalizedReading? = nil
        if spec.type == .integer, let figures, let ink = location.inkBox,
            let text = figures.read(
                image: try reader.pixels(in: Self.inkArea(ink, reader)), alphabet: .digits, lengths: 1...4),
            let reading = normalize(text, spec), reading.check == .valid
        {
            glyphCount = reading
        }
        // A rate's figures read by the figure classifier, the percent sign after them: the second reader
        // beside Tesseract and the second model (a phone photo's blurred 3% read 33% by every reading of
        // Tesseract's, 3% by the model: without it the rate stayed uncertain and a tax_mismatch unclaimed).
        var glyphRate: NormalizedReading? = nil
        if spec.type == .percent, let figures, let ink = location.inkBox,
            let text = figures.readRate(image: try reader.pixels(in: Self.inkArea(ink, reader))),
            let reading = normalize(text, spec), reading.check == .valid
        {
            if Self.trace { FieldExtractor.tracePrint("TRACE figures \(spec.name) read \(text)") }
            glyphRate = reading
        }
        let judge: (any GlyphJudge)? =
            if spec.type == .integer {
                CountGlyphs(reading: glyphCount)
            } else if spec.type == .percent {
                FigureReading(text: glyphRate?.value)
            } else if spec.type.hasCheckCharacter {
                // On a 1-bit page a 4 that lost its strokes reads 1 to every reader, the figure prototypes
                // too, and a check character passes such a misread once in eleven: a G4 scan's invalid ID
                // 310104199707206375 read 310101199707206375 by four readings and the model, which passes,
                // its bad_id_checksum hidden. Where the glyphs show a lost 4, the value is uncertain.
                lostFourInCheckedValue.map {
                    Doubts(judges: [FigureReading(text: figureReading.flatMap { normalize($0, spec)?.value }), $0])
                } ?? FigureReading(text: figureReading.flatMap { normalize($0, spec)?.value })
            } else {
                glyphJudge
            }
        let agreement = TesseractAgreement(needs: needs, layoutPass: location.layoutText != nil)
        // The glyphs that may confirm the second model's own reading: never a list.
        let glyphConfirm: (any GlyphJudge)? =
            switch spec.type {
            case .organisation where text != nil && location.inkBox != nil,
                .enumerated where text != nil && location.inkBox != nil:
                MemoJudge(
                    ListOrGlyphs(verifier: text!, broad: names, known: vocabulary, image: inkImage, listConfirms: false)
                )
            case .chineseName: glyphJudge
            case .code where figures != nil && location.inkBox != nil:
                FigureConfirmation(verifier: figures!, alphabet: .alphanumeric, image: inkImage) {
                    readings.map(\.value)
                }
            default: spec.type.hasCheckCharacter || spec.type == .integer || spec.type == .percent ? judge : nil
            }
        let characterVotes: CharacterVotes? =
            switch spec.type {
            case .chineseName where names != nil && location.inkBox != nil:
                // The model leaning to a character is enough beside the glyphs ranking it first: where it
                // found another one possible too, the glyphs must tell the two apart (`RunnerUpGlyphs`,
                // the doubt asked of every reading the model makes).
                CharacterVotes(
                    verifier: names!, broad: nil, image: inkImage,
                    modelLeans: { value, places in try secondModel?.leansTo(value, at: places) ?? false },
                    isRare: isRare,
                    modelSurelyReads: { value, rivals in try secondModel?.readsSurely(value, ruling: rivals) ?? false },
                    modelAlternatives: { value, places in try secondModel?.possibleOthers(of: value, at: places) ?? [] },
                    holdsWhatTheModelSurelyRead: { [self] value in
                        guard characters == value.count, normalize(value, spec)?.check == .valid else { return false }
                        return try secondModel?.readsSurely(value) ?? false
                    }
                )
            case .organisation where text != nil && location.inkBox != nil,
                .enumerated where text != nil && location.inkBox != nil:
                CharacterVotes(verifier: text!, broad: names, image: inkImage, isListed: { vocabulary.contains($0) })
            default: nil
            }
        // How many characters the line holds, for a proposal of the model's (`modelMiscounts`).
        let charactersOnTheLine = { [reader] in
            try Self.charactersHeld(spec, counted: characters, box: box, reader: reader)
        }
        let secondReader = secondModel.map {
            FieldPolicy.SecondReader(
                model: $0, doubt: glyphDoubt ?? judge, confirm: glyphConfirm, characters: characterVotes,
                onlyUnsplitReadings: spec.type == .code, dissentsOnSplitReadings: spec.type.hasCheckCharacter,
                dissentsOnAgreedReadings: spec.type == .id18 || spec.type == .bankCard,
                dissentsOverGlyphs: spec.type == .organisation
                    ? { !vocabulary.contains($0) } : spec.type == .chineseName ? { _ in true } : nil,
                passesCheck: spec.type.hasCheckCharacter ? { [self] in normalize($0, spec)?.check == .valid } : nil,
                needsSureModel: spec.type == .date || spec.type == .code,
                tieBrokenBySureModel: spec.type == .code && !reader.strokesMayBeLost)
        }
        while true {
            let decision = try FieldPolicy.decide(
                readings, agreement: agreement, glyphs: judge, entries: entryJudge, secondReader: secondReader,
                glyphsMustConfirm: spec.type == .chineseName || spec.type == .organisation || spec.type == .enumerated,
                glyphsConfirmAReading: spec.type == .chineseName || spec.type == .integer || spec.type == .percent,
                contradictionWaits: spec.type == .integer,
                modelMayObject: spec.type == .integer || spec.type == .code || spec.type == .date,
                tesseractDoubts: doubtfulName,
                final: remaining.isEmpty)
            switch decision {
            case .accept(let chosen, let judges, let because), .uncertain(let chosen, let judges, let because):
                if Self.trace { FieldExtractor.tracePrint("TRACE policy \(spec.name) \(decision)") }
                empty.chosen = chosen
                empty.candidates = Self.distinct(readings)
                empty.everyReading = readings.compactMap(\.value.text)
                if case .accept = decision { empty.uncertain = false } else { empty.uncertain = true }
                empty.note = because
                empty.decidedBy = judges
                if empty.uncertain {
                    let byModel = try putForwardModelReading(
                        &empty, secondModel: secondModel, readings: readings, lineHolds: charactersOnTheLine)
                    try putForwardGlyphReading(
                        &empty, spec, readings, lineHolds: characters, image: inkImage, secondModel: secondModel,
                        mayReplaceProposal: !byModel)
                }
                return empty
            case .readMore:
                break
            }
            // A name Tesseract doubts goes to an operator whatever more readings say: make no more.
            guard !doubtfulName, let (options, variantScale) = remaining.popFirst() else { break }
            let text = try reader.read(box, options: options, scale: variantScale).text
            if var reading = normalize(text, spec, characters: characters) {
                reading.resolution = Int(variantScale * 100) + (options.language == spec.ocr.language ? 0 : 1)
                reading.byOtherModel = options.language != spec.ocr.language
                readings.append(reading)
            }
        }
        empty.candidates = Self.distinct(readings)
        empty.everyReading = readings.compactMap(\.value.text)
        if Self.trace {
            FieldExtractor.tracePrint("TRACE undecided \(spec.name) \(readings.map { "\($0.value) \($0.check)" })")
        }
        // Not enough agreement: keep the best reading and say so; validation routes the page to exceptions.
        empty.chosen =
            readings.first { $0.check == .valid } ?? readings.first { $0.check == .checksumFailed } ?? readings.first
        empty.uncertain = true
        empty.note =
            (doubtfulName ? "Tesseract is unsure of this name (confidence \(Int(primary.meanConfidence))); " : "")
            + "readings: " + readings.map { "\($0.value)" }.joined(separator: " / ")
            + (readings.compactMap(\.note).first.map { " (\($0))" } ?? "")
        // An uncertain code shows the reading of Tesseract's that the second model made too, if any: their
        // agreement did not decide it (`SecondReader.onlyUnsplitReadings`), but it is the likelier one.
        if spec.type == .code, let own = try secondModel?.value(), own.value != empty.chosen?.value,
            let same = readings.first(where: { $0.check == .valid && $0.value == own.value })
        {
            empty.chosen = same
            empty.note = (empty.note ?? "") + "; the second OCR model read \(own.value)"
        }
        // A rate Tesseract could not read (a photo's blurred 9%) but the second model did is put forward,
        // still uncertain: the invoice's arithmetic may confirm it (`Reconciler.settleTaxRate`).
        if spec.type == .percent, empty.chosen?.check != .valid, let own = try secondModel?.value(), own.check == .valid
        {
            empty.chosen = own
            empty.note = (empty.note ?? "") + "; the second OCR model read \(own.value)"
        }
        let byModel = try putForwardModelReading(
            &empty, secondModel: secondModel, readings: readings, lineHolds: charactersOnTheLine)
        try putForwardGlyphReading(
            &empty, spec, readings, lineHolds: characters, image: inkImage, secondModel: secondModel,
            mayReplaceProposal: !byModel)
        return empty
    }

    /// The value put before the operator for a field no two readers confirmed: the second model's own
    /// reading, where it made one sure enough (`SecondModelJudge.minimumProbability`) that is well formed
    /// and passes the field's check character, in place of Tesseract's best. Still uncertain, so it
    /// decides nothing; it only spares the operator retyping. Tesseract's readings of these fields are
    /// where its model is weakest (names with characters it lacks, tax IDs under a seal, phone photos);
    /// on a fresh seed (6464, 400 office documents) the proposals were right for 15 of 30 wrong
    /// claimants and half the wrong tax IDs and names, field accuracy 96.2% → 97.5%, no decision changed.
    /// Not counts and rates, which the form's sums may confirm as their own best reading
    /// (`Reconciler.settleReceiptsByAttachments`): the model's reading is not Tesseract's.
    /// Not where Tesseract's readings all agree on a name as long as the line's ink holds and the model's
    /// is not that long (`modelMiscounts`).
    /// - Returns: whether the model's reading was put forward.
    private func putForwardModelReading(
        _ field: inout FieldReading, secondModel: SecondModelJudge?, readings: [NormalizedReading],
        lineHolds: () throws -> Int?
    ) throws -> Bool {
        guard let own = Self.proposal(byModel: try secondModel?.value(), for: field) else { return false }
        if let model = own.value.text, field.type == .organisation || field.type == .chineseName,
            Self.modelMiscounts(model, tesseract: readings.compactMap(\.value.text), lineHolds: try lineHolds())
        {
            let held = field.chosen?.value.text?.count ?? 0
            field.note =
                (field.note ?? "")
                + "; the second OCR model read \(model), \(model.count) characters where the line holds \(held)"
            return false
        }
        field.chosen = own
        let runnersUp = try own.value.text.map { try secondModel?.runnersUp(of: $0) ?? [] } ?? []
        field.note = (field.note ?? "") + "; put forward: " + Self.proposalNote(own.value, runnersUp: runnersUp)
        return true
    }

    /// Whether the second model's reading of a name has another count of characters than the line's ink
    /// holds, where Tesseract's readings (two or more) all agree on one with that count. PP-OCRv5 leaves
    /// out a character inside a name it finds unlikely, surely and on every crop: 乌鲁木齐 read 乌鲁齐,
    /// 文化 read 化, 网络 read 络, 律心 read 律 (fourteen sets of fresh office documents: 9 such proposals,
    /// all wrong, each where Tesseract's unanimous reading was right). Where Tesseract adds a character
    /// (a label's 和 before the name, 重庆人金博…), the ink holds the model's count, not Tesseract's.
    static func modelMiscounts(_ model: String, tesseract readings: [String], lineHolds: Int?) -> Bool {
        guard let lineHolds, readings.count >= 2, let agreed = readings.first, readings.allSatisfy({ $0 == agreed })
        else { return false }
        return agreed.count == lineHolds && model.count != lineHolds
    }

    /// How many characters the value's line holds (`GlyphLine.estimatedCharacterCount`): for a name,
    /// what reading it counted; for an organisation, counted now. Nil for other fields.
    static func charactersHeld(_ spec: FieldSpec, counted: Int?, box: PixelRect, reader: any PageReader) throws
        -> Int?
    {
        switch spec.type {
        case .chineseName: return counted
        case .organisation: return GlyphLine(image: try reader.pixels(in: box))?.estimatedCharacterCount
        default: return nil
        }
    }

    /// How a proposal of the second model's reads in the record: with the characters it found possible
    /// beside its own where it was unsure (`SecondModelJudge.runnersUp`), so that the operator looks there
    /// (an unknown 福州昊晟… proposed as 福州吴晟…, the model's 吴 at 0.55 beside 昊 at 0.45).
    static func proposalNote(_ value: FieldValue, runnersUp: [(place: Int, character: Character)]) -> String {
        let proposal = "the second OCR model's reading \(value)"
        guard let text = value.text, !runnersUp.isEmpty else { return proposal }
        let characters = Array(text)
        let also = runnersUp.prefix(3).filter { characters.indices.contains($0.place) }
            .map { "\($0.character) for \(characters[$0.place])" }
        return also.isEmpty ? proposal : proposal + " (it found \(also.joined(separator: ", ")) possible too)"
    }

    /// The second model's reading as the proposal for an uncertain field (`putForwardModelReading`), or nil.
    static func proposal(byModel own: NormalizedReading?, for field: FieldReading) -> NormalizedReading? {
        guard field.uncertain, field.type != .integer, field.type != .percent, let own,
            own.check == .valid || own.unlistedSurname, own.value != field.chosen?.value
        else { return nil }
        return own
    }

    /// A name no two readers confirm: where the names' glyphs, read on their own, clearly spell one name
    /// of a length Tesseract read or the line's ink holds, that is the value put before the operator
    /// (still unconfirmed), unless the second model's reading already is (`mayReplaceProposal` false).
    /// Tesseract cannot read characters its model lacks (暐, 曌, 蒯: a third of the claimants of
    /// generated office documents); the glyphs' prototypes have them.
    private func putForwardGlyphReading(
        _ field: inout FieldReading, _ spec: FieldSpec, _ readings: [NormalizedReading], lineHolds: Int?,
        image: () throws -> GrayImage, secondModel: SecondModelJudge?, mayReplaceProposal: Bool
    ) throws {
        guard spec.type == .chineseName, let names, field.box != nil else { return }
        // The lengths Tesseract read, and the count of glyphs the line's ink holds (Tesseract adds
        // characters that are not there: 何军 read 人和何军 by every reading).
        let lengths = Set(readings.compactMap { $0.value.text?.count } + (lineHolds.map { [$0] } ?? [])).filter {
            (2...4).contains($0)
        }
        var spelled: Set<String> = []
        for length in lengths.sorted() {
            if let text = names.read(count: length, image: try image()) { spelled.insert(text) }
        }
        guard spelled.count == 1, let text = spelled.first, text != field.chosen?.value.text,
            var reading = normalize(text, spec)
        else { return }
        let surnameNote = reading.unlistedSurname ? " (\(text.prefix(1)) is not on the list of surnames)" : ""
        reading.note = nil
        // Tesseract adds a character the ink does not hold (何静 read 和何静 by every reading, the label's
        // 人 taken for 和): where the line holds exactly the glyphs' characters and two of Tesseract's
        // readings are those characters with one more at an end, both readers read the same name.
        let framing = CharacterVotes.framing(readings.compactMap { $0.value.text }, around: text)
        if lineHolds == text.count, framing.count >= 2, reading.check == .valid {
            field.chosen = reading
            field.uncertain = false
            field.decidedBy = ["name glyphs", "tesseract"]
            field.note =
                "the glyphs read \(text) clearly; Tesseract read the same characters with one more (\(framing[0])) that the line's ink does not hold"
            if Self.trace {
                FieldExtractor.tracePrint("TRACE glyphs read \(spec.name) \(text) inside Tesseract's \(framing[0])")
            }
            return
        }
        // Where Tesseract's model lacks a character (曌, 珺), the glyphs and the second model are the two
        // independent readers.
        // Or the model found each of the glyphs' characters likely where it put a commoner look-alike
        // first (高婷湉: 湉 at 0.15 behind 活).
        if reading.check == .valid || reading.unlistedSurname, let secondModel,
            let how = try secondModel.judge(reading) == .confirms
                ? "read it too"
                : try secondModel.sees(text, tesseractRead: readings.compactMap { $0.value.text })
                    ? "found each of its characters likely"
                    : try secondModel.readsOnAWiderCrop(reading) ? "read it too on a wider crop of the line" : nil
        {
            reading.check = .valid
            field.chosen = reading
            field.uncertain = false
            field.decidedBy = ["name glyphs", secondModel.name]
            field.note =
                "the glyphs read \(text) clearly and the second OCR model \(how)\(surnameNote); Tesseract read \(readings.map { "\($0.value)" }.joined(separator: " / "))"
            if Self.trace { FieldExtractor.tracePrint("TRACE glyphs and second model read \(spec.name) \(text)") }
            return
        }
        guard mayReplaceProposal else { return }
        field.chosen = reading
        field.note = "the glyphs alone read \(text), put forward unconfirmed; " + (field.note ?? "")
        if Self.trace { FieldExtractor.tracePrint("TRACE glyphs alone read \(spec.name) \(text)") }
    }

    /// The one entry of a closed list the first verifier able to spell every entry finds in the ink (the
    /// last one, among the entries it can spell, when none can spell them all).
    static func chooseEntry(among entries: [String], by verifiers: [TextVerifier?], image: GrayImage) -> String? {
        let available = verifiers.compactMap { $0 }
        guard
            let chooser = available.first(where: { verifier in entries.allSatisfy(verifier.canVerify) })
                ?? available.last
        else { return nil }
        return chooser.choose(among: entries, image: image)
    }

    /// The value's ink with the margin a line recogniser expects around a line (a third of its height).
    static func lineArea(_ ink: PixelRect, _ reader: any PageReader) -> PixelRect {
        let margin = max(4, ink.height / 3)
        return ink.insetBy(dx: -margin, dy: -margin).clamped(to: reader.pageSize)
    }

    /// The value's ink with a small margin, for the glyph verifiers.
    static func inkArea(_ ink: PixelRect, _ reader: any PageReader) -> PixelRect {
        ink.insetBy(dx: -4, dy: -4).clamped(to: reader.pageSize)
    }

    /// Asks a verifier that is not Tesseract whether the value's glyphs spell `reading`: figures for
    /// numbers and codes, the templates' characters for a known organisation. The note to keep when
    /// they do; nil leaves the value to more readings.
    private func secondOpinion(
        on reading: NormalizedReading, _ spec: FieldSpec, vocabulary: [String], at location: ValueLocation,
        reader: any PageReader
    ) throws -> String? {
        guard let ink = location.inkBox else { return nil }
        let value: String
        switch reading.value {
        case .text(let text): value = text
        case .integer(let number): value = String(number)
        default: return nil
        }
        if let figures, let alphabet = FigureVerifier.Alphabet(spec.type) {
            let outcome = figures.verify(
                value, image: try reader.pixels(in: Self.inkArea(ink, reader)), alphabet: alphabet)
            if Self.trace { FieldExtractor.tracePrint("TRACE figures \(spec.name) \(outcome)") }
            return outcome == .confirmed ? "one reading, confirmed glyph by glyph by the figure classifier" : nil
        }
        if spec.type == .organisation, let text, vocabulary.contains(value), text.canVerify(value) {
            let outcome = text.verify(value, image: try reader.pixels(in: Self.inkArea(ink, reader)))
            if Self.trace { FieldExtractor.tracePrint("TRACE text \(spec.name) \(outcome)") }
            return outcome == .confirmed ? "one reading of a known name, confirmed glyph by glyph" : nil
        }
        return nil
    }

    /// How much agreement among readings a field needs before its value is taken.
    enum Agreement {
        /// Two well-formed readings made at different resolutions.
        case twoResolutions
        /// Three well-formed readings, one at full resolution, and at most one well-formed reading of
        /// another value: for values nothing on the form can check. Reduced copies lose the strokes that tell complex
        /// characters apart (磊 reads 大 at half size), so agreement among them alone proves little.
        case strong
        /// `twoResolutions` for a value in the vocabulary, `strong` for any other.
        case strongUnlessKnown([String])
        /// Every reading made (at least four, at three resolutions) says the same: for personal names,
        /// whose misreads repeat at full resolution (郭 → 部, 王 → 于) while the page-wide layout pass
        /// often reads them right. Measured on 2,000 generated claims: one dissent still let wrong names through.
        case unanimous
        /// `strong`, and one of the agreeing readings made by the other model.
        case acrossModels
        /// The first (full-resolution, own-model) reading and another at a different resolution agree:
        /// for counts, where a lone 1 reads 4 at reduced resolution and by the other model alike, so a
        /// majority of those must not outvote it.
        case withFirst

        /// The figures of a reading before its decimal point.
        static func integerFigures(_ reading: NormalizedReading) -> Int {
            (reading.value.text ?? "").prefix { $0 != "." }.filter(\.isASCIIDigit).count
        }

        func decide(_ readings: [NormalizedReading]) -> NormalizedReading? {
            let usable = readings.filter { $0.check != .malformed }
            switch self {
            case .acrossModels:
                guard let decided = Agreement.strong.decide(readings),
                    readings.contains(where: { $0.byOtherModel && $0.value == decided.value }),
                    !readings.contains(where: { $0.byOtherModel && $0.check != .malformed && $0.value != decided.value }
                    )
                else { return nil }
                return decided
            case .withFirst:
                guard let first = readings.first, first.check != .malformed,
                    readings.dropFirst().contains(where: {
                        $0.value == first.value && $0.resolution != first.resolution
                    })
                else { return nil }
                // Outvoted only by a value of its own length (a 4 that is a lone 1 at reduced resolution), not
                // by one read as often with a figure fewer or more: a G4 scan's receipts 3 read 30 three
                // times of six, the 30 first.
                let length = "\(first.value)".count
                let count = usable.filter { $0.value == first.value }.count
                let longerOrShorter = Dictionary(grouping: usable.filter { "\($0.value)".count != length }, by: \.value)
                return longerOrShorter.values.contains { $0.count >= count } ? nil : first
            case .twoResolutions:
                for (index, reading) in usable.enumerated() {
                    if usable[(index + 1)...].contains(where: {
                        $0.value == reading.value && $0.resolution != reading.resolution
                    }) {
                        // Two readings more figures long say the agreeing ones lost leading figures (a G4
                        // scan's tax 3291.07 read 391.07, 891.07, 89.07, 89.07): no agreement.
                        let longer = usable.filter { Self.integerFigures($0) > Self.integerFigures(reading) }
                        guard longer.count < 2 else { return nil }
                        // Nor where another value is read as often: a G4 scan's receipts 3 read 30 three
                        // times of six was taken because its pair came first.
                        let count = usable.filter { $0.value == reading.value }.count
                        let rivals = Dictionary(grouping: usable.filter { $0.value != reading.value }, by: \.value)
                        if rivals.values.contains(where: { $0.count >= count }) { continue }
                        return reading
                    }
                }
                return nil
            case .unanimous:
                guard readings.count >= 4, readings.allSatisfy({ $0.check != .malformed }),
                    let first = readings.first, readings.allSatisfy({ $0.value == first.value }),
                    Set(readings.map(\.resolution)).count >= 3
                else { return nil }
                return first
            case .strongUnlessKnown(let vocabulary):
                if let known = Agreement.twoResolutions.decide(
                    usable.filter { vocabulary.contains($0.value.text ?? "") })
                {
                    return known
                }
                return Agreement.strong.decide(readings)
            case .strong:
                var groups: [FieldValue: [NormalizedReading]] = [:]
                for reading in usable { groups[reading.value, default: []].append(reading) }
                let ranked = groups.values.sorted { $0.count > $1.count }
                guard let best = ranked.first, best.count >= 3, best.contains(where: { $0.resolution >= 100 }),
                    Set(best.map(\.resolution)).count >= 2, usable.count - best.count <= 1,
                    // A reading of the wrong length (a split glyph) means the line is not read reliably.
                    !readings.contains(where: { $0.check == .malformed && $0.note != nil })
                else { return nil }
                return best[0]
            }
        }
    }

    /// Agreement on a value that passes its check character wins over agreement on one that fails it;
    /// agreement on a failing value is taken only when no reading is left to make (the form may truly
    /// carry a wrong number, which validation then reports).
    static func decide(_ needs: Agreement, _ readings: [NormalizedReading], final: Bool) -> NormalizedReading? {
        let valid = needs.decide(readings.filter { $0.check == .valid })
        let failing = needs.decide(readings.filter { $0.check == .checksumFailed })
        // Readings that agree on a passing value and readings that agree on a failing one: the passing
        // value may be a misread that passes by chance (1 in 31 for a tax id; seen on 2,000 scans, 0 → Q),
        // so neither is taken and an operator decides.
        if valid != nil && failing != nil { return nil }
        if let valid, needs.decide(readings) != nil { return valid }
        guard let decided = needs.decide(readings) else { return nil }
        if decided.check == .checksumFailed && !final { return nil }
        return decided
    }

    static func distinct(_ readings: [NormalizedReading]) -> [NormalizedReading] {
        var seen: [FieldValue] = []
        var result: [NormalizedReading] = []
        for reading in readings where reading.check != .malformed && !seen.contains(reading.value) {
            seen.append(reading.value)
            result.append(reading)
        }
        return result
    }
}
