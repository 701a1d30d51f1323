#!/usr/bin/env python3
"""Latency from a goal in the input to the overlay page's DOM (BENCHMARKS.md).

Plays the part of a hub: serves /subscribe on a free port and sends frames at 30 Hz built from a
real game frame, raising blue_points by one every GOAL_EVERY frames (a goal in the input).
`nevr overlay --hub ws://127.0.0.1:PORT/subscribe` follows it; headless Chromium shows the
overlay's scoreboard page; the page logs (wall clock) when each new score reached its DOM.
Latency per goal = DOM time - the moment the frame carrying it was sent. Same machine, same clock.

Reference in the same run (--reference, on by default): the same frames from the same sender to
a bare page in the same browser that only parses each message and logs the new score (no nevr in
between): what the machine's scheduling, Python and Chromium cost by themselves at that moment.

Usage: scripts/overlay_latency.py --nevr .build/release/nevr [--goals 40] [--frame FILE] [--chromium PATH] [--no-reference]
"""
import argparse, asyncio, json, os, shutil, statistics, subprocess, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "Tests", "Scripts"))
import websockets
from overlay_browser_check import Browser  # the same DevTools client the browser test uses

GOAL_EVERY = 15  # frames (0.5 s at 30 Hz)


def frame_message(base, i, t0):
    frame = dict(base)
    frame["blue_points"] = i // GOAL_EVERY
    frame["game_clock"] = max(0.0, 300.0 - i / 30)
    ts = int((t0 + i / 30) * 1e9)
    return json.dumps({"type": "frame", "match": base.get("sessionid", ""), "index": i, "timestamp_ns": ts,
                       "timestamp": "", "session": frame}, separators=(",", ":"))


async def send_goals(ws, base, goals):
    """Sends (goals + 1) * GOAL_EVERY frames at 30 Hz; returns {points: wall-clock ms the goal frame was sent}."""
    sent = {}
    t0 = time.time()
    for i in range((goals + 1) * GOAL_EVERY):
        msg = frame_message(base, i, t0)
        # Hold the 30 Hz schedule (deadline from the start, no drift).
        delay = t0 + i / 30 - time.time()
        if delay > 0:
            await asyncio.sleep(delay)
        points = i // GOAL_EVERY
        if i % GOAL_EVERY == 0 and points > 0:
            sent[points] = time.time() * 1000
        await ws.send(msg)
    return sent


def summary(sent, log):
    shown = {int(b): t for t, b, _ in log}
    lat = sorted(shown[p] - sent[p] for p in sent if p in shown)
    missing = [p for p in sent if p not in shown]
    q = lambda f: lat[min(len(lat) - 1, int(f * len(lat)))]
    return {"goals": len(sent), "reached_dom": len(lat), "missing": missing, "median_ms": statistics.median(lat),
            "p95_ms": q(0.95), "max_ms": lat[-1], "min_ms": lat[0]}


# The reference page: parses each message and logs a new score, nothing else. Served over HTTP by
# the reference's own WebSocket server (Chromium refuses WebSockets from about:blank and data: pages).
BARE_PAGE = """<!DOCTYPE html><html><body><script>
window.NEVR = {scoreLog: []}; let last = -1;
const ws = new WebSocket("ws://" + location.host + "/");
ws.onopen = () => { document.documentElement.dataset.connected = "1"; };
ws.onmessage = e => { const m = JSON.parse(e.data); const b = m.session.blue_points;
  if (b !== last) { last = b; document.body.textContent = String(b); NEVR.scoreLog.push([Date.now(), b, 0]); } };
</script></body></html>"""


async def reference(args, base, browser):
    from websockets.datastructures import Headers
    from websockets.http11 import Response
    clients = []
    done = asyncio.Event()

    async def handler(ws):
        clients.append(ws)
        await done.wait()

    def page(connection, request):
        if request.path == "/page":
            body = BARE_PAGE.encode()
            return Response(200, "OK", Headers([("Content-Type", "text/html"), ("Content-Length", str(len(body)))]), body)
        return None

    server = await websockets.serve(handler, "127.0.0.1", 0, process_request=page)
    port = server.sockets[0].getsockname()[1]
    try:
        page = await browser.open(f"http://127.0.0.1:{port}/page", 300, 100)
        await page.wait_for("document.documentElement.dataset.connected === '1'", 20, "the bare page to connect")
        sent = await send_goals(clients[0], base, args.goals)
        await asyncio.sleep(1)
        return summary(sent, await page.eval("NEVR.scoreLog"))
    finally:
        done.set()
        server.close()


async def main(args):
    base = json.load(open(args.frame))
    done = asyncio.Event()
    clients = []

    async def handler(ws):
        clients.append(ws)
        await done.wait()

    server = await websockets.serve(handler, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    nevr = subprocess.Popen([args.nevr, "overlay", "--hub", f"ws://127.0.0.1:{port}/subscribe", "--port", "0", "--events-port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    http = nevr.stdout.readline().split()[0].rstrip("/")
    browser = Browser(args.chromium)
    await browser.connect()
    try:
        for _ in range(200):
            if clients:
                break
            await asyncio.sleep(0.05)
        ref = await reference(args, base, browser) if args.reference else None
        page = await browser.open(f"{http}/overlay/scoreboard", 900, 130)
        await page.wait_for("document.documentElement.dataset.connected === '1'", 20, "the page to connect")
        sent = await send_goals(clients[0], base, args.goals)
        await asyncio.sleep(1)
        log = await page.eval("NEVR.scoreLog")
    finally:
        done.set()
        await browser.close()
        server.close()
        nevr.terminate()
        try:
            # Off the event loop: the hub side (this loop) must keep answering the close handshake.
            await asyncio.to_thread(nevr.wait, 20)
        except subprocess.TimeoutExpired:
            print("nevr overlay did not stop within 20 s of SIGTERM; killed", file=sys.stderr)
            nevr.kill()
    result = summary(sent, log)
    result["load"] = os.getloadavg()[0]
    if ref:
        result["reference"] = ref
        result["median_ratio"] = result["median_ms"] / ref["median_ms"]
        result["p95_ratio"] = result["p95_ms"] / ref["p95_ms"]
    print(json.dumps(result))


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--nevr", required=True)
    ap.add_argument("--goals", type=int, default=40)
    ap.add_argument("--frame", default=os.environ.get("NEVR_SHARED_DATA", "../shared/data") + "/session-2021-11-20-arena-private-5v5.json")
    ap.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    ap.add_argument("--no-reference", dest="reference", action="store_false", help="skip the bare-page reference")
    asyncio.run(main(ap.parse_args()))
