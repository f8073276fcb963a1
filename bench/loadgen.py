"""A bounded HTTP load generator for loopback only: N threads, each a keep-alive connection (reopened when the
server closes it), for at most S seconds and at most M requests in all.

    python -m bench.loadgen http://127.0.0.1:PORT/path [--threads 4] [--seconds 4] [--max 20000]

Prints one JSON line: requests, requests/s, latency p50/p95 (ms), errors (non-200 or failed), bytes per response.
"""

import argparse
import http.client
import json
import sys
import threading
import time
from urllib.parse import urlsplit


def run(url: str, threads: int, seconds: float, limit: int) -> dict:
    parts = urlsplit(url)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"refusing to load {parts.hostname}: loopback only")
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    lock, latencies, errors, sizes = threading.Lock(), [], [0], []
    budget = [limit]
    deadline = time.perf_counter() + seconds

    def worker():
        con = None
        while time.perf_counter() < deadline:
            with lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            started = time.perf_counter()
            try:
                if con is None:
                    con = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
                con.request("GET", target, headers={"Accept-Encoding": "identity"})
                response = con.getresponse()
                body = response.read()
                ok = response.status == 200
                if response.getheader("Connection", "").lower() == "close" or response.will_close:
                    con.close()
                    con = None
            except (OSError, http.client.HTTPException):
                ok, body = False, b""
                if con is not None:
                    con.close()
                con = None
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                sizes.append(len(body))
                if not ok:
                    errors[0] += 1
        if con is not None:
            con.close()

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    wall = time.perf_counter() - started
    ordered = sorted(latencies) or [0.0]
    return {
        "requests": len(latencies),
        "seconds": round(wall, 3),
        "rps": round(len(latencies) / wall, 1),
        "p50_ms": round(1000 * ordered[len(ordered) // 2], 2),
        "p95_ms": round(1000 * ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 2),
        "errors": errors[0],
        "bytes": int(sum(sizes) / max(1, len(sizes))),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.loadgen", description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=4)
    parser.add_argument("--max", type=int, default=20_000)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.url, args.threads, args.seconds, args.max)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
