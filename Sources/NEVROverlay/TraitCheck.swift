// This module's dependencies (Hummingbird, Hummingbird WebSocket, swift-nio) are only resolved
// when the package trait `Overlay` is enabled (it is by default; it enables `Hub` and `GameAPI`).
#if !Overlay
#error("NEVROverlay needs the package trait \"Overlay\" (enabled by default; see README \"Architecture\")")
#endif
