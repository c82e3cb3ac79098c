import FormFlowCore
import CoreMetrics
import Foundation
import Metrics

/// The metrics FormFlow reports, through swift-metrics: the backend (Prometheus in `formflow`) is
/// chosen by whoever bootstraps the metrics system; without one they cost nothing.
enum Telemetry {
    /// Every metric carries the host: several hosts sharing one ledger are told apart in one Prometheus.
    static let host = ("host", ProcessInfo.processInfo.hostName)
    static let inFlight = Meter(label: "formflow_documents_in_flight", dimensions: [host])
    static let queueDepth = Meter(label: "formflow_queue_depth", dimensions: [host])

    static func documentDone(_ record: DocumentRecord) {
        Counter(
            label: "formflow_documents_total",
            dimensions: [host, ("form", record.form?.rawValue ?? "unknown"), ("status", record.status.rawValue)]
        ).increment()
        for violation in record.violations {
            Counter(label: "formflow_violations_total", dimensions: [host, ("rule", violation.rule)]).increment()
        }
        for (stage, milliseconds) in record.timings ?? [:] {
            let nanoseconds = Int64(milliseconds * 1_000_000)
            if stage == "ocr" {
                Timer(label: "formflow_ocr_seconds", dimensions: [host]).recordNanoseconds(nanoseconds)
            } else {
                Self.stage(stage, milliseconds: milliseconds)
            }
        }
    }

    static func stage(_ stage: String, milliseconds: Double) {
        Timer(label: "formflow_stage_seconds", dimensions: [host, ("stage", stage)])
            .recordNanoseconds(Int64(milliseconds * 1_000_000))
    }

    static func retried(stage: String) {
        Counter(label: "formflow_retries_total", dimensions: [host, ("stage", stage)]).increment()
    }
}
