import Foundation
import Metrics
import Prometheus

/// Prometheus as the swift-metrics backend, bootstrapped once per process.
enum PrometheusMetrics {
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Stage durations and OCR time of one document lie between tens of milliseconds and seconds.
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10),
        ]
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    static func bootstrap() { _ = registry }

    /// Writes the metrics in the node-exporter textfile format (atomically, as the collector expects).
    static func writeTextfile(to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(registry.emitToBuffer()).write(to: url, options: .atomic)
    }
}
