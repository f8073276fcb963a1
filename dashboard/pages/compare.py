from dataclasses import replace

import dash
from dash import html

from dashboard import charts, data
from dashboard import layout as ui
from dashboard.params import STATUS_LABELS

PATH = "/compare"
dash.register_page(__name__, path=PATH, title="Compare exporters · defex", name="Compare", order=7, nav=True)


@ui.guarded
def layout(**query):
    asked = ui.params_of(query)
    exporters = charts.get("sipri_exporters")  # the ranking: from the TIV tables, or the register if it is newer
    drawn = charts.tiv_params(asked, exporters)  # the years its data cover; the message says where they end
    p = replace(asked, messages=drawn.messages)  # links keep the years asked, for the pages with later data
    start, end = data.sipri_period(drawn, charts.sipri_span(exporters))
    tables = data.sipri_years()
    basis = (
        " The ranking is drawn from SIPRI's trade register, each deal's TIV over its delivery years"
        + (f": the TIV tables loaded end in {tables[1]}." if tables else ".")
        if charts.from_register(exporters, drawn)
        else ""
    )
    reconciliation = data.sipri_reconciliation(replace(p, country=()))  # here 'country' picks exporters
    mismatches = int((~reconciliation["match"]).sum()) if not reconciliation.empty else 0
    reconciliation = reconciliation.assign(  # in words: "in production", "no", not in_production / false
        match=reconciliation["match"].map({True: "yes", False: "no"}),
        curated_status=reconciliation["curated_status"].map(lambda s: STATUS_LABELS.get(s, s)),
    )
    body = [ui.chart_card(c, p, page_path=PATH) for c in ("sipri_exporters", "sipri_trend", "sipri_recipients")]
    body += [
        html.H2("Curated deals against SIPRI's register", className="h5 mt-4"),
        html.P(
            f"{len(reconciliation)} pairs by buyer and platform; {mismatches} differ in order year, quantity "
            "or deliveries, or exist on one side only.",
            className="small",
            id="reconciliation-summary",
        ),
        ui.grid(
            reconciliation,
            "sipri-reconciliation-grid",
            ui.word_columns(reconciliation, hide=("buyer_iso3", "platform_id")),
            height=420,
        ),
    ]
    return ui.page(
        PATH,
        p,
        "Türkiye among the world's exporters",
        body,
        filters=("years", "country"),
        years=data.sipri_span(),
        source="SIPRI",
        intro=f"SIPRI Arms Transfers Database, {start}–{end}.{basis} 'Recipient country' here picks "
        "exporters to compare with Türkiye. TIV is SIPRI's volume unit, never added to US$.",
        glossary=("tiv", "what TIV measures"),
    )
