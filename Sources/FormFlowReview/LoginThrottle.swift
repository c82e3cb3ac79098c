import Foundation

/// Limits failed sign-ins per user name and per client address within a window, so that a password
/// cannot be guessed by trying: after `perName` failures for one name (or `perAddress` from one address)
/// further tries are refused until the oldest failure leaves the window. A success clears the name.
public struct LoginThrottle: Sendable {
    public var perName: Int
    public var perAddress: Int
    public var window: TimeInterval
    private var failuresByName: [String: [Date]] = [:]
    private var failuresByAddress: [String: [Date]] = [:]

    public init(perName: Int = 5, perAddress: Int = 20, window: TimeInterval = 15 * 60) {
        self.perName = perName
        self.perAddress = perAddress
        self.window = window
    }

    /// Nil when a try may be made now; otherwise the seconds until one may.
    public mutating func wait(name: String, address: String, now: Date = Date()) -> TimeInterval? {
        prune(now: now)
        var waits: [TimeInterval] = []
        if let failures = failuresByName[name], failures.count >= perName {
            waits.append(failures[failures.count - perName].addingTimeInterval(window).timeIntervalSince(now))
        }
        if let failures = failuresByAddress[address], failures.count >= perAddress {
            waits.append(failures[failures.count - perAddress].addingTimeInterval(window).timeIntervalSince(now))
        }
        return waits.max().map { max(1, $0.rounded(.up)) }
    }

    public mutating func failed(name: String, address: String, now: Date = Date()) {
        failuresByName[name, default: []].append(now)
        failuresByAddress[address, default: []].append(now)
    }

    public mutating func succeeded(name: String) {
        failuresByName[name] = nil
    }

    private mutating func prune(now: Date) {
        let horizon = now.addingTimeInterval(-window)
        func recent(_ dates: [Date]) -> [Date]? {
            let kept = dates.filter { $0 > horizon }
            return kept.isEmpty ? nil : kept
        }
        failuresByName = failuresByName.compactMapValues(recent)
        failuresByAddress = failuresByAddress.compactMapValues(recent)
    }
}
