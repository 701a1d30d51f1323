/// Made-up display names for simulated players (no real accounts).
enum Roster {
    static let names = [
        "Vexa", "Kestrel_", "MothLight", "Orbital-9", "driftwood", "NovaJ", "Pulsefire", "quietstorm",
        "Ripley-", "Sable", "TinCan", "Umbra7", "Wisp", "zeroG_kid", "Astra", "Bramble",
        "Cinder", "DeltaV", "EchoFox", "Flint", "Gyro", "Halcyon", "Ion_", "JunoBee",
    ]
}
