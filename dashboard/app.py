"""The Dash shell: pages register themselves; this file wires the app, its headers and its WSGI server."""

import hashlib
import json
import logging

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html
from dash.exceptions import DependencyException
from flask import jsonify, request
from werkzeug.exceptions import HTTPException

from dashboard import api, cache, config, ids

log = logging.getLogger(__name__)
CALLBACKS = "/_dash-update-component"
ROUTER_OUTPUT = ".._pages_content.children..._pages_store.data.."  # Dash pages' router: the page for a URL
MAX_BODY = 1024 * 1024  # bytes of a request body; the app's own callback requests are a few kilobytes
# Everything the app loads comes from its own origin (see the browser tests: nothing leaves 127.0.0.1). Dash
# starts its renderer with an inline script and plotly.js compiles functions at run time, hence 'unsafe-inline'
# and 'unsafe-eval' for scripts; what the policy buys is that no page can load or send anything elsewhere,
# nor be turned into a form, a plugin or a base-URL trick.
CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'"
)

TITLE = "defex · defence-export statistics"
DESCRIPTION = "Türkiye's defence and aerospace exports: totals by publisher, deals, recipients, firms and platforms."

app = dash.Dash(
    __name__,
    use_pages=True,
    pages_folder="pages",
    title=TITLE,
    suppress_callback_exceptions=True,
    serve_locally=True,
    update_title=None,
    # Dash's page meta tags write the request's URL (its Host header) into twitter:url: a forged Host would be
    # echoed into every page (issue 13, item 10). They are off; ours name the configured public URL, if any.
    include_pages_meta=False,
    meta_tags=[
        {"name": "viewport", "content": "width=device-width, initial-scale=1"},
        {"name": "description", "content": DESCRIPTION},
        {"property": "og:title", "content": TITLE},
        {"property": "og:type", "content": "website"},
        {"property": "og:description", "content": DESCRIPTION},
        *(
            [
                {"property": "og:url", "content": config.public_url() + "/"},
                {"property": "twitter:url", "content": config.public_url() + "/"},
            ]
            if config.public_url()
            else []
        ),
    ],
    use_async=False,  # Dash turns async on whenever asgiref is importable (datasette, in the bench extra, brings
    # it): the app would then depend on what else is installed, and refuse requests beside a running event loop
)
# While a page redraws after a filter change, a spinner shows over it (after 300 ms, so quick answers don't
# flicker) and the old page stays visible, dimmed (issue 12, item 8).
app.layout = html.Div(
    [
        dcc.Location(id=ids.URL, refresh="callback-nav"),
        dcc.Loading(
            dash.page_container,
            id=ids.PAGE_LOADING,
            type="circle",
            delay_show=300,
            color="#2166ac",
            overlay_style={"visibility": "visible", "opacity": 0.5},
            target_components={"_pages_content": "children"},
            parent_style={"minHeight": "100vh"},
        ),
    ]
)
server = app.server
server.config.update(DEBUG=False, PROPAGATE_EXCEPTIONS=False, MAX_CONTENT_LENGTH=MAX_BODY)
server.register_blueprint(api.blueprint)


@server.after_request
def security_headers(response):
    """Safe defaults: no sniffing, no referrer leaks, nothing loaded from elsewhere; embeds may be framed
    anywhere, the app only by itself."""
    embed = request.path.startswith("/embed/")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault(
        "Content-Security-Policy", CSP + ("; frame-ancestors *" if embed else "; frame-ancestors 'self'")
    )
    if not embed:
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    return response


@server.errorhandler(Exception)
def unexpected(error):
    """A callback request that Dash or a callback cannot answer is a request the app's own pages never send
    (a forged body, a value of the wrong type): 400, one line in the log. A file Dash does not serve: 404 (Dash
    raises instead). Anything else: a plain 500, with the traceback in the log and none in the response."""
    if isinstance(error, HTTPException):
        return error
    if isinstance(error, DependencyException):  # /_dash-component-suites/<not a file Dash serves>
        return jsonify({"error": "not found"}), 404
    if request.path == CALLBACKS:
        log.warning("callback request refused: %s: %s", type(error).__name__, str(error)[:200])
        return jsonify({"error": "this callback request cannot be answered"}), 400
    log.error("%s %s failed", request.method, request.path[:200], exc_info=error)
    return jsonify({"error": "internal error; it was logged"}), 500


def page_key() -> tuple | None:
    """The cache key of a router request (the page for a pathname and query string): the hash of its body, which
    holds nothing but the URL; None for every other callback request."""
    body = request.get_data(cache=True)
    try:
        payload = json.loads(body)
    except ValueError:
        return None
    if not isinstance(payload, dict) or payload.get("output") != ROUTER_OUTPUT:
        return None
    return ("page", hashlib.sha256(body).hexdigest())


def _pages_from_cache(dispatch):
    """A page is rendered once per warehouse version and URL (dashboard/cache.py); its layout depends on nothing
    else: no Host header, cookie or clock."""

    def cached_dispatch(*args, **kwargs):
        return cache.response(page_key(), lambda: dispatch(*args, **kwargs))

    return cached_dispatch


server.view_functions[CALLBACKS] = _pages_from_cache(server.view_functions[CALLBACKS])

from dashboard import callbacks  # noqa: E402,F401  (registers the callbacks)

__all__ = ["app", "server", "dbc"]
