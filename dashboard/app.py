"""The Dash shell: pages register themselves; this file wires the app, its headers and its WSGI server."""

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html
from flask import request

from dashboard import api, ids

app = dash.Dash(
    __name__,
    use_pages=True,
    pages_folder="pages",
    title="defex · defence-export statistics",
    suppress_callback_exceptions=True,
    serve_locally=True,
    update_title=None,
    meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
)
app.layout = html.Div([dcc.Location(id=ids.URL, refresh="callback-nav"), dash.page_container])
server = app.server
server.register_blueprint(api.blueprint)


@server.after_request
def security_headers(response):
    """Safe defaults: no sniffing, no referrer leaks; embeds may be framed anywhere, the app only by itself."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if not request.path.startswith("/embed/"):
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    return response


from dashboard import callbacks  # noqa: E402,F401  (registers the callbacks)

__all__ = ["app", "server", "dbc"]
