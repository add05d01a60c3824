"""``python -m bench --scale large --latency-ms 50 --rate-limit 6000``: measure participa's sync
against the simulator (each sync in its own process) and print a table; the figures are also
written to ``bench/results/<timestamp>.json``."""

from __future__ import annotations

import argparse
import json
import math
import shutil
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from connector.simulator import close_spaces, generate_world

NOW = datetime.fromisoformat("2026-11-24T12:00:00-03:00")
RESULTS = Path(__file__).parent / "results"
KINDS = ("proposal", "debate", "meeting")


class Server:
    def __init__(self, scale: str, latency: float, rate: int, close: float = 0.8,
                 advance: float = 0.0, release: str = "0.30"):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench.server", "--scale", scale, "--now", NOW.isoformat(),
             "--latency-ms", str(latency), "--rate-limit", str(rate), "--close", str(close),
             "--advance", str(advance), "--release", release],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.url = self.proc.stdout.readline().strip()

    def stop(self) -> dict:
        out, _ = self.proc.communicate("", timeout=60)
        return json.loads(out.strip().splitlines()[-1])


def child(args: list[str], timeout: float = 3600) -> dict:
    done = subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True,
                          timeout=timeout, check=False)
    if done.returncode:
        raise SystemExit(f"bench: {' '.join(args[:2])} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def sync(url: str, store: Path, now: datetime, opts, *extra: str) -> dict:
    return child(["bench.measure", "participa", url, str(store), "--now", now.isoformat(),
                  "--rate", str(opts.rate_limit * 0.95), "--concurrency",
                  str(opts.concurrency), *extra])


def copy_store(src: Path, dst: Path) -> None:
    for suffix in ("", "-wal", "-shm", ".key"):
        if Path(f"{src}{suffix}").exists():
            shutil.copy(f"{src}{suffix}", f"{dst}{suffix}")


def bounds(scale: str, release: str) -> dict:
    world = close_spaces(generate_world(7, scale, NOW), 0.8, seed=7)
    closed = {(s.kind, s.id) for s in world.spaces
              if s.end_date and s.end_date < NOW.date() - timedelta(days=30)}
    comps = {c.id: (c.space_kind, c.space_id) for c in world.components}
    sizes: dict[int, int] = {}
    for kind in KINDS:
        for item in world.index.all_listed(kind, release):
            sizes[item.component_id] = sizes.get(item.component_id, 0) + 1
    pages = {cid: math.ceil(n / 50) for cid, n in sizes.items()}
    active = sum(p for cid, p in pages.items() if comps[cid] not in closed)
    return {"page_bound": 1 + sum(pages.values()), "active_bound": 1 + active,
            "items": sum(sizes.values())}


def report_measure(work: Path, items: int) -> dict:
    store = work / "big.db"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "bench.bigstore", str(store), "--items", str(items),
                    "--now", NOW.isoformat()], check=True)
    built = time.perf_counter() - started
    config = work / "config.toml"
    config.write_text(f'[store]\npath = "{store}"\n\n[[instances]]\nname = "bench"\n'
                      'url = "http://127.0.0.1:9/api"\n', encoding="utf-8")
    peak = work / "report.peak"
    seconds, status = timed_child(
        [sys.executable, "-m", "bench.peak", str(peak), "report", "--config", str(config),
         "--format", "json", "--now", NOW.isoformat()], work / "report.json", timeout=300)
    rss = int(peak.read_text(encoding="ascii")) if peak.exists() else float("nan")
    return {"items": items, "comments": 3 * items, "build_seconds": built, "seconds": seconds,
            "max_rss_mb": rss / 1024, "status": status}


def timed_child(args: list[str], output: Path, timeout: float) -> tuple[float, str]:
    """Run ``args`` with stdout to ``output``: its wall time and status."""
    started = time.perf_counter()
    with output.open("wb") as out:
        try:
            done = subprocess.run(args, stdout=out, stderr=subprocess.PIPE, timeout=timeout,
                                  check=False)
        except subprocess.TimeoutExpired:
            return time.perf_counter() - started, f"timeout ({timeout:g} s)"
    seconds = time.perf_counter() - started
    err = done.stderr.decode(errors="replace")
    return seconds, "ok" if done.returncode == 0 else f"exit {done.returncode}: {err[-300:]}"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--scale", default="large")
    parser.add_argument("--latency-ms", type=float, default=50)
    parser.add_argument("--rate-limit", type=int, default=6000, help="server's requests/min")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--release", default="0.30")
    parser.add_argument("--memory-scales", default="medium,xlarge",
                        help="other scales whose full sync's peak RSS is shown beside --scale's")
    parser.add_argument("--report-items", type=int, default=1_000_000, help="0: skip")
    opts = parser.parse_args()
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    work = RESULTS / f"work-{stamp}"
    work.mkdir(parents=True, exist_ok=True)
    out: dict = {"args": vars(opts), **bounds(opts.scale, opts.release)}

    server = Server(opts.scale, opts.latency_ms, opts.rate_limit, release=opts.release)
    store = work / "sync.db"
    out["full"] = sync(server.url, store, NOW, opts)
    copy_store(store, work / "week.db")
    out["no_change"] = sync(server.url, store, NOW + timedelta(days=1), opts)
    out["server_full"] = server.stop()

    for label, days in (("week_daily", 6.9), ("week_refresh", 7.0)):
        copy_store(work / "week.db", work / f"{label}.db")
        server = Server(opts.scale, opts.latency_ms, opts.rate_limit, advance=7,
                        release=opts.release)
        out[label] = sync(server.url, work / f"{label}.db", NOW + timedelta(days=days), opts)
        out[f"server_{label}"] = server.stop()

    server = Server(opts.scale, 0, 0, release=opts.release)
    out["naive"] = child(["bench.measure", "naive", server.url])
    # ingest: a full sync with one request in flight records its requests and answers; once
    # the server is gone, the same sync code replays them (its CPU is then ingest alone, as
    # the raw baseline's is), and the raw baseline loads the same answers
    dump = str(work / "answers.jsonl")
    out["recorded"] = child(["bench.measure", "participa", server.url, str(work / "rec.db"),
                             "--now", NOW.isoformat(), "--rate", "1000000", "--concurrency",
                             "1", "--dump", dump])
    server.stop()
    out["naive"]["modelled_seconds"] = (out["naive"]["seconds"]
                                        + out["naive"]["requests"] * opts.latency_ms / 1000)
    out["replay"] = child(["bench.measure", "replay", dump, str(work / "replay.db"), "--now",
                           NOW.isoformat(), "--rate", "1000000"])
    out["raw"] = child(["bench.raw", dump, str(work / "raw.db")])

    out["memory"] = {}
    for scale in filter(None, opts.memory_scales.split(",")):
        server = Server(scale, 0, 0, release=opts.release)
        out["memory"][scale] = sync(server.url, work / f"mem-{scale}.db", NOW, opts)
        server.stop()
    if opts.report_items:
        out["report"] = report_measure(work, opts.report_items)
    path = RESULTS / f"{stamp}.json"
    path.write_text(json.dumps(out, indent=2, default=str), encoding="utf-8")
    print(table(out, opts))
    print(f"\n(figures in {path})")
    shutil.rmtree(work, ignore_errors=True)


def table(out: dict, opts) -> str:
    full, naive = out["full"], out["naive"]
    probes = full.get("probes", 0)
    paged = full["requests"] - probes
    lat = opts.latency_ms / 1000
    ideal = max(paged * lat / opts.concurrency, paged / (opts.rate_limit / 60))
    raw_cpu = out["raw"]["cpu_seconds"] / max(1, out["raw"]["items"])
    ingest_cpu = out["replay"]["cpu_seconds"] / max(1, out["replay"]["items"])
    live_cpu = full["cpu_seconds"] / max(1, full["items"])
    response = out["server_full"].get("response") or {}
    rows = [
        ("world", f"{opts.scale}: {out['items']} items, page bound {out['page_bound']}", ""),
        ("full sync requests", f"{paged} (+{probes} feature probes); naive {naive['requests']}"
         f" = {naive['requests'] / max(1, paged):.1f}x",
         f"<= {out['page_bound']} and naive >= 5x"),
        ("full sync wall time", f"{full['seconds']:.1f} s (limit model {ideal:.1f} s = "
         f"{full['seconds'] / ideal:.2f}x; server's mean answer "
         f"{response.get('mean_ms', float('nan')):.1f} ms); naive "
         f"{naive['modelled_seconds']:.0f} s modelled", "<= 1.3x model"),
        ("no change, 80% closed", f"{out['no_change']['requests'] - probes} requests "
         f"({out['no_change']['mode']})", f"<= 1.2 x {out['active_bound']} = "
         f"{1.2 * out['active_bound']:.0f}"),
        ("one week later", f"{out['week_daily']['requests'] - probes} (closed not due), "
         f"{out['week_refresh']['requests'] - probes} (closed refresh due)",
         f"full {paged}, no change {out['no_change']['requests'] - probes}"),
        ("ingest CPU per item", f"{ingest_cpu * 1000:.3f} ms vs raw {raw_cpu * 1000:.3f} ms = "
         f"{ingest_cpu / raw_cpu:.2f}x (replayed answers; the live full sync, beside the "
         f"server on these 2 cores, used {live_cpu * 1000:.3f} ms = {live_cpu / raw_cpu:.2f}x)",
         "<= 2x raw"),
        ("peak RSS", ", ".join(
            f"{scale} {m['items']} items {m['max_rss_mb']:.0f} MB"
            for scale, m in sorted({opts.scale: full, **out["memory"]}.items(),
                                   key=lambda kv: kv[1]["items"])),
         "<= 200 MB, flat"),
        ("429s", f"{out['server_full'].get('rate_limited', 0)}", "0"),
    ]
    if "report" in out:
        r = out["report"]
        rows.append(("report --format json", f"{r['seconds']:.1f} s, {r['max_rss_mb']:.0f} MB "
                     f"({r['items']} items, {r['comments']} comments; {r['status']})",
                     "<= 2 s, <= 300 MB"))
    width = max(len(r[0]) for r in rows)
    lines = [f"{'measure':<{width}} | result | target", "-" * 100]
    lines += [f"{m:<{width}} | {v} | {t}" for m, v, t in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
