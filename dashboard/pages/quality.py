import json

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboard import data
from dashboard import layout as ui
from dashboard.figures import PUBLISHER_SHORT, SCOPE_LABEL, SERIES_DEFINITIONS, why_they_differ

PATH = "/quality"
dash.register_page(__name__, path=PATH, title="Data quality · defex", name="Quality", order=6, nav=True)


def _columns(frame, wide=("scope_note", "why", "row_counts", "measure", "status", "label", "calendar_basis")):
    return ui.word_columns(frame, wide=wide)


def in_words(frame):
    """Publishers and scopes as people write them (TİM, goods + services), not as the warehouse keys them."""
    words = {
        c: w
        for name, w in (("publisher", PUBLISHER_SHORT), ("scope", SCOPE_LABEL))
        for c in (name, f"{name}_a", f"{name}_b")
    }
    return frame.assign(**{c: frame[c].map(lambda v, w=w: w.get(v, v)) for c, w in words.items() if c in frame})


def _row_counts(counts) -> str:
    """The run's rows per table in words: 'publishers 9, sources 307, export figures 195, ...'."""
    counts = json.loads(counts) if isinstance(counts, str) else (counts or {})
    return ", ".join(f"{table.replace('_', ' ')} {n}" for table, n in counts.items())


@ui.guarded
def layout(**query):
    p = ui.params_of(query)
    raw = data.quality()
    pairs = raw["reconciliation"]  # each pair's reason, worked out from the keys before they become words
    raw["reconciliation"] = pairs.assign(why=[why_they_differ(r) for r in pairs.to_dict("records")]).drop(
        columns="scope_note"
    )
    raw["runs"] = raw["runs"].assign(row_counts=[_row_counts(c) for c in raw["runs"]["row_counts"]])
    warnings = raw.pop("warnings")["warning"].tolist()
    changed = data.changes()[["changed_at", "text", "vintage", "run_id"]]
    watch = data.release_watch().drop(columns="publisher")
    today = pd.Timestamp.now(tz="UTC").normalize().tz_localize(None)
    watch["overdue_days"] = [max(0, (today - pd.Timestamp(d)).days) for d in watch["due"]]
    q = {name: ui.with_source_links(in_words(frame)) for name, frame in raw.items()}
    run = q["runs"].iloc[0]
    verdicts = q["growth_check"]["verdict"].value_counts().to_dict()
    body = [
        dbc.Alert(
            [
                html.Strong("Last ETL run: "),
                f"{run['run_id']} — {run['outcome']}, finished "
                f"{run['finished_utc']} UTC, data as of {run['data_as_of']}.",
            ],
            color="light",
            id="last-run",
        ),
        *[
            dbc.Alert([html.Strong("Imported with a warning: "), warning], color="warning", className="run-warning")
            for warning in warnings
        ],
        html.H2("Quoted growth rates checked against the totals", className="h5"),
        html.P(
            f"{verdicts.get('inconsistent', 0)} inconsistent, {verdicts.get('consistent', 0)} consistent, "
            f"{verdicts.get('unverifiable', 0)} unverifiable (no published base period of the same publisher "
            "and scope). Tolerance 1.5 percentage points, for rounded totals.",
            className="small",
        ),
        ui.grid(q["growth_check"], "growth-check-grid", _columns(q["growth_check"]), height=360),
        html.H2("Months with no published monthly figure", className="h5 mt-4"),
        html.P(
            f"{len(q['coverage'])} months from the first published monthly figure on have no published figure "
            "from any publisher in the data (searched in the stored pages of SSB, TİM, SSİ and the Ministry of "
            "Trade, in Turkish and English). 'Jan–month total published': a total from January to that month was "
            "published; the month's own value was not, and is not derived here.",
            className="small",
            id="coverage-note",
        ),
        ui.grid(q["coverage"], "coverage-grid", _columns(q["coverage"]), height=300),
        html.H2("Trailing 12 months and running totals (not calendar periods)", className="h5 mt-4"),
        html.P(
            "Kept with their sources and set beside the closest calendar figure of the same publisher; never "
            "drawn as a month or a year.",
            className="small",
        ),
        ui.grid(q["other_figures"], "other-figures-grid", _columns(q["other_figures"]), height=260),
        html.H2("Publishers side by side", className="h5 mt-4"),
        html.P(
            "Figures of the same period from two publishers (or two scopes of one), with why they differ. "
            "What each series counts:",
            className="small mb-1",
        ),
        ui.series_definitions(SERIES_DEFINITIONS, element_id="quality-series"),
        ui.grid(q["reconciliation"], "reconciliation-grid", _columns(q["reconciliation"]), height=300),
        html.H2("Data-quality summary", className="h5 mt-4"),
        ui.grid(q["summary"], "quality-grid", _columns(q["summary"]), height=420),
        html.H2("Recent runs", className="h5 mt-4"),
        ui.grid(q["runs"], "runs-grid", _columns(q["runs"]), height=260),
        html.H2("Release watch", className="h5 mt-4", id="release-watch"),
        html.P(
            "Each source's latest period in the data and when its next release is due, by its usual cadence (the "
            "last release's day moved on by one period): what to curate or fetch next (`python -m etl due`).",
            className="small",
        ),
        ui.grid(watch, "release-watch-grid", _columns(watch), height=300),
        html.H2("What changed", className="h5 mt-4", id="changes"),
        html.P(
            [
                f"{len(changed)} change{'' if len(changed) == 1 else 's'} recorded by the latest runs against the "
                "warehouse each replaced: figures added, revised (old → new) or removed, deals and their status "
                "steps, SIPRI vintages. Subscribe: ",
                html.A("Atom feed", href="/api/v1/changes.atom"),
                " · ",
                html.A("JSON", href="/api/v1/changes.json"),
                ".",
            ],
            className="small",
            id="changes-note",
        ),
        ui.grid(changed, "changes-grid", _columns(changed), height=300),
    ]
    return ui.page(PATH, p, "Data quality", body)
