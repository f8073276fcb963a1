import dash
from dash import dcc, html

from dashboard import data
from dashboard import layout as ui

PATH = "/firms"
dash.register_page(__name__, path=PATH, title="Firms · defex", name="Firms", order=2, nav=True)


@ui.guarded
def layout(**query):
    p = ui.params_of(query)
    firms = html.P(
        ["Firm pages: "]
        + [
            item
            for firm_id, name in data.names("firm").items()
            for item in (dcc.Link(name, href=f"/firm/{firm_id}"), " · ")
        ][:-1],
        className="small",
    )
    body = [ui.chart_card(c, p, page_path=PATH) for c in ("firm_exports", "top100", "top100_ranks")] + [firms]
    return ui.page(
        PATH,
        p,
        "Firms",
        body,
        filters=("years", "firm"),
        intro="Firm export values from SSB's and TİM's lists and the firms' own statements; arms revenue "
        "and "
        "rank from SIPRI's Top 100; defence revenue and rank from Defense News' Top 100.",
    )
