"""Static export: seconds per chart in `make report` (dashboard.export: HTML, PNG, SVG, CSV of every chart) once
Chromium is warm, beside the same loop writing a one-point figure (kaleido's floor on this machine).

    DEFEX_DB=... python -m bench.export_bench OUT_DIR      prints one JSON line
"""

import json
import sys
import time
from pathlib import Path


def floor(out: Path, charts: int) -> list[float]:
    """PNG + SVG + HTML of a one-point figure per chart, the kaleido server warm (what any chart costs)."""
    import kaleido
    import plotly.graph_objects as go

    out.mkdir(parents=True, exist_ok=True)
    kaleido.start_sync_server(silence_warnings=True)
    try:
        go.Figure(go.Scatter(x=[0], y=[0])).write_image(out / "warm.png")
        times = []
        for i in range(charts):
            started = time.perf_counter()
            figure = go.Figure(go.Scatter(x=[0], y=[i]))
            figure.write_html(out / f"floor{i}.html", include_plotlyjs="directory")
            figure.write_image(out / f"floor{i}.png", width=1200, height=700)
            figure.write_image(out / f"floor{i}.svg", width=1200, height=700)
            times.append(time.perf_counter() - started)
        return times
    finally:
        kaleido.stop_sync_server(silence_warnings=True)


def main(argv: list[str]) -> int:
    out = Path(argv[0])
    from dashboard import export

    started = time.perf_counter()
    timings = export.export(out / "report", {}, pdf=False)
    total = time.perf_counter() - started
    per_chart = list(timings.values())
    warm = per_chart[1:] or per_chart  # the first chart also pays for Chromium's first page
    base = floor(out / "floor", len(per_chart))
    print(
        json.dumps(
            {
                "charts": timings,
                "total_s": round(total, 2),
                "first_s": round(per_chart[0], 3),
                "median_s": round(sorted(warm)[len(warm) // 2], 3),
                "max_s": round(max(warm), 3),
                "floor_median_s": round(sorted(base)[len(base) // 2], 3),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
