import Foundation

/// A point in page pixels (x to the right, y down).
public struct PagePoint: Hashable, Sendable, Codable {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    public func distance(to other: PagePoint) -> Double {
        ((x - other.x) * (x - other.x) + (y - other.y) * (y - other.y)).squareRoot()
    }
}

/// Four corners of something rectangular seen at a slant: top left, top right, bottom right, bottom left.
public struct Quadrilateral: Hashable, Sendable, Codable {
    public var topLeft: PagePoint
    public var topRight: PagePoint
    public var bottomRight: PagePoint
    public var bottomLeft: PagePoint

    public init(topLeft: PagePoint, topRight: PagePoint, bottomRight: PagePoint, bottomLeft: PagePoint) {
        self.topLeft = topLeft
        self.topRight = topRight
        self.bottomRight = bottomRight
        self.bottomLeft = bottomLeft
    }

    public var corners: [PagePoint] { [topLeft, topRight, bottomRight, bottomLeft] }

    /// The mean length of the top and bottom sides, and of the left and right ones.
    public var meanWidth: Double { (topLeft.distance(to: topRight) + bottomLeft.distance(to: bottomRight)) / 2 }
    public var meanHeight: Double { (topLeft.distance(to: bottomLeft) + topRight.distance(to: bottomRight)) / 2 }

    /// The same corners with every coordinate multiplied by `factor` (from a reduced copy to the page).
    public func scaled(by factor: Double) -> Quadrilateral {
        func scale(_ point: PagePoint) -> PagePoint { PagePoint(x: point.x * factor, y: point.y * factor) }
        return Quadrilateral(
            topLeft: scale(topLeft), topRight: scale(topRight), bottomRight: scale(bottomRight), bottomLeft: scale(bottomLeft))
    }

    /// Degrees the top side is turned from the horizontal (positive: clockwise, as y grows down).
    public var rotationDegrees: Double {
        atan2(topRight.y - topLeft.y, topRight.x - topLeft.x) * 180 / .pi
    }

    /// How far the shape is from a rectangle, as the largest difference in degrees between opposite
    /// sides' directions: 0 for a rectangle at any rotation, a few degrees for a photo at a slant.
    public var keystoneDegrees: Double {
        func direction(_ from: PagePoint, _ to: PagePoint) -> Double { atan2(to.y - from.y, to.x - from.x) * 180 / .pi }
        let top = direction(topLeft, topRight)
        let bottom = direction(bottomLeft, bottomRight)
        let left = direction(topLeft, bottomLeft)
        let right = direction(topRight, bottomRight)
        return max(abs(top - bottom), abs(left - right))
    }
}

/// A projective transform of the plane (a 3×3 matrix with its last element 1): what maps a page seen at
/// a slant onto the page seen straight, given four corners and where they belong.
public struct Homography: Sendable, Hashable {
    /// Row-major h11 h12 h13 h21 h22 h23 h31 h32 (h33 = 1).
    public let coefficients: [Double]

    /// The transform taking each of `source`'s four points to the matching one of `target`; nil when three
    /// of them lie on a line.
    public init?(from source: [PagePoint], to target: [PagePoint]) {
        guard source.count == 4, target.count == 4 else { return nil }
        // Two equations per point pair in the eight unknowns; solved by Gaussian elimination.
        var matrix: [[Double]] = []
        for (s, t) in zip(source, target) {
            matrix.append([s.x, s.y, 1, 0, 0, 0, -t.x * s.x, -t.x * s.y, t.x])
            matrix.append([0, 0, 0, s.x, s.y, 1, -t.y * s.x, -t.y * s.y, t.y])
        }
        for column in 0..<8 {
            guard let pivot = (column..<8).max(by: { abs(matrix[$0][column]) < abs(matrix[$1][column]) }),
                abs(matrix[pivot][column]) > 1e-9
            else { return nil }
            matrix.swapAt(column, pivot)
            for row in 0..<8 where row != column {
                let factor = matrix[row][column] / matrix[column][column]
                if factor == 0 { continue }
                for k in column..<9 { matrix[row][k] -= factor * matrix[column][k] }
            }
        }
        coefficients = (0..<8).map { matrix[$0][8] / matrix[$0][$0] }
    }

    public func map(_ point: PagePoint) -> PagePoint {
        let h = coefficients
        let w = h[6] * point.x + h[7] * point.y + 1
        return PagePoint(x: (h[0] * point.x + h[1] * point.y + h[2]) / w, y: (h[3] * point.x + h[4] * point.y + h[5]) / w)
    }
}

extension GrayImage {
    /// A new `width` × `height` image whose pixel (x, y) is this image's at `sourceOf(x, y)`, by bilinear
    /// interpolation; white outside this image. `sourceOf` is the inverse of the rectifying transform.
    public func warped(width: Int, height: Int, sourceOf transform: Homography) -> GrayImage {
        var output = [UInt8](repeating: 255, count: width * height)
        let h = transform.coefficients
        let maxX = Double(self.width - 1)
        let maxY = Double(self.height - 1)
        pixels.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                for y in 0..<height {
                    let fy = Double(y)
                    // Along a row the numerators and denominator change by a constant step.
                    var u = h[1] * fy + h[2]
                    var v = h[4] * fy + h[5]
                    var w = h[7] * fy + 1
                    for x in 0..<width {
                        let sx = u / w
                        let sy = v / w
                        u += h[0]
                        v += h[3]
                        w += h[6]
                        guard sx >= 0, sy >= 0, sx < maxX, sy < maxY else { continue }
                        let x0 = Int(sx)
                        let y0 = Int(sy)
                        let ax = sx - Double(x0)
                        let ay = sy - Double(y0)
                        let index = y0 * self.width + x0
                        let top = Double(source[index]) * (1 - ax) + Double(source[index + 1]) * ax
                        let bottom = Double(source[index + self.width]) * (1 - ax) + Double(source[index + self.width + 1]) * ax
                        target[y * width + x] = UInt8(min(255, max(0, top * (1 - ay) + bottom * ay + 0.5)))
                    }
                }
            }
        }
        return GrayImage(width: width, height: height, pixels: output)
    }
}

extension GrayImage {
    /// The image with its paper made white: every pixel divided by the paper's level around it (the
    /// brightest tenth of each block, interpolated between blocks). A shadow across a photo, a lamp's
    /// falloff or tinted paper then no longer read as ink; ink stays as dark against its own paper.
    public func flattened(block: Int = 64) -> GrayImage {
        guard width >= block, height >= block else { return self }
        let columns = (width + block - 1) / block
        let rows = (height + block - 1) / block
        var levels = [Double](repeating: 255, count: columns * rows)
        var histogram = [Int](repeating: 0, count: 256)
        for by in 0..<rows {
            for bx in 0..<columns {
                for index in 0..<256 { histogram[index] = 0 }
                let x0 = bx * block
                let y0 = by * block
                let x1 = min(width, x0 + block)
                let y1 = min(height, y0 + block)
                for y in y0..<y1 {
                    for x in x0..<x1 { histogram[Int(pixels[y * width + x])] += 1 }
                }
                let wanted = (x1 - x0) * (y1 - y0) / 10
                var seen = 0
                var level = 255
                while level > 0 {
                    seen += histogram[level]
                    if seen >= wanted { break }
                    level -= 1
                }
                levels[by * columns + bx] = Double(max(level, 48))
            }
        }
        // A block that is mostly ink (a seal, a dense line) borrows its brightest neighbour's paper.
        var paper = levels
        for by in 0..<rows {
            for bx in 0..<columns {
                var best = levels[by * columns + bx]
                for ny in max(0, by - 1)...min(rows - 1, by + 1) {
                    for nx in max(0, bx - 1)...min(columns - 1, bx + 1) { best = max(best, levels[ny * columns + nx] * 0.97) }
                }
                paper[by * columns + bx] = best
            }
        }
        var output = [UInt8](repeating: 255, count: width * height)
        for y in 0..<height {
            let fy = min(max((Double(y) + 0.5) / Double(block) - 0.5, 0), Double(rows - 1))
            let r0 = Int(fy)
            let r1 = min(rows - 1, r0 + 1)
            let ay = fy - Double(r0)
            for x in 0..<width {
                let fx = min(max((Double(x) + 0.5) / Double(block) - 0.5, 0), Double(columns - 1))
                let c0 = Int(fx)
                let c1 = min(columns - 1, c0 + 1)
                let ax = fx - Double(c0)
                let top = paper[r0 * columns + c0] * (1 - ax) + paper[r0 * columns + c1] * ax
                let bottom = paper[r1 * columns + c0] * (1 - ax) + paper[r1 * columns + c1] * ax
                let level = top * (1 - ay) + bottom * ay
                output[y * width + x] = UInt8(min(255, Double(pixels[y * width + x]) * 255 / level))
            }
        }
        return GrayImage(width: width, height: height, pixels: output)
    }
}
