import FormFlowCore
import Foundation

/// A similarity transform from template space to page pixels: scale, rotation and shift.
public struct PageTransform: Sendable, Hashable, Codable {
    /// x' = a·x − b·y + tx,  y' = b·x + a·y + ty
    public var a: Double
    public var b: Double
    public var tx: Double
    public var ty: Double

    public init(a: Double, b: Double, tx: Double, ty: Double) {
        self.a = a
        self.b = b
        self.tx = tx
        self.ty = ty
    }

    public static func scaleAndShift(scale: Double, dx: Double, dy: Double) -> PageTransform {
        PageTransform(a: scale, b: 0, tx: dx, ty: dy)
    }

    public var scale: Double { (a * a + b * b).squareRoot() }
    public var rotationDegrees: Double { atan2(b, a) * 180 / .pi }

    public func apply(x: Double, y: Double) -> (x: Double, y: Double) {
        (a * x - b * y + tx, b * x + a * y + ty)
    }

    /// The page rectangle covering a template rectangle (the bounding box of its mapped corners).
    public func map(_ rect: PixelRect) -> PixelRect {
        let corners = [
            apply(x: Double(rect.x), y: Double(rect.y)), apply(x: Double(rect.maxX), y: Double(rect.y)),
            apply(x: Double(rect.x), y: Double(rect.maxY)), apply(x: Double(rect.maxX), y: Double(rect.maxY)),
        ]
        let minX = corners.map(\.x).min()!
        let maxX = corners.map(\.x).max()!
        let minY = corners.map(\.y).min()!
        let maxY = corners.map(\.y).max()!
        return PixelRect(
            x: Int(minX.rounded()), y: Int(minY.rounded()), width: Int((maxX - minX).rounded()),
            height: Int((maxY - minY).rounded()))
    }

    /// Least-squares fit to point pairs (template → page); needs two or more pairs.
    public static func fit(_ pairs: [(template: (x: Double, y: Double), page: (x: Double, y: Double))])
        -> PageTransform?
    {
        guard pairs.count >= 2 else { return nil }
        let n = Double(pairs.count)
        let mx = pairs.map(\.template.x).reduce(0, +) / n
        let my = pairs.map(\.template.y).reduce(0, +) / n
        let mu = pairs.map(\.page.x).reduce(0, +) / n
        let mv = pairs.map(\.page.y).reduce(0, +) / n
        var sxx = 0.0
        var sab = 0.0
        var sbb = 0.0
        for pair in pairs {
            let x = pair.template.x - mx
            let y = pair.template.y - my
            let u = pair.page.x - mu
            let v = pair.page.y - mv
            sxx += x * x + y * y
            sab += x * u + y * v
            sbb += x * v - y * u
        }
        guard sxx > 0 else { return nil }
        let a = sab / sxx
        let b = sbb / sxx
        return PageTransform(a: a, b: b, tx: mu - (a * mx - b * my), ty: mv - (b * mx + a * my))
    }
}

/// Where one anchor was found on the page.
public struct AnchorMatch: Sendable, Hashable {
    public var anchor: AnchorSpec
    public var x: Double
    public var y: Double
}

/// The outcome of registering a page onto a template.
public struct Registration: Sendable {
    public var transform: PageTransform
    public var matched: [AnchorMatch]
    public var missing: [String]
    /// Mean distance in page pixels between where the fitted transform puts the matched anchors and
    /// where they were found.
    public var residual: Double
    /// Registered by the form's ruled box (`FrameRecognizer`) rather than by its labels.
    public var byFrame: Bool = false
    /// Registered by where the values stand, the form's print having been lost (`ValueRegistrar`).
    public var byValues: Bool = false
}

/// Finds a template's printed labels among the words of the layout pass and fits the transform.
///
/// A label may occur more than once (报销人 is also in 报销人签字) and OCR may miss or garble some, so the
/// fit is a small consensus search: every candidate position of every anchor proposes a shift at the
/// scale the page size suggests; the proposal most anchors agree with wins, and the transform is then
/// fitted by least squares to the anchors that agree.
public enum Registrar {
    public static func register(
        template: FormTemplate, symbols: [RecognizedSymbol], pageSize: PixelRect
    ) -> Registration? {
        // Candidate positions of each anchor: where a run of characters on one line spells the label.
        let lines = TextLine.lines(of: symbols)
        var candidates: [[PagePoint]] = []
        for anchor in template.anchors {
            let label = TextMatching.squeeze(anchor.text)
            var found: [PagePoint] = []
            for line in lines {
                guard let match = TextMatching.bestMatch(of: label, in: line.text),
                    match.distance <= TextMatching.tolerance(for: label)
                else { continue }
                let first = min(match.offset, line.symbols.count - 1)
                let run = line.symbols[first..<min(line.symbols.count, first + label.count)]
                let tops = run.map(\.box.y).sorted()
                found.append((Double(line.symbols[first].box.x), Double(tops[tops.count / 2])))
            }
            candidates.append(found)
        }
        let scale0 = Double(pageSize.width) / Double(template.pageWidth)
        guard
            let fit = consensus(
                points: template.anchors.map { (Double($0.x), Double($0.y)) }, candidates: candidates, scale0: scale0,
                tolerance: 25 * scale0, minimum: min(3, template.anchors.count))
        else { return nil }
        let matched = fit.pairs.map { AnchorMatch(anchor: template.anchors[$0.index], x: $0.page.x, y: $0.page.y) }
        let matchedTexts = Set(matched.map(\.anchor.text))
        return Registration(
            transform: fit.transform, matched: matched,
            missing: template.anchors.map(\.text).filter { !matchedTexts.contains($0) }, residual: fit.residual)
    }

    public typealias PagePoint = (x: Double, y: Double)

    /// What the consensus search settled on: the transform, which points (by index) it rests on and
    /// where each was found, and their mean distance from where the transform puts them.
    struct Consensus {
        var transform: PageTransform
        var pairs: [(index: Int, page: PagePoint)]
        var residual: Double
    }

    /// The consensus search behind both ways of registering (by labels, by values): every candidate
    /// position of a point proposes a shift at the page-size scale `scale0`, and every pair of candidates
    /// of two points far apart a similarity; the proposal most points agree with (within `tolerance`
    /// page pixels) wins, and the transform is fitted by least squares to the points that agree.
    static func consensus(
        points: [PagePoint], candidates: [[PagePoint]], scale0: Double, tolerance: Double, minimum: Int
    ) -> Consensus? {
        var found: [(point: Int, x: Double, y: Double)] = []
        for (index, positions) in candidates.enumerated() {
            for position in positions { found.append((index, position.x, position.y)) }
        }
        var best: (count: Int, error: Double, pairs: [(index: Int, page: PagePoint)])? = nil
        func consider(_ transform: PageTransform) {
            guard abs(transform.scale / scale0 - 1) < 0.2, abs(transform.rotationDegrees) < 6 else { return }
            var pairs: [(index: Int, page: PagePoint)] = []
            var error = 0.0
            for (index, point) in points.enumerated() {
                let predicted = transform.apply(x: point.x, y: point.y)
                var nearest: (x: Double, y: Double, d: Double)? = nil
                for candidate in candidates[index] {
                    let d = hypot(candidate.x - predicted.x, candidate.y - predicted.y)
                    if d < (nearest?.d ?? .infinity) { nearest = (candidate.x, candidate.y, d) }
                }
                if let nearest, nearest.d <= tolerance {
                    pairs.append((index, (nearest.x, nearest.y)))
                    error += nearest.d
                }
            }
            if pairs.count > (best?.count ?? 0) || (pairs.count == best?.count && error < best!.error) {
                best = (pairs.count, error, pairs)
            }
        }
        for first in found.indices {
            let p = found[first]
            let pointP = points[p.point]
            // One position at the page-size scale, no rotation.
            consider(.scaleAndShift(scale: scale0, dx: p.x - scale0 * pointP.x, dy: p.y - scale0 * pointP.y))
            for second in found.indices where second > first && found[second].point != p.point {
                let q = found[second]
                let pointQ = points[q.point]
                guard hypot(pointQ.x - pointP.x, pointQ.y - pointP.y) > 300 else { continue }
                if let transform = PageTransform.fit([
                    (template: pointP, page: (p.x, p.y)), (template: pointQ, page: (q.x, q.y)),
                ]) {
                    consider(transform)
                }
            }
        }
        guard let best, best.count >= minimum else { return nil }

        let pairs = best.pairs.map { pair in (template: points[pair.index], page: pair.page) }
        var transform: PageTransform
        if pairs.count >= 3, let fitted = PageTransform.fit(pairs) {
            transform = fitted
        } else {
            // Two points fix a similarity exactly but also amplify their errors: keep the scale the page
            // size suggests and only average the shift.
            let dx = pairs.map { $0.page.x - scale0 * $0.template.x }.reduce(0, +) / Double(pairs.count)
            let dy = pairs.map { $0.page.y - scale0 * $0.template.y }.reduce(0, +) / Double(pairs.count)
            transform = .scaleAndShift(scale: scale0, dx: dx, dy: dy)
        }
        // A fit that scales far from the page size or rotates more than deskewing leaves is a mismatch.
        guard abs(transform.scale / scale0 - 1) < 0.2, abs(transform.rotationDegrees) < 6 else { return nil }
        let residual =
            pairs.map { pair in
                let mapped = transform.apply(x: pair.template.x, y: pair.template.y)
                return hypot(mapped.x - pair.page.x, mapped.y - pair.page.y)
            }.reduce(0, +) / Double(pairs.count)
        return Consensus(transform: transform, pairs: best.pairs, residual: residual)
    }
}

/// Characters of one text line in reading order, punctuation and spaces left out.
public struct TextLine: Sendable {
    public var symbols: [RecognizedSymbol]
    public var text: String { symbols.map(\.text).joined() }

    /// Groups characters into lines (Tesseract's line index), each sorted left to right, keeping only
    /// characters that are not punctuation or space.
    public static func lines(of symbols: [RecognizedSymbol]) -> [TextLine] {
        let kept = symbols.filter { TextMatching.squeeze($0.text).count == 1 }
        return Dictionary(grouping: kept, by: \.line).sorted { $0.key < $1.key }.map { _, members in
            TextLine(symbols: members.sorted { $0.box.x < $1.box.x })
        }
    }
}
