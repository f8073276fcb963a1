"""The entity pages /country/<ISO3>, /firm/<id>, /platform/<id>: one shape, three registrations."""

from dataclasses import replace

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard import data
from dashboard import layout as ui
from dashboard.params import STATUS_LABELS

ENTITIES = {
    "country": (
        "/country/<key>",
        "country",
        data.country_profile,
        ("deal_timeline", "destinations", "recipients_bar", "status_mix", "deliveries"),
    ),
    "firm": (
        "/firm/<key>",
        "firm",
        data.firm_profile,
        ("deal_timeline", "status_mix", "recipients_bar", "firm_exports", "top100_ranks"),
    ),
    "platform": (
        "/platform/<key>",
        "platform",
        data.platform_profile,
        ("deal_timeline", "recipients_map", "deliveries"),
    ),
}


FACTS = {
    "country": [("ISO3", "iso3"), ("kind", "kind")],
    "firm": [("English name", "name_en"), ("also known as", "aliases"), ("headquarters", "country")],
    "platform": [("category", "category"), ("prime contractor", "firm"), ("also known as", "aliases")],
}


KIND_WORDS = {"former_country": "former country", "non_state": "non-state", "organisation": "organisation"}


def _fact(column: str, value) -> str:
    if column == "category":
        return ui.category_words(value)  # "armed drone (UCAV)", not ucav
    if column == "kind":
        return KIND_WORDS.get(value, value)
    return value if isinstance(value, str) and value else "—"


def _facts(kind: str, profile) -> list:
    row = profile.iloc[0]
    return [
        html.Span([html.Strong(f"{label}: "), _fact(column, row[column])], className="me-4")
        for label, column in FACTS[kind]
    ]


def _card(card_id: str, title: str, body: list) -> dbc.Col:
    return dbc.Col(
        dbc.Card(dbc.CardBody([html.Div(title, className="small text-muted"), *body]), id=card_id, className="h-100"),
        md=4,
        sm=6,
        xs=12,
    )


def _n(value) -> str:
    return "—" if _missing(value) else f"{int(value):,}"


def _missing(value) -> bool:
    return value is None or bool(pd.isna(value))


def _units_lines(units) -> list:
    lines = []
    for row in units.itertuples():
        text = (
            f"{ui.category_words(row.category)}: {_n(row.ordered)} ordered, {_n(row.delivered)} delivered, "
            f"{_n(row.on_order)} on order ({row.deals} deal{'s' if row.deals != 1 else ''}"
        )
        if row.deals_quantity_unknown:
            text += f"; {row.deals_quantity_unknown} without a quantity"
        if row.deals_delivery_unknown:
            text += f"; {row.deals_delivery_unknown} with deliveries not recorded"
        text += ")"
        delivered, ordered = row.delivered, row.ordered
        if not _missing(delivered) and (_missing(ordered) or delivered > ordered):
            text += (
                f" — more delivered than ordered: {_n(row.delivered_quantity_unknown)} delivered under "
                "deals whose ordered quantity is unknown"
            )
        elif not _missing(row.delivered_quantity_unknown) and row.delivered_quantity_unknown > 0:
            text += f"; {_n(row.delivered_quantity_unknown)} of the delivered under deals without a quantity"
        lines.append(html.Li(text))
    return [html.Ul(lines, className="small mb-0 ps-3")] if lines else [html.Div("no deals", className="small")]


def summary_cards(kind: str, key: str, scoped, path: str, deals) -> dbc.Row:
    """The entity's numbers at a glance, before the grid: deals, units by category, latest deal, US$, TIV, years."""
    left_out = data.excluded_by_status(scoped)
    status_text = "all statuses" if scoped.status == "all" else f"confirmed only; {left_out} more with status=all"
    cov = data.deal_coverage(scoped)
    usd = []
    if cov["usd_published"] is not None:
        usd.append(html.Div(f"US$ {cov['usd_published']:,.0f} million as published", className="fs-5"))
    if cov["usd_converted"] is not None:
        usd.append(
            html.Div(
                f"+ US$ {cov['usd_converted']:,.0f} million converted from another currency at ECB "
                "rates (marked: not a published US$ figure)",
                className="small",
            )
        )
    usd.append(
        html.Div(
            f"{cov['published']} of {cov['deals']} deals valued in US$ as published"
            + (f", {cov['converted']} more converted at ECB rates" if cov["converted"] else ""),
            className="small text-muted",
            id="summary-usd-coverage",
        )
    )
    tiv = data.entity_tiv(kind, key, scoped)  # the years chosen, inside those SIPRI's tables cover
    through = f"SIPRI data through {tiv['through']}" if tiv["through"] else "SIPRI data not loaded"
    tiv_body = (
        [html.Div(f"{tiv['tiv']:,.0f} TIV (million) delivered by Türkiye, {tiv['from']}–{tiv['to']}", className="fs-5")]
        if tiv["tiv"]
        else [
            html.Div(
                "not in SIPRI's register" if not (scoped.from_ or scoped.to) else "no SIPRI deliveries in these years",
                className="fs-5",
            )
        ]
    )
    latest = []
    dated = deals.dropna(subset=["order_year"])
    if not dated.empty:
        row = dated.sort_values(["order_year", "deal_id"]).iloc[-1]
        other = (
            dcc.Link(row["firm"] or "—", href=f"/firm/{row['firm_id']}")
            if kind == "country" and isinstance(row["firm"], str)
            else dcc.Link(row["buyer"], href=f"/country/{row['buyer_iso3']}")
        )
        latest = [
            html.Div(
                [dcc.Link(row["platform"], href=f"/platform/{row['platform_id']}"), " · ", other], className="fs-6"
            ),
            html.Div(
                f"{int(row['order_year'])} · {STATUS_LABELS.get(row['status'], row['status'])}", className="small"
            ),
        ]
    years = deals["order_year"].dropna()
    return dbc.Row(
        [
            _card(
                "summary-deals",
                "Deals",
                [html.Div(f"{len(deals)}", className="fs-4"), html.Div(status_text, className="small text-muted")],
            ),
            _card(
                "summary-units",
                "Units by category (never summed across categories)",
                _units_lines(data.units_by_category(scoped)),
            ),
            _card("summary-latest", "Latest deal", latest or [html.Div("no dated deal", className="small")]),
            _card("summary-usd", "Value, US$", usd),
            _card("summary-tiv", "SIPRI TIV", [*tiv_body, html.Div(through, className="small text-muted")]),
            _card(
                "summary-years",
                "Order years",
                [
                    html.Div(f"{int(years.min())}–{int(years.max())}" if not years.empty else "—", className="fs-4"),
                    html.Div("first and latest order year", className="small text-muted"),
                ],
            ),
        ],
        className="g-2 mb-3",
        id="summary-cards",
    )


@ui.guarded
def entity_layout(kind: str, key: str | None, query: dict):
    template, param, profile_of, chart_ids = ENTITIES[kind]
    p = ui.params_of(query)
    key = ui.path_tail(template.split("<")[0], key).strip()
    key = key.upper() if kind == "country" else key.lower()
    profile = profile_of(key)
    path = template.replace("<key>", key)
    if profile.empty:
        return ui.page(
            path,
            p,
            f"Unknown {kind}",
            [dbc.Alert(f"No {kind} with the id {key[:40]!r} in the warehouse.", color="warning", id="not-found")],
        )
    scoped = replace(p, **{param: (key,)})  # type: ignore[arg-type]  # country, firm or platform
    deals = data.deals(scoped)
    body = [
        html.P(_facts(kind, profile), className="small"),
        summary_cards(kind, key, scoped, path, deals),
        ui.excluded_note(scoped, path, link=p),
        html.H2(f"Deals ({len(deals)})", className="h5"),
        ui.grid_facets(data.deals(replace(scoped, status="all")), p, path),
        ui.deals_grid(deals, height=420, p=p),
    ]
    body += [ui.chart_card(c, scoped, page_path=path) for c in chart_ids]
    return ui.page(path, p, str(profile.iloc[0]["name"]), body, filters=("years", "status"))
