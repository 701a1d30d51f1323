import CZstd
import CNEVRZlib
import NEVRCore

/// Version of the zstd library linked in.
public let zstdVersionString = String(cString: ZSTD_versionString())
