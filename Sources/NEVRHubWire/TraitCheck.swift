// The wire layer belongs to the hub: it is built only with the package trait `Hub` (NIOCore's
// ByteBuffer is its one networking type), like NEVRHub itself.
#if !Hub
#error("NEVRHubWire needs the package trait \"Hub\" (enabled by default; see README \"Architecture\")")
#endif
