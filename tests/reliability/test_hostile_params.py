"""Hostile parameters on every route: SQL-injection and script payloads, path traversal in chart ids and entity
keys, huge and repeated parameters. For Dash pages both the HTML shell and the router's callback (what the
browser posts to /_dash-update-component to render a page from its path and query) are exercised.

Every response: no 5xx; a payload never comes back where a browser would run it (in HTML only escaped, in JSON
only as text: a component's children, an error message); no SQL text the app sends to DuckDB ever contains a
payload (every value is bound); the warehouse is unchanged.
"""

import html
import json
import re
import socket
import urllib.parse
from pathlib import Path

import duckdb
import pytest

from bench.mixed import ROUTER, router_request
from dashboard import charts
from dashboard.params import MAX_MESSAGES
from tests.conftest import FIXTURES, digest, etl
from tests.reliability.conftest import LOOPBACK, serving

MARK = "zq7331"  # in every payload: where it shows up, the payload shows up
SQL = [
    f"' OR '{MARK}'='{MARK}",
    f"1; DROP TABLE deals; -- {MARK}",
    f"PAK' UNION SELECT url, quote FROM sources -- {MARK}",
    f"2020) OR (1=1 {MARK}",
    f"baykar'); ATTACH '/etc/passwd' AS {MARK}; --",
    f"$country {MARK}",
    f"tb2\\'; COPY deals TO '/tmp/{MARK}.csv'; --",
    f"2020/**/OR/**/1=1--{MARK}",
]
SCRIPT = [
    f"<script>{MARK}()</script>",
    f'"><img src=x onerror={MARK}()>',
    f"'><svg onload={MARK}()>",
    f"javascript:{MARK}()",
    f"</script><script>{MARK}()</script>",
    f"<!--<script>{MARK}",
    f"{{{{7*7}}}}{MARK}",
    f"%3Cscript%3E{MARK}%3C/script%3E",
    f"\r\nSet-Cookie: {MARK}=1",
    f"\u202e{MARK}\u0000\u0007",
    f"☃💥{MARK}",
]
TRAVERSAL = [f"../../../../etc/passwd{MARK}", f"..%2F..%2F..%2Fetc%2Fpasswd{MARK}", f"..\\..\\windows\\win.ini{MARK}"]
PAYLOADS = SQL + SCRIPT + TRAVERSAL
PAGES = [
    "/",
    "/countries",
    "/firms",
    "/platforms",
    "/deals",
    "/sources",
    "/quality",
    "/compare",
    "/country/PAK",
    "/firm/baykar",
    "/platform/tb2",
    "/no-such-page",
]
NAMES = ["from", "to", "country", "firm", "platform", "publisher", "status", "measure"]
TEXT_KEYS = {"children", "error", "messages"}  # where a payload may come back in JSON: as text
UNESCAPED = [f"<script>{MARK}", f"<img src=x onerror={MARK}", f"<svg onload={MARK}", f"<!--<script>{MARK}"]
DANGEROUS_URL = re.compile(r"(href|src|action)\s*=\s*[\"']?\s*javascript:")


def hostile_query(payload: str) -> str:
    """Every parameter set to the payload, plus an unknown parameter named and valued by it."""
    return "?" + urllib.parse.urlencode([(n, payload) for n in NAMES] + [(payload, payload)])


class Recorder:
    """Records the SQL text of every statement the dashboard sends to DuckDB (the values travel separately)."""

    def __init__(self):
        self.statements: list[str] = []

    def wrap(self, target):
        recorder = self

        class Proxy:
            def __init__(self, inner):
                self._inner = inner

            def __getattr__(self, name):
                attribute = getattr(self._inner, name)
                if name in ("execute", "sql", "query", "executemany"):

                    def recorded(statement, *args, **kwargs):
                        recorder.statements.append(str(statement))
                        result = attribute(statement, *args, **kwargs)
                        return Proxy(result) if isinstance(result, duckdb.DuckDBPyConnection) else result

                    return recorded
                if name == "cursor":
                    return lambda *a, **k: Proxy(attribute(*a, **k))
                return attribute

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self._inner.close()

        return Proxy(target)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("hostile") / "wh" / "w.duckdb"
    assert etl("run", "--raw-dir", str(FIXTURES / "raw"), "--db", str(db)) == 0
    return db


@pytest.fixture(scope="module")
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture(scope="module")
def client(warehouse, recorder):
    """The app in-process, on its own warehouse, every DuckDB connection it opens recorded."""
    patch = pytest.MonkeyPatch()
    patch.setenv("DEFEX_DB", str(warehouse))
    connect = duckdb.connect
    patch.setattr(duckdb, "connect", lambda *a, **k: recorder.wrap(connect(*a, **k)))
    from dashboard.app import server

    yield server.test_client()
    patch.undo()


def strings(node, key=None):
    """Every string in a JSON document with the key it sits under (list items inherit their list's key)."""
    if isinstance(node, str):
        yield key, node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield k, k
            yield from strings(v, k)
    elif isinstance(node, list):
        for v in node:
            yield from strings(v, key)


def check(response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code} {response.data[:300]!r}"
    body = response.get_data(as_text=True)
    if response.mimetype == "text/html":
        lowered = body.lower()
        for markup in UNESCAPED:
            assert markup not in lowered, f"{what}: {markup!r} in the page"
        assert not DANGEROUS_URL.search(lowered), what
    elif response.mimetype == "application/json":
        for key, text in strings(json.loads(body)):
            if MARK in text.lower():
                assert key in TEXT_KEYS, f"{what}: payload under {key!r}: {text[:120]!r}"
    assert all(MARK not in value.lower() for _, value in response.headers.items()), what
    assert response.headers.get("X-Content-Type-Options") == "nosniff", what


def requests_for(payload: str, n: int) -> list[tuple[str, str, object]]:
    """(method, path, body) of every route for one payload; the chart of embed/API rotates over the registry."""
    chart = list(charts.CHARTS)[n % len(charts.CHARTS)]
    query = hostile_query(payload)
    out = []
    for page in PAGES:
        out += [("GET", page + query, None), ("POST", "/_dash-update-component", router_request(page, query))]
    out += [
        ("GET", f"/embed/{chart}{query}", None),
        ("GET", f"/api/v1/charts{query}", None),
        ("GET", f"/api/v1/charts/{chart}.csv{query}", None),
        ("GET", f"/api/v1/charts/{chart}.json{query}", None),
    ]
    quoted = urllib.parse.quote(payload, safe="")
    out += [
        ("GET", f"/embed/{quoted}", None),
        ("GET", f"/api/v1/charts/{quoted}.csv", None),
        ("GET", f"/api/v1/charts/{quoted}.json", None),
    ]
    for entity in ("country", "firm", "platform"):  # the payload as the entity key of the path
        out.append(("POST", "/_dash-update-component", router_request(f"/{entity}/{quoted}", "")))
    return out


def send(client, method, path, body):
    if method == "GET":
        return client.get(path)
    return client.post(path, json=body)


@pytest.mark.slow
def test_hostile_payloads_on_every_route(client, warehouse, recorder, figures):
    before = digest(warehouse)
    sent = 0
    for n, payload in enumerate(PAYLOADS):
        for method, path, body in requests_for(payload, n):
            check(send(client, method, path, body), f"{method} {path[:80]} {payload!r}")
            sent += 1
    assert recorder.statements, "no SQL was recorded: the recorder no longer sees the dashboard's queries"
    leaked = [s for s in recorder.statements if MARK in s.lower()]
    assert leaked == [], leaked[:3]
    assert digest(warehouse) == before
    figures["hostile parameters"] = {
        "payloads": len(PAYLOADS),
        "requests": sent,
        "5xx": 0,
        "reflected unescaped": 0,
        "SQL statements checked": len(recorder.statements),
        "payloads in SQL text": 0,
    }


def test_payload_messages_are_shown_as_text(client):
    """A bad value is named back to the user, as text of an alert, never as markup."""
    query = hostile_query(SCRIPT[0])
    response = client.post("/_dash-update-component", json=router_request("/deals", query))
    texts = [t for k, t in strings(response.json) if k == "children" and "ignored" in t]
    assert any("<script>" in t.lower() for t in texts)  # shown as typed, React renders it as text
    embed = client.get(f"/embed/annual_totals{query}").get_data(as_text=True)
    assert "&lt;script&gt;" in embed.lower() and f"<script>{MARK}" not in embed.lower()


@pytest.mark.parametrize(
    "path",
    [
        "/embed/../../etc/passwd",
        "/embed/..%2F..%2Fetc%2Fpasswd",
        "/embed/annual_totals/../../../etc/passwd",
        "/api/v1/charts/../../../etc/passwd.csv",
        "/api/v1/charts/..%2f..%2fdashboard%2fapp.py.json",
        "/api/v1/charts/annual_totals%00.csv",
        "/api/v1/charts/annual_totals.csv%00.json",
        "/assets/../app.py",
        "/assets/..%2fapp.py",
        "/assets/%2e%2e/%2e%2e/etc/passwd",
        "/_dash-component-suites/dash/../../../dashboard/app.py",
        "/_dash-component-suites/dash/..%2f..%2fdash.py",
        "/vendor/../dashboard/app.py",
        "/country/..%2F..%2Fetc%2Fpasswd",
        "//etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
    ],
)
def test_path_traversal_reads_no_file(client, path):
    response = client.get(path)
    body = response.get_data(as_text=True)
    assert response.status_code < 500
    assert "root:x:0:0" not in body and "import dash" not in body and "def " not in body


def test_huge_and_repeated_parameters(client, figures):
    """Huge values, thousands of parameters, a parameter repeated thousands of times: no 5xx, a bounded answer."""
    queries = {
        "a 100,000-character value": "?country=" + "A" * 100_000,
        "5,000 list items": "?country=" + ",".join(["PAK"] * 5_000),
        "5,000 unknown parameters": "?" + "&".join(f"p{i}=1" for i in range(5_000)),
        "a parameter given 5,000 times": "?" + "&".join(f"from={2000 + i % 20}" for i in range(5_000)),
        "every parameter given 500 times": "?" + "&".join(f"{n}=x{i}" for i in range(500) for n in NAMES),
    }
    for name, query in queries.items():
        for method, path, body in [
            ("GET", "/api/v1/charts/annual_totals.json" + query, None),
            ("GET", "/embed/recipients_bar" + query, None),
            ("POST", "/_dash-update-component", router_request("/countries", query)),
            ("POST", "/_dash-update-component", router_request("/country/PAK", query)),
        ]:
            response = send(client, method, path, body)
            assert response.status_code < 500, (name, path[:60])
            assert len(response.data) < 2_000_000, (name, path[:60], len(response.data))
            if response.mimetype == "application/json" and "messages" in response.json:
                assert len(response.json["messages"]) <= MAX_MESSAGES
    figures.setdefault("hostile parameters", {})["huge or repeated parameter sets"] = len(queries)


def test_a_query_parameter_cannot_replace_the_entity_of_the_path(client):
    response = client.post("/_dash-update-component", json=router_request("/country/PAK", "?key=TUR&key=<b>x</b>"))
    texts = [t for k, t in strings(response.json) if k == "children"]
    assert "Pakistan" in texts and "Türkiye" not in texts and "This view could not be drawn" not in texts


def test_forged_callback_bodies_are_refused_not_crashed(client):
    bodies = [
        {},
        {"output": "nope.children", "outputs": {"id": "nope", "property": "children"}, "inputs": []},
        {"output": ROUTER["output"], "outputs": ROUTER["outputs"]},
        router_request(None, None),
        router_request(5, {"a": 1}),
        router_request(["/"], ["?x"]),
    ]
    for body in bodies:
        assert client.post("/_dash-update-component", json=body).status_code == 400, body
    assert client.post("/_dash-update-component", data=b"{not json", content_type="application/json").status_code == 400
    assert (
        client.post("/_dash-update-component", data=b"x" * 2_000_000, content_type="application/json").status_code
        == 413
    )


def test_csv_exports_neutralise_formulas(client, warehouse, tmp_path, monkeypatch):
    """Text that a spreadsheet would run comes out of /api/v1/…csv with a leading apostrophe."""
    hostile = tmp_path / "w.duckdb"
    hostile.write_bytes(Path(warehouse).resolve().read_bytes())
    con = duckdb.connect(str(hostile))
    con.execute(
        'UPDATE sources SET title = \'=HYPERLINK("http://evil.example","x")\', '
        "publisher = '@SUM(1+1)' WHERE source_id = 'src_a'"
    )
    con.close()
    monkeypatch.setenv("DEFEX_DB", str(hostile))
    body = client.get("/api/v1/charts/annual_totals.csv?publisher=ssb").get_data(as_text=True)
    assert "'=HYPERLINK(" in body and "'@SUM(1+1)" in body
    assert not re.search(r'(^|,)"?=HYPERLINK', body, re.M)


def test_security_headers_and_framing(client):
    page, embed, api = client.get("/"), client.get("/embed/annual_totals"), client.get("/api/v1/charts")
    for response in (page, embed, api):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]
        assert "object-src 'none'" in response.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in page.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in embed.headers
    assert "frame-ancestors *" in embed.headers["Content-Security-Policy"]


def test_debug_is_off_and_errors_tell_nothing(client, monkeypatch):
    from dashboard.app import app, server

    assert not server.debug and not app.config.get("debug", False)
    shell = client.get("/").get_data(as_text=True)
    config = json.loads(
        re.search(r'<script id="_dash-config" type="application/json">(.*?)</script>', shell, re.S).group(1)
    )
    assert config["ui"] is False and config["props_check"] is False  # no dev tools, no callback graph

    def broken(*args, **kwargs):
        raise RuntimeError("secret detail /srv/warehouse.duckdb")

    monkeypatch.setattr(charts, "frame", broken)
    response = client.get("/api/v1/charts/annual_totals.json")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "secret detail" not in body and "Traceback" not in body


def test_binds_loopback_unless_told_otherwise(monkeypatch):
    from dashboard import config

    monkeypatch.delenv("DEFEX_HOST", raising=False)
    assert config.host() == "127.0.0.1"
    monkeypatch.setenv("DEFEX_HOST", "0.0.0.0")
    assert config.host() == "0.0.0.0"


@pytest.fixture(scope="module")
def live(warehouse, tmp_path_factory, monkeypatch_module):
    """The real server (gunicorn), started with DEFEX_HOST unset: it must choose loopback by itself."""
    monkeypatch_module.delenv("DEFEX_HOST", raising=False)
    log = tmp_path_factory.mktemp("live") / "server.log"
    with serving(warehouse, log, workers=1) as base:
        yield base, log


@pytest.fixture(scope="module")
def monkeypatch_module():
    patch = pytest.MonkeyPatch()
    yield patch
    patch.undo()


def listening(port: int) -> list[str]:
    """Local addresses listening on `port`, from /proc/net/tcp and tcp6 (hex, as the kernel writes them)."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.rpartition(":")
            if int(hex_port, 16) == port and state == "0A":
                found.append(address)
    return found


def raw_request(base: str, request: bytes) -> bytes:
    host, port = base.removeprefix("http://").split(":")
    assert host == LOOPBACK
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(request)
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_the_server_listens_on_loopback_only(live):
    base, _ = live
    assert listening(int(base.rsplit(":", 1)[1])) == ["0100007F"]  # 127.0.0.1, and no other address


@pytest.mark.parametrize(
    "target",
    [
        b"/assets/../../../../etc/passwd",
        b"/../../../../etc/passwd",
        b"/embed/../../../../etc/passwd",
        b"/api/v1/charts/..%2f..%2f..%2fetc%2fpasswd.csv",
        b"/_dash-component-suites/dash/../../../../etc/passwd",
        b"/?country=" + b"A" * 8000,
        b"/api/v1/charts/annual_totals.json?from=%0d%0aSet-Cookie:%20x=1",
        b"/embed/annual_totals?" + b"&".join(b"p%d=1" for d in range(1500)),
    ],
)
def test_raw_requests_to_the_real_server(live, target):
    """What a test client would normalise, sent as bytes: the server answers, with no 5xx and no file."""
    base, log = live
    response = raw_request(base, b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    status = int(response.split(b" ", 2)[1])
    assert status < 500, response[:300]
    assert b"root:x:0:0" not in response and b"\r\nSet-Cookie: x=1" not in response
    assert "Traceback" not in log.read_text()


def test_escaped_helpers():
    """The embed page escapes titles and messages with html.escape; the figure JSON cannot end its script."""
    from dashboard.api import script_json

    assert html.escape("<b>") == "&lt;b&gt;"
    assert "<" not in script_json('{"a": "</script><!--"}') and "&" not in script_json('{"a": "&amp;"}')
