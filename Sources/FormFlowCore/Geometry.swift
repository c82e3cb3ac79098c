/// An axis-aligned rectangle in page pixels (origin top left), as Tesseract and Leptonica use.
public struct PixelRect: Hashable, Sendable, Codable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var midX: Double { Double(x) + Double(width) / 2 }
    public var midY: Double { Double(y) + Double(height) / 2 }
    public var area: Int { max(0, width) * max(0, height) }
    public var isEmpty: Bool { width <= 0 || height <= 0 }

    /// Whether the centre of `other` lies inside `self` (edges included): how a glyph or a blob is
    /// assigned to a zone when it straddles the zone's edge.
    public func containsCentre(of other: PixelRect) -> Bool {
        other.midX >= Double(x) && other.midX <= Double(maxX) && other.midY >= Double(y) && other.midY <= Double(maxY)
    }

    /// The part of `self` that lies inside `other`; empty when they do not overlap.
    public func clamped(to other: PixelRect) -> PixelRect {
        let left = max(x, other.x)
        let top = max(y, other.y)
        let right = min(maxX, other.maxX)
        let bottom = min(maxY, other.maxY)
        return PixelRect(x: left, y: top, width: max(0, right - left), height: max(0, bottom - top))
    }

    /// The rectangle grown by `dx` on the left and right and `dy` on top and bottom.
    public func insetBy(dx: Int, dy: Int) -> PixelRect {
        PixelRect(x: x + dx, y: y + dy, width: width - 2 * dx, height: height - 2 * dy)
    }

    public func union(_ other: PixelRect) -> PixelRect {
        let left = min(x, other.x)
        let top = min(y, other.y)
        return PixelRect(x: left, y: top, width: max(maxX, other.maxX) - left, height: max(maxY, other.maxY) - top)
    }

    public var description: String { "(\(x),\(y) \(width)×\(height))" }
}
