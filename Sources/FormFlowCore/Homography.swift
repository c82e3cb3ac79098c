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
            topLeft: scale(topLeft), topRight: scale(topRight), bottomRight: scale(bottomRight),
            bottomLeft: scale(bottomLeft))
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
        return PagePoint(
            x: (h[0] * point.x + h[1] * point.y + h[2]) / w, y: (h[3] * point.x + h[4] * point.y + h[5]) / w)
    }
}

extension GrayImage {
    /// A new `width` × `height` image whose pixel (x, y) is this image's at `sourceOf(x, y)`, by bilinear
    /// interpolation; white outside this image. `sourceOf` is the inverse of the rectifying transform.
    public func warped(width: Int, height: Int, sourceOf transform: Homography) -> GrayImage {
        warped(PixelRect(x: 0, y: 0, width: width, height: height), sourceOf: transform)
    }

    /// The part `region` of the warped image (`warped(width:height:sourceOf:)`), pixel for pixel the same
    /// as cut from the whole: each pixel's source is worked out from its own coordinates.
    public func warped(_ region: PixelRect, sourceOf transform: Homography) -> GrayImage {
        let width = max(0, region.width)
        let height = max(0, region.height)
        var output = [UInt8](repeating: 255, count: width * height)
        let h = transform.coefficients
        let maxX = Double(self.width - 1)
        let maxY = Double(self.height - 1)
        pixels.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                for y in 0..<height {
                    let fy = Double(region.y + y)
                    let rowU = h[1] * fy + h[2]
                    let rowV = h[4] * fy + h[5]
                    let rowW = h[7] * fy + 1
                    for x in 0..<width {
                        let fx = Double(region.x + x)
                        let w = h[6] * fx + rowW
                        let sx = (h[0] * fx + rowU) / w
                        let sy = (h[3] * fx + rowV) / w
                        guard sx >= 0, sy >= 0, sx < maxX, sy < maxY else { continue }
                        let x0 = Int(sx)
                        let y0 = Int(sy)
                        let ax = sx - Double(x0)
                        let ay = sy - Double(y0)
                        let index = y0 * self.width + x0
                        let top = Double(source[index]) * (1 - ax) + Double(source[index + 1]) * ax
                        let bottom =
                            Double(source[index + self.width]) * (1 - ax) + Double(source[index + self.width + 1]) * ax
                        target[y * width + x] = UInt8(min(255, max(0, top * (1 - ay) + bottom * ay + 0.5)))
                    }
                }
            }
        }
        return GrayImage(width: width, height: height, pixels: output)
    }

    /// The part `rect` of this image warped onto a `page` (its bounds) and flattened, pixel for pixel the
    /// same as cut from the whole page warped and flattened: the part is warped with the flattening's
    /// reach around it (and an even origin, as the paper's level is taken at half the resolution), which
    /// is then cut off. A title band this way costs a twentieth of the page.
    public func warpedAndFlattened(_ rect: PixelRect, page: PixelRect, sourceOf transform: Homography, radius: Int = 30)
        -> GrayImage
    {
        let part = rect.clamped(to: page)
        let reach = Self.flatteningReach(radius: radius)
        let left = max(page.x, (part.x - reach) & ~1)
        let top = max(page.y, (part.y - reach) & ~1)
        let padded = PixelRect(
            x: left, y: top, width: min(page.maxX, part.maxX + reach) - left, height: min(page.maxY, part.maxY + reach) - top)
        let flattened = warped(padded, sourceOf: transform).flattened(radius: radius)
        var pixels = [UInt8](repeating: 255, count: part.width * part.height)
        for y in 0..<part.height {
            let from = (part.y - padded.y + y) * padded.width + (part.x - padded.x)
            pixels.replaceSubrange((y * part.width)..<((y + 1) * part.width), with: flattened.pixels[from..<(from + part.width)])
        }
        return GrayImage(width: part.width, height: part.height, pixels: pixels)
    }

    /// How far from a pixel `flattened(radius:)` looks: the closing's two passes and the blur, at half the
    /// resolution, and a pixel for the halving.
    static func flatteningReach(radius: Int) -> Int {
        let half = radius / 2
        return 2 * (2 * half + half / 3) + 2
    }
}

extension GrayImage {
    /// The image with its paper made white: every pixel divided by the paper's level around it. That level
    /// is the image closed over `radius` (the brightest value within it, then the darkest of those), so
    /// ink narrower than the window is gone while a shadow's ramp and its hard edge stay where they are.
    /// A shadow across a photo, a lamp's falloff or tinted paper then no longer read as ink; ink stays as
    /// dark against its own paper. The window is wider than a value's character: a blurred photo's dense
    /// 餐 never shows paper between its strokes, and with 15 pixels it was lightened and read 均. Paper
    /// levels taken per 64-pixel block were interpolated across a shadow's hard edge, left a ramp of gray
    /// 90 pixels into the shadow and cost a date its last digit.
    public func flattened(radius: Int = 30) -> GrayImage {
        guard width > 2 * radius, height > 2 * radius else { return self }
        // The paper's level is smooth: it is found at half the resolution (each value the mean of four
        // pixels, which also quiets noise), a quarter of the work. Rows are filtered in place; columns
        // as the rows of the transposed image (cache-friendly).
        let halfWidth = (width + 1) / 2
        let halfHeight = (height + 1) / 2
        let halfRadius = radius / 2
        var paper = [UInt8](repeating: 0, count: halfWidth * halfHeight)
        pixels.withUnsafeBufferPointer { pixels in
            for y in 0..<halfHeight {
                let top = 2 * y * width
                let bottom = min(2 * y + 1, height - 1) * width
                for x in 0..<halfWidth {
                    let left = 2 * x
                    let right = min(2 * x + 1, width - 1)
                    let sum =
                        Int(pixels[top + left]) + Int(pixels[top + right]) + Int(pixels[bottom + left])
                        + Int(pixels[bottom + right])
                    paper[y * halfWidth + x] = UInt8(sum >> 2)
                }
            }
        }
        // A closing: the brightest value within the radius (over the rows, then the columns), then the
        // darkest of those (likewise). Ink narrower than the window is gone; a shadow's ramp and its hard
        // edge are kept as they are.
        var turned = [UInt8](repeating: 0, count: halfWidth * halfHeight)
        Self.transpose(paper, into: &turned, width: halfWidth, height: halfHeight)
        Self.filterRows(&turned, width: halfHeight, height: halfWidth) {
            Self.extremumLine($0, $1, radius: halfRadius, largest: true)
        }
        Self.transpose(turned, into: &paper, width: halfHeight, height: halfWidth)
        Self.filterRows(&paper, width: halfWidth, height: halfHeight) { line, scratch in
            Self.extremumLine(line, scratch, radius: halfRadius, largest: true)
            Self.extremumLine(line, scratch, radius: halfRadius, largest: false)
        }
        Self.transpose(paper, into: &turned, width: halfWidth, height: halfHeight)
        Self.filterRows(&turned, width: halfHeight, height: halfWidth) { line, scratch in
            Self.extremumLine(line, scratch, radius: halfRadius, largest: false)
            Self.blurLine(line, scratch, radius: halfRadius / 3)
        }
        Self.transpose(turned, into: &paper, width: halfHeight, height: halfWidth)
        Self.filterRows(&paper, width: halfWidth, height: halfHeight) { Self.blurLine($0, $1, radius: halfRadius / 3) }
        // Division by a table of reciprocals: a division per pixel was a third of the time.
        let reciprocals = (0...255).map { (255 << 16) / max($0, 48) }
        var output = [UInt8](repeating: 255, count: width * height)
        output.withUnsafeMutableBufferPointer { output in
            pixels.withUnsafeBufferPointer { pixels in
                paper.withUnsafeBufferPointer { paper in
                    for y in 0..<height {
                        let paperRow = (y / 2) * halfWidth
                        for x in 0..<width {
                            // The floor of 48 keeps a dark desk beside the page from being stretched into noise.
                            let level = reciprocals[Int(paper[paperRow + x / 2])]
                            output[y * width + x] = UInt8(min(255, (Int(pixels[y * width + x]) * level) >> 16))
                        }
                    }
                }
            }
        }
        return GrayImage(width: width, height: height, pixels: output)
    }

    /// Runs `filter` over each row of `values` (a row and scratch space twice its length).
    static func filterRows(
        _ values: inout [UInt8], width: Int, height: Int,
        _ filter: (UnsafeMutableBufferPointer<UInt8>, UnsafeMutableBufferPointer<UInt8>) -> Void
    ) {
        var scratch = [UInt8](repeating: 0, count: 2 * width)
        values.withUnsafeMutableBufferPointer { all in
            scratch.withUnsafeMutableBufferPointer { scratch in
                for y in 0..<height {
                    filter(UnsafeMutableBufferPointer(rebasing: all[(y * width)..<((y + 1) * width)]), scratch)
                }
            }
        }
    }

    /// `target` (height × width) is `source` (width × height) transposed, in tiles that stay in cache.
    static func transpose(_ source: [UInt8], into target: inout [UInt8], width: Int, height: Int) {
        let tile = 64
        source.withUnsafeBufferPointer { source in
            target.withUnsafeMutableBufferPointer { target in
                for y0 in stride(from: 0, to: height, by: tile) {
                    for x0 in stride(from: 0, to: width, by: tile) {
                        for y in y0..<min(height, y0 + tile) {
                            for x in x0..<min(width, x0 + tile) { target[x * height + y] = source[y * width + x] }
                        }
                    }
                }
            }
        }
    }

    /// Each value of `line` replaced by the largest (or smallest) within `radius`: van Herk's running
    /// extremes over blocks of the window's length, three comparisons a value whatever the radius.
    static func extremumLine(
        _ line: UnsafeMutableBufferPointer<UInt8>, _ scratch: UnsafeMutableBufferPointer<UInt8>, radius: Int,
        largest: Bool
    ) {
        let count = line.count
        let span = 2 * radius + 1
        @inline(__always) func pick(_ a: UInt8, _ b: UInt8) -> UInt8 { largest ? max(a, b) : min(a, b) }
        // Running extremes from each block's start up to here (`forward`), and from here to the block's
        // end (`backward`), in the scratch space.
        let forward = UnsafeMutableBufferPointer(rebasing: scratch[0..<count])
        let backward = UnsafeMutableBufferPointer(rebasing: scratch[count..<(2 * count)])
        for start in stride(from: 0, to: count, by: span) {
            let end = min(start + span, count) - 1
            forward[start] = line[start]
            if start < end { for index in (start + 1)...end { forward[index] = pick(forward[index - 1], line[index]) } }
            backward[end] = line[end]
            if start < end {
                for index in stride(from: end - 1, through: start, by: -1) {
                    backward[index] = pick(backward[index + 1], line[index])
                }
            }
        }
        for index in 0..<count {
            let low = max(0, index - radius)
            let high = min(count - 1, index + radius)
            // [low, high] spans at most one block boundary: its extreme is the earlier part's running
            // extreme to its block's end and the later part's from its block's start (at the line's
            // ends, where the window is cut short, it reaches up to a block further).
            line[index] = pick(backward[low], forward[high])
        }
    }

    /// Each value of `line` replaced by the mean within `radius` (edges clamped).
    static func blurLine(
        _ line: UnsafeMutableBufferPointer<UInt8>, _ scratch: UnsafeMutableBufferPointer<UInt8>, radius: Int
    ) {
        guard radius > 0 else { return }
        let count = line.count
        func at(_ index: Int) -> Int { Int(line[min(max(index, 0), count - 1)]) }
        // Division by the window's length as a multiplication: exact for sums this small.
        let reciprocal = ((1 << 24) + 2 * radius) / (2 * radius + 1)
        var sum = 0
        for index in -radius...radius { sum += at(index) }
        for index in 0..<count {
            scratch[index] = UInt8((sum * reciprocal) >> 24)
            sum += at(index + radius + 1) - at(index - radius)
        }
        for index in 0..<count { line[index] = scratch[index] }
    }
}
