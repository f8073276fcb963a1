import dash

from dashboard import layout as ui

PATH = "/countries"
dash.register_page(__name__, path=PATH, title="Countries · defex", name="Countries", order=1, nav=True)


@ui.guarded
def layout(**query):
    p = ui.params_of(query)
    body = ui.deal_charts(p, PATH, ("recipients_map", "recipients_bar"))
    body.append(ui.chart_card("destinations", p, page_path=PATH))
    return ui.page(
        PATH,
        p,
        "Recipient countries",
        body,
        filters=("years", "country", "platform", "firm", "status", "measure"),
        intro="Click a country on the map or in the ranking to open its page.",
    )
