import dash
from dash import html

from dashboard import data
from dashboard import layout as ui

PATH = "/sources"
dash.register_page(__name__, path=PATH, title="Sources · defex", name="Sources", order=5, nav=True)


@ui.guarded
def layout(**query):
    p = ui.params_of(query)
    frame = data.sources_backing()
    frame["title_link"] = [ui.md_link(t, u) for t, u in zip(frame["title"], frame["url"], strict=True)]
    columns = [
        {
            "field": "source_id",
            "headerName": "Reference",
            "width": 230,
            "headerTooltip": "how the data files and CSV downloads cite this document",
        },
        {"field": "publisher", "width": 170},
        ui.link_column("title_link", "Document", width=340, external=True),
        {"field": "published", "width": 115},
        {"field": "language", "headerName": "Lang.", "width": 85},
        {"field": "backs", "headerName": "Backs", "width": 220},
        {"field": "quote", "width": 520, "wrapText": True, "autoHeight": True},
    ]
    body = [ui.glossary(), html.H2("Documents", className="h5"), ui.grid(frame, "sources-grid", columns, height=640)]
    return ui.page(
        PATH,
        p,
        f"Sources ({len(frame)} documents)",
        body,
        intro="The words the pages use, and every document a figure, deal or event comes from, with what it backs.",
    )
