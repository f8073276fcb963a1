"""The few callbacks: filters -> URL, clicks -> entity pages, clicks -> provenance. Each named after its output."""

import json
from urllib.parse import parse_qs

from dash import ALL, MATCH, Input, Output, State, callback, clientside_callback, ctx, html, no_update

from dashboard import ids
from dashboard.layout import NUMERIC, params_of
from dashboard.params import GRID_FIELDS, STATUSES

MAP_CHARTS = ("recipients_map", "recipients_bar")


@callback(
    Output(ids.URL, "search"), Input(ids.filter_id(ALL), "value"), State(ids.URL, "search"), prevent_initial_call=True
)
def update_url_search(values, search):
    """Every filter lives in the query string: write it there, and the page re-renders from it."""
    query = {k: v[-1] for k, v in parse_qs((search or "").lstrip("?")).items()}
    for item, value in zip(ctx.inputs_list[0], values, strict=True):
        name = item["id"]["name"]
        if name == "status" and isinstance(value, list):
            value = _status_choice(value)
        if isinstance(value, list):
            value = ",".join(value)
        query[name] = "" if value is None else str(value)
    new = params_of({k: v for k, v in query.items() if v}).query_string()
    current = params_of({k: v[-1] for k, v in parse_qs((search or "").lstrip("?")).items()}).query_string()
    # The callback also fires when a page is inserted; the URL then already says what the filters show, and
    # must be left as typed, so that its messages about bad values stay visible.
    return no_update if new == current else new


def _status_choice(values: list) -> list:
    """The status dropdown holds confirmed, all, or stages: the last one picked wins over the others' kind."""
    if values and values[-1] in STATUSES:  # "all" alone stays "all" (it was dropped: status=all lost on load)
        return values[-1:]
    return [v for v in values if v not in STATUSES]


@callback(
    Output(ids.URL, "href"), Input(ids.chart_id(ALL), "clickData"), State(ids.URL, "search"), prevent_initial_call=True
)
def open_country_page(clicks, search):
    """A click on a country in the map or the ranking opens /country/<ISO3> with the same filters."""
    chart = ctx.triggered_id["chart"] if ctx.triggered_id else None
    click = ctx.triggered[0]["value"] if ctx.triggered else None
    if chart not in MAP_CHARTS or not click:
        return no_update
    point = click["points"][0]
    iso3 = point.get("location") or (point.get("customdata") or [None])[0]
    return f"/country/{iso3}{search or ''}" if iso3 else no_update


@callback(
    Output(ids.provenance_id(MATCH), "children"), Input(ids.chart_id(MATCH), "clickData"), prevent_initial_call=True
)
def update_provenance_panel(click):
    """A click on a published figure shows where it comes from: publisher, document, date, URL and quote."""
    point = (click or {}).get("points", [{}])[0]
    data = point.get("customdata")
    if not isinstance(data, list) or len(data) < 5 or not data[1]:
        return no_update
    publisher, title, published, url, quote = data[:5]
    return html.Div(
        [
            html.Strong("Source of this point: "),
            f"{publisher}, {published} — ",
            html.A(title, href=url, target="_blank", rel="noopener noreferrer"),
            html.Blockquote(quote, className="blockquote-footer mt-1 mb-0"),
        ]
    )


@callback(Output(ids.DEALS_GRID, "exportDataAsCsv"), Input(ids.DEALS_CSV, "n_clicks"), prevent_initial_call=True)
def export_deals_csv(clicks):
    """The grid writes the CSV itself: the rows left by the URL filters and by any column filter typed in."""
    return bool(clicks)


# PNG / SVG of the chart as shown, drawn in the browser (no server work), with the caption the exports carry
# (figures.caption_layout: title, subtitle, source line and permalink).
DOWNLOAD_IMAGE = """
function(png, svg, caption) {
    const format = dash_clientside.callback_context.triggered_id.format;
    const gd = document.querySelector(`#card-${caption.chart} .js-plotly-plot`);
    const layout = Object.assign({}, gd.layout, {width: 1200, height: 700, title: caption.title,
        margin: Object.assign({}, gd.layout.margin, caption.margin),
        annotations: (gd.layout.annotations || []).concat([caption.annotation])});
    Plotly.toImage({data: gd.data, layout: layout}, {format: format, width: 1200, height: 700}).then(url => {
        const a = document.createElement("a");
        a.href = url; a.download = `defex-${caption.chart}.${format}`;
        document.body.appendChild(a); a.click(); a.remove();
    });
    return dash_clientside.no_update;
}
"""
clientside_callback(
    DOWNLOAD_IMAGE,
    Output(ids.caption_id(MATCH), "modified_timestamp"),
    Input(ids.image_id(MATCH, "png"), "n_clicks"),
    Input(ids.image_id(MATCH, "svg"), "n_clicks"),
    State(ids.caption_id(MATCH), "data"),
    prevent_initial_call=True,
)

# The menu button of a narrow screen opens and closes the links (in the browser: no request)
clientside_callback(
    "(clicks, open) => clicks ? !open : open",
    Output(ids.NAV_COLLAPSE, "is_open"),
    Input(ids.NAV_TOGGLER, "n_clicks"),
    State(ids.NAV_COLLAPSE, "is_open"),
    prevent_initial_call=True,
)

# The grid's view into the URL (issue 12, item 6): column filters, sort and quick search become filter, sort and
# q of the query string, replaced in place (history.replaceState), so that the page does not re-render under
# the user's typing; a link or a fresh browser opening that URL restores the view (layout.grid_view).
GRID_TO_URL = (
    """
function(filterModel, columnState, q) {
    const keys = __KEYS__;
    const numeric = new Set(__NUMERIC__);
    const url = new URL(window.location.href);
    const filters = [];
    for (const [field, spec] of Object.entries(filterModel || {})) {
        const key = keys[field];
        const value = spec && spec.filter;
        if (!key || value === undefined || value === null || value === "") { continue; }
        if (numeric.has(key) ? spec.type === "equals" : spec.type === "contains") {
            filters.push(key + ":" + String(value).replace(/[;\\n\\r]/g, " ").slice(0, 100));
        }
    }
    const sorted = (columnState || []).filter(c => c.sort && keys[c.colId]);
    const set = (name, value) => value ? url.searchParams.set(name, value) : url.searchParams.delete(name);
    set("filter", filters.join(";"));
    set("sort", sorted.length ? keys[sorted[0].colId] + ":" + sorted[0].sort : "");
    set("q", (q || "").slice(0, 100));
    const search = url.searchParams.toString().replace(/%2C/g, ",").replace(/%3A/g, ":").replace(/%3B/g, ";");
    const href = url.pathname + (search ? "?" + search : "");
    if (href !== window.location.pathname + window.location.search) {
        window.history.replaceState(null, "", href);
        // the app's location learns the new search too (it has no callback input: nothing re-renders), else its
        // stale search is pushed back over the address bar when the page next changes
        window.dash_clientside.set_props("__URL__", {search: window.location.search, href: window.location.href});
    }
    return href;
}
""".replace("__URL__", ids.URL)
    .replace("__KEYS__", json.dumps(GRID_FIELDS))
    .replace("__NUMERIC__", json.dumps(sorted(NUMERIC)))
)
clientside_callback(
    GRID_TO_URL,
    Output(ids.DEALS_VIEW, "data"),
    Input(ids.DEALS_GRID, "filterModel"),
    Input(ids.DEALS_GRID, "columnState"),
    Input(ids.DEALS_SEARCH, "value"),
    prevent_initial_call=True,
)
clientside_callback(
    """function(q, options) { return Object.assign({}, options, {quickFilterText: q || ""}); }""",
    Output(ids.DEALS_GRID, "dashGridOptions"),
    Input(ids.DEALS_SEARCH, "value"),
    State(ids.DEALS_GRID, "dashGridOptions"),
    prevent_initial_call=True,
)

# The count above the grid follows what the grid lists while the user types a column filter or a search (the
# page's own count, from the URL, is only the first)
clientside_callback(
    """
function(shown, all, filterModel, q) {
    if (!shown || !all) { return window.dash_clientside.no_update; }
    const by = [];
    if (q) { by.push("the search"); }
    if (filterModel && Object.keys(filterModel).length) { by.push("the column filters"); }
    if (!by.length) { return all.length + " deals"; }
    return shown.length + " of " + all.length + " deals match " + by.join(" and ");
}""",
    Output(ids.DEALS_COUNT, "children"),
    Input(ids.DEALS_GRID, "virtualRowData"),
    State(ids.DEALS_GRID, "rowData"),
    State(ids.DEALS_GRID, "filterModel"),
    State(ids.DEALS_SEARCH, "value"),
    prevent_initial_call=True,
)
