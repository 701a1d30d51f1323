#!/usr/bin/env python3
"""End-to-end check of `nevr overlay` in a real headless browser (Debian's chromium).

Runs `nevr overlay --replay FILE` on a recording, then:

  * reads the recording itself (zipfile + json: an independent implementation) to know the
    truth: the first goal's scorer, the players, the score at any moment;
  * subscribes with Spark's WebSocket protocol (`subscribe:<type>`) and checks the echoes,
    `failed:` answers, message types and JSON keys;
  * checks the Spark HTTP endpoints (keys, CORS, /session passthrough, 400 on bad options);
  * opens every overlay page in headless Chromium through the DevTools protocol and checks the
    DOM: the scoreboard shows the score of the frame being served at that moment, the minimap
    has 8-10 player markers that move between two screenshots, the feed lists the first goal's
    scorer, the stats table lists the players;
  * writes a PNG screenshot of each page (--screenshots DIR; --backdrop for the README).

Prints one JSON object with what it measured; exits non-zero with a message on the first failure.
Usage: overlay_browser_check.py --nevr BIN --replay FILE.echoreplay [--rate 4] [--screenshots DIR]
       [--backdrop] [--chromium PATH] [--latency-frames N]
"""
import argparse, asyncio, base64, io, json, os, shutil, subprocess, sys, tempfile, time, urllib.error, urllib.request, zipfile

import websockets

SPARK_GOAL_KEYS = {"session_id", "match_time", "game_clock", "player_id", "player_name", "point_value", "disc_speed",
                   "goal_distance", "assist_name", "goal_type", "team_scored", "goal_pos_x", "goal_pos_y", "pos_x", "pos_y",
                   "pos_z", "goal_angle", "backboard", "goal_color", "left_handed", "underhandedness"}
SPARK_PLAYER_EVENT_KEYS = {"session_id", "match_time", "event_time", "game_clock", "event_type", "player_id", "player_name",
                           "player_team", "pos_x", "pos_y", "pos_z"}
MATCH_PLAYER_KEYS = {"session_id", "match_time", "player_id", "player_name", "level", "player_number", "team_color",
                     "possession_time", "play_time", "inverted_time", "points", "2_pointers", "3_pointers", "shots_taken",
                     "saves", "goals", "stuns", "passes", "catches", "steals", "blocks", "interceptions", "assists",
                     "average_speed", "average_speed_lhand", "average_speed_rhand", "wingspan", "playspace_abuses", "wins"}

PAGES = {  # name -> viewport
    "scoreboard": (900, 130), "minimap": (840, 380), "feed": (500, 430), "stats": (980, 330), "speed": (250, 215),
    "all": (1920, 1080),
}


class CheckFailed(Exception):
    pass


def check(cond, message):
    if not cond:
        raise CheckFailed(message)


# ---- the recording, read independently ----------------------------------------------------------

def read_recording(path):
    """(timestamp text, session dict) for every line of a zipped or plain .echoreplay."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            data = z.read(z.namelist()[0])
    frames = []
    for line in data.decode("utf-8").splitlines():
        if not line.strip():
            continue
        cols = line.split("\t")
        try:
            s = json.loads(cols[1])
        except (IndexError, ValueError):
            continue
        if "teams" in s:
            frames.append((cols[0], s))
    return frames


def first_goal(frames):
    """Index of the first frame with more points than the frame before, and the scorer that
    `last_score` names once it changes (it can trail the points by a frame or two)."""
    before = frames[0][1].get("last_score", {})
    for i in range(1, len(frames)):
        a, b = frames[i - 1][1], frames[i][1]
        if b.get("blue_points", 0) + b.get("orange_points", 0) > a.get("blue_points", 0) + a.get("orange_points", 0):
            for j in range(i, min(i + 30, len(frames))):
                ls = frames[j][1].get("last_score", {})
                if ls != before and ls.get("person_scored", "[INVALID]") != "[INVALID]":
                    return i, ls["person_scored"]
    raise CheckFailed("the recording has no goal")


# ---- nevr overlay ----------------------------------------------------------------------------------

def start_overlay(args):
    cmd = [args.nevr, "overlay", "--replay", args.replay, "--speed", str(args.rate), "--port", "0", "--events-port", "0"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline().strip()
    if not line:
        raise CheckFailed("nevr overlay printed no URL; stderr: " + proc.stderr.read())
    http, events = line.split()
    return proc, http.rstrip("/"), events.rstrip("/")


def get(url, headers=None):
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def check_http(base):
    out = {}
    status, headers, body = get(base + "/stats", {"Origin": "http://example.org"})
    check(status == 200, f"/stats answered {status}")
    check(headers.get("Access-Control-Allow-Origin") == "*", f"/stats CORS header: {headers.get('Access-Control-Allow-Origin')}")
    stats = json.loads(body)
    check(set(stats) == {"teams", "joust_events", "goals"}, f"/stats keys {sorted(stats)}")
    for team in stats["teams"]:
        for p in team["players"]:
            check(set(p) == MATCH_PLAYER_KEYS, f"/stats player keys differ: {sorted(set(p) ^ MATCH_PLAYER_KEYS)}")
    info = json.loads(get(base + "/overlay_info")[2])
    check({"stats", "visibility", "caster_prefs", "session"} <= set(info), f"/overlay_info keys {sorted(info)}")
    check("teams" in info["session"], "/overlay_info session is not a game frame")
    for path in ("/get_disc_speed", "/get_player_speed"):
        v = json.loads(get(base + path)[2])
        check(set(v) == {"speed"} and isinstance(v["speed"], (int, float)), f"{path}: {v}")
    positions = json.loads(get(base + "/disc_positions")[2])
    check(isinstance(positions, list) and all(set(p) == {"x", "y", "z"} for p in positions), "/disc_positions shape")
    status, _, body = get(base + "/session")
    check(status == 200 and "sessionid" in json.loads(body), f"/session passthrough: {status}")
    check(b"<table" in get(base + "/scoreboard")[2], "/scoreboard is not Spark's HTML table")
    for bad in ("/overlay/minimap?team=red", "/overlay/feed?hide=bogus", "/overlay/all?scale=99", "/overlay/feed?items=0",
                "/overlay/stats?nope=1"):
        status, _, body = get(base + bad)
        check(status == 400, f"{bad} answered {status}, not 400")
    check(get(base + "/overlay/nothing")[0] == 404, "an unknown page is not 404")
    out["disc_positions"] = len(positions)
    return out


async def check_spark_websocket(events_url, seconds):
    """Spark's protocol: echoes, failed:, overlay_config at once, typed messages with Spark's keys."""
    types = ["goal", "save", "stun", "steal", "event_log", "frame_10hz", "frame_1hz", "joined_game"]
    seen = {}
    async with websockets.connect(events_url + "/", max_size=None) as ws:
        for t in types + ["overlay_config"]:
            await ws.send("subscribe:" + t)
        await ws.send("subscribe:no_such_type")
        await ws.send("hello")
        echoes, failed, config = set(), 0, None
        start = time.monotonic()
        while time.monotonic() - start < seconds:
            try:
                msg = await asyncio.wait_for(ws.recv(), timeout=max(0.05, seconds - (time.monotonic() - start)))
            except asyncio.TimeoutError:
                break
            check(isinstance(msg, str), "Spark messages are text")
            kind, _, payload = msg.partition(":")
            if kind in ("subscribe",) and payload in types + ["overlay_config"]:
                echoes.add(payload)
                continue
            if kind == "failed":
                failed += 1
                continue
            if kind == "overlay_config":
                config = json.loads(payload)
                continue
            check(kind in types, f"unsubscribed or unknown type {kind!r}")
            body = json.loads(payload)
            seen.setdefault(kind, []).append((time.monotonic(), body))
        check(echoes == set(types + ["overlay_config"]), f"missing echoes: {set(types) - echoes}")
        check(failed == 2, f"expected 2 failed: answers, got {failed}")
        check(config is not None and "visibility" in config, "subscribe:overlay_config did not answer the config")
    frames = seen.get("frame_10hz", [])
    check(len(frames) >= 3, f"only {len(frames)} frame_10hz messages")
    for _, s in frames:
        check("sessionid" in s and "teams" in s, "frame_10hz is not the raw /session JSON")
    span = frames[-1][0] - frames[0][0]
    # Rate-limited: never more than 10 a second (one of slack for the window edges).
    check(len(frames) - 1 <= span * 10 + 1, f"frame_10hz sent {len(frames)} in {span:.2f} s")
    for _, g in seen.get("goal", []):
        check(set(g) == SPARK_GOAL_KEYS, f"goal keys differ: {sorted(set(g) ^ SPARK_GOAL_KEYS)}")
    for kind in ("save", "steal"):
        for _, e in seen.get(kind, []):
            check(set(e) == SPARK_PLAYER_EVENT_KEYS, f"{kind} keys differ: {sorted(set(e) ^ SPARK_PLAYER_EVENT_KEYS)}")
    for _, e in seen.get("event_log", []):
        check(set(e) == {"message"} and isinstance(e["message"], str), "event_log is not {message}")
    return {k: len(v) for k, v in seen.items()}


# ---- Chromium over the DevTools protocol -----------------------------------------------------------

class Browser:
    def __init__(self, executable):
        self.dir = tempfile.mkdtemp(prefix="nevr-chromium-")
        self.proc = subprocess.Popen(
            [executable, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
             "--hide-scrollbars", "--mute-audio", "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
             "--disable-backgrounding-occluded-windows", "--disable-extensions", "--remote-debugging-port=0",
             f"--user-data-dir={self.dir}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.next_id = 0
        self.pending = {}
        self.events = []

    async def connect(self):
        port_file = os.path.join(self.dir, "DevToolsActivePort")
        for _ in range(300):
            if os.path.exists(port_file):
                lines = open(port_file).read().split("\n")
                if len(lines) >= 2 and lines[1]:
                    break
            await asyncio.sleep(0.05)
        else:
            raise CheckFailed("chromium did not start its DevTools endpoint")
        self.ws = await websockets.connect(f"ws://127.0.0.1:{lines[0]}{lines[1]}", max_size=None)
        self.reader = asyncio.create_task(self._read())

    async def _read(self):
        async for raw in self.ws:
            m = json.loads(raw)
            if "id" in m and m["id"] in self.pending:
                self.pending.pop(m["id"]).set_result(m)

    async def send(self, method, params=None, session=None):
        self.next_id += 1
        fut = asyncio.get_running_loop().create_future()
        self.pending[self.next_id] = fut
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        await self.ws.send(json.dumps(msg))
        r = await asyncio.wait_for(fut, 30)
        if "error" in r:
            raise CheckFailed(f"{method}: {r['error']}")
        return r.get("result", {})

    async def open(self, url, width, height):
        target = (await self.send("Target.createTarget", {"url": "about:blank", "newWindow": True}))["targetId"]
        session = (await self.send("Target.attachToTarget", {"targetId": target, "flatten": True}))["sessionId"]
        page = Page(self, session)
        await page.send("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        await page.send("Emulation.setDefaultBackgroundColorOverride", {"color": {"r": 0, "g": 0, "b": 0, "a": 0}})
        await page.send("Page.enable")
        await page.send("Page.navigate", {"url": url})
        return page

    async def close(self):
        try:
            await self.send("Browser.close")
        except Exception:
            pass
        self.reader.cancel()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


class Page:
    def __init__(self, browser, session):
        self.browser, self.session = browser, session

    async def send(self, method, params=None):
        return await self.browser.send(method, params, self.session)

    async def eval(self, expression):
        r = await self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in r:
            raise CheckFailed(f"page script failed: {r['exceptionDetails']}")
        return r["result"].get("value")

    async def wait_for(self, expression, timeout, what):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                v = await self.eval(expression)
            except CheckFailed:  # the document is not there yet (navigation in progress)
                v = None
            if v:
                return v
            await asyncio.sleep(0.05)
        raise CheckFailed(f"timed out after {timeout} s waiting for {what}")

    async def screenshot(self):
        return base64.b64decode((await self.send("Page.captureScreenshot", {"format": "png"}))["data"])


# A dark backdrop standing in for the game behind an OBS browser source (README pictures only).
BACKDROP = ("document.documentElement.style.minHeight='100vh';"
            "document.documentElement.style.background='radial-gradient(ellipse at 30% 20%, #3b4a5e 0%, #1d2633 55%, #10151d 100%) no-repeat fixed';"
            "document.body.style.background='transparent';")


def session_score(base):
    s = json.loads(get(base + "/session")[2])
    return s.get("blue_points"), s.get("orange_points"), s.get("game_clock")


def png_ok(png):
    return png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 1000


async def open_pages(args, base):
    """Opens every page at once, before the first goal of the replay, and waits until each is connected."""
    browser = Browser(args.chromium)
    await browser.connect()
    pages = {}
    try:
        for name, (w, h) in PAGES.items():
            query = "?items=50" if name == "feed" else ""
            pages[name] = await browser.open(f"{base}/overlay/{name}{query}", w, h)
        for name, page in pages.items():
            await page.wait_for("document.documentElement.dataset.connected === '1'", 20, f"{name} to connect")
    except BaseException:
        await browser.close()
        raise
    return browser, pages


async def browser_checks(args, base, truth, browser, pages):
    out = {}
    try:
        # Feed: the first goal's scorer, as the recording names it.
        feed = pages["feed"]
        goal_text = await feed.wait_for(
            "(() => { const g = [...document.querySelectorAll('#feed li[data-kind=goal_scored]')]; return g.length ? g[g.length - 1].textContent : ''; })()",
            args.goal_timeout, "the first goal in the feed")
        check(truth["first_scorer"] in goal_text, f"feed's first goal names {goal_text!r}, the recording says {truth['first_scorer']!r}")
        out["feed_first_goal"] = goal_text

        # Scoreboard: the score of the frame being served. On a loaded machine the page may trail the
        # server by a moment, so it gets up to 10 s to show a score the server is still serving.
        sb = pages["scoreboard"]
        dom_expr = "[document.getElementById('blue-points').textContent, document.getElementById('orange-points').textContent].join(',')"
        matches, last = 0, None
        for _ in range(8):
            served = session_score(base)[:2]
            want = f"{served[0]},{served[1]}"
            end = time.monotonic() + 10
            dom = None
            while time.monotonic() < end:
                dom = await sb.eval(dom_expr)
                if dom == want:
                    break
                await asyncio.sleep(0.05)
            still = session_score(base)[:2]
            if still != served:
                continue  # the score changed meanwhile: sample again
            check(dom == want, f"scoreboard shows {dom}, the server has been serving {want} for 10 s")
            matches += 1
            last = served
            if matches >= 3:
                break
            await asyncio.sleep(0.2)
        check(matches >= 3, "the score changed during every sample")
        out["scoreboard"] = {"dom": dom, "served": list(last)}

        # Minimap: 8-10 markers that move between two screenshots.
        mm = pages["minimap"]
        count = await mm.wait_for("document.querySelectorAll('.mm-player').length", 10, "minimap markers")
        check(8 <= count <= 10, f"minimap has {count} player markers")
        on_teams = lambda: sum(len(t.get("players", [])) for t in json.loads(get(base + "/session")[2])["teams"][:2])
        for _ in range(10):  # one marker per player of the frame being served (unless a join/leave falls in between)
            before = on_teams()
            count = await mm.eval("document.querySelectorAll('.mm-player').length")
            if before == on_teams():
                break
        check(count == before, f"minimap has {count} markers, the frame has {before} players")
        pos1 = await mm.eval("[...document.querySelectorAll('.mm-player')].map(m => m.getAttribute('transform'))")
        shot1 = await mm.screenshot()
        await asyncio.sleep(0.6)
        pos2 = await mm.eval("[...document.querySelectorAll('.mm-player')].map(m => m.getAttribute('transform'))")
        shot2 = await mm.screenshot()
        moved = sum(1 for a, b in zip(pos1, pos2) if a != b)
        check(moved >= 4, f"only {moved} of {count} markers moved in 0.6 s")
        check(png_ok(shot1) and png_ok(shot2) and shot1 != shot2, "the two minimap screenshots are identical or invalid")
        check(await mm.eval("document.querySelectorAll('.mm-player.has-disc').length") <= 1, "more than one disc holder")
        out["minimap"] = {"markers": count, "moved": moved}

        # Stats table: every player of the frame.
        st = pages["stats"]
        names = await st.wait_for("[...document.querySelectorAll('.st-name')].map(e => e.textContent)", 10, "stats rows")
        s = json.loads(get(base + "/session")[2])
        expected = sorted(p["name"] for t in s["teams"][:2] for p in t.get("players", []))
        check(sorted(names) == expected, f"stats table lists {sorted(names)}, the frame has {expected}")
        out["stats_rows"] = len(names)

        sp = pages["speed"]
        v = await sp.wait_for("document.getElementById('disc-speed').textContent", 5, "disc speed")
        check(0 <= float(v) < 100, f"disc speed {v!r}")

        # Screenshots of every page.
        if args.screenshots:
            os.makedirs(args.screenshots, exist_ok=True)
            for name, page in pages.items():
                if args.backdrop:
                    await page.eval(BACKDROP)
                await asyncio.sleep(0.2)
                png = await page.screenshot()
                check(png_ok(png), f"{name} screenshot is not a PNG")
                with open(os.path.join(args.screenshots, f"overlay-{name}.png"), "wb") as f:
                    f.write(png)
            out["screenshots"] = sorted(os.listdir(args.screenshots))
    finally:
        await browser.close()
    return out


async def main(args):
    frames = read_recording(args.replay)
    check(len(frames) > 100, "the recording is too short")
    goal_index, scorer = first_goal(frames)
    truth = {"frames": len(frames), "first_goal_frame": goal_index, "first_scorer": scorer}
    proc, base, events = start_overlay(args)
    browser = None
    try:
        result = {"truth": truth}
        browser, pages = await open_pages(args, base)
        result["spark_ws"] = await check_spark_websocket(events, args.ws_seconds)
        result["http"] = check_http(base)
        result["browser"] = await browser_checks(args, base, truth, browser, pages)
        browser = None
        if proc.poll() is not None:
            raise CheckFailed("nevr overlay exited early: " + proc.stderr.read())
        return result
    finally:
        if browser:
            await browser.close()
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--nevr", required=True)
    ap.add_argument("--replay", required=True)
    ap.add_argument("--rate", type=float, default=1.5)
    ap.add_argument("--screenshots")
    ap.add_argument("--backdrop", action="store_true")
    ap.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser") or "chromium")
    ap.add_argument("--ws-seconds", type=float, default=3)
    ap.add_argument("--goal-timeout", type=float, default=90)
    args = ap.parse_args()
    try:
        print(json.dumps(asyncio.run(main(args))))
    except CheckFailed as e:
        print(f"overlay check failed: {e}", file=sys.stderr)
        sys.exit(1)
