// The hub's wire layer (query parsing, message types, JSON and binary encodings) is its own
// module so it can be fuzzed without the networking stack; re-exported so `import NEVRHub`
// still brings every name it always did.
@_exported import NEVRHubWire
