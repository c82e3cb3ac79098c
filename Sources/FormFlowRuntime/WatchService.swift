import FormFlowCore
import FormFlowPostgres
import Foundation
import CoreMetrics
import Logging
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// `formflow watch`: a long-running service that polls the inbox (polling works on NFS and SMB shares,
/// where inotify sees nothing), takes each file once it is stable, and decides it with a pool of
/// workers, one engine each. On graceful shutdown (SIGTERM, SIGINT) it stops taking files, finishes
/// the documents already taken, and returns.
public struct WatchService: Service, CustomStringConvertible {
    /// Short on purpose: the default description would spell out the pipeline's glyph prototypes.
    public var description: String { "WatchService(inbox: \(settings.inbox), pipeline: \(pipeline.identifier))" }

    public let settings: Settings
    public let pipeline: Pipeline
    public let logger: Logger
    public let pollInterval: Duration

    public init(settings: Settings, pipeline: Pipeline, logger: Logger, pollInterval: Duration = .seconds(1)) {
        self.settings = settings
        self.pipeline = pipeline
        self.logger = logger
        self.pollInterval = pollInterval
    }

    /// Takes the state folder's lock and opens the ledger; call before starting the service, so that a
    /// configuration or lock problem is reported at start-up.
    public func prepare() throws(RunError) -> PreparedWatch {
        let (context, lock) = try BatchRunner.prepare(settings: settings, pipeline: pipeline, logger: logger)
        return PreparedWatch(context: context, lock: lock)
    }

    public struct PreparedWatch: Sendable {
        let context: Context
        let lock: RunLock?
    }

    public func run() async throws {
        let prepared = try prepare()
        defer { prepared.lock?.release() }
        try await run(prepared)
    }

    public func run(_ prepared: PreparedWatch) async throws {
        let context = prepared.context
        defer { context.intake.tidy() }
        let leases = LeaseKeeper(intake: context.intake, logger: logger)
        defer { leases.stop() }
        let wakeup = Wakeup()
        let shared = context.ledger as? PostgresLedger
        try context.completeDeliveries()
        let workers = settings.effectiveWorkers
        // Bounded: at most two documents per worker are taken ahead; the rest wait in the inbox.
        let queue = FeedQueue(capacity: workers * 2)
        let pipeline = pipeline
        let settings = settings
        logger.info("watching", metadata: ["inbox": "\(settings.inbox)", "workers": "\(workers)", "batch": "\(context.batch)"])

        try await withThrowingTaskGroup(of: Void.self) { group in
            // Shared: other processes that see new files wake this one (LISTEN/NOTIFY).
            let listener = settings.ledger.map { url in
                let owner = context.intake.owner
                let logger = logger
                return Task { await WorkSignal.listen(url: url, ignoring: owner, logger: logger) { await wakeup.wake() } }
            }
            defer { listener?.cancel() }
            for _ in 0..<workers {
                group.addTask {
                    let processor = try DocumentProcessor(pipeline: pipeline, settings: settings)
                    while let item = await queue.next() {
                        _ = try await context.work(item.taken, recovered: item.recovered, processor: processor)
                    }
                }
            }
            // Files a killed run left behind come first.
            for taken in try context.intake.leftOver() {
                await queue.push((taken, true))
            }
            var tracker = StabilityTracker(stableSeconds: settings.stableSeconds)
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                do {
                    // Shared: folders of a process that died are finished here once their lease expires.
                    for taken in try context.intake.takeOverExpired() { await queue.push((taken, true)) }
                    let scan = try context.intake.scan()
                    for refused in scan.refused {
                        if let taken = try context.intake.take(refused) {
                            _ = try context.quarantine(taken, reason: refused.reason)
                        }
                    }
                    var leftForOthers = 0
                    for name in tracker.stable(scan.files, in: context.intake.inbox) {
                        guard await queue.hasRoom, !Task.isShuttingDownGracefully else {
                            leftForOthers += 1
                            continue
                        }
                        if let taken = try context.intake.take(name) {
                            tracker.forget(name)
                            await queue.push((taken, false))
                        }
                    }
                    // More work than this process takes at once: idle watchers elsewhere may help now.
                    if leftForOthers > 0 { try? shared?.notifyWork(from: context.intake.owner) }
                    context.markSupersededSoFar()
                } catch {
                    logger.error("cannot read the inbox; retrying", metadata: ["error": "\(error)"])
                }
                // A long poll interval must not delay a graceful shutdown: it wakes the pause too.
                await withGracefulShutdownHandler {
                    await wakeup.wait(upTo: pollInterval)
                } onGracefulShutdown: {
                    Task { await wakeup.wake() }
                }
            }
            logger.info("stopping: no new files are taken; finishing the documents in progress")
            await queue.finish()
            try await group.waitForAll()
        }
        logger.info("stopped")
    }
}

/// Remembers each inbox file's size and modification time across scans; a file is stable once they
/// have not changed for `stableSeconds`.
struct StabilityTracker {
    let stableSeconds: Double
    private var seen: [String: (size: Int64, mtime: Date, since: Date)] = [:]

    init(stableSeconds: Double) {
        self.stableSeconds = stableSeconds
    }

    mutating func stable(_ names: [String], in inbox: URL) -> [String] {
        var ready: [String] = []
        let present = Set(names)
        seen = seen.filter { present.contains($0.key) }
        for name in names {
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: inbox.appendingPathComponent(name).path),
                let mtime = attributes[.modificationDate] as? Date
            else { continue }
            let size = (attributes[.size] as? NSNumber)?.int64Value ?? -1
            if let previous = seen[name], previous.size == size, previous.mtime == mtime {
                if Date().timeIntervalSince(previous.since) >= stableSeconds { ready.append(name) }
            } else {
                seen[name] = (size, mtime, Date())
                // A file untouched for long enough already (e.g. there before the daemon started) need not wait.
                if Date().timeIntervalSince(mtime) >= stableSeconds { ready.append(name) }
            }
        }
        return ready
    }

    mutating func forget(_ name: String) { seen[name] = nil }
}

/// A bounded hand-over between the inbox watcher and the workers.
actor FeedQueue {
    typealias Item = (taken: Intake.Taken, recovered: Bool)
    private var items: [Item] = []
    private var waiting: [CheckedContinuation<Item?, Never>] = []
    private var finished = false
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    var hasRoom: Bool { items.count < capacity }

    func push(_ item: Item) {
        if !waiting.isEmpty {
            waiting.removeFirst().resume(returning: item)
        } else {
            items.append(item)
        }
        Telemetry.queueDepth.set(items.count)
    }

    func next() async -> Item? {
        if !items.isEmpty {
            defer { Telemetry.queueDepth.set(items.count) }
            return items.removeFirst()
        }
        if finished { return nil }
        return await withCheckedContinuation { waiting.append($0) }
    }

    func finish() {
        finished = true
        for continuation in waiting { continuation.resume(returning: nil) }
        waiting.removeAll()
    }
}

/// The pause between two looks at the inbox, cut short by `wake` (a notification from another process).
actor Wakeup {
    private var waiter: CheckedContinuation<Void, Never>?
    private var pending = false
    private var generation = 0

    func wake() {
        if let waiter {
            self.waiter = nil
            waiter.resume()
        } else {
            pending = true
        }
    }

    func wait(upTo duration: Duration) async {
        if pending {
            pending = false
            return
        }
        generation += 1
        let current = generation
        await withCheckedContinuation { continuation in
            waiter = continuation
            Task {
                try? await Task.sleep(for: duration)
                self.timeOut(current)
            }
        }
    }

    private func timeOut(_ expected: Int) {
        guard expected == generation, let waiter else { return }
        self.waiter = nil
        waiter.resume()
    }
}
