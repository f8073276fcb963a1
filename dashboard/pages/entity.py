"""The entity pages /country/<ISO3>, /firm/<id>, /platform/<id>: one shape, three registrations."""

from dataclasses import replace

import dash_bootstrap_components as dbc
from dash import html

from dashboard import data
from dashboard import layout as ui

ENTITIES = {
    "country": ("/country/<key>", "country", data.country_profile,
                ("deal_timeline", "destinations", "recipients_bar", "status_mix", "deliveries")),
    "firm": ("/firm/<key>", "firm", data.firm_profile,
             ("deal_timeline", "status_mix", "recipients_bar", "firm_exports", "top100_ranks")),
    "platform": ("/platform/<key>", "platform", data.platform_profile,
                 ("deal_timeline", "recipients_map", "deliveries")),
}


FACTS = {"country": [("ISO3", "iso3"), ("kind", "kind")],
         "firm": [("English name", "name_en"), ("also known as", "aliases"), ("headquarters", "country")],
         "platform": [("category", "category"), ("prime contractor", "firm"), ("also known as", "aliases")]}


def _facts(kind: str, profile) -> list:
    row = profile.iloc[0]
    facts = [(label, row[column] if isinstance(row[column], str) and row[column] else "—")
             for label, column in FACTS[kind]]
    return [html.Span([html.Strong(f"{k}: "), str(v)], className="me-4") for k, v in facts]


@ui.guarded
def entity_layout(kind: str, key: str | None, query: dict):
    template, param, profile_of, chart_ids = ENTITIES[kind]
    p = ui.params_of(query)
    key = ui.path_tail(template.split("<")[0], key).strip()
    key = key.upper() if kind == "country" else key.lower()
    profile = profile_of(key)
    path = template.replace("<key>", key)
    if profile.empty:
        return ui.page(path, p, f"Unknown {kind}", [dbc.Alert(
            f"No {kind} with the id {key[:40]!r} in the warehouse.", color="warning", id="not-found")])
    scoped = replace(p, **{param: (key,)})
    deals = data.deals(scoped)
    body = [html.P(_facts(kind, profile), className="small"), ui.excluded_note(scoped, path, link=p),
            html.H2(f"Deals ({len(deals)})", className="h5"),
            ui.grid_facets(data.deals(replace(scoped, status="all")), p, path), ui.deals_grid(deals, height=420, p=p)]
    body += [ui.chart_card(c, scoped, page_path=path) for c in chart_ids]
    return ui.page(path, p, str(profile.iloc[0]["name"]), body, filters=("years", "status"))
