import FormFlowCore

/// Finds the ruled box printed on a form (the border around its table) in a reduced gray copy of a
/// deskewed page. The box is where the printer put everything else, so its corners register the page
/// onto the template without reading a single label: a few milliseconds instead of a page of Chinese OCR.
public enum FrameFinder {
    /// A straight rule: `position` is its row (horizontal) or column (vertical), `start...end` its extent.
    public struct Rule: Sendable, Hashable {
        public var position: Int
        public var start: Int
        public var end: Int
        public var length: Int { end - start + 1 }
    }

    /// Darker than this is ink (0 black … 255 white).
    static let inkLevel: UInt8 = 170

    /// The outer ruled box: the topmost and bottommost long horizontal rules of about the same extent,
    /// closed by vertical rules at both ends. `nil` when the page has no such box (not a form, cut off,
    /// or too damaged): the caller then falls back to reading the labels.
    public static func frame(in image: GrayImage) -> PixelRect? {
        let long = horizontalRules(in: image, minimumLength: image.width * 2 / 5)
        guard let longest = long.max(by: { $0.length < $1.length }) else { return nil }
        let slack = max(4, longest.length / 30)
        let alike = long.filter { abs($0.start - longest.start) <= slack && abs($0.end - longest.end) <= slack }
        guard let top = alike.min(by: { $0.position < $1.position }),
            let bottom = alike.max(by: { $0.position < $1.position }),
            bottom.position - top.position >= image.height / 8
        else { return nil }
        let left = (top.start + bottom.start) / 2
        let right = (top.end + bottom.end) / 2
        // Both sides must be ruled too, or two long lines of text could pass for a box.
        let height = bottom.position - top.position
        let verticals = verticalRules(in: image, minimumLength: height * 4 / 5)
        func closed(at x: Int) -> Bool {
            verticals.contains { rule in
                abs(rule.position - x) <= slack && rule.start <= top.position + slack
                    && rule.end >= bottom.position - slack
            }
        }
        guard closed(at: left), closed(at: right) else { return nil }
        return PixelRect(x: left, y: top.position, width: right - left, height: height)
    }

    /// Horizontal rules at least `minimumLength` long. A row counts as inked where any of three
    /// neighbouring rows is, so a rule left slightly slanted by deskewing stays one run; gaps of up
    /// to three pixels (scanner noise, JPEG) are bridged, and a run must be mostly ink.
    public static func horizontalRules(in image: GrayImage, minimumLength: Int) -> [Rule] {
        let ink = image.pixels.map { $0 < inkLevel }
        let width = image.width
        return runs(count: image.height, along: width, minimumLength: minimumLength) { row, column in
            ink[row * width + column]
        }
    }

    /// Vertical rules at least `minimumLength` long, found as `horizontalRules` finds rows.
    public static func verticalRules(in image: GrayImage, minimumLength: Int) -> [Rule] {
        let ink = image.pixels.map { $0 < inkLevel }
        let width = image.width
        return runs(count: width, along: image.height, minimumLength: minimumLength) { column, row in
            ink[row * width + column]
        }
    }

    /// Scans `count` lines of `along` pixels each; `isInk(line, offset)`.
    private static func runs(
        count: Int, along: Int, minimumLength: Int, isInk: (Int, Int) -> Bool
    ) -> [Rule] {
        guard count > 2, along > 0, minimumLength > 0 else { return [] }
        let gapAllowed = 3
        var segments: [Rule] = []
        var inked = [Bool](repeating: false, count: along)
        for line in 1..<(count - 1) {
            for offset in 0..<along {
                inked[offset] = isInk(line - 1, offset) || isInk(line, offset) || isInk(line + 1, offset)
            }
            var start: Int? = nil
            var last = 0
            var filled = 0
            for offset in 0...along {
                let ink = offset < along && inked[offset]
                if ink {
                    if start == nil {
                        start = offset
                        filled = 0
                    }
                    last = offset
                    filled += 1
                } else if let begin = start, offset - last > gapAllowed || offset == along {
                    let length = last - begin + 1
                    if length >= minimumLength, filled * 10 >= length * 9 {
                        segments.append(Rule(position: line, start: begin, end: last))
                    }
                    start = nil
                }
            }
        }
        // The rows (or columns) a thick rule covers become one rule, at their middle.
        var rules: [Rule] = []
        var group: [Rule] = []
        func flush() {
            guard !group.isEmpty else { return }
            let positions = group.map(\.position)
            rules.append(
                Rule(
                    position: (positions.min()! + positions.max()!) / 2, start: group.map(\.start).min()!,
                    end: group.map(\.end).max()!))
            group = []
        }
        for segment in segments {
            if let previous = group.last, segment.position - previous.position > 1
                || min(segment.end, previous.end) - max(segment.start, previous.start) < segment.length / 2
            {
                flush()
            }
            group.append(segment)
        }
        flush()
        return rules
    }
}
