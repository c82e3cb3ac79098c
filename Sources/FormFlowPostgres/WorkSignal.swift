import Foundation
import Logging
import NIOCore
import PostgresNIO

/// `LISTEN`/`NOTIFY` on the channel `formflow_work`: a process that finds new files in the inbox says so,
/// and idle watchers on other hosts look at once instead of at their next poll (which may be far off on
/// a network share, where listing a folder is not free).
public enum WorkSignal {
    public static let channel = "formflow_work"

    /// Listens until the task is cancelled, calling `wake` for every notification. Reconnects after a
    /// lost connection (the watcher keeps polling meanwhile).
    /// Notifications whose payload is `ignoring` (this process's own) do not wake it.
    public static func listen(url: String, ignoring own: String, logger: Logger, wake: @escaping @Sendable () async -> Void) async {
        guard let address = PostgresAddress(url) else { return }
        let configuration = PostgresConnection.Configuration(
            host: address.host, port: address.port, username: address.user, password: address.password,
            database: address.database, tls: .disable)
        while !Task.isCancelled {
            do {
                let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
                defer { Task { try? await connection.close() } }
                try await connection.listen(on: channel) { notifications in
                    for try await notification in notifications where notification.payload != own { await wake() }
                }
            } catch {
                if Task.isCancelled { return }
                logger.debug("work signal: listening again", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(2))
            }
        }
    }
}

extension PostgresLedger {
    /// Tells idle watchers that there is work in the inbox; `from` is the sender (not woken by itself).
    public func notifyWork(from sender: String) throws {
        try execute("SELECT pg_notify(\(WorkSignal.channel), \(sender))")
    }
}
