import CoreMetrics
import Metrics
import Prometheus

/// The hub's metrics (swift-metrics), exported in Prometheus text format on `/metrics`.
///
/// Each hub owns its registry, so several hubs in one process (tests) do not share counters
/// and nothing depends on the process-wide `MetricsSystem` bootstrap.
public final class HubMetrics: Sendable {
    /// The registry `/metrics` renders (one per hub).
    public let registry: PrometheusCollectorRegistry
    let publishers: CoreMetrics.Meter
    let subscribers: CoreMetrics.Meter
    let matches: CoreMetrics.Gauge
    let framesIn: CoreMetrics.Counter
    let framesOut: CoreMetrics.Counter
    let duplicates: CoreMetrics.Counter
    let badMessages: CoreMetrics.Counter
    let subscribersDropped: CoreMetrics.Counter
    let framesSkipped: CoreMetrics.Counter

    /// Registers the hub's meters, gauges and counters in `registry`.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        let factory = PrometheusMetricsFactory(registry: registry)
        publishers = CoreMetrics.Meter(label: "nevr_hub_publishers", factory: factory)
        subscribers = CoreMetrics.Meter(label: "nevr_hub_subscribers", factory: factory)
        matches = CoreMetrics.Gauge(label: "nevr_hub_matches", factory: factory)
        framesIn = CoreMetrics.Counter(label: "nevr_hub_frames_in_total", factory: factory)
        framesOut = CoreMetrics.Counter(label: "nevr_hub_frames_out_total", factory: factory)
        duplicates = CoreMetrics.Counter(label: "nevr_hub_duplicate_frames_total", factory: factory)
        badMessages = CoreMetrics.Counter(label: "nevr_hub_bad_messages_total", factory: factory)
        subscribersDropped = CoreMetrics.Counter(label: "nevr_hub_subscribers_dropped_total", factory: factory)
        framesSkipped = CoreMetrics.Counter(label: "nevr_hub_frames_skipped_total", factory: factory)
        publishers.set(0)
        subscribers.set(0)
        matches.record(0)
    }

    /// The Prometheus text exposition of every metric.
    public func exposition() -> [UInt8] {
        var out: [UInt8] = []
        registry.emit(into: &out)
        return out
    }
}
