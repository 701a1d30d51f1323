#!/usr/bin/env python3
"""Latency from a goal in the input to the overlay page's DOM (BENCHMARKS.md).

Plays the part of a hub: serves /subscribe on a free port and sends frames at 30 Hz built from a
real game frame, raising blue_points by one every GOAL_EVERY frames (a goal in the input).
`nevr overlay --hub ws://127.0.0.1:PORT/subscribe` follows it; headless Chromium shows the
overlay's scoreboard page; the page logs (wall clock) when each new score reached its DOM.
Latency per goal = DOM time - the moment the frame carrying it was sent. Same machine, same clock.

Usage: scripts/overlay_latency.py --nevr .build/release/nevr [--goals 40] [--frame FILE] [--chromium PATH]
"""
import argparse, asyncio, json, os, shutil, statistics, subprocess, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "Tests", "Scripts"))
import websockets
from overlay_browser_check import Browser  # the same DevTools client the browser test uses

GOAL_EVERY = 15  # frames (0.5 s at 30 Hz)


async def main(args):
    base = json.load(open(args.frame))
    sent = {}
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
        page = await browser.open(f"{http}/overlay/scoreboard", 900, 130)
        await page.wait_for("document.documentElement.dataset.connected === '1'", 20, "the page to connect")
        ws = clients[0]
        t0 = time.time()
        n_frames = (args.goals + 1) * GOAL_EVERY
        for i in range(n_frames):
            points = i // GOAL_EVERY
            frame = dict(base)
            frame["blue_points"] = points
            frame["game_clock"] = max(0.0, 300.0 - i / 30)
            ts = int((t0 + i / 30) * 1e9)
            msg = json.dumps({"type": "frame", "match": base.get("sessionid", ""), "index": i, "timestamp_ns": ts,
                              "timestamp": "", "session": frame}, separators=(",", ":"))
            # Hold the 30 Hz schedule (deadline from the start, no drift).
            delay = t0 + i / 30 - time.time()
            if delay > 0:
                await asyncio.sleep(delay)
            if i % GOAL_EVERY == 0 and points > 0:
                sent[points] = time.time() * 1000
            await ws.send(msg)
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
    shown = {int(b): t for t, b, _ in log}
    lat = sorted(shown[p] - sent[p] for p in sent if p in shown)
    missing = [p for p in sent if p not in shown]
    q = lambda f: lat[min(len(lat) - 1, int(f * len(lat)))]
    print(json.dumps({"goals": len(sent), "reached_dom": len(lat), "missing": missing, "median_ms": statistics.median(lat),
                      "p95_ms": q(0.95), "max_ms": lat[-1], "min_ms": lat[0], "load": os.getloadavg()[0]}))


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--nevr", required=True)
    ap.add_argument("--goals", type=int, default=40)
    ap.add_argument("--frame", default=os.environ.get("NEVR_SHARED_DATA", "../shared/data") + "/session-2021-11-20-arena-private-5v5.json")
    ap.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    asyncio.run(main(ap.parse_args()))
