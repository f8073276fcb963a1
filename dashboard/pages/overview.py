import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboard import data
from dashboard import layout as ui
from dashboard.figures import MONTHS, PUBLISHER_SHORT, SCOPE_LABEL

YTD_NOTE = (
    "Each Jan–month total as published, beside the same months a year earlier from the same publisher and "
    "scope (like for like); growth is derived from the two. Quoted growth is what the publisher said; a gap "
    "of more than 1.5 points is worth a look on /quality."
)

PATH = "/"
dash.register_page(__name__, path=PATH, title="Overview · defex", name="Overview", order=0, nav=True)


def _card(title: str, value: str, detail: str, card_id: str) -> dbc.Col:
    return dbc.Col(
        dbc.Card(
            dbc.CardBody(
                [
                    html.Div(title, className="small text-muted"),
                    html.Div(value, className="fs-4 fw-semibold kpi-value"),
                    html.Div(detail, className="small"),
                ]
            ),
            id=card_id,
            className="h-100",
        ),
        md=3,
        sm=6,
        xs=12,
        className="mb-3",
    )


def _who(publisher: str, scope: str) -> str:
    return f"{PUBLISHER_SHORT.get(publisher, publisher)}, {SCOPE_LABEL.get(scope, scope)}"


def _contradicted_quotes() -> dict[tuple[str, str, int, int], list[tuple[float, float]]]:
    """(publisher, scope, year, month_to) -> [(quoted, computed)] of every quoted Jan–month growth that its totals
    contradict by more than 1.5 points (v_growth_check): read once for the cards and the year-to-date table."""
    found: dict[tuple[str, str, int, int], list[tuple[float, float]]] = {}
    for q in data.inconsistent_quotes().itertuples():
        found.setdefault((q.publisher, q.scope, int(q.year), int(q.month_to)), []).append(
            (q.quoted_pct, q.computed_pct)
        )
    return found


def _contradicted(publisher: str, scope: str, year: int, through_month: int) -> str:
    """' · SSB said +48.0%, which its totals do not support' where a quoted growth for the card's period is more
    than 1.5 points from the growth its totals give (v_growth_check); empty otherwise."""
    hit = _contradicted_quotes().get((publisher, scope, year, through_month), [])
    if not hit:
        return ""
    said = ", ".join(f"{q:+.1f}%" for q in sorted({quoted for quoted, _ in hit}))
    return f" · {PUBLISHER_SHORT.get(publisher, publisher)} said {said}, which its totals do not support"


def _year_card(p) -> dbc.Col | None:
    """The latest year any publisher has a calendar-year total for, with its growth on the year before from the
    same publisher and scope; where that base is not published the card says so instead of falling back to an
    older year that has one (issue 12, item 10)."""
    totals = data.annual_totals(p)
    if totals.empty:
        return None
    latest = totals[totals["year"] == totals["year"].max()]
    yoy = data.yoy_growth(p)
    compared = latest.merge(
        yoy[["year", "publisher", "scope", "base_value_usd_m", "growth_pct"]],
        on=["year", "publisher", "scope"],
        how="left",
    )
    last = (
        compared.sort_values(["year", "publisher", "scope"]).iloc[-1]
        if compared["growth_pct"].isna().all()
        else compared.dropna(subset=["growth_pct"]).sort_values(["year", "publisher"]).iloc[-1]
    )
    year = int(last.year)
    if pd.isna(last.growth_pct):
        detail = f"no {year - 1} base: no {year - 1} total from {_who(last.publisher, last.scope)} to compare with"
    else:
        detail = f"{last.growth_pct:+.1f}% on {year - 1} (${last.base_value_usd_m / 1000:,.3f} bn)" + _contradicted(
            last.publisher, last.scope, year, 12
        )
    return _card(
        f"Latest full year ({_who(last.publisher, last.scope)})",
        f"{year}: ${last.value_usd_m / 1000:,.3f} bn",
        detail,
        "kpi-year",
    )


def headline_cards(p) -> dbc.Row:
    cards = [card] if (card := _year_card(p)) is not None else []
    ytd = data.ytd_growth(p)
    if not ytd.empty:
        last = ytd.iloc[-1]
        months = f"Jan–{MONTHS[int(last.through_month) - 1]}"
        cards.append(
            _card(
                f"Latest year to date ({_who(last.publisher, last.scope)})",
                f"{months} {last.year}: ${last.value_usd_m / 1000:,.3f} bn",
                f"{last.growth_pct:+.1f}% on {months} {last.year - 1} (${last.base_value_usd_m / 1000:,.3f} bn), "
                "like for like" + _contradicted(last.publisher, last.scope, last.year, int(last.through_month)),
                "kpi-ytd",
            )
        )
    cagr = data.cagr(p)
    if not cagr.empty:
        c = cagr.iloc[0]
        cards.append(
            _card(
                f"5-year growth a year ({_who(c.publisher, c.scope)})",
                f"{c.cagr_pct:+.1f}% a year",
                f"{c.start_year}–{c.end_year}: ${c.start_value_usd_m:,.0f} m → ${c.end_value_usd_m:,.0f} m "
                "(CAGR, derived)",
                "kpi-cagr",
            )
        )
    recipients = data.recipients(p)
    in_register = (recipients["deals"] > 0) & (recipients["confirmed"] | (p.status == "all"))  # not SIPRI-only rows
    countries = recipients.loc[in_register, "iso3"].nunique()
    cards.append(
        _card(
            "Recipient countries in the deal register",
            f"{countries}",
            f"{'all' if p.status == 'all' else 'confirmed'} deals in the selected years",
            "kpi-recipients",
        )
    )
    return dbc.Row(cards)


def _money(value) -> str:
    return f"${value / 1000:,.3f} bn" if value == value and value is not None else "no published base"


def _quoted(row, contradicted: dict) -> str:
    """The growth the publisher quoted, flagged where its own totals contradict it (v_growth_check, the rule
    /quality and the headline cards use): '+29.0%: its totals give +34.8%' (issue 12, item 10)."""
    if row.quoted_pct != row.quoted_pct or row.quoted_pct is None:
        return ""
    key = (row.publisher, row.scope, int(row.year), int(row.through_month))
    computed = [c for q, c in contradicted.get(key, []) if q == row.quoted_pct]
    return f"{row.quoted_pct:+.1f}%" + (f": its totals give {computed[0]:+.1f}%" if computed else "")


def ytd_table(p) -> html.Div:
    """The year-to-date checks as a grid: period, publisher, total, base, growth (derived), growth quoted, sources."""
    frame = data.ytd_table(p)
    contradicted = _contradicted_quotes()
    rows = frame.assign(
        period=[f"Jan–{MONTHS[int(m) - 1]} {y}" for y, m in zip(frame["year"], frame["through_month"], strict=True)],
        who=[_who(b, s) for b, s in zip(frame["publisher"], frame["scope"], strict=True)],
        total=frame["value_usd_m"].map(_money),
        base=frame["base_value_usd_m"].map(_money),
        growth=frame["growth_pct"].map(lambda g: f"{g:+.1f}%" if g == g and g is not None else "—"),
        quoted=[_quoted(r, contradicted) for r in frame.itertuples()],
        source=[ui.md_link(t, u) for t, u in zip(frame["source_title"], frame["source_url"], strict=True)],
        base_source=[
            ui.md_link(t, u) for t, u in zip(frame["base_source_title"], frame["base_source_url"], strict=True)
        ],
    )
    columns = [
        {"field": "period", "headerName": "Period", "width": 130},
        {"field": "who", "headerName": "Publisher, scope", "width": 150},
        {"field": "total", "headerName": "Total", "width": 110},
        {"field": "base", "headerName": "Same months a year earlier", "width": 190},
        {"field": "growth", "headerName": "Growth (derived)", "width": 130},
        {"field": "quoted", "headerName": "Growth quoted", "width": 210},
        {"field": "published", "headerName": "Published", "width": 110},
        ui.link_column("source", "Source", width=260, external=True),
        ui.link_column("base_source", "Source of the base", width=260, external=True),
    ]
    return html.Div(
        [
            html.H2("Year to date, like for like", className="h5 mt-2"),
            html.P(YTD_NOTE, className="small text-muted mb-1"),
            ui.grid(rows, "ytd-grid", columns, height=300),
        ],
        className="mb-3",
        id="ytd-table",
    )


# How often each publisher of totals releases them (etl/sql/views/30_release_watch.sql; the press: when reported)


def _period(year: int, month_from: int, month_to: int) -> str:
    if (month_from, month_to) == (1, 12):
        return str(year)
    if month_from == month_to:
        return f"{MONTHS[month_to - 1]} {year}"
    return f"{MONTHS[month_from - 1]}–{MONTHS[month_to - 1]} {year}"


def freshness() -> html.Details:
    """One line per series: its latest published period, when, and the publisher's usual cadence; SIPRI's too."""
    watch = data.release_watch()
    cadence = {"press": "when reported"} | dict(zip(watch["publisher"], watch["cadence"], strict=True))
    items = [
        html.Li(
            f"{PUBLISHER_SHORT.get(r.publisher, r.publisher)}: latest "
            f"{_period(r.year, r.month_from, r.month_to)} (published {r.published}); "
            f"{cadence.get(r.publisher, 'irregular')}"
        )
        for r in data.freshness().itertuples()
    ]
    last = data.sipri_last_year()
    if last is not None:
        items.append(html.Li(f"SIPRI TIV: data through {last}; yearly, in spring"))
    return html.Details(
        [html.Summary("How current is this page", className="small"), html.Ul(items, className="small mb-0")],
        id="freshness",
        className="mb-2",
        open=True,
    )


@ui.guarded
def layout(**query):
    p = ui.params_of(query)
    body = [headline_cards(p), freshness(), ytd_table(p)]
    body += ui.deal_charts(p, PATH, ("annual_totals", "yoy_growth", "monthly"))
    return ui.page(
        PATH,
        p,
        "Türkiye's defence & aerospace exports",
        body,
        filters=("years", "publisher", "status"),
        intro="Totals as SSB, TİM and SaSaD publish them, side by side; growth only like with like.",
        glossary=("like-for-like", "what like with like means"),
    )
