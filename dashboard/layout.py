"""Building blocks shared by the pages: navigation, filter bar, chart card with source line, tables."""

import functools
import logging
import re
from dataclasses import replace
from urllib.parse import quote

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
from dash import ctx, dcc, html

from dashboard import charts, data, ids
from dashboard import figures as figs
from dashboard.db import WarehouseMissing
from dashboard.figures import CATEGORY_WORDS, COLUMN_WORDS, SERIES_DEFINITIONS, series_definition, series_label
from dashboard.params import (
    GRID_COLUMNS,
    MEASURE_LABELS,
    STAGES,
    STATUS_LABELS,
    STATUS_MEANINGS,
    STATUSES,
    Params,
    parse,
)

log = logging.getLogger(__name__)


def nav_pages() -> list[tuple[str, str]]:
    """(path, name) of the pages in the navigation bar, in their order: each page says so where it registers
    (dash.register_page(..., order=n, nav=True)); the bench and the browser tests read the same list."""
    pages = sorted((page for page in dash.page_registry.values() if page.get("nav")), key=lambda page: page["order"])
    return [(page["path"], page["name"]) for page in pages]


# Grid CSV downloads neutralise spreadsheet formulas like the API's CSV (assets/dashAgGridFunctions.js).
NEUTRALISE = {"function": "neutraliseFormula(params)"}
GRAPH_CONFIG = {
    "displaylogo": False,
    "topojsonURL": "/assets/topojson/",
    "responsive": True,
    "toImageButtonOptions": {"format": "png", "scale": 2},
}


def params_of(query: dict) -> Params:
    return parse(query, data.known())


def path_tail(prefix: str, fallback) -> str:
    """What follows `prefix` in the page's own path (/country/<key> -> the key). Dash hands a page its path
    variables and its query parameters in one set of keyword arguments, the query's winning: without this,
    /country/PAK?key=TUR would draw Türkiye, and ?key=a&key=b a list."""
    try:
        pathname = ctx.inputs.get("_pages_location.pathname")
    except Exception:  # not inside the router's callback
        pathname = None
    if isinstance(pathname, str) and pathname.startswith(prefix):
        return pathname[len(prefix) :]
    return fallback if isinstance(fallback, str) else ""


def navbar(p: Params, active: str) -> dbc.Navbar:
    p = replace(p, q="", sort="", filter=())  # the grid's view stays on its page; the filters travel
    links = [
        dbc.NavLink(label, href=path + p.query_string(), active=path == active, className="px-2")
        for path, label in nav_pages()
    ]
    # On a narrow screen (below Bootstrap's md, 768 px) the links fold behind a menu button (callbacks.py)
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand("defex · defence exports", href="/" + p.query_string(), className="fw-semibold"),
                dbc.NavbarToggler(id=ids.NAV_TOGGLER, n_clicks=0),  # aria-label "Toggle navigation"
                dbc.Collapse(
                    dbc.Nav(links, className="flex-wrap", navbar=True), id=ids.NAV_COLLAPSE, is_open=False, navbar=True
                ),
            ],
            fluid=True,
        ),
        color="dark",
        dark=True,
        expand="md",
        className="mb-3",
    )


def messages(p: Params) -> html.Div:
    alerts = [dbc.Alert(m, color="warning", className="py-1 mb-1") for m in p.messages]
    return html.Div(alerts, id=ids.MESSAGES)


def _dropdown(name: str, label: str, options: list, value, multi=False, width=3):
    return dbc.Col(
        [
            dbc.Label(label, html_for=f"filter-{name}", className="small mb-0"),
            dcc.Dropdown(
                id=ids.filter_id(name), options=options, value=value, multi=multi, clearable=True, placeholder="all"
            ),
        ],
        md=width,
        sm=6,
        xs=12,
    )


def _year_options(covered: tuple[int, int] | None, asked: int | None, source: str) -> list[dict]:
    """The years a page offers, latest first: those its source covers (`covered`), else 1950 to next year. A year
    the URL asks for outside them stays shown as chosen, but cannot be picked (the page's message says why)."""
    first, last = covered or (1950, 2026)
    options = [{"label": str(y), "value": y} for y in range(last, first - 1, -1)]
    if asked is not None and not first <= asked <= last:
        options.insert(
            0 if asked > last else len(options),
            {"label": f"{asked} (no {source} data)", "value": asked, "disabled": True},
        )
    return options


def filter_bar(p: Params, show: tuple[str, ...], years: tuple[int, int] | None = None, source: str = "") -> dbc.Card:
    """The filters this page uses; every change rewrites the URL query, which re-renders the page. `years`: the
    only years the page's source covers (first, last), named `source` (SIPRI on /compare)."""
    controls = []
    if "years" in show:
        controls += [
            _dropdown("from", "From", _year_options(years, p.from_, source), p.from_, width=2),
            _dropdown("to", "To", _year_options(years, p.to, source), p.to, width=2),
        ]
    for name, label in (
        ("publisher", "Publisher"),
        ("country", "Recipient country"),
        ("firm", "Firm"),
        ("platform", "Platform"),
    ):
        if name in show:
            terms = data.search_terms(name)
            options = [
                {"label": v, "value": k, "search": f"{v} {terms.get(k, '')}".strip()}
                for k, v in data.names(name).items()
            ]
            controls.append(_dropdown(name, label, options, list(getattr(p, name)), multi=True))
    if "status" in show:
        # confirmed / all / any stages (status=talks,mou); callbacks.py keeps confirmed and all on their own
        controls.append(
            dbc.Col(
                [
                    dbc.Label("Status", html_for="filter-status", className="small mb-0"),
                    dcc.Dropdown(
                        id=ids.filter_id("status"),
                        value=list(p.stages) or [p.status],
                        multi=True,
                        clearable=True,
                        placeholder="confirmed",
                        options=[
                            {"label": STATUS_LABELS[k], "value": k, "title": STATUS_MEANINGS[k]}
                            for k in STATUSES + STAGES
                        ],
                    ),
                ],
                md=3,
                sm=6,
                xs=12,
            )
        )
    if "measure" in show:
        controls.append(
            dbc.Col(
                [
                    dbc.Label("Measure", className="small mb-0"),
                    dbc.RadioItems(
                        id=ids.filter_id("measure"),
                        value=p.measure,
                        inline=True,
                        options=[{"label": label, "value": key} for key, label in MEASURE_LABELS.items()],
                    ),
                ],
                md=3,
                sm=6,
                xs=12,
            )
        )
    return dbc.Card(dbc.CardBody(dbc.Row(controls, className="g-2")), className="mb-3 filters")


def excluded_note(p: Params, path: str, link: Params | None = None) -> html.Div:
    """How many deals the default status leaves out of `p`; the 'Show all' link keeps `link` (default p)."""
    if p.status == "all":
        return html.Div(
            "Showing all deals, including talks, MoUs, stalled and low-confidence items (hatched).",
            className="small text-muted mb-2 status-note",
        )
    n = data.excluded_by_status(p)
    if p.stages:
        words = ", ".join(STATUS_LABELS[s] for s in p.stages)
        return html.Div(
            [
                f"Deals at stage {words} only: {n} deal(s) at other stages left out. ",
                dcc.Link("Show all", href=path + (link or p).query_string(status="all")),
            ],
            className="small text-muted mb-2 status-note",
        )
    return html.Div(
        [
            f"Confirmed deals only: {n} talks-stage, stalled or low-confidence item(s) left out. ",
            dcc.Link("Show all", href=path + (link or p).query_string(status="all")),
        ],
        className="small text-muted mb-2 status-note",
    )


def status_legend() -> html.Details:
    """What each stage means, in one place (params.STATUS_MEANINGS), folded under a summary line."""
    items = [html.Li([html.Strong(STATUS_LABELS[k]), f": {STATUS_MEANINGS[k]}"]) for k in STATUSES + STAGES]
    return html.Details(
        [
            html.Summary("What the statuses mean"),
            html.Ul(items, className="mb-1"),
            glossary_link("status", "all terms in the glossary"),
        ],
        className="small text-muted mb-2 status-legend",
    )


GLOSSARY_PATH = "/sources"  # the glossary is a section of /sources (#glossary), not a route of its own


def glossary_link(term: str, text: str, p: Params | None = None) -> dcc.Link:
    """A link to one entry of the glossary ('tiv', 'like-for-like', 'usd', 'status', 'scopes'; '' the whole)."""
    query = replace(p, q="", sort="", filter=()).query_string() if p else ""
    anchor = f"glossary-{term}" if term else "glossary"
    return dcc.Link(text, href=f"{GLOSSARY_PATH}{query}#{anchor}", className="glossary-link")


def glossary() -> html.Section:
    """The words the pages use, each defined once; the deal stages from params.STATUS_MEANINGS."""

    def entry(term, title, *body):
        return html.Div([html.Dt(title), html.Dd(list(body), className="mb-2")], id=f"glossary-{term}")

    stages = html.Ul(
        [html.Li([html.Strong(STATUS_LABELS[k]), f": {STATUS_MEANINGS[k]}"]) for k in STATUSES + STAGES],
        className="mb-0",
    )
    return html.Section(
        [
            html.H2("Glossary", className="h5"),
            html.Dl(
                [
                    entry(
                        "tiv",
                        "SIPRI TIV (trend-indicator value)",
                        "SIPRI's measure of the volume of major arms transferred, not of money: it is never added to, "
                        "converted into or compared with US$.",
                    ),
                    entry(
                        "like-for-like",
                        "Like for like",
                        "Growth computed only between totals of the same publisher and the same scope (SSB goods + "
                        "services against SSB goods + services a year earlier), never across publishers or scopes.",
                    ),
                    entry(
                        "usd",
                        "US$ as published, and converted",
                        "US$ as published: a value the source itself gives in US dollars. Converted: a value the "
                        "source gives in another currency, converted here at the European Central Bank's reference "
                        "rate of a stated date; it is marked as converted wherever it is shown, and is not a "
                        "published US$.",
                    ),
                    entry(
                        "scopes",
                        "Scopes of the publishers' totals",
                        "Each publisher counts something different; totals of different scopes are never joined:",
                        series_definitions(SERIES_DEFINITIONS),
                    ),
                    entry("status", "Deal status", "A deal's status is its latest dated step:", stages),
                ],
                className="small mb-0",
            ),
        ],
        id="glossary",
        className="mb-4",
    )


def deal_charts(p: Params, path: str, chart_ids: tuple[str, ...]) -> list:
    """The body of a page of deal-based charts: the note on what status=confirmed leaves out, then the charts."""
    return [excluded_note(p, path)] + [chart_card(c, p, page_path=path) for c in chart_ids]


def _coverage_note(chart, p: Params, page_path: str) -> list:
    """On a US$ view of deals: how many deals it values, and where it leaves out most, the measures that have them."""
    if not (chart.deal_based and "measure" in chart.params and p.measure == "usd"):
        return []
    note = [charts.coverage_text(p) + "."]
    if charts.usd_leaves_out_most(p):
        note += [
            " Most deals of this selection have no US$ value: see ",
            dcc.Link("deals (count)", href=page_path + p.query_string(measure="deals"), className="to-deals"),
            " or ",
            dcc.Link("units", href=page_path + p.query_string(measure="units")),
            ".",
        ]
    return [html.P(note, className="small mb-1 coverage-note", id=f"coverage-{chart.id}")]


def series_definitions(pairs, *, element_id: str | None = None) -> html.Ul:
    """What each publisher's series counts (figures.SERIES_DEFINITIONS), one line per (publisher, scope)."""
    items = [
        html.Li([html.Strong(series_label(pub, scope)), ": ", series_definition(pub, scope)]) for pub, scope in pairs
    ]
    return html.Ul(
        items, className="small text-muted mb-1 series-definitions", **({"id": element_id} if element_id else {})
    )


def _series_note(figure) -> list:
    """Under a chart of publisher totals: the definition of every series it draws, in the legend's order."""
    labels = {series_label(pub, scope): (pub, scope) for pub, scope in SERIES_DEFINITIONS}
    drawn = [labels[t.name] for t in figure.data if t.name in labels]
    return [series_definitions(dict.fromkeys(drawn))] if drawn else []


def chart_card(chart_id: str, p: Params, *, page_path: str) -> dbc.Card:
    """Title, the chart, its source line and data-as-of, a share row, and a provenance panel for clicks."""
    chart = charts.get(chart_id)
    figure, frame, line = charts.build(chart_id, p, caption=False)
    about = charts.context(chart_id, p, frame, line)
    query = p.query_string()
    # Absolute links come from DEFEX_PUBLIC_URL, never from the request's Host header; unset, they are relative.
    embed = charts.permalink(f"/embed/{chart_id}{query}")
    snippet = f'<iframe src="{embed}" width="800" height="500" style="border:0"></iframe>'
    caption = figs.caption_layout(
        figure,
        title=about.title,
        source_line=line,
        subtitle=about.subtitle,
        permalink=charts.permalink(page_path + query),
    )
    share = html.Div(
        [
            html.A("link", href=page_path + query, className="me-1"),
            dcc.Clipboard(
                content=charts.permalink(page_path + query),
                title="copy the link to this view",
                className="d-inline me-3 copy-link",
            ),
            html.A("embed", href=f"/embed/{chart_id}{query}", className="me-1", target="_blank"),
            dcc.Clipboard(content=snippet, title="copy the iframe snippet", className="d-inline me-3 copy-iframe"),
            html.Button("PNG", id=ids.image_id(chart_id, "png"), className="btn btn-link btn-sm p-0 me-3"),
            html.Button("SVG", id=ids.image_id(chart_id, "svg"), className="btn btn-link btn-sm p-0 me-3"),
            html.A("CSV", href=f"/api/v1/charts/{chart_id}.csv{query}", className="me-3"),
            html.A("JSON", href=f"/api/v1/charts/{chart_id}.json{query}", className="me-3"),
            html.Details(
                [
                    html.Summary("cite this", className="btn btn-link btn-sm p-0 cite-toggle"),
                    html.Span(about.citation, className="citation me-1"),
                    dcc.Clipboard(
                        content=about.citation, title="copy the citation", className="d-inline copy-citation"
                    ),
                ],
                className="d-inline-block cite",
                id=f"cite-{chart_id}",
            ),
            dcc.Store(id=ids.caption_id(chart_id), data={"chart": chart_id, **caption}),
        ],
        className="small share",
    )
    return dbc.Card(
        [
            dbc.CardHeader(html.H2(chart.title, className="h6 mb-0")),
            dbc.CardBody(
                [
                    html.P(chart.description, className="small text-muted mb-1"),
                    dcc.Graph(id=ids.chart_id(chart_id), figure=figure, config=GRAPH_CONFIG, className="chart"),
                    *_series_note(figure),
                    html.P(line, className="small text-muted mb-1 source-line"),
                    *_coverage_note(chart, p, page_path),
                    share,
                    html.Div(id=ids.provenance_id(chart_id), className="small provenance mt-2"),
                ]
            ),
        ],
        className="mb-3",
        id=f"card-{chart_id}",
    )


def grid(frame: pd.DataFrame, grid_id: str, columns: list[dict], *, height: int = 520, **kwargs) -> dag.AgGrid:
    return dag.AgGrid(
        id=grid_id,
        rowData=frame.to_dict("records"),
        columnDefs=columns,
        defaultColDef={"sortable": True, "filter": True, "resizable": True, "floatingFilter": True},
        dashGridOptions={"pagination": True, "paginationPageSize": 50, "enableCellTextSelection": True},
        style={"height": f"{height}px"},
        className="ag-theme-alpine",
        **kwargs,
    )


def word_columns(frame: pd.DataFrame, *, wide: tuple[str, ...] = (), hide: tuple[str, ...] = ()) -> list[dict]:
    """Column definitions whose headers are words (figures.COLUMN_WORDS), not the warehouse's field names."""
    columns = []
    for c in frame.columns:
        if c in hide:
            continue
        column = {
            "field": c,
            "headerName": COLUMN_WORDS.get(c, c.replace("_", " ").capitalize()),
            "width": 300 if c in wide else 130,
        }
        if c == "source_link":
            column = link_column(c, column["headerName"], width=300, external=True)
        columns.append(column)
    return columns


def with_source_links(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame's source_id / source_title / source_url as one column: the document's title, linked to it."""
    if "source_title" not in frame:
        return frame
    links = [
        md_link(t if isinstance(t, str) and t else i, u)
        for i, t, u in zip(frame["source_id"], frame["source_title"], frame["source_url"], strict=True)
    ]
    return frame.drop(columns=["source_id", "source_title", "source_url"]).assign(source_link=links)


def _md_text(text: str) -> str:
    return "".join("\\" + ch if ch in "[]()\\*_`<>#!|" else ch for ch in text)


def note_with_titles(note, sources: dict) -> str:
    """A note as markdown, each source id it cites (deal_steps' 'europesays_2025_09_02_croatia') replaced by the
    document's title, linked; the rest of the text escaped, so it shows as written."""
    if not isinstance(note, str) or not note:
        return ""
    cited = [i for i in sources if i in note]
    if not cited:
        return _md_text(note)
    pattern = re.compile(r"\b(" + "|".join(re.escape(i) for i in sorted(cited, key=len, reverse=True)) + r")\b")
    parts, last = [], 0
    for m in pattern.finditer(note):
        title, url = sources[m.group(1)]
        parts += [_md_text(note[last : m.start()]), md_link(title or m.group(1), url) or _md_text(title or m.group(1))]
        last = m.end()
    return "".join(parts + [_md_text(note[last:])])


def md_link(text, href: str) -> str:
    """A markdown link for a grid cell; the text cannot break out of the brackets, the URL is percent-encoded."""
    if text is None or (not isinstance(text, str) and pd.isna(text)) or not href:
        return ""
    label = _md_text(str(text))
    return f"[{label}]({quote(href, safe=':/?&=%#+,;@~')})"


def link_column(field: str, header: str, *, width: int = 180, external: bool = False) -> dict:
    column = {"field": field, "headerName": header, "width": width, "cellRenderer": "markdown"}
    if external:
        column["cellRendererParams"] = {"linkTarget": "_blank"}
    return column


def unavailable(error: Exception) -> html.Div:
    if isinstance(error, WarehouseMissing):
        title, text = "No data yet", str(error)
    else:
        title, text = "This view could not be drawn", "The error was logged; other pages may still work."
    return html.Div(
        [
            navbar(Params(), ""),
            dbc.Alert([html.H2(title, className="h5"), html.P(text)], color="danger", className="m-4", id="page-error"),
        ]
    )


def guarded(layout_function):
    """A page layout that never fails the request: a missing warehouse or an error shows a message instead."""

    @functools.wraps(layout_function)
    def wrapper(*args, **kwargs):
        try:
            return layout_function(*args, **kwargs)
        except WarehouseMissing as exc:
            return unavailable(exc)
        except Exception as exc:  # a page must render something, never a 500
            log.exception("page %s failed", layout_function.__module__)
            return unavailable(exc)

    return wrapper


def page(
    path: str,
    p: Params,
    title: str,
    body: list,
    *,
    filters: tuple[str, ...] = (),
    intro: str = "",
    glossary: tuple[str, str] | None = None,
    years: tuple[int, int] | None = None,
    source: str = "",
) -> html.Div:
    """Every page: navigation, the page title (and its intro, with a link to the glossary entry of the term it
    uses), messages about bad parameters, its filters, its body, and a link to the glossary. `years` and
    `source`: the only years the year filters offer, those of the page's source (see filter_bar)."""
    more = [" (", glossary_link(glossary[0], glossary[1], p), ")"] if glossary else []
    head = [html.H1(title, className="h3 mb-1")] + ([html.P([intro, *more], className="text-muted")] if intro else [])
    bar = [filter_bar(p, filters, years, source)] if filters else []
    foot = html.P(
        [
            "Words used on these pages (TIV, like for like, US$ as published or converted, scopes, deal status): ",
            glossary_link("", "glossary", p),
        ],
        className="small text-muted mt-4",
        id="glossary-footer",
    )
    return html.Div(
        [navbar(p, path), dbc.Container(head + [messages(p)] + bar + body + [foot], fluid=True, className="pb-5")]
    )


NUMERIC = {"quantity", "delivered", "value", "value_usd_m"}
CONFIDENCE_WORDS = {"H": "high", "M": "medium", "L": "low"}
# The grid shows these columns in words; a URL filter holding a code (links written before the words, or the
# facet links) is restored as the word, so filter=category:ucav still lists the armed drones.
GRID_WORDS = {
    "category": CATEGORY_WORDS,
    "status": {s: STATUS_LABELS[s] for s in STAGES},
    "confidence": CONFIDENCE_WORDS,
}


def category_words(code) -> str:
    code = code if isinstance(code, str) and code else "uncategorised"
    return CATEGORY_WORDS.get(code, code.replace("_", " "))


def grid_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The deals with the columns the grid shows in words: status (stage), category and confidence."""
    return frame.assign(
        stage=[STATUS_LABELS.get(s, s) for s in frame["status"]],
        category_words=[category_words(c) for c in frame["category"]],
        confidence_words=[CONFIDENCE_WORDS.get(c, c) for c in frame["confidence"]],
    )


def _in_words(column: str, text: str) -> str:
    words = {code.lower(): word for code, word in GRID_WORDS.get(column, {}).items()}
    return words.get(text.lower(), text)


def grid_view(p: Params) -> dict:
    """The AgGrid props that restore the view the URL names: column filters, sort, quick search."""
    model = {}
    for column, text in p.filter:
        field = GRID_COLUMNS[column]
        if column in NUMERIC:
            try:
                model[field] = {"filterType": "number", "type": "equals", "filter": float(text)}
            except ValueError:
                continue
        else:
            model[field] = {"filterType": "text", "type": "contains", "filter": _in_words(column, text)}
    column, _, direction = p.sort.partition(":")
    return {"filterModel": model, "sort": (GRID_COLUMNS[column], direction) if column else None, "q": p.q}


def grid_filtered(rows: pd.DataFrame, p: Params) -> pd.DataFrame:
    """The rows the URL's column filters leave (contains, any case; numbers equal), as the grid shows them."""
    raw = {
        "buyer_link": "buyer",
        "platform_link": "platform",
        "firm_link": "firm",
        "order": "order_year",
        "note_link": "note",
    }
    for field, spec in grid_view(p)["filterModel"].items():
        field = field if field in rows else raw.get(field, field)
        if field not in rows:
            continue
        if spec["filterType"] == "number":
            rows = rows[rows[field] == spec["filter"]]
        else:
            rows = rows[
                rows[field].fillna("").astype(str).str.lower().str.contains(spec["filter"].lower(), regex=False)
            ]
    return rows


def grid_facets(everything: pd.DataFrame, p: Params, path: str) -> html.Div:
    """Counts by status, category and confidence of the deals in view, each a link that filters to it."""
    rows = grid_filtered(grid_rows(everything), p)
    in_status = (
        rows
        if p.status == "all"
        else rows[rows["confirmed"]]
        if p.status == "confirmed"
        else rows[rows["status"].isin(p.stages)]
    )
    blocks = [html.Span("Status:", className="fw-semibold me-1")]
    for key, n in rows["status"].value_counts().reindex(STAGES).dropna().items():
        blocks.append(
            dcc.Link(
                f"{STATUS_LABELS[key]} ({int(n)})",
                href=path + p.query_string(status=key),
                className="me-2 facet-status",
            )
        )
    for name, column, words in (
        ("Category", "category", category_words),
        ("Confidence", "confidence", lambda v: CONFIDENCE_WORDS.get(v, v)),
    ):
        blocks.append(html.Span(f"{name}:", className="fw-semibold ms-2 me-1"))
        for value, n in in_status[column].value_counts().items():
            chosen = dict(p.filter) | {column: words(str(value))}  # the link says what the grid shows
            blocks.append(
                dcc.Link(
                    f"{words(str(value))} ({int(n)})",
                    className=f"me-2 facet-{column}",
                    href=path + p.query_string(filter=tuple(chosen.items())),
                )
            )
    return html.Div(blocks, className="small mb-2 facets", id="deals-facets")


def deals_grid(frame: pd.DataFrame, grid_id: str = ids.DEALS_GRID, height: int = 560, p: Params | None = None):
    sources = data.source_titles()
    rows = grid_rows(frame).assign(
        buyer_link=[md_link(n, f"/country/{c}") for n, c in zip(frame["buyer"], frame["buyer_iso3"], strict=True)],
        platform_link=[
            md_link(n, f"/platform/{i}") for n, i in zip(frame["platform"], frame["platform_id"], strict=True)
        ],
        firm_link=[
            md_link(n, f"/firm/{i}") if isinstance(i, str) else ""
            for n, i in zip(frame["firm"], frame["firm_id"], strict=True)
        ],
        source_link=[md_link(t, u) for t, u in zip(frame["source_title"], frame["source_url"], strict=True)],
        note_link=[note_with_titles(n, sources) for n in frame["note"]],
        order=[
            f"{y:.0f}{'?' if u else ''}" if pd.notna(y) else ""
            for y, u in zip(frame["order_year"], frame["order_year_uncertain"], strict=True)
        ],
    )
    columns = [
        {"field": "deal_id", "headerName": "Deal", "width": 90, "pinned": "left"},
        # status and order year next, so that a phone (390 px) shows them without scrolling sideways (issue 12, 8)
        {"field": "stage", "headerName": "Status", "width": 120},
        {"field": "order", "headerName": "Ordered", "width": 100},
        link_column("buyer_link", "Recipient", width=160),
        link_column("platform_link", "Platform", width=200),
        link_column("firm_link", "Firm", width=140),
        {"field": "quantity", "headerName": "Qty", "width": 85, "type": "numericColumn"},
        {"field": "delivered", "width": 100, "type": "numericColumn"},
        {"field": "delivery_years", "headerName": "Delivery years", "width": 150},
        {"field": "value", "headerName": "Value (m)", "width": 110, "type": "numericColumn"},
        {"field": "currency", "width": 95},
        {"field": "value_usd_m", "headerName": "US$ m", "width": 95},
        {
            "field": "value_usd_m_converted",
            "headerName": "US$ m (converted, ECB)",
            "width": 130,
            "headerTooltip": "another currency converted at the ECB reference rate of the date in 'rate of'; "
            "not a published US$",
        },
        {"field": "fx_rate", "headerName": "US$ per unit", "width": 105},
        {"field": "fx_date", "headerName": "rate of", "width": 105},
        {"field": "confidence_words", "headerName": "Confidence", "width": 110},
        {"field": "category_words", "headerName": "Category", "width": 170},
        link_column("source_link", "Source", width=260, external=True),
        {
            **link_column("note_link", "Note", width=420, external=True),  # searched and filtered as written
            "filterValueGetter": {"function": "params.data.note"},
            "getQuickFilterText": {"function": "params.data.note"},
        },
    ]
    plain = [
        "deal_id",
        "buyer",
        "buyer_iso3",
        "platform",
        "platform_id",
        "firm",
        "firm_id",
        "category",
        "order_year",
        "order_year_uncertain",
        "quantity",
        "quantity_uncertain",
        "delivered",
        "delivery_years",
        "as_of",
        "value",
        "currency",
        "value_usd_m",
        "value_usd_m_converted",
        "fx_rate",
        "fx_date",
        "fx_basis",
        "status",
        "confidence",
        "source_title",
        "source_url",
        "note",
    ]
    # The CSV keeps the codes under the headers it always had (Category, Conf., Note), the grid shows the words
    csv_headers = {"category": "Category", "confidence": "Conf.", "note": "Note"}
    hidden = [
        {"field": f, "headerName": csv_headers.get(f, f), "hide": True}
        for f in plain
        if f not in {c["field"] for c in columns}
    ]
    view = grid_view(p or Params())
    if view["sort"]:
        for column in columns:
            column.pop("sort", None)
            if column["field"] == view["sort"][0]:
                column["sort"] = view["sort"][1]
    table = grid(
        rows,
        grid_id,
        columns + hidden,
        height=height,
        csvExportParams={"fileName": "defex-deals.csv", "columnKeys": plain, "processCellCallback": NEUTRALISE},
    )
    # AG Grid's initialState applies the filters once the rows are in (the filterModel prop alone did not refilter)
    table.dashGridOptions = {
        **table.dashGridOptions,
        "quickFilterText": view["q"],
        "initialState": {"filter": {"filterModel": view["filterModel"]}},
    }
    search = dcc.Input(
        id=ids.DEALS_SEARCH,
        type="search",
        value=view["q"],
        debounce=0.4,
        maxLength=100,
        placeholder="Search the deals (quick filter)",
        className="form-control form-control-sm mb-2",
    )
    label = html.Label("Search the deals", htmlFor=ids.DEALS_SEARCH, className="visually-hidden")
    return html.Div([label, search, table, dcc.Store(id=ids.DEALS_VIEW)])
