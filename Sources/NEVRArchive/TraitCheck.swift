// This module's dependency (sqlite-nio) is only resolved when the package trait `Archive` is
// enabled (it is by default).
#if !Archive
#error("NEVRArchive needs the package trait \"Archive\" (enabled by default; see README \"Architecture\")")
#endif
