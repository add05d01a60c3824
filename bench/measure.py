"""One measured sync in its own process (its peak RSS is then its own): prints JSON.

``python -m bench.measure participa URL STORE --now ISO [--full] [--rate R] [--concurrency N]
[--dump FILE]``, ``python -m bench.measure replay DUMP STORE --now ISO`` (the same sync fed the
answers of a dump made with ``--concurrency 1``, through an in-process transport: no server
runs meanwhile, so its CPU is ingest alone) or ``python -m bench.measure naive URL``.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import datetime

from bench.naive import naive_sync
from bench.peak import vm_hwm_kib


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("client", choices=("participa", "replay", "naive"))
    parser.add_argument("url")
    parser.add_argument("store", nargs="?")
    parser.add_argument("--now")
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--rate", type=float, default=6000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--dump")
    args = parser.parse_args()
    if args.client in ("participa", "replay"):  # imports are not ingest: load them first
        import connector.client  # noqa: F401
        import sync.pipeline  # noqa: F401
        import sync.store  # noqa: F401
    # the recorded answers are loaded before the clocks too: replaying them is the measure
    transport = _replay_transport(args.url) if args.client == "replay" else None
    started, cpu = time.perf_counter(), time.process_time()
    if args.client == "naive":
        out: dict = naive_sync(args.url)
    else:
        out = _participa(args, transport)
    out["seconds"] = time.perf_counter() - started
    out["cpu_seconds"] = time.process_time() - cpu
    out["max_rss_mb"] = vm_hwm_kib() / 1024
    print(json.dumps(out))


def _participa(args: argparse.Namespace, transport=None) -> dict:
    from pathlib import Path

    from connector.client import DecidimClient
    from sync.config import InstanceConfig
    from sync.pipeline import sync_instance
    from sync.store import open_store

    replay = transport is not None
    url = "http://replay.invalid/api" if replay else args.url
    inst = InstanceConfig(name="bench", url=url, requests_per_minute=args.rate,
                          max_concurrency=1 if replay else args.concurrency)
    now = datetime.fromisoformat(args.now)
    db = open_store(Path(args.store))
    extra = {"transport": transport} if replay else {}
    with DecidimClient.from_config(inst, **extra) as client:
        if args.dump:
            _record_bodies(client, args.dump)
        probes = _count_probes(client)
        result = sync_instance(db, inst, client, now=lambda: now, secret=b"b" * 32,
                               full=args.full)
        retries = client.retries
    mode = db.execute("SELECT mode FROM sync_runs ORDER BY id DESC LIMIT 1").fetchone()[0]
    db.close()
    return {"requests": result.requests, "probes": probes["n"], "retries": retries, "mode": mode,
            "items": sum(result.counts[k] for k in ("proposals", "debates", "meetings")),
            "comments": result.counts["comments"]}


def _count_probes(client) -> dict:
    """Counts the feature-detection requests (reported apart from the sync's own)."""
    probes = {"n": 0}
    detect = client.detect_features

    def counted():
        before = client.requests
        features = detect()
        probes["n"] = client.requests - before
        return features

    client.detect_features = counted
    return probes


def _record_bodies(client, path: str) -> None:
    """Keep every request body and its answer (for the replay and the raw ingest baseline),
    ``{"request": …, "answer": …}`` a line."""
    http = client._http._http  # the httpx.Client: the bench's only reach into the client
    sink = open(path, "w", encoding="utf-8")  # noqa: SIM115 - closed with the process

    def hook(response):
        response.read()
        sink.write(json.dumps({"request": response.request.content.decode(),
                               "answer": response.text}) + "\n")

    http.event_hooks["response"] = [hook]


def _replay_transport(dump: str):
    """An httpx transport answering each request with the answer recorded for it."""
    import httpx

    answers: dict[bytes, bytes] = {}
    with open(dump, encoding="utf-8") as lines:
        for line in lines:
            pair = json.loads(line)
            answers[pair["request"].encode()] = pair["answer"].encode()

    def handler(request):
        body = answers.get(request.content)
        if body is None:
            raise SystemExit("bench: the replayed sync sent a request the dump does not hold")
        return httpx.Response(200, content=body,
                              headers={"content-type": "application/json; charset=utf-8"})

    return httpx.MockTransport(handler)


if __name__ == "__main__":
    main()
