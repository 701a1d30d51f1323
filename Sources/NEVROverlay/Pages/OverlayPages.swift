/// Our own overlay pages, served by the binary (`/overlay/<name>`): self-contained HTML, one
/// style sheet and one script, no CDN, no build step. Each page shows one component on a
/// transparent background for an OBS browser source; `all` composes them in a 1920x1080
/// broadcast layout. They read the hub's JSON message format from `/subscribe` (or from any
/// hub given as `?hub=ws://.../subscribe`), so they work pointed at a hub just as well.
public enum OverlayPages {
    /// Reported by `/spark_info`.
    public static let version = "0.1.0"

    /// Page names and their one-line descriptions, in index order.
    public static let catalogue: [(name: String, title: String, components: [String])] = [
        ("scoreboard", "team names, points, round scores and clock", ["scoreboard"]),
        ("minimap", "top view of the arena: players, disc and possession, 30 Hz", ["minimap"]),
        ("feed", "event feed: goals with scorer and assist, saves, stuns, steals, jousts", ["feed"]),
        ("stats", "per-player stats table", ["stats"]),
        ("speed", "disc speedometer", ["speed"]),
        ("all", "everything in a 1920x1080 broadcast layout", ["scoreboard", "feed", "stats", "speed", "minimap"]),
    ]

    /// The page names, in the index's order (`scoreboard`, `minimap`, ...).
    public static var names: [String] { catalogue.map(\.name) }

    /// The HTML of page `name`, or nil.
    public static func page(named name: String) -> String? {
        guard let entry = catalogue.first(where: { $0.name == name }) else { return nil }
        let divs = entry.components.map { "<div id=\"\($0)\"></div>" }.joined()
        let bodyClass = name == "all" ? " class=\"layout-all\"" : ""
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
            <title>NEVR overlay: \(name)</title>
            <link rel="stylesheet" href="overlay.css"><script src="overlay.js"></script></head>
            <body\(bodyClass)>\(divs)<div id="nevr-status"></div></body></html>
            """
    }

    /// The shared script and style sheet.
    public static func asset(named name: String) -> (type: String, text: String)? {
        switch name {
        case "overlay.js": ("text/javascript; charset=utf-8", script)
        case "overlay.css": ("text/css; charset=utf-8", style)
        default: nil
        }
    }

    /// `/`: links to every page, with the query options.
    public static var index: String {
        var rows = ""
        for p in catalogue {
            rows += "<li><a href=\"overlay/\(p.name)\">\(p.name)</a>: \(p.title)</li>"
        }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>NEVR overlays</title>
            <style>body{font-family:sans-serif;background:#10141c;color:#e8edf2;max-width:50em;margin:2em auto}a{color:#7fc4ff}code{color:#ffd84a}</style></head>
            <body><h1>NEVR overlays</h1><p>Add a page as an OBS browser source (transparent background).</p><ul>\(rows)</ul>
            <p>Options: <code>?team=blue|orange|both</code>, <code>&amp;hide=clock,rounds,names,feed,stats,minimap,speed,scoreboard,disc,possession</code>,
            <code>&amp;scale=0.25..4</code>, <code>&amp;items=1..50</code> (feed length), <code>&amp;hub=ws://HOST:PORT/subscribe</code> and
            <code>&amp;token=...</code> to read a hub instead of this server, <code>&amp;match=SESSIONID</code>.</p>
            <p>Spark-compatible JSON: <a href="stats">/stats</a>, <a href="overlay_info">/overlay_info</a>, <a href="scoreboard">/scoreboard</a>,
            <a href="disc_positions">/disc_positions</a>, <a href="get_player_speed">/get_player_speed</a>, <a href="get_disc_speed">/get_disc_speed</a>,
            <a href="session">/session</a>, <a href="player_bones">/player_bones</a>.</p></body></html>
            """
    }
}
