import FormFlowCore
import Foundation

/// Finds the four corners of a form's ruled box in a reduced copy of the page, however the page was
/// photographed: at a slant (perspective), turned, in uneven light, on a desk. Pure code over gray
/// pixels, so it is tested with drawn quadrilaterals.
///
/// Ink is thin and darker than the paper on both sides (so a shadow's edge or the page's edge against a
/// desk is not). The box is the largest connected piece of ink that is shaped like a frame: wide, mostly
/// empty inside, not touching the edge of the image, and with paper (not a dark desk) just outside its
/// corners. Its sides are lines fitted to its outermost ink, its corners where they meet; this holds for
/// any turn under 45°.
public enum QuadFinder {
    /// How much darker than its neighbourhood a pixel must be to count as ink.
    static let contrast = 18
    /// The box must be at least this share of the image's width and height.
    static let minimumWidthShare = 0.3
    static let minimumHeightShare = 0.12
    /// A frame of lines covers little of its bounding box; a seal, a shadow or a photo covers much.
    static let maximumFill = 0.3

    public static func find(in image: GrayImage) -> Quadrilateral? {
        boxes(in: image).first
    }

    /// Every frame-shaped piece of ink with paper around it, the likeliest box first: where the first has
    /// no form's proportions (the upper part of a box a seal cut off from its bottom), the next may.
    /// `deepShadows`: ink is also taken where it is only a little darker than paper in a deep shadow
    /// (`contrast(besidePaperAt:)`); for a second look when the first found no box, as the looser rule
    /// also moves the corners of a box found without it by a pixel or two.
    public static func boxes(in image: GrayImage, deepShadows: Bool = false) -> [Quadrilateral] {
        let width = image.width
        let height = image.height
        guard width >= 32, height >= 32 else { return [] }
        let ink = inkMask(image, deepShadows: deepShadows)

        // Connected pieces of ink, with what choosing among them needs. Ink a pixel apart is connected
        // (neighbours within two pixels): a phone photo's thin, blurred box line reduced to an overview
        // breaks into dots, and a box whose bottom side fell apart was fitted with its top side twice.
        var labels = [Int32](repeating: 0, count: width * height)
        var pieces: [Piece] = []
        var stack: [Int] = []
        for start in 0..<(width * height) where ink[start] && labels[start] == 0 {
            var piece = Piece()
            let label = Int32(pieces.count + 1)
            piece.labels = [label]
            labels[start] = label
            stack.append(start)
            while let index = stack.popLast() {
                let x = index % width
                let y = index / width
                piece.count += 1
                piece.minX = min(piece.minX, x)
                piece.maxX = max(piece.maxX, x)
                piece.minY = min(piece.minY, y)
                piece.maxY = max(piece.maxY, y)
                for dy in -2...2 {
                    let ny = y + dy
                    guard ny >= 0, ny < height else { continue }
                    for dx in -2...2 {
                        let nx = x + dx
                        guard nx >= 0, nx < width else { continue }
                        let next = ny * width + nx
                        if ink[next] && labels[next] == 0 {
                            labels[next] = label
                            stack.append(next)
                        }
                    }
                }
            }
            pieces.append(piece)
        }

        func candidates(_ pieces: [Piece]) -> [Piece] {
            pieces.filter { piece in
                let boxWidth = piece.maxX - piece.minX + 1
                let boxHeight = piece.maxY - piece.minY + 1
                return Double(boxWidth) >= minimumWidthShare * Double(width)
                    && Double(boxHeight) >= minimumHeightShare * Double(height)
                    && piece.minX > 1 && piece.minY > 1 && piece.maxX < width - 2 && piece.maxY < height - 2
                    && Double(piece.count) <= maximumFill * Double(boxWidth * boxHeight)
            }.sorted { ($0.maxX - $0.minX) * ($0.maxY - $0.minY) > ($1.maxX - $1.minX) * ($1.maxY - $1.minY) }
        }
        // A box whose side fades in a shadow falls apart into pieces (a top with its right side, a left
        // side with the bottom): when no single piece is a box, the large pieces whose extents overlap
        // are tried as one.
        return (candidates(pieces) + candidates(joinedOverlapping(pieces, width: width, height: height))).compactMap {
            piece in
            guard
                let quad = fittedCorners(
                    of: piece.labels, labels: labels, width: width,
                    box: (piece.minX, piece.minY, piece.maxX, piece.maxY)),
                isConvexAndLarge(quad), paperAround(quad, in: image)
            else { return nil }
            return quad
        }
    }

    /// A connected piece of ink (or several taken as one) and its extent.
    struct Piece {
        var labels: Set<Int32> = []
        var count = 0
        var minX = Int.max, minY = Int.max, maxX = Int.min, maxY = Int.min

        func overlaps(_ other: Piece) -> Bool {
            minX <= other.maxX && other.minX <= maxX && minY <= other.maxY && other.minY <= maxY
        }

        mutating func join(_ other: Piece) {
            labels.formUnion(other.labels)
            count += other.count
            minX = min(minX, other.minX)
            minY = min(minY, other.minY)
            maxX = max(maxX, other.maxX)
            maxY = max(maxY, other.maxY)
        }
    }

    /// Groups of two or more large pieces (a tenth of the image wide or tall) whose extents overlap,
    /// each joined into one piece.
    static func joinedOverlapping(_ pieces: [Piece], width: Int, height: Int) -> [Piece] {
        var groups: [(piece: Piece, members: Int)] = []
        let large = pieces.filter { ($0.maxX - $0.minX) * 10 >= width || ($0.maxY - $0.minY) * 10 >= height }
        for piece in large {
            var joined = (piece: piece, members: 1)
            // A joined group can reach groups it did not overlap before: merge until nothing overlaps.
            var merging = true
            while merging {
                merging = false
                for index in groups.indices.reversed() where groups[index].piece.overlaps(joined.piece) {
                    joined.piece.join(groups[index].piece)
                    joined.members += groups[index].members
                    groups.remove(at: index)
                    merging = true
                }
            }
            groups.append(joined)
        }
        return groups.filter { $0.members > 1 }.map(\.piece)
    }

    /// The box's four sides as straight lines fitted to its outermost ink (the middle 60% of each side,
    /// outliers dropped: a stroke or a seal touching the box), and their intersections as corners.
    static func fittedCorners(of pieceLabels: Set<Int32>, labels: [Int32], width: Int, box: (Int, Int, Int, Int))
        -> Quadrilateral?
    {
        let (minX, minY, maxX, maxY) = box
        // Rough corners first (the extreme points along the diagonals): each side is then sampled only
        // between its own rough corners, away from them, so that a steep perspective's other sides and
        // whatever touches a corner stay out of its fit.
        var extremes = (tl: (Int.max, 0, 0), tr: (Int.min, 0, 0), br: (Int.min, 0, 0), bl: (Int.min, 0, 0))
        for y in minY...maxY {
            for x in minX...maxX where pieceLabels.contains(labels[y * width + x]) {
                if x + y < extremes.tl.0 { extremes.tl = (x + y, x, y) }
                if x - y > extremes.tr.0 { extremes.tr = (x - y, x, y) }
                if x + y > extremes.br.0 { extremes.br = (x + y, x, y) }
                if y - x > extremes.bl.0 { extremes.bl = (y - x, x, y) }
            }
        }
        func inner(_ from: Int, _ to: Int) -> ClosedRange<Int>? {
            let low = min(from, to)
            let high = max(from, to)
            let start = low + (high - low) / 5
            let end = high - (high - low) / 5
            return start < end ? start...end : nil
        }
        var top: [(Double, Double)] = []
        var bottom: [(Double, Double)] = []
        var left: [(Double, Double)] = []
        var right: [(Double, Double)] = []
        for x in inner(extremes.tl.1, extremes.tr.1).map(Array.init) ?? [] {
            if let y = (minY...maxY).first(where: { pieceLabels.contains(labels[$0 * width + x]) }) {
                top.append((Double(x), Double(y)))
            }
        }
        for x in inner(extremes.bl.1, extremes.br.1).map(Array.init) ?? [] {
            if let y = (minY...maxY).reversed().first(where: { pieceLabels.contains(labels[$0 * width + x]) }) {
                bottom.append((Double(x), Double(y)))
            }
        }
        for y in inner(extremes.tl.2, extremes.bl.2).map(Array.init) ?? [] {
            if let x = (minX...maxX).first(where: { pieceLabels.contains(labels[y * width + $0]) }) {
                left.append((Double(y), Double(x)))
            }
        }
        for y in inner(extremes.tr.2, extremes.br.2).map(Array.init) ?? [] {
            if let x = (minX...maxX).reversed().first(where: { pieceLabels.contains(labels[y * width + $0]) }) {
                right.append((Double(y), Double(x)))
            }
        }
        // Top and bottom as y = a·x + b, left and right as x = a·y + b.
        guard let t = robustLine(top), let b = robustLine(bottom), let l = robustLine(left), let r = robustLine(right)
        else { return nil }
        func corner(_ horizontal: (Double, Double), _ vertical: (Double, Double)) -> PagePoint? {
            // y = ha·x + hb and x = va·y + vb.
            let denominator = 1 - horizontal.0 * vertical.0
            guard abs(denominator) > 1e-6 else { return nil }
            let y = (horizontal.0 * vertical.1 + horizontal.1) / denominator
            return PagePoint(x: vertical.0 * y + vertical.1, y: y)
        }
        guard let topLeft = corner(t, l), let topRight = corner(t, r), let bottomRight = corner(b, r),
            let bottomLeft = corner(b, l)
        else { return nil }
        return Quadrilateral(topLeft: topLeft, topRight: topRight, bottomRight: bottomRight, bottomLeft: bottomLeft)
    }

    /// The line v = a·u + b most of `points` lie on: first the line through two of them that most lie
    /// within a few pixels of (a seal or a line of text joined to the box covers part of a side, and a
    /// least-squares fit over all was pulled halfway to them: a photo's box came out 12° askew), then least
    /// squares over those, refitted twice without the points far from the line.
    static func robustLine(_ points: [(Double, Double)]) -> (Double, Double)? {
        guard points.count >= 8 else { return nil }
        let tolerance = 2.5
        let sample = stride(from: 0, to: points.count, by: max(1, points.count / 48)).map { points[$0] }
        let span = (sample.map(\.0).max() ?? 0) - (sample.map(\.0).min() ?? 0)
        var best: (count: Int, a: Double, b: Double)? = nil
        for i in sample.indices {
            for j in sample.indices where j > i && abs(sample[j].0 - sample[i].0) >= span / 4 {
                let a = (sample[j].1 - sample[i].1) / (sample[j].0 - sample[i].0)
                let b = sample[i].1 - a * sample[i].0
                let count = points.reduce(0) { $0 + (abs($1.1 - (a * $1.0 + b)) <= tolerance ? 1 : 0) }
                if count > best?.count ?? 0 { best = (count, a, b) }
            }
        }
        guard let best else { return nil }
        var kept = points.filter { abs($0.1 - (best.a * $0.0 + best.b)) <= tolerance }
        var line: (Double, Double)? = nil
        for _ in 0..<3 {
            guard kept.count >= 8 else { return line }
            let n = Double(kept.count)
            let su = kept.map(\.0).reduce(0, +)
            let sv = kept.map(\.1).reduce(0, +)
            let suu = kept.map { $0.0 * $0.0 }.reduce(0, +)
            let suv = kept.map { $0.0 * $0.1 }.reduce(0, +)
            let denominator = n * suu - su * su
            guard abs(denominator) > 1e-9 else { return line }
            let a = (n * suv - su * sv) / denominator
            let b = (sv - a * su) / n
            line = (a, b)
            let residuals = kept.map { abs($0.1 - (a * $0.0 + b)) }
            let median = residuals.sorted()[residuals.count / 2]
            let limit = max(1.5, 2.5 * median)
            kept = zip(kept, residuals).filter { $0.1 <= limit }.map(\.0)
        }
        // Most of the side must lie on the line: a side made of scattered strokes is no side. (A seal and
        // a line of text over its middle may cover half of a side.)
        guard let fitted = line, Double(kept.count) >= 0.4 * Double(points.count) else { return nil }
        return fitted
    }

    /// Ink: thin dark lines and strokes, darker by `contrast` than the pixels `reach` away on both sides
    /// (left and right, or above and below). A shadow's edge or a page's edge against a dark desk is a
    /// step, dark on one side only, so it is not ink; neither is a shadow itself.
    static func inkMask(_ image: GrayImage, deepShadows: Bool = false) -> [Bool] {
        let width = image.width
        let height = image.height
        let reach = max(3, width / 400)
        var ink = [Bool](repeating: false, count: width * height)
        image.pixels.withUnsafeBufferPointer { pixels in
            for y in reach..<(height - reach) {
                for x in reach..<(width - reach) {
                    let index = y * width + x
                    let pixel = Int(pixels[index])
                    func darker(_ a: Int, _ b: Int) -> Bool {
                        let lighter = min(Int(pixels[a]), Int(pixels[b]))
                        return pixel + (deepShadows ? contrast(besidePaperAt: lighter) : contrast) <= lighter
                    }
                    ink[index] =
                        darker(index - reach, index + reach) || darker(index - reach * width, index + reach * width)
                }
            }
        }
        return ink
    }

    /// How much darker than the paper beside it ink must be: `contrast` on lit paper, less in a deep
    /// shadow, where ink and paper are both dark and lie closer (a photo's box line at 39 beside paper at
    /// 48, against 144 beside 204 in the light): a sixth of the paper's level, at least `minimumContrast`.
    static func contrast(besidePaperAt level: Int) -> Int {
        max(minimumContrast, min(contrast, level / 6))
    }
    static let minimumContrast = 6

    /// The corners in order make a convex shape whose sides are not degenerate.
    static func isConvexAndLarge(_ quad: Quadrilateral) -> Bool {
        let corners = quad.corners
        var sign = 0.0
        for index in 0..<4 {
            let a = corners[index]
            let b = corners[(index + 1) % 4]
            let c = corners[(index + 2) % 4]
            let cross = (b.x - a.x) * (c.y - b.y) - (b.y - a.y) * (c.x - b.x)
            if cross == 0 { return false }
            if sign == 0 { sign = cross } else if (cross > 0) != (sign > 0) { return false }
        }
        return quad.meanWidth > 16 && quad.meanHeight > 16
    }

    /// Just outside the corners is about as light as just inside: paper, not the desk under a page.
    static func paperAround(_ quad: Quadrilateral, in image: GrayImage) -> Bool {
        let centre = PagePoint(
            x: quad.corners.map(\.x).reduce(0, +) / 4, y: quad.corners.map(\.y).reduce(0, +) / 4)
        func mean(at point: PagePoint) -> Double? {
            let x = Int(point.x.rounded())
            let y = Int(point.y.rounded())
            guard x >= 2, y >= 2, x < image.width - 2, y < image.height - 2 else { return nil }
            var sum = 0
            for dy in -2...2 { for dx in -2...2 { sum += Int(image[x + dx, y + dy]) } }
            return Double(sum) / 25
        }
        var outside: [Double] = []
        var inside: [Double] = []
        for corner in quad.corners {
            let dx = corner.x - centre.x
            let dy = corner.y - centre.y
            if let value = mean(at: PagePoint(x: corner.x + 0.04 * dx, y: corner.y + 0.04 * dy)) {
                outside.append(value)
            }
            if let value = mean(at: PagePoint(x: corner.x - 0.04 * dx, y: corner.y - 0.04 * dy)) {
                inside.append(value)
            }
        }
        // Corners outside the image: the box reaches the edge, so it is not a page outline on a desk.
        guard !outside.isEmpty, !inside.isEmpty else { return true }
        let outsideMean = outside.reduce(0, +) / Double(outside.count)
        let insideMean = inside.reduce(0, +) / Double(inside.count)
        return outsideMean >= insideMean - 40
    }
}

/// How a page found at a slant is turned into the template's own geometry: the ruled box's corners are
/// mapped onto the template's `frame`, so scale comes from the box itself, not from the file's width
/// or its DPI claim (a phone says 72 dpi whatever it took).
public struct Rectification: Sendable {
    /// The template whose box proportions the found box has.
    public var template: FormTemplate
    /// Maps a pixel of the rectified page (template space) to the photographed page.
    public var sourceOf: Homography
    public var width: Int
    public var height: Int
    public var dpi: Int

    /// Template space is the blank form at 300 dpi (see the templates' `page`).
    static let templateDPI = 300
    /// How far the box's proportions may be from a template's and still be that form seen at a slant.
    static let proportionTolerance = 0.15

    /// Whether the box is square to the page (within 0.5°), turned less than 4° and at the scale the
    /// page's width implies: what the ruled-box path handles by itself, without resampling. Such a page
    /// is rectified only when that path failed.
    public var straight: Bool

    /// The same form mapped by the same corners (a second look that found what the first did).
    public func sameCorners(as other: Rectification) -> Bool {
        template.form == other.template.form && sourceOf.coefficients == other.sourceOf.coefficients
    }

    /// A plan to map the box onto the template whose proportions it has; nil when it has none's.
    public static func plan(quad: Quadrilateral, pageWidth: Int, templates: [FormTemplate]) -> Rectification? {
        let aspect = quad.meanWidth / quad.meanHeight
        let ranked = templates.compactMap { template -> (FormTemplate, PixelRect, Double)? in
            guard let frame = template.frame else { return nil }
            let expected = Double(frame.width) / Double(frame.height)
            return (template, frame, abs(aspect / expected - 1))
        }.sorted { $0.2 < $1.2 }
        guard let (template, frame, mismatch) = ranked.first, mismatch <= proportionTolerance else { return nil }
        let scale = quad.meanWidth / Double(frame.width)
        let impliedScale = Double(pageWidth) / Double(template.pageWidth)
        let straight =
            quad.keystoneDegrees <= 0.5 && abs(quad.rotationDegrees) <= 4
            && abs(scale / impliedScale - 1) < 0.15 && mismatch <= 0.03
        let target = [
            PagePoint(x: Double(frame.x), y: Double(frame.y)),
            PagePoint(x: Double(frame.maxX), y: Double(frame.y)),
            PagePoint(x: Double(frame.maxX), y: Double(frame.maxY)),
            PagePoint(x: Double(frame.x), y: Double(frame.maxY)),
        ]
        guard let inverse = Homography(from: target, to: quad.corners) else { return nil }
        return Rectification(
            template: template, sourceOf: inverse, width: template.pageWidth, height: template.pageHeight,
            dpi: templateDPI, straight: straight)
    }
}
