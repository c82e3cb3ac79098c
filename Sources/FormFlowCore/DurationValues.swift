extension Duration {
    /// The duration as a floating-point number of seconds, for reports and rates (not for money).
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// The duration in milliseconds, as records and batch reports give stage times.
    public var inMilliseconds: Double { inSeconds * 1000 }
}
