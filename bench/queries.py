"""Chart queries: p50/p95 of every chart's query (dashboard.charts.frame, default parameters, no cache) on one
warehouse, beside the round trip of a trivial query through the same path (dashboard.data.query: the floor).

    DEFEX_DB=... python -m bench.queries [REPEATS]     prints one JSON line
"""

import json
import sys
import time


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(call, repeats: int) -> list[float]:
    call()  # warm: the connection, the catalog, DuckDB's caches
    out = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        out.append((time.perf_counter() - started) * 1000)
    return out


def main(argv: list[str]) -> int:
    repeats = int(argv[0]) if argv else 30
    from dashboard import cache, charts, data
    from dashboard.params import parse

    cache.disable()  # the queries themselves, not the cache in front of them
    p = parse({}, data.known())
    result = {"floor": timed(lambda: data.query("SELECT 1 AS x"), repeats), "charts": {}}
    for chart_id in charts.CHARTS:
        result["charts"][chart_id] = timed(lambda c=chart_id: charts.frame(c, p), repeats)
    import plotly.graph_objects as go

    from dashboard import figures as figs

    # An empty figure in the house template: the project's (template merged once) beside plotly's own way of
    # naming the two templates, which merges and validates them again for every figure.
    figure = {
        "project": _summary(timed(figs._fig, repeats)),
        "plotly": _summary(timed(lambda: go.Figure(layout=dict(template=figs.TEMPLATE)), repeats)),
    }
    summary = {
        "floor": _summary(result["floor"]),
        "figure": figure,
        "charts": {c: _summary(v) for c, v in result["charts"].items()},
        "rows": data.query("SELECT count(*) AS n FROM sipri_register")["n"].iloc[0].item(),
    }
    print(json.dumps(summary))
    return 0


def _summary(values: list[float]) -> dict:
    return {"p50_ms": round(percentile(values, 0.5), 2), "p95_ms": round(percentile(values, 0.95), 2), "n": len(values)}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
