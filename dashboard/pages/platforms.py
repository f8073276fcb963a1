import dash

from dashboard import layout as ui

PATH = "/platforms"
dash.register_page(__name__, path=PATH, title="Platforms · defex", name="Platforms", order=3, nav=True)


@ui.guarded
def layout(**query):
    p = ui.params_of(query)
    body = ui.deal_charts(p, PATH, ("platform_matrix", "deliveries", "status_mix"))
    return ui.page(
        PATH,
        p,
        "Platforms",
        body,
        filters=("years", "country", "platform", "firm", "status", "measure"),
        intro="TB2, Akıncı, Anka, MİLGEM, KAAN …: who bought what, and how far each deal has come.",
    )
