import FormFlowCore

/// Everything known about one field after reading: the chosen value, its evidence, and the other
/// candidates that cross-field checks may still choose from.
public struct FieldReading: Sendable {
    public var name: String
    public var type: FieldType
    /// The chosen normalised reading, or `nil` when nothing was found in the zone.
    public var chosen: NormalizedReading?
    /// Every distinct non-malformed reading seen, best first.
    public var candidates: [NormalizedReading]
    public var raw: String
    public var confidence: Double
    public var box: PixelRect?
    public var uncertain: Bool
    public var note: String?
    /// The value's pixels (only for amounts in words, whose glyphs are verified one by one).
    public var image: GrayImage?
    /// Read once only, waiting for the form's sums to confirm it (`Reconciler.confirmReadOnce`);
    /// while set, the reading counts as uncertain.
    public var readOnce = false
    /// The judges whose evidence decided the value (`FieldPolicy`), for the record.
    public var decidedBy: [String]? = nil
    /// Of an amount whose readings differ in a relation that fails, the reading the second OCR model read
    /// too (`Reconciler.doubtDisputedAmountsOfBrokenSums`): two readers, so a relation that fails with it,
    /// and with every other reading, is broken as read with confidence (`ExtractionResult.disputedAmounts`).
    public var readByModelToo: FieldValue? = nil
    /// Every reading's text in the order made, malformed ones too (a G4 total whose point was lost, 547933
    /// five times: `Reconciler.confirmTotalWhoseDigitsOthersSay`).
    public var everyReading: [String] = []

    public var value: FieldValue? { chosen?.value }

    public var evidence: FieldEvidence {
        FieldEvidence(
            raw: raw, confidence: (confidence * 10).rounded() / 10, box: box, uncertain: uncertain, note: note,
            decidedBy: decidedBy)
    }

    /// Takes `candidate` as the value and marks it confirmed, with the reason.
    mutating func confirm(_ candidate: NormalizedReading, because reason: String, by judge: String = "form's sums") {
        chosen = candidate
        uncertain = false
        readOnce = false
        note = reason
        decidedBy = [judge]
    }
}
