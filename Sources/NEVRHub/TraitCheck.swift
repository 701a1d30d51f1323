// This module's dependencies (Hummingbird WebSocket, swift-metrics, Prometheus) are only
// resolved when the package trait `Hub` is enabled (it is by default).
#if !Hub
#error("NEVRHub needs the package trait \"Hub\" (enabled by default; see README \"Architecture\")")
#endif
