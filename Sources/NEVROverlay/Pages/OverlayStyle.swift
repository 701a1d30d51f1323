// The overlay pages' style sheet (`/overlay/overlay.css`): transparent background for OBS.
// Served as is by the overlay server; no build step, no external resources.
extension OverlayPages {
    static let style: String = ##"""
/* NEVR overlay pages: transparent background for OBS browser sources. */
:root { --scale: 1; --blue: #3ea6ff; --orange: #ff8c2e; --panel: rgba(12, 16, 24, 0.78); --line: rgba(255, 255, 255, 0.14);
  --text: #f2f5f8; --dim: #9aa6b4; font-family: "Segoe UI", "Inter", "DejaVu Sans", "Liberation Sans", Arial, sans-serif; }
html, body { margin: 0; padding: 0; background: transparent; color: var(--text); overflow: hidden; }
body { font-size: calc(16px * var(--scale)); }
b.blue { color: var(--blue); } b.orange { color: var(--orange); }
#nevr-status { position: fixed; right: 8px; bottom: 4px; font-size: 12px; color: var(--dim); }

/* scoreboard */
#scoreboard { display: flex; align-items: stretch; justify-content: center; margin: 0.8em auto; width: max-content;
  filter: drop-shadow(0 4px 10px rgba(0,0,0,.45)); }
.sb-team { display: flex; align-items: center; background: var(--panel); min-width: 17em; }
.sb-blue { border-radius: 0.6em 0 0 0.6em; border-left: 0.4em solid var(--blue); justify-content: space-between; }
.sb-orange { border-radius: 0 0.6em 0.6em 0; border-right: 0.4em solid var(--orange); justify-content: space-between; }
.sb-name { font-size: 1.35em; font-weight: 700; letter-spacing: 0.06em; padding: 0 1em; text-transform: uppercase; white-space: nowrap; }
.sb-points { font-size: 2.6em; font-weight: 800; min-width: 1.7em; text-align: center; padding: 0.05em 0.3em; font-variant-numeric: tabular-nums; }
.sb-blue .sb-points { background: linear-gradient(90deg, transparent, rgba(62,166,255,.35)); color: #fff; }
.sb-orange .sb-points { background: linear-gradient(270deg, transparent, rgba(255,140,46,.35)); color: #fff; }
.sb-middle { background: rgba(6, 8, 12, 0.9); padding: 0.2em 1.1em; text-align: center; display: flex; flex-direction: column; justify-content: center; }
.sb-clock { font-size: 1.9em; font-weight: 700; font-variant-numeric: tabular-nums; letter-spacing: 0.04em; }
.sb-rounds { font-size: 0.8em; color: var(--dim); display: flex; gap: 0.8em; justify-content: center; }
.sb-rounds #blue-rounds { color: var(--blue); font-weight: 700; } .sb-rounds #orange-rounds { color: var(--orange); font-weight: 700; }
#scoreboard.flash .sb-points { animation: flash 0.9s ease-out; }
@keyframes flash { 0% { color: #fff; text-shadow: 0 0 18px #fff; } 100% { text-shadow: none; } }
.hide-clock .sb-clock, .hide-rounds .sb-rounds, .hide-names .sb-name { display: none; }
.team-blue .sb-orange { opacity: 0.55; } .team-orange .sb-blue { opacity: 0.55; }

/* minimap */
#minimap { width: calc(800px * var(--scale)); margin: 0.6em; }
.mm { width: 100%; height: auto; display: block; filter: drop-shadow(0 4px 10px rgba(0,0,0,.5)); }
.mm-arena { fill: rgba(12, 16, 24, 0.72); stroke: rgba(255,255,255,.35); stroke-width: 2; }
.mm-mid, .mm-centre { stroke: rgba(255,255,255,.16); stroke-width: 2; fill: none; }
.mm-goal-blue { fill: var(--blue); } .mm-goal-orange { fill: var(--orange); }
.mm-player .mm-dot { stroke: rgba(0,0,0,.55); stroke-width: 2; }
.mm-player.blue .mm-dot { fill: var(--blue); } .mm-player.orange .mm-dot { fill: var(--orange); }
.mm-player .mm-ring { fill: none; stroke: #fff; stroke-width: 3; opacity: 0; }
.mm-player.has-disc .mm-ring { opacity: 1; }
.mm-player.stunned .mm-dot { opacity: 0.45; }
.mm-num { font-size: 12px; font-weight: 800; fill: #0b0e14; text-anchor: middle; }
.mm-label { font-size: 12px; fill: #e8edf2; text-anchor: middle; paint-order: stroke; stroke: rgba(0,0,0,.7); stroke-width: 3px; }
.hide-names .mm-label, .hide-disc .mm-disc-g, .hide-possession .mm-ring { display: none; }
.mm-disc { fill: #fff; stroke: #0b0e14; stroke-width: 1.5; }
.team-blue .mm-player.orange, .team-orange .mm-player.blue { opacity: 0.45; }

/* event feed */
#feed { width: calc(470px * var(--scale)); margin: 0.6em; }
.feed-list { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 0.3em; }
.feed-item { background: var(--panel); border-left: 0.3em solid var(--line); border-radius: 0.3em; padding: 0.35em 0.7em; display: flex; gap: 0.7em;
  align-items: baseline; animation: slide 0.35s ease-out; }
.feed-item.goal.blue { border-left-color: var(--blue); } .feed-item.goal.orange { border-left-color: var(--orange); }
.feed-item.goal { font-size: 1.1em; background: rgba(20, 26, 38, 0.9); }
.feed-item.save { border-left-color: #54d38a; } .feed-item.stun { border-left-color: #d45cff; } .feed-item.joust { border-left-color: #ffd84a; }
.feed-item.steal { border-left-color: #ff5a5a; } .feed-item.round { border-left-color: #fff; color: var(--dim); }
.feed-clock { color: var(--dim); font-variant-numeric: tabular-nums; font-size: 0.85em; min-width: 3em; }
.feed-detail { color: var(--dim); font-size: 0.85em; }
@keyframes slide { from { transform: translateX(-12px); opacity: 0; } to { transform: none; opacity: 1; } }

/* per-player stats */
#stats { display: flex; gap: 1em; margin: 0.6em; }
.st-table { border-collapse: collapse; background: var(--panel); border-radius: 0.4em; overflow: hidden; font-variant-numeric: tabular-nums; }
.st-table th { font-size: 0.75em; color: var(--dim); font-weight: 600; padding: 0.45em 0.6em; text-align: right; border-bottom: 1px solid var(--line); }
.st-table th.st-team { text-align: left; font-size: 0.95em; letter-spacing: 0.05em; }
.st-table.blue th.st-team { color: var(--blue); } .st-table.orange th.st-team { color: var(--orange); }
.st-table.blue { border-top: 0.25em solid var(--blue); } .st-table.orange { border-top: 0.25em solid var(--orange); }
.st-table td { padding: 0.3em 0.6em; text-align: right; }
.st-table td.st-name { text-align: left; min-width: 9em; font-weight: 600; }
.st-table tr.st-player:nth-child(odd) td { background: rgba(255,255,255,0.03); }

/* disc speedometer */
#speed { width: calc(220px * var(--scale)); margin: 0.6em; }
.sp { width: 100%; display: block; filter: drop-shadow(0 4px 10px rgba(0,0,0,.5)); }
.sp-track { fill: rgba(12,16,24,.72); stroke: rgba(255,255,255,.15); stroke-width: 14; }
.sp-bar { fill: none; stroke: #7fe0ff; stroke-width: 14; stroke-linecap: round; transition: stroke-dasharray 0.08s linear; }
#speed.fast .sp-bar { stroke: #ffd84a; }
.sp-value { font-size: 40px; font-weight: 800; fill: #fff; text-anchor: middle; font-variant-numeric: tabular-nums; }
.sp-unit { font-size: 13px; fill: var(--dim); text-anchor: middle; letter-spacing: 0.08em; }
.sp-peak { font-size: 13px; fill: var(--dim); text-anchor: middle; }

/* the all-in-one broadcast layout (1920 x 1080) */
.layout-all { position: relative; width: 1920px; height: 1080px; }
.layout-all #scoreboard { position: absolute; top: 0; left: 50%; transform: translateX(-50%); margin-top: 1em; }
.layout-all #feed { position: absolute; top: 110px; left: 16px; }
.layout-all #minimap { position: absolute; bottom: 16px; right: 16px; width: 640px; }
.layout-all #speed { position: absolute; bottom: 16px; left: 50%; transform: translateX(-50%); width: 180px; }
.layout-all #stats { position: absolute; bottom: 16px; left: 16px; font-size: 14px; flex-direction: column; }
"""##
}
