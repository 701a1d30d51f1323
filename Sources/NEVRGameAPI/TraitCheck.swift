// This module's dependencies (Hummingbird, AsyncHTTPClient) are only resolved when the
// package trait `GameAPI` is enabled (it is by default). Say so instead of "no such module".
#if !GameAPI
#error("NEVRGameAPI needs the package trait \"GameAPI\" (enabled by default; see README \"Architecture\")")
#endif
