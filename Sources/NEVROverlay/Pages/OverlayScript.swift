// The overlay pages' one script (`/overlay/overlay.js`): options, the hub feed, every component.
// Served as is by the overlay server; no build step, no external resources.
extension OverlayPages {
    static let script: String = ##"""
// NEVR overlay pages: one script for every page. Reads the hub's JSON message format
// ({"type":"frame","session":{...},"events":[...]}) from this server's /subscribe, or from
// any hub given as ?hub=ws://.../subscribe. No dependencies, no build step.
"use strict";
const NEVR = (() => {
  const HIDEABLE = ["clock","rounds","names","logos","feed","stats","minimap","speed","scoreboard","disc","trail","possession"];
  const KNOWN = ["team","hide","hub","token","match","scale","items"];
  const printable = s => /^[\x21-\x7e]*$/.test(s);

  // Options from the query string, checked like the server checks them (bad ones are ignored
  // with a console warning: a page opened from a file has no server to refuse it).
  function options() {
    const o = { team: "both", hide: new Set(), hub: null, token: null, match: null, scale: 1, items: 8 };
    const q = new URLSearchParams(location.search);
    for (const [k, v] of q) {
      if (!KNOWN.includes(k) || v.length > 512) { console.warn("nevr overlay: ignoring option", k); continue; }
      if (k === "team" && ["blue","orange","both"].includes(v)) o.team = v;
      else if (k === "hide") v.split(",").filter(p => HIDEABLE.includes(p)).forEach(p => o.hide.add(p));
      else if (k === "hub" && /^wss?:\/\//.test(v) && printable(v) && !v.includes('"')) o.hub = v;
      else if (k === "token" && printable(v) && v.length <= 256) o.token = v;
      else if (k === "match" && (/^[0-9A-Fa-f-]{1,64}$/.test(v))) o.match = v;
      else if (k === "scale") { const s = Number(v); if (isFinite(s) && s >= 0.25 && s <= 4) o.scale = s; }
      else if (k === "items") { const n = parseInt(v, 10); if (n >= 1 && n <= 50) o.items = n; }
    }
    document.documentElement.style.setProperty("--scale", o.scale);
    for (const p of o.hide) document.documentElement.classList.add("hide-" + p);
    if (o.team !== "both") document.documentElement.classList.add("team-" + o.team);
    return o;
  }

  function feedURL(o, parts) {
    let url = o.hub;
    if (!url) url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/subscribe";
    const u = new URL(url);
    if (!u.searchParams.has("parts")) u.searchParams.set("parts", parts);
    if (o.match && !u.searchParams.has("match")) u.searchParams.set("match", o.match);
    if (o.token && !u.searchParams.has("token")) u.searchParams.set("token", o.token);
    return u.toString();
  }

  // Connects and reconnects (100 ms doubling to 5 s). handlers.frame(session, events, message).
  function connect(o, handlers, parts = "session,events") {
    let delay = 100;
    const status = document.getElementById("nevr-status");
    const open = () => {
      let ws;
      try { ws = new WebSocket(feedURL(o, parts)); } catch (e) { console.error(e); return; }
      ws.onopen = () => { delay = 100; if (status) status.textContent = ""; document.documentElement.dataset.connected = "1"; };
      ws.onmessage = ev => {
        if (typeof ev.data !== "string" || ev.data.length > (8 << 20)) return;
        let m;
        try { m = JSON.parse(ev.data); } catch (e) { return; }
        if (!m || typeof m !== "object") return;
        if (m.type === "frame" || m.type === "events") {
          const events = Array.isArray(m.events) ? m.events : [];
          const session = m.session && typeof m.session === "object" ? m.session : null;
          handlers.frame(session, events, m);
        } else if (m.type === "dropped" || m.type === "error") {
          console.warn("nevr overlay:", m.type, m.reason || m.message);
        }
      };
      ws.onclose = () => {
        document.documentElement.dataset.connected = "0";
        if (status) status.textContent = "reconnecting…";
        setTimeout(open, delay);
        delay = Math.min(delay * 2, 5000);
      };
    };
    open();
  }

  const num = (v, d = 0) => (typeof v === "number" && isFinite(v) ? v : d);
  const str = (v, d = "") => (typeof v === "string" ? v : d);
  const vec = v => (Array.isArray(v) && v.length === 3 && v.every(x => typeof x === "number" && isFinite(x)) ? v : null);
  const len = v => (v ? Math.hypot(v[0], v[1], v[2]) : 0);
  const teamName = (s, i) => {
    const t = s && Array.isArray(s.teams) ? s.teams[i] : null;
    const n = t ? str(t.team) : "";
    return n || (i === 0 ? "BLUE TEAM" : "ORANGE TEAM");
  };
  const players = (s, i) => {
    const t = s && Array.isArray(s.teams) ? s.teams[i] : null;
    return t && Array.isArray(t.players) ? t.players.slice(0, 16) : [];
  };
  // Player display name by slot (playerid) in this frame.
  function nameOf(s, slot) {
    for (let i = 0; i < 3; i++) for (const p of players(s, i)) if (p.playerid === slot) return { name: str(p.name, "?"), team: i };
    return { name: "slot " + slot, team: -1 };
  }
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  const clockText = s => { const c = str(s && s.game_clock_display); return c ? c.replace(/\.\d+$/, "") : ""; };

  // ---- scoreboard -------------------------------------------------------------------------
  const scoreLog = [];
  function scoreboard(root) {
    root.innerHTML = `
      <div class="sb-team sb-blue"><span class="sb-name" id="blue-name">BLUE TEAM</span><span class="sb-points" id="blue-points">0</span></div>
      <div class="sb-middle"><div class="sb-clock" id="clock">--:--</div>
        <div class="sb-rounds"><span id="blue-rounds">0</span><span class="sb-round-label" id="round-label">ROUND 1</span><span id="orange-rounds">0</span></div></div>
      <div class="sb-team sb-orange"><span class="sb-points" id="orange-points">0</span><span class="sb-name" id="orange-name">ORANGE TEAM</span></div>`;
    const ids = ["blue-name","orange-name","blue-points","orange-points","clock","blue-rounds","orange-rounds","round-label"];
    const e = Object.fromEntries(ids.map(i => [i, root.querySelector("#" + i)]));
    const set = (id, v) => { if (e[id].textContent !== v) { e[id].textContent = v; return true; } return false; };
    return {
      update(s) {
        if (!s) return;
        let changed = set("blue-points", String(num(s.blue_points))) | set("orange-points", String(num(s.orange_points)));
        if (changed) {
          // When each score reached the DOM (wall clock), for latency measurements; bounded.
          scoreLog.push([Date.now(), num(s.blue_points), num(s.orange_points)]);
          if (scoreLog.length > 200) scoreLog.shift();
          flash(root);
        }
        set("blue-name", teamName(s, 0)); set("orange-name", teamName(s, 1));
        set("clock", clockText(s) || "--:--");
        const br = num(s.blue_round_score), or = num(s.orange_round_score), total = num(s.total_round_count, 1);
        set("blue-rounds", String(br)); set("orange-rounds", String(or));
        const status = str(s.game_status);
        const label = status === "post_match" ? "FINAL" : status === "score" ? "GOAL" : total > 1 ? `ROUND ${Math.min(br + or + 1, total)} / ${total}` : "";
        set("round-label", label);
      },
    };
  }
  function flash(node) { node.classList.remove("flash"); void node.offsetWidth; node.classList.add("flash"); }

  // ---- minimap ----------------------------------------------------------------------------
  // Top view: arena z (goal to goal, blue at -z) runs left to right, x runs top to bottom.
  const ARENA = { halfLength: 40, halfWidth: 16, goalZ: 36 };
  function minimap(root, o) {
    const W = 800, H = 340, pad = 10;
    const sx = z => pad + (z + ARENA.halfLength) / (2 * ARENA.halfLength) * (W - 2 * pad);
    const sy = x => H / 2 + x / ARENA.halfWidth * (H / 2 - pad);
    const NS = "http://www.w3.org/2000/svg";
    root.innerHTML = `<svg class="mm" viewBox="0 0 ${W} ${H}" xmlns="${NS}">
      <defs><radialGradient id="discglow"><stop offset="0" stop-color="#fff" stop-opacity="1"/><stop offset="1" stop-color="#fff" stop-opacity="0"/></radialGradient></defs>
      <path class="mm-arena" d="M ${sx(-34)} ${sy(-16)} L ${sx(34)} ${sy(-16)} L ${sx(40)} ${sy(-9)} L ${sx(40)} ${sy(9)} L ${sx(34)} ${sy(16)} L ${sx(-34)} ${sy(16)} L ${sx(-40)} ${sy(9)} L ${sx(-40)} ${sy(-9)} Z"/>
      <line class="mm-mid" x1="${sx(0)}" y1="${sy(-16)}" x2="${sx(0)}" y2="${sy(16)}"/>
      <circle class="mm-centre" cx="${sx(0)}" cy="${sy(0)}" r="22"/>
      <rect class="mm-goal mm-goal-blue" x="${sx(-ARENA.goalZ) - 4}" y="${sy(-3)}" width="8" height="${sy(3) - sy(-3)}" rx="3"/>
      <rect class="mm-goal mm-goal-orange" x="${sx(ARENA.goalZ) - 4}" y="${sy(-3)}" width="8" height="${sy(3) - sy(-3)}" rx="3"/>
      <g class="mm-players"></g>
      <g class="mm-disc-g"><circle class="mm-disc-glow" r="14" fill="url(#discglow)"/><circle class="mm-disc" r="5"/></g>
    </svg>`;
    const g = root.querySelector(".mm-players");
    const discG = root.querySelector(".mm-disc-g");
    const markers = new Map();
    let latest = null, drawn = 0;
    function draw() {
      const s = latest;
      latest = null;
      if (!s) return;
      const seen = new Set();
      for (let t = 0; t < 2; t++) for (const p of players(s, t)) {
        const pos = vec(p.head && p.head.position) || vec(p.body && p.body.position);
        if (!pos || typeof p.playerid !== "number") continue;
        const key = t + ":" + p.playerid;
        seen.add(key);
        let m = markers.get(key);
        if (!m) {
          m = document.createElementNS(NS, "g");
          m.setAttribute("class", "mm-player " + (t === 0 ? "blue" : "orange"));
          m.innerHTML = `<circle class="mm-ring" r="15"/><circle class="mm-dot" r="11"/><text class="mm-num" dy="4.5"></text><text class="mm-label" dy="-17"></text>`;
          g.appendChild(m);
          markers.set(key, m);
        }
        const x = sx(pos[2]), y = sy(pos[0]);
        m.setAttribute("transform", `translate(${x.toFixed(1)},${y.toFixed(1)})`);
        m.dataset.x = x.toFixed(1); m.dataset.y = y.toFixed(1);
        // Jersey number, or the name's first letter when the lobby has no numbers (they read 0).
        const jersey = num(p.number) > 0 ? String(p.number) : str(p.name, "?").slice(0, 1).toUpperCase();
        m.querySelector(".mm-num").textContent = jersey;
        m.querySelector(".mm-label").textContent = str(p.name).slice(0, 14);
        m.classList.toggle("has-disc", p.possession === true);
        m.classList.toggle("stunned", p.stunned === true);
      }
      for (const [k, m] of markers) if (!seen.has(k)) { m.remove(); markers.delete(k); }
      const d = vec(s.disc && s.disc.position);
      if (d) discG.setAttribute("transform", `translate(${sx(d[2]).toFixed(1)},${sy(d[0]).toFixed(1)})`);
      root.dataset.frames = String(++drawn);
    }
    // At most 30 draws a second, whatever the input rate.
    let last = 0;
    function tick(now) {
      if (latest && now - last >= 1000 / 30 - 2) { last = now; draw(); }
      requestAnimationFrame(tick);
    }
    requestAnimationFrame(tick);
    return { update(s) { if (s) latest = s; } };
  }

  // ---- event feed -------------------------------------------------------------------------
  const QUIET = new Set(["disc_possession_changed","disc_thrown","disc_caught","player_pass","scoreboard_updated","player_goal",
    "player_assist","player_shot_taken","player_joined","player_left","player_switched_team","emote_played","player_block","player_interception",
    "throw_details"]);
  function feed(root, o) {
    root.innerHTML = `<ol class="feed-list"></ol>`;
    const list = root.querySelector(".feed-list");
    const add = (kind, cls, clock, html) => {
      const li = el("li", "feed-item " + cls);
      li.dataset.kind = kind;
      li.appendChild(el("span", "feed-clock", clock));
      const body = el("span", "feed-body");
      for (const part of html) body.appendChild(typeof part === "string" ? document.createTextNode(part) : part);
      li.appendChild(body);
      list.insertBefore(li, list.firstChild);
      while (list.children.length > o.items) list.lastChild.remove();
    };
    const who = (s, slot) => { const p = nameOf(s, slot); return el("b", p.team === 0 ? "blue" : p.team === 1 ? "orange" : "", p.name); };
    let lastSession = null;
    return {
      update(s, events) {
        if (s) lastSession = s;
        const sess = s || lastSession;
        const clock = clockText(sess);
        for (const e of events) {
          if (!e || typeof e.kind !== "string") continue;
          const k = e.kind, slot = typeof e.player_slot === "number" ? e.player_slot : -1;
          if (k === "goal_scored") {
            const d = e.score_details || {};
            const team = str(d.team);
            const parts = [el("b", team === "blue" ? "blue" : "orange", str(d.person_scored, "?")), ` scored ${num(d.point_amount)}`];
            const a = str(d.assist_scored);
            if (a && a !== "[INVALID]") parts.push(" · assist ", el("b", "", a));
            const type = str(d.goal_type);
            if (type && type !== "[NO GOAL]") parts.push(el("span", "feed-detail", ` ${type.toLowerCase()}, ${num(d.disc_speed).toFixed(1)} m/s`));
            add(k, "goal " + team, clock, parts);
          } else if (k === "player_save") add(k, "save", clock, [who(sess, slot), " saved"]);
          else if (k === "player_stun") add(k, "stun", clock, [who(sess, slot), " stunned"]);
          else if (k === "player_steal") add(k, "steal", clock, [who(sess, slot), " stole the disc"]);
          else if (k === "round_started") add(k, "round", clock, [`Round ${num(e.round_number)} started`]);
          else if (k === "round_ended") add(k, "round", clock, [`Round ${num(e.round_number)} over`, winner(e.winning_team)]);
          else if (k === "match_ended") add(k, "round", clock, ["Match over", winner(e.winning_team)]);
          else if (k === "round_paused") add(k, "pause", clock, ["Paused"]);
          else if (k === "round_unpaused") add(k, "pause", clock, ["Play resumed"]);
          else if (k.includes("joust")) {
            const t = num(e.joust_time, num(e.time_seconds, num(e.time, num(e.joust_time_millis) / 1000)));
            const defensive = k.includes("defensive") || str(e.joust_type).toLowerCase().includes("defensive");
            const top = num(e.max_speed);
            add(k, "joust", clock, [defensive ? "Defensive joust " : "Joust ", slot >= 0 ? who(sess, slot) : "", ` ${t.toFixed(2)} s`,
              top > 0 ? el("span", "feed-detail", ` ${top.toFixed(1)} m/s`) : ""]);
          } else if (!QUIET.has(k)) add(k, "other", clock, [k.replace(/_/g, " "), slot >= 0 ? " · " : "", slot >= 0 ? who(sess, slot) : ""]);
        }
      },
    };
  }
  const winner = w => (w === "ROLE_BLUE_TEAM" ? ": blue wins" : w === "ROLE_ORANGE_TEAM" ? ": orange wins" : "");

  // ---- per-player stats table -------------------------------------------------------------
  const COLS = [["PTS","points"],["G","goals"],["A","assists"],["SV","saves"],["ST","stuns"],["STL","steals"],["POSS","possession_time"]];
  function stats(root, o) {
    let lastKey = "";
    return {
      update(s) {
        if (!s) return;
        const key = JSON.stringify([0, 1].map(t => players(s, t).map(p => [p.name, p.stats])));
        if (key === lastKey) return;
        lastKey = key;
        root.textContent = "";
        for (const t of [0, 1]) {
          if (o.team !== "both" && ["blue","orange"][t] !== o.team) continue;
          const table = el("table", "st-table " + (t === 0 ? "blue" : "orange"));
          const head = el("tr");
          head.appendChild(el("th", "st-team", teamName(s, t)));
          for (const [h] of COLS) head.appendChild(el("th", "", h));
          table.appendChild(head);
          const ps = players(s, t).slice().sort((a, b) => num(b.stats && b.stats.points) - num(a.stats && a.stats.points));
          for (const p of ps) {
            const tr = el("tr", "st-player");
            tr.appendChild(el("td", "st-name", str(p.name, "?")));
            const st = p.stats || {};
            for (const [, k] of COLS) tr.appendChild(el("td", "", k === "possession_time" ? num(st[k]).toFixed(0) + "s" : String(num(st[k]))));
            table.appendChild(tr);
          }
          root.appendChild(table);
        }
      },
    };
  }

  // ---- disc speedometer -------------------------------------------------------------------
  function speed(root) {
    const MAX = 40, R = 80, C = Math.PI * R * 1.5;
    root.innerHTML = `<svg class="sp" viewBox="0 0 200 170"><circle class="sp-track" cx="100" cy="100" r="${R}" stroke-dasharray="${C} 999" transform="rotate(135 100 100)"/>
      <circle class="sp-bar" cx="100" cy="100" r="${R}" stroke-dasharray="0 999" transform="rotate(135 100 100)"/>
      <text class="sp-value" x="100" y="108" id="disc-speed">0.0</text><text class="sp-unit" x="100" y="132">m/s disc</text>
      <text class="sp-peak" x="100" y="160" id="disc-peak">peak 0.0</text></svg>`;
    const bar = root.querySelector(".sp-bar"), value = root.querySelector("#disc-speed"), peakEl = root.querySelector("#disc-peak");
    let peak = 0, shown = -1;
    return {
      update(s) {
        if (!s) return;
        const v = Math.min(len(vec(s.disc && s.disc.velocity)), 99.9);
        if (str(s.game_status) === "round_start") peak = 0;
        peak = Math.max(peak, v);
        const t = Math.round(v * 10) / 10;
        if (t === shown) return;
        shown = t;
        value.textContent = t.toFixed(1);
        peakEl.textContent = "peak " + peak.toFixed(1);
        bar.setAttribute("stroke-dasharray", `${(Math.min(v, MAX) / MAX * C).toFixed(1)} 999`);
        root.classList.toggle("fast", v > 20);
      },
    };
  }

  // Builds the components present on the page (by element id) and feeds them.
  function start() {
    const o = options();
    const parts = [];
    const make = (id, f) => { const n = document.getElementById(id); if (n && !o.hide.has(id)) parts.push(f(n, o)); else if (n) n.remove(); };
    make("scoreboard", scoreboard);
    make("minimap", minimap);
    make("feed", feed);
    make("stats", stats);
    make("speed", speed);
    connect(o, { frame(session, events) { for (const p of parts) p.update(session, events); } });
  }
  return { start, options, scoreLog };
})();
document.addEventListener("DOMContentLoaded", NEVR.start);
"""##
}
