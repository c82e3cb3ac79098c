import FormFlowCore

/// Finds where a value is printed inside its zone by looking at the ink, without OCR: the blobs of ink
/// whose centres lie in the zone, less scanner specks and table rules, grouped into text lines; the
/// line with the most ink is the value. Pure code over a `GrayImage`, so it is tested without Tesseract.
public enum InkLocator {
    /// One connected blob of ink.
    struct Blob {
        var box: PixelRect
        var pixels: Int
        /// Its ink weighed, at a raised level, by how far each pixel lies below it: what decides between
        /// lines and runs (`valueLine`). Black print outweighs a seal's grey leftover, which at a photo's
        /// raised level is ink too (a phone photo's 王军 under a shadow lost to the seal's star and ring).
        var mass: Int = 0
    }

    /// Darker than this is ink.
    static let inkLevel: UInt8 = 140
    /// Faint print (a thin typeface, a tired printer ribbon) breaks into specks at `inkLevel`: a zone
    /// where nothing is found is looked at again with this lighter level before it counts as empty.
    static let faintInkLevel: UInt8 = 200

    /// The box (in `image` coordinates) of the text line printed in `zone`, or `nil` when the zone holds
    /// no text. `image` should reach a little beyond the zone, so blobs cut by its edge are whole.
    /// `unit` is the page's pixels per template pixel at 300 dpi (1 for a 300 dpi scan): specks and
    /// rules are measured in it.
    /// `bilevel`: the page was a 1-bit scan, whose ink is black throughout (its scaled strokes' edges grey)
    /// and which has no shadows.
    public static func valueBox(in image: GrayImage, zone: PixelRect, unit: Double = 1, bilevel: Bool = false)
        -> PixelRect?
    {
        // A level raised for a photo's grey print lets a seal's grey leftover in too: lines are weighed by
        // how dark their ink is (`Blob.mass`). Not at the lighter level, which is there for faint print.
        let level = level(in: image, zone: zone)
        guard
            let box = valueBox(
                in: image, zone: zone, unit: unit, level: level, minimumInk: 150,
                weighDarkness: !bilevel && level > inkLevel)
        else {
            // A faint "1" in a thin face is about 80 ink pixels at 230 dpi even at the lighter level.
            // Empty zones (the table's unused rows) are most of these: a zone without half that much
            // light ink cannot hold such a line and is not looked at again.
            guard inkCount(in: image, zone: zone, below: faintInkLevel, atLeast: Int(50 * unit * unit)) else {
                return nil
            }
            // A photo's shadow with a sharp edge across the value: at the raised level the band is ink, joins
            // the value into one blob taller than the zone, and both are dropped (7070-00072: 陈磊 at the
            // band's edge). Seen against its own surroundings (`flattened`), the value is ink and the band
            // paper. Only where nothing was found, and not on 1-bit pages, which have no shadows.
            if !bilevel, level > inkLevel,
                let found = valueBox(
                    in: flattened(image, radius: Int(20 * unit)), zone: zone, unit: unit, level: inkLevel,
                    minimumInk: 150)
            {
                return found
            }
            // Seen at the lighter level, only the cores of a faint figure's strokes are ink: a photographed
            // "6" was 18 px high there.
            return valueBox(in: image, zone: zone, unit: unit, level: faintInkLevel, minimumInk: 100, minimumHeight: 15)
        }
        // A value's faint first or last figure breaks into specks at the usual level and would be cut
        // off (a tax amount read "095.18" for "3095.18"): the same line seen at the lighter level, when it
        // only reaches further along, is the value.
        // Looking again costs a second pass over the zone: it is made only when there is faint ink
        // beside the line, within a glyph's width of either end.
        if faintInkBeside(box, in: image, zone: zone),
            let faint = valueBox(in: image, zone: zone, unit: unit, level: faintInkLevel, minimumInk: 150),
            faint.x <= box.x, faint.maxX >= box.maxX, faint.y <= box.y + 3, faint.maxY >= box.maxY - 3,
            faint.height <= box.height + box.height / 3
        {
            return faint
        }
        return box
    }

    /// The level below which the zone's pixels are ink: `inkLevel`, or for light print halfway between
    /// the zone's darkest ink and its paper (at most `faintInkLevel`). A phone photo's grey print (100–140
    /// on paper levelled to 250) broke into specks at `inkLevel`, and a name's first and last characters,
    /// lighter than its middle, were left out of its box (上海申城物业管理有限公司 read 申城物业管理有).
    /// Otsu's split of the zone's pixels was tried too: it lands nearer the paper and joined the specks of
    /// a photo's paper to the value (fewer phone photos read right, seeds 8383 and 9494).
    static func level(in image: GrayImage, zone: PixelRect) -> UInt8 {
        let area = zone.clamped(to: PixelRect(x: 0, y: 0, width: image.width, height: image.height))
        guard !area.isEmpty else { return inkLevel }
        var histogram = [Int](repeating: 0, count: 256)
        for y in area.y..<area.maxY {
            let row = y * image.width
            for x in area.x..<area.maxX { histogram[Int(image.pixels[row + x])] += 1 }
        }
        func percentile(_ fraction: Double) -> Int {
            let wanted = max(1, Int(Double(area.width * area.height) * fraction))
            var seen = 0
            for (value, count) in histogram.enumerated() {
                seen += count
                if seen >= wanted { return value }
            }
            return 255
        }
        // The darkest half percent of the zone are the cores of the value's strokes (even a short value
        // fills a few percent of its zone); its median is paper.
        let ink = percentile(0.005)
        let paper = percentile(0.5)
        // Without that much contrast the zone holds no print to go by: the fixed level decides.
        guard paper - ink >= 80 else { return inkLevel }
        return UInt8(min(Int(faintInkLevel), max(Int(inkLevel), (ink + paper) / 2)))
    }

    /// `image` divided by its local background, the brightest pixel within `radius` (a square window): a
    /// shadow's band and the paper around it become white alike, print stays dark.
    static func flattened(_ image: GrayImage, radius: Int) -> GrayImage {
        let (width, height) = (image.width, image.height)
        guard width > 0, height > 0, radius > 0 else { return image }
        // The window's maximum, rows then columns (a square window is the two in turn).
        func slidingMax(_ values: [UInt8], count: Int, stride: Int, lines: Int, lineStride: Int) -> [UInt8] {
            var out = values
            for line in 0..<lines {
                let base = line * lineStride
                for i in 0..<count {
                    var best: UInt8 = 0
                    for j in max(0, i - radius)...min(count - 1, i + radius) {
                        best = max(best, values[base + j * stride])
                    }
                    out[base + i * stride] = best
                }
            }
            return out
        }
        let across = slidingMax(image.pixels, count: width, stride: 1, lines: height, lineStride: width)
        let background = slidingMax(across, count: height, stride: width, lines: width, lineStride: 1)
        var pixels = image.pixels
        for index in pixels.indices {
            let paper = max(1, Int(background[index]))
            pixels[index] = UInt8(min(255, Int(image.pixels[index]) * 255 / paper))
        }
        return GrayImage(width: width, height: height, pixels: pixels)
    }

    /// Whether `zone` holds at least `needed` pixels darker than `level`.
    static func inkCount(in image: GrayImage, zone: PixelRect, below level: UInt8, atLeast needed: Int) -> Bool {
        let area = zone.clamped(to: PixelRect(x: 0, y: 0, width: image.width, height: image.height))
        var count = 0
        for y in area.y..<area.maxY {
            let row = y * image.width
            for x in area.x..<area.maxX where image.pixels[row + x] < level { count += 1 }
            if count >= needed { return true }
        }
        return false
    }

    /// Whether the zone holds, in the line's rows and within one and a half line heights of either end,
    /// about as much ink at the lighter level as a thin figure has (a twentieth of the height squared;
    /// scanner specks beside a value come to less).
    static func faintInkBeside(_ box: PixelRect, in image: GrayImage, zone: PixelRect) -> Bool {
        let reach = box.height * 2
        let needed = max(6, box.height * box.height / 30)
        let left = max(0, box.x - reach)..<box.x
        let right = box.maxX..<min(image.width, box.maxX + reach)
        var count = 0
        for y in max(0, box.y)..<min(image.height, box.maxY) {
            let row = y * image.width
            for range in [left, right] where !range.isEmpty {
                for x in range where image.pixels[row + x] < faintInkLevel { count += 1 }
            }
            if count >= needed { return true }
        }
        return false
    }

    /// Whether the line of the value in `box` goes on beside it: ink of the same line at the lighter level,
    /// within three line heights of either end and left out of the box, as much as half a glyph of the box
    /// holds at least. A thin face's faint first characters broke into specks on a phone photo and fell into
    /// a run of their own, apart from the rest by more than a line's height: the heavier run alone was the
    /// value, and both engines read what it held (合肥庐州会务服务有限公司 read 会务服务有限公司): a value cut
    /// short reads as a whole, well-formed one. Strokes too thin to be ink even at the lighter level (上's,
    /// read "-" and dropped) are not seen here: `ListJudge.doubtCutShort` catches such names by the list.
    static func lineGoesOn(beside box: PixelRect, in image: GrayImage, zone: PixelRect, unit: Double = 1) -> Bool {
        guard box.height > 0,
            let members = valueLine(
                in: image, zone: zone, unit: unit, level: faintInkLevel, minimumInk: 150, wholeLine: true)
        else { return false }
        // The same line: its blobs share the box's rows.
        let line = members.filter { min($0.box.maxY, box.maxY) - max($0.box.y, box.y) > 0 }
        let inside = line.filter { $0.box.x >= box.x && $0.box.maxX <= box.maxX }
        guard !inside.isEmpty else { return false }
        let reach = 3 * box.height
        var left = box.x
        var right = box.maxX
        var beside = 0
        for blob in line.filter({ $0.box.maxX <= box.x }).sorted(by: { $0.box.maxX > $1.box.maxX })
        where left - blob.box.maxX <= reach {
            left = min(left, blob.box.x)
            beside += blob.pixels
        }
        for blob in line.filter({ $0.box.x >= box.maxX }).sorted(by: { $0.box.x < $1.box.x })
        where blob.box.x - right <= reach {
            right = max(right, blob.box.maxX)
            beside += blob.pixels
        }
        let glyphs = max(1, box.width / box.height)
        return beside * 2 * glyphs >= inside.reduce(0) { $0 + $1.pixels }
    }

    /// `minimumInk`: the least ink (pixels at 300 dpi) a text line must hold to count as one.
    static func valueBox(
        in image: GrayImage, zone: PixelRect, unit: Double, level: UInt8, minimumInk: Double,
        minimumHeight: Double = 20,
        weighDarkness: Bool = false
    ) -> PixelRect? {
        guard
            let members = valueLine(
                in: image, zone: zone, unit: unit, level: level, minimumInk: minimumInk, minimumHeight: minimumHeight,
                weighDarkness: weighDarkness)
        else { return nil }
        return members.dropFirst().reduce(members[0].box) { $0.union($1.box) }
    }

    /// The blobs of the value's line, left to right (never empty). `wholeLine`: all of the line's blobs,
    /// before the runs apart from the value (a seal's, a label's) are left out.
    static func valueLine(
        in image: GrayImage, zone: PixelRect, unit: Double, level: UInt8, minimumInk: Double,
        minimumHeight: Double = 20,
        weighDarkness: Bool = false, wholeLine: Bool = false
    ) -> [Blob]? {
        let minimumBlob = max(4, Int(14 * unit * unit))
        var ink = image.pixels.map { $0 < level }
        // Table rules and box borders touch values and join the grid into one blob: erase every run of
        // ink longer than any stroke of a character (across: 120 px, down: 90 px at 300 dpi).
        eraseRules(&ink, width: image.width, height: image.height, across: Int(120 * unit), down: Int(90 * unit))
        let blobsInColumns = Self.blobs(
            ink: &ink, width: image.width, height: image.height, darkness: weighDarkness ? (image, level) : nil
        ).filter { blob in
            guard blob.pixels >= minimumBlob else { return false }
            // What is left of a rule past its halo: a sliver one or two pixels thin.
            let thin = min(blob.box.width, blob.box.height)
            if thin <= 2 && max(blob.box.width, blob.box.height) >= 8 * thin { return false }
            // A seal's ring (or a stamp's frame) is far taller than a line of the zone: as "the tallest
            // blob" it would start a line and pull the value into a box with the seal.
            if blob.box.height > zone.height { return false }
            return blob.box.midX >= Double(zone.x) && blob.box.midX <= Double(zone.maxX)
        }
        let blobs = blobsInColumns.filter { zone.containsCentre(of: $0.box) }
        guard !blobs.isEmpty else { return nil }

        // Text lines: blobs whose vertical extents overlap, grown from the tallest blob down.
        // A blob joins a line by overlapping the rows of the line's first (tallest) blob, not the line's
        // grown box: else small marks one above the other (the dashes of a seal's ring) chain into a
        // line many rows high.
        // Each line's ink in blobs of a character's size is counted apart (`glyphInk`): a seal's star and
        // arcs, taller than any character, outweighed a total's figures in the line beneath them.
        let glyphHeight = Int(glyphHeightLimit * unit)
        func glyphInk(_ blob: Blob) -> Int { blob.box.height <= glyphHeight ? blob.mass : 0 }
        var lines: [(box: PixelRect, pixels: Int, glyphInk: Int, blobs: [Blob])] = []
        var cores: [PixelRect] = []
        for blob in blobs.sorted(by: { $0.box.height > $1.box.height }) {
            if let index = cores.firstIndex(where: { core in
                let overlap = min(core.maxY, blob.box.maxY) - max(core.y, blob.box.y)
                return overlap * 2 >= min(core.height, blob.box.height)
            }) {
                lines[index].box = lines[index].box.union(blob.box)
                lines[index].pixels += blob.pixels
                lines[index].glyphInk += glyphInk(blob)
                lines[index].blobs.append(blob)
            } else {
                lines.append((blob.box, blob.pixels, glyphInk(blob), [blob]))
                cores.append(blob.box)
            }
        }
        // A glyph broken at a thin stroke (the top bar of a light "5") is two blobs one above the other,
        // too far apart in height to share a line: parts stacked in the same columns, with less space
        // between them than the smaller part is high, are one line.
        var merged = true
        while merged {
            merged = false
            search: for first in lines.indices {
                for second in lines.indices where second > first {
                    let a = lines[first].box
                    let b = lines[second].box
                    let across = min(a.maxX, b.maxX) - max(a.x, b.x)
                    let gap = max(a.y, b.y) - min(a.maxY, b.maxY)
                    // Two parts of one glyph make one glyph's height; a label above a value (税率 over 13%)
                    // makes two lines' and stays apart.
                    // Where together they are no wider than high and no taller than a figure (not a seal's
                    // ring in pieces), the gap is measured against
                    // the larger part: a faint photographed "2" broke into its curve (14 px high) and its foot
                    // (8 px), 5 px apart; and parts whose rows overlap by less than half the smaller one's
                    // height (a "5" in two, 3 px shared) are stacked too.
                    let whole = a.union(b)
                    let oneGlyph = whole.width <= whole.height && Double(whole.height) <= 45 * unit
                    guard across * 2 >= min(a.width, b.width),
                        oneGlyph
                            ? gap >= -min(a.height, b.height) / 2 && gap <= max(a.height, b.height) / 2
                            : gap >= 0 && gap <= min(a.height, b.height) / 2,
                        a.union(b).height <= max(a.height, b.height) * 2
                    else { continue }
                    lines[first] = (
                        a.union(b), lines[first].pixels + lines[second].pixels,
                        lines[first].glyphInk + lines[second].glyphInk,
                        lines[first].blobs + lines[second].blobs
                    )
                    lines.remove(at: second)
                    merged = true
                    break search
                }
            }
        }
        // Where every line has three glyphs or more, only the ink standing on each line's baseline is
        // weighed (`alignedInk`): a G4 scan's seal under a total, its dashes following the ring in the
        // zone's lower rows, outweighed the figures 30393.20 above it.
        let glyphBlobs = lines.map { $0.blobs.filter { $0.box.height <= glyphHeight } }
        let weighAligned = lines.count > 1 && glyphBlobs.allSatisfy { $0.count >= 3 }
        let weights = lines.indices.map { weighAligned ? alignedInk(glyphBlobs[$0]) : lines[$0].glyphInk }
        guard let best = lines.indices.max(by: { (weights[$0], lines[$0].pixels) < (weights[$1], lines[$1].pixels) })
        else { return nil }
        let line = lines[best]
        if FieldExtractor.trace {
            FieldExtractor.tracePrint(
                "TRACE ink zone \(zone) unit \(unit) level \(level) lines \(lines.indices.map { "\(lines[$0].box) \(lines[$0].pixels)px (\(lines[$0].glyphInk) in glyphs\(weighAligned ? ", \(weights[$0]) aligned" : ""))" })"
            )
        }
        // Too little ink for a character (a stray mark, the tail of a neighbouring line). A thin face's
        // "1" alone is a stem three pixels wide: 55 pixels of ink at 300 dpi on a colour scan (a receipts
        // count left empty); a stroke at least three times as tall as wide, of a figure's height, is one.
        // So is one figure of a thin face on its own (a count's 6 on a 200 dpi colour scan: 12×14 pixels,
        // 42 of ink, 95 at 300 dpi): no wider than high, of a figure's height.
        let stroke =
            line.box.width * 3 <= line.box.height && Double(line.box.height) <= 45 * unit
            && line.pixels >= Int(40 * unit * unit)
        let figure =
            line.box.width <= line.box.height && Double(line.box.height) <= 45 * unit
            && line.pixels >= Int(70 * unit * unit)
        guard line.pixels >= Int(minimumInk * unit * unit) || stroke || figure,
            line.box.height >= Int(minimumHeight * unit)
        else {
            if FieldExtractor.trace {
                FieldExtractor.tracePrint("TRACE ink line \(line.box) \(line.pixels) px: too little for a character")
            }
            return nil
        }
        var members = blobs.filter { blob in
            let overlap = min(line.box.maxY, blob.box.maxY) - max(line.box.y, blob.box.y)
            return overlap * 2 >= blob.box.height
        }.sorted { $0.box.x < $1.box.x }
        // Blobs taller than any character (a seal's arc in a black-and-white scan, where its red is black)
        // make the line look far taller than its glyphs: the glyphs' own height is that of the tallest
        // blob a character can be.
        let glyphSized = members.filter { $0.box.height <= glyphHeight }
        let textHeight = glyphSized.map(\.box.height).max() ?? line.box.height
        // A value printed low (or high) and at a slight slant has the centres of its last (or first) glyphs
        // outside the zone's rows: a header's 043383580355 was cut to 0433, and the invoice number and date
        // under it alike. The line goes on through glyph-sized blobs beside its own, in their rows.
        members = Self.continuing(
            members,
            through: blobsInColumns.filter { !zone.containsCentre(of: $0.box) && $0.box.height <= glyphHeight },
            gap: max(2, textHeight / 2))
        // The label's colon (two dots) can reach into the zone when the value is printed close to it:
        // small blobs at the start, far from the rest, are not part of the value.
        if let firstTall = members.firstIndex(where: { $0.box.height * 2 >= textHeight }), firstTall > 0 {
            let leadingEnd = members[..<firstTall].map(\.box.maxX).max()!
            if Double(members[firstTall].box.x - leadingEnd) > Double(textHeight) * 0.5 {
                members.removeFirst(firstTall)
            }
        }
        if wholeLine { return members }
        // A seal's arcs beside the value (a black-and-white scan: the seal over the seller's tax ID) share
        // its rows and would pull it into a box with the seal, or, taller than its glyphs, leave the glyphs
        // looking like a colon: of the runs of glyphs apart from each other, the one with the most ink in
        // blobs of a character's size is the value.
        if glyphSized.count < members.count {
            return heaviestRun(of: members, gap: textHeight * 3 / 2) { $0.box.height <= glyphHeight }
        }
        // Above the usual level a seal's leftover text (colour scans: dropped to light grey) is ink too,
        // and joins the value's line when it lies in the same rows: only the run of glyphs with the most
        // ink, each within one and a half line heights of the next, is the value.
        if level > inkLevel { return heaviestRun(of: members, gap: line.box.height * 3 / 2) }
        // A seal's text, black in a black-and-white scan, in the value's rows but far from it (a seller's
        // name read with the seal's 上六 after it): no value has a gap of three characters inside it.
        return heaviestRun(of: members, gap: textHeight * 3)
    }

    /// `line` (left to right) with the blobs of `others` that continue it: each within `gap` of one of the
    /// line's blobs, beside it, and sharing at least half of the smaller one's rows, blob by blob from the
    /// line's ends. A label above or below a value shares none of its glyphs' rows.
    static func continuing(_ line: [Blob], through others: [Blob], gap: Int) -> [Blob] {
        func continues(_ a: PixelRect, _ b: PixelRect) -> Bool {
            let apart = max(b.x - a.maxX, a.x - b.maxX)
            let overlap = min(a.maxY, b.maxY) - max(a.y, b.y)
            return apart <= gap && overlap * 2 >= min(a.height, b.height)
        }
        var line = line
        var rest = others
        var grown = !rest.isEmpty
        while grown {
            grown = false
            for (index, blob) in rest.enumerated().reversed()
            where line.contains(where: { continues($0.box, blob.box) }) {
                line.append(blob)
                rest.remove(at: index)
                grown = true
            }
        }
        return line.sorted { $0.box.x < $1.box.x }
    }

    /// The tallest a blob of one character (or of a few touching) can be, in pixels at 300 dpi: values'
    /// glyphs are 25–40 high; a seal's ring cut by the zone is taller.
    static let glyphHeightLimit = 50.0

    /// The run of `members` (left to right) with the most ink whose neighbours are at most `gap` apart.
    /// Only the blobs that `counts` are weighed, and, where there are several runs, only those standing on
    /// the run's baseline (`alignedInk`).
    static func heaviestRun(of members: [Blob], gap: Int, counts: (Blob) -> Bool = { _ in true }) -> [Blob] {
        var runs: [[Blob]] = []
        var reach = Int.min
        for member in members {
            if member.box.x > reach + gap || runs.isEmpty { runs.append([]) }
            runs[runs.count - 1].append(member)
            reach = max(reach, member.box.maxX)
        }
        guard runs.count > 1 else { return runs[0] }
        let counted = runs.map { $0.filter(counts) }
        // Feet line up or not only among three blobs or more: with a shorter run (3%, two dashes of a ring)
        // every run is weighed whole.
        let aligned = counted.allSatisfy { $0.count >= 3 }
        let weights = counted.map { aligned ? alignedInk($0) : $0.reduce(0) { $0 + $1.mass } }
        return runs[weights.indices.max { weights[$0] < weights[$1] }!]
    }

    /// The most ink of the run's blobs whose feet stand on one baseline, within a quarter of the median
    /// blob's height: a value's glyphs stand on one line, a seal's dashes follow its arc (a G4 scan's ring
    /// beside a total printed in a thin face outweighed the figures, 7523.01, with its heavy dashes). The
    /// baseline is the one the most ink stands on, not the median foot: a value inside a seal shares its
    /// run with the seal's characters, whose feet follow the ring.
    static func alignedInk(_ run: [Blob]) -> Int {
        guard !run.isEmpty else { return 0 }
        let tolerance = max(3, run.map(\.box.height).sorted()[run.count / 2] / 4)
        return run.map { base in
            run.filter { abs($0.box.maxY - base.box.maxY) <= tolerance }.reduce(0) { $0 + $1.mass }
        }.max()!
    }

    /// Clears horizontal runs of at least `across` and vertical runs of at least `down` inked pixels
    /// (both found before either is cleared).
    static func eraseRules(_ ink: inout [Bool], width: Int, height: Int, across: Int, down: Int) {
        // The blurred edge of a rule is ink too, but in runs too short to count: the two pixels on
        // either side of every rule pixel go with it.
        let halo = 2
        var rule = [Bool](repeating: false, count: ink.count)
        var run = [Int](repeating: 0, count: width)
        // Every pixel of every zone passes here twice (the profile's second-largest item after
        // rotation): buffers without bounds checks, indices kept in range by the loops.
        ink.withUnsafeMutableBufferPointer { ink in
            rule.withUnsafeMutableBufferPointer { rule in
                run.withUnsafeMutableBufferPointer { run in
                    for y in 0..<height {
                        let base = y * width
                        var start = 0
                        for x in 0...width {
                            if x < width && ink[base + x] { continue }
                            if x - start >= across {
                                for row in max(0, y - halo)...min(height - 1, y + halo) {
                                    for i in start..<x { rule[row * width + i] = true }
                                }
                            }
                            start = x + 1
                        }
                    }
                    // Vertical runs, counted row by row (a column-by-column walk strides through memory).
                    for y in 0...height {
                        let base = y * width
                        for x in 0..<width {
                            if y < height && ink[base + x] {
                                run[x] += 1
                                continue
                            }
                            if run[x] >= down {
                                for i in (y - run[x])..<y {
                                    for column in max(0, x - halo)...min(width - 1, x + halo) {
                                        rule[i * width + column] = true
                                    }
                                }
                            }
                            run[x] = 0
                        }
                    }
                    for index in 0..<ink.count where rule[index] { ink[index] = false }
                }
            }
        }
    }

    /// 8-connected blobs of ink; clears `ink` as it goes. With `darkness`, each blob's mass weighs its
    /// pixels by how far below the level they lie; else it is its pixels.
    static func blobs(ink: inout [Bool], width: Int, height: Int, darkness: (image: GrayImage, level: UInt8)? = nil)
        -> [Blob]
    {
        let image = darkness?.image
        let level = Int(darkness?.level ?? 0)
        var result: [Blob] = []
        var stack: [Int] = []
        for start in ink.indices where ink[start] {
            ink[start] = false
            stack.append(start)
            var minX = Int.max
            var minY = Int.max
            var maxX = Int.min
            var maxY = Int.min
            var count = 0
            var mass = 0
            while let index = stack.popLast() {
                count += 1
                if let image { mass += max(1, level - Int(image.pixels[index])) } else { mass += 1 }
                let x = index % width
                let y = index / width
                minX = min(minX, x)
                maxX = max(maxX, x)
                minY = min(minY, y)
                maxY = max(maxY, y)
                for dy in -1...1 {
                    let ny = y + dy
                    guard ny >= 0, ny < height else { continue }
                    for dx in -1...1 {
                        let nx = x + dx
                        guard nx >= 0, nx < width else { continue }
                        let neighbour = ny * width + nx
                        if ink[neighbour] {
                            ink[neighbour] = false
                            stack.append(neighbour)
                        }
                    }
                }
            }
            result.append(
                Blob(
                    box: PixelRect(x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1), pixels: count,
                    mass: mass))
        }
        return result
    }
}
