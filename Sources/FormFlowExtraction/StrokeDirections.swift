import Foundation

/// What a glyph classifier compares.
public enum GlyphFeatures: Sendable, Hashable {
    /// The share of ink in each cell of a 20×20 grid, smoothed (`Glyph.features`). Cheap, and enough for
    /// the closed alphabets the forms print in their own typeface (figures, capitals, form words).
    case inkDensity
    /// Which way the strokes' edges run, in 8 directions, pooled over an 8×8 grid (`Glyph.strokeDirections`).
    /// Far less tied to one typeface than ink density: on ~280 name characters drawn in faces the
    /// prototypes leave out (AR PL SungtiL / KaitiM, Noto Serif CJK), at 30 px grey and 20 px bilevel,
    /// the nearest character was the right one for 92–99% of glyphs against 23–85% with ink density,
    /// and for 55–92% (against 3–54%) it was clearly nearest (every other ≥ 1.18× as far), while the
    /// nearest wrong character was that clearly nearest for at most 0.4% (ink density: 1.1%)
    /// (tools/glyphs/compare_features.py).
    case strokeDirection

    /// Features per glyph.
    var width: Int {
        switch self {
        case .inkDensity: GlyphClassifier.grid * GlyphClassifier.grid
        case .strokeDirection: StrokeDirections.directions * StrokeDirections.cells * StrokeDirections.cells
        }
    }

    /// A feature's value as stored in a byte: ink shares run 0…1; direction features, unit vectors of
    /// 512 values, rarely exceed 0.25 (a larger one is clipped), so they are kept at four times the resolution.
    var scale: Float {
        switch self {
        case .inkDensity: 255
        case .strokeDirection: 1024
        }
    }

    /// How much a difference in the log of the aspect ratio adds to a squared distance (shape alone
    /// cannot tell a narrow fragment, 亻, blown up to full size from a whole glyph).
    var aspectWeight: Float {
        switch self {
        case .inkDensity: 4
        case .strokeDirection: 0.04
        }
    }

    func of(_ glyph: Glyph) -> [Float] {
        switch self {
        case .inkDensity: glyph.features()
        case .strokeDirection: StrokeDirections.features(of: glyph)
        }
    }
}

/// Gradient-direction features, the standard description of printed and written Chinese characters:
/// the glyph is scaled into a 32×32 square (aspect kept, centred, anti-aliased), each pixel's Sobel
/// gradient is split between its two nearest of 8 directions, and each direction's plane is pooled
/// with a Gaussian onto an 8×8 grid. The square roots of the 512 sums, as a unit vector.
enum StrokeDirections {
    static let size = 32
    static let cells = 8
    static let directions = 8

    /// For each pixel coordinate, the cells it is pooled into and its Gaussian weight there (σ half a
    /// cell; beyond 3σ left out).
    static let cellTaps: [[(cell: Int, weight: Float)]] = {
        let cellSize = Float(size / cells)
        let sigma = cellSize / 2
        return (0..<size).map { i in
            (0..<cells).compactMap { cell in
                let d = Float(i) - ((Float(cell) + 0.5) * cellSize - 0.5)
                return abs(d) <= 3 * sigma ? (cell, exp(-d * d / (2 * sigma * sigma))) : nil
            }
        }
    }()

    static func features(of glyph: Glyph) -> [Float] {
        let image = normalised(glyph)
        let n = size
        var pooled = [Float](repeating: 0, count: directions * cells * cells)
        let sector = Float(directions) / (2 * Float.pi)
        let taps = cellTaps
        // The image with a blank border, so the Sobel sums need no edge checks.
        let p = n + 2
        var padded = [Float](repeating: 0, count: p * p)
        for y in 0..<n { for x in 0..<n { padded[(y + 1) * p + x + 1] = image[y * n + x] } }
        padded.withUnsafeBufferPointer { g in
            pooled.withUnsafeMutableBufferPointer { out in
                for y in 0..<n {
                    for x in 0..<n {
                        let c = (y + 1) * p + x + 1
                        let gx =
                            (g[c - p + 1] + 2 * g[c + 1] + g[c + p + 1]) - (g[c - p - 1] + 2 * g[c - 1] + g[c + p - 1])
                        let gy =
                            (g[c + p - 1] + 2 * g[c + p] + g[c + p + 1]) - (g[c - p - 1] + 2 * g[c - p] + g[c - p + 1])
                        let magnitude = (gx * gx + gy * gy).squareRoot()
                        guard magnitude > 0 else { continue }
                        var angle = atan2(gy, gx)
                        if angle < 0 { angle += 2 * Float.pi }
                        let position = angle * sector
                        let lower = Int(position) % directions
                        let upper = (lower + 1) % directions
                        let share = position - Float(Int(position))
                        for (cy, wy) in taps[y] {
                            for (cx, wx) in taps[x] {
                                let weight = wy * wx * magnitude
                                out[(lower * cells + cy) * cells + cx] += weight * (1 - share)
                                out[(upper * cells + cy) * cells + cx] += weight * share
                            }
                        }
                    }
                }
            }
        }
        var norm: Float = 0
        for k in pooled.indices {
            pooled[k] = pooled[k].squareRoot()
            norm += pooled[k] * pooled[k]
        }
        guard norm > 0 else { return pooled }
        let inverse = 1 / norm.squareRoot()
        return pooled.map { $0 * inverse }
    }

    /// The glyph's ink (1) in a `size`² square, scaled to leave a 2-pixel margin, aspect kept, centred;
    /// resampled with a triangle filter as wide as the scale needs (anti-aliased either way).
    static func normalised(_ glyph: Glyph) -> [Float] {
        let n = size
        var canvas = [Float](repeating: 0, count: n * n)
        guard glyph.width > 0, glyph.height > 0 else { return canvas }
        let scale = Float(n - 4) / Float(max(glyph.width, glyph.height))
        let outWidth = max(1, Int((Float(glyph.width) * scale).rounded()))
        let outHeight = max(1, Int((Float(glyph.height) * scale).rounded()))
        let columnTaps = taps(from: glyph.width, to: outWidth)
        let rowTaps = taps(from: glyph.height, to: outHeight)
        // Rows first (each source row resampled across), then columns.
        var across = [Float](repeating: 0, count: glyph.height * outWidth)
        glyph.ink.withUnsafeBufferPointer { ink in
            for y in 0..<glyph.height {
                for (x, taps) in columnTaps.enumerated() {
                    var sum: Float = 0
                    for (source, weight) in taps where ink[y * glyph.width + source] { sum += weight }
                    across[y * outWidth + x] = sum
                }
            }
        }
        let left = (n - outWidth) / 2
        let top = (n - outHeight) / 2
        for (y, taps) in rowTaps.enumerated() {
            for x in 0..<outWidth {
                var sum: Float = 0
                for (source, weight) in taps { sum += across[source * outWidth + x] * weight }
                canvas[(top + y) * n + left + x] = sum
            }
        }
        return canvas
    }

    /// For each output coordinate, the source coordinates and their normalised triangle weights.
    private static func taps(from source: Int, to target: Int) -> [[(Int, Float)]] {
        let ratio = Float(source) / Float(target)
        let support = max(1, ratio)
        return (0..<target).map { t in
            let centre = (Float(t) + 0.5) * ratio - 0.5
            let first = max(0, Int((centre - support).rounded(.down)))
            let last = min(source - 1, Int((centre + support).rounded(.up)))
            var taps: [(Int, Float)] = []
            var total: Float = 0
            if first <= last {
                for s in first...last {
                    let weight = max(0, 1 - abs(Float(s) - centre) / support)
                    if weight > 0 {
                        taps.append((s, weight))
                        total += weight
                    }
                }
            }
            if total == 0 { return [(min(source - 1, max(0, Int(centre.rounded()))), 1)] }
            return taps.map { ($0.0, $0.1 / total) }
        }
    }
}
