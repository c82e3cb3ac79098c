import ArgumentParser
import FormFlowRuntime
import FormFlowYAML
import Foundation
import Hummingbird
import Logging
import Prometheus
import ServiceLifecycle
import UnixSignals

/// `formflow watch`: the daemon. Polls the inbox, decides each stable file within seconds, serves
/// `/metrics` and `/health`, and on SIGTERM or SIGINT stops taking files, finishes those in progress
/// and exits 0.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Watch the inbox and decide each scan as it arrives; serve /metrics and /health over HTTP.",
        discussion: "Stops on SIGTERM or SIGINT after finishing the documents in progress. Exit codes as `formflow --help`."
    )

    @OptionGroup var options: CommonOptions

    @Option(help: "Address to serve /metrics and /health on.")
    var host = "127.0.0.1"

    @Option(help: "Port to serve /metrics and /health on (0 disables the HTTP server).")
    var port = 9464

    @Option(help: "Seconds between two looks at the inbox.")
    var pollSeconds = 1.0

    func validate() throws {
        guard pollSeconds > 0, pollSeconds <= 60 else { throw ValidationError("--poll-seconds must lie in (0, 60]") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must lie between 0 and 65535") }
    }

    func run() async throws {
        let logger = Logger(label: "formflow")
        let (settings, pipeline) = try options.load()
        PrometheusMetrics.bootstrap()
        let watch = WatchService(
            settings: settings, pipeline: pipeline, logger: logger, pollInterval: .milliseconds(Int(pollSeconds * 1000)))
        let prepared: WatchService.PreparedWatch
        do {
            prepared = try watch.prepare()
        } catch {
            FileHandle.standardError.write(Data("formflow: \(error.message)\n".utf8))
            throw error.kind == .locked ? ExitCodes.locked : error.kind == .configuration ? ExitCodes.configuration : ExitCodes.storage
        }
        let service = PreparedWatchService(watch: watch, prepared: prepared)

        var services: [any Service] = [service]
        if port > 0 {
            let router = Router()
            router.get("health") { _, _ in "ok\n" }
            router.get("metrics") { _, _ in
                Response(
                    status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                    body: .init(byteBuffer: ByteBuffer(bytes: PrometheusMetrics.registry.emitToBuffer())))
            }
            let app = Application(
                router: router, configuration: .init(address: .hostname(host, port: port)), logger: logger)
            services.insert(app, at: 0)
        }
        // The HTTP server is started first and stopped last: /metrics stays up while documents finish.
        let group = ServiceGroup(
            configuration: .init(
                services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

/// The watch service with its lock and ledger already opened at start-up.
///
/// Its description is its inbox: service-lifecycle describes every service it is given, and the default
/// description of one holding the pipeline spelled out every glyph prototype (2.5 s and 125 MB at start).
struct PreparedWatchService: Service, CustomStringConvertible {
    var description: String { "formflow watch \(watch.settings.inbox)" }

    let watch: WatchService
    let prepared: WatchService.PreparedWatch

    func run() async throws {
        try await watch.run(prepared)
    }
}
