/// Runs of text placed on a page (a PDF's words, an OFD's text objects), grouped into lines.
public enum TextLines {
    /// The runs as lines, top to bottom, each left to right. A run joins the line whose first run's vertical
    /// centre is within 60% of the smaller of their heights: labels are smaller than values, and the rows
    /// of an item table are a line apart.
    public static func grouped<Run>(
        _ runs: [Run], centreY: (Run) -> Double, height: (Run) -> Double, x: (Run) -> Double
    ) -> [[Run]] {
        var lines: [[Run]] = []
        for run in runs.sorted(by: { centreY($0) < centreY($1) }) {
            if let first = lines.last?.first,
                abs(centreY(first) - centreY(run)) <= 0.6 * max(min(height(first), height(run)), 0.1)
            {
                lines[lines.count - 1].append(run)
            } else {
                lines.append([run])
            }
        }
        return lines.map { $0.sorted { x($0) < x($1) } }
    }
}
