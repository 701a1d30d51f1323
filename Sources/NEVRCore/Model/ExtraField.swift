/// A key the model has no typed field for, kept as its raw JSON value so a
/// frame can be written back without losing it (for example `err_description`,
/// Combat's nested `payload{...}`, or `"Weapon": null`).
public struct ExtraField: Hashable, Sendable {
    /// The key as it appeared (unescaped).
    public var key: String
    /// The value's JSON text, byte for byte as it appeared in the input.
    public var json: [UInt8]

    /// A key and its raw JSON value.
    public init(key: String, json: [UInt8]) {
        self.key = key
        self.json = json
    }
}
