from dataclasses import replace

import dash
import dash_bootstrap_components as dbc
from dash import html

from dashboard import data, ids
from dashboard import layout as ui

PATH = "/deals"
dash.register_page(__name__, path=PATH, title="Deals · defex", name="Deals", order=4, nav=True)


def _count(frame, p) -> str:
    """The deals listed; with column filters in the URL, how many of them those leave."""
    if not p.filter:
        return f"{len(frame)} deals"
    shown = ui.grid_filtered(ui.grid_rows(frame), p)
    return f"{len(shown)} of {len(frame)} deals match the column filters"


@ui.guarded
def layout(**query):
    p = ui.params_of(query)
    frame = data.deals(p)
    body = [
        ui.excluded_note(p, PATH),
        ui.status_legend(),
        html.Div(
            [
                html.Span(_count(frame, p), id=ids.DEALS_COUNT, className="me-3"),
                dbc.Button("Download CSV of the current filter", id=ids.DEALS_CSV, size="sm", color="secondary"),
            ],
            className="mb-2",
        ),
        ui.grid_facets(data.deals(replace(p, status="all")), p, PATH),
        ui.deals_grid(frame, p=p),
        html.P(
            [
                "Quantities and delivery years as the source records them; '?' marks SIPRI's uncertain years. "
                "Value (m) is in millions of the contract currency. 'US$ m' is a US$ value as the source publishes it, "
                "only where the source states US$; 'US$ m (converted, ECB)' is a value in another currency "
                "converted at the European Central Bank's reference rate of the date in 'rate of' (marked as "
                "converted everywhere it is drawn). ",
                ui.glossary_link("usd", "Glossary: US$ as published and converted", p),
                ".",
            ],
            className="small text-muted mt-2",
        ),
        ui.chart_card("deal_timeline", p, page_path=PATH),
    ]
    return ui.page(PATH, p, "Deal register", body, filters=("years", "country", "platform", "firm", "status"))
