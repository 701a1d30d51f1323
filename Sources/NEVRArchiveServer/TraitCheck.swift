// This module's dependencies (Hummingbird, and NEVRArchive's sqlite-nio and postgres-nio) are
// only resolved when the package trait `Archive` is enabled (it is by default).
#if !Archive
#error("NEVRArchiveServer needs the package trait \"Archive\" (enabled by default; see README \"Architecture\")")
#endif
