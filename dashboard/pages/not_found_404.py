import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import layout as ui
from dashboard.params import Params

dash.register_page(__name__, path="/404", title="Not found · defex")


def layout(**query):
    return html.Div(
        [
            ui.navbar(Params(), ""),
            dbc.Container(
                dbc.Alert(
                    [
                        html.H1("Page not found", className="h4"),
                        html.P(["There is no such page. Start from the ", dcc.Link("overview", href="/"), "."]),
                    ],
                    color="warning",
                    id="not-found",
                )
            ),
        ]
    )
