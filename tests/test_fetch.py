"""Issue 15, item 1: `python -m etl fetch sipri` against a local stub of SIPRI's backend (nothing here goes to the
internet). The stub answers as the public clients document it: the register as base64 in "bytes", the TIV table
of exports as text in "result"; and as a backend fails: slowly, with an error, cut short, with HTML."""

import base64
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from etl import cli
from tests.conftest import ROOT, etl, rows

FIXTURES = ROOT / "tests" / "fixtures" / "sipri"
REGISTER = (FIXTURES / "trade-register_test.csv").read_bytes()
EXPORTS = (FIXTURES / "tiv-exports_test.csv").read_bytes().decode("latin-1")
PATHS = {"register": "/trades/trade-register-csv/", "exports": "/trades/import-export-csv-str/"}


def good(kind: str) -> tuple[int, bytes]:
    if kind == "register":
        return 200, json.dumps({"bytes": base64.b64encode(REGISTER).decode()}).encode()
    return 200, json.dumps({"result": EXPORTS}).encode()


class Stub:
    """SIPRI's backend on 127.0.0.1: `answers[kind]` is a function of nothing giving (status, body), or 'slow',
    or 'cut' (a Content-Length longer than the body); every request's path and JSON body is kept."""

    def __init__(self):
        self.answers = {"register": lambda: good("register"), "exports": lambda: good("exports")}
        self.requests: list[tuple[str, dict, dict]] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                stub.requests.append((self.path, body, dict(self.headers)))
                kind = next(k for k, path in PATHS.items() if self.path == "/api/p" + path)
                answer = stub.answers[kind]
                if answer == "slow":
                    time.sleep(3)
                    answer = lambda: good(kind)  # noqa: E731
                if answer == "cut":
                    status, data = good(kind)
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data[: len(data) // 2])
                    self.wfile.flush()
                    self.connection.close()
                    return
                status, data = answer()
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/api/p"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def stub(monkeypatch):
    server = Stub()
    monkeypatch.setenv("DEFEX_SIPRI_API", server.url)
    yield server
    server.server.shutdown()


def fetch(folder: Path) -> int:
    return cli.main(["fetch", "sipri", "--sipri-dir", str(folder)])


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


@pytest.mark.parametrize(
    "kind, answer, said",
    [
        ("register", lambda: (500, b"Internal Server Error"), "trade-register-csv/: HTTP 500 Internal Server Error"),
        (
            "register",
            lambda: (200, b"<!DOCTYPE html><html><body>Maintenance</body></html>"),
            "trade-register-csv/: not the JSON answer expected (an object with 'bytes'); it starts "
            "'<!DOCTYPE html><html><body>Maintenance</body></html>'",
        ),
        (
            "register",
            lambda: (200, json.dumps({"bytes": base64.b64encode(b"<html>Login</html>").decode()}).encode()),
            "trade-register-csv/: the answer is not a SIPRI export the importer reads",
        ),
        ("register", lambda: (200, b'{"bytes": "not base64!"}'), "trade-register-csv/: 'bytes' is not base64"),
        ("exports", lambda: (200, json.dumps({"result": REGISTER.decode("latin-1")}).encode()),
         "import-export-csv-str/: the answer is a SIPRI register table, not the SIPRI TIV table of exports"),
        ("register", "cut", "trade-register-csv/: the answer was cut short"),
        ("exports", "slow", "import-export-csv-str/: no answer within 1 s"),
    ],
)  # fmt: skip
def test_a_failed_download_exits_2_naming_the_url_and_changes_no_file(
    stub, tmp_path, monkeypatch, capsys, kind, answer, said
):
    folder = tmp_path / "sipri"
    folder.mkdir()
    (folder / "trade-register.csv").write_bytes(b"the old file")
    before = snapshot(folder)
    stub.answers[kind] = answer
    monkeypatch.setenv("DEFEX_FETCH_TIMEOUT", "1")

    assert fetch(folder) == 2

    err = capsys.readouterr().err
    assert f"error: {stub.url}/trades/{said}" in err
    assert err.rstrip().endswith("nothing in the SIPRI folder was changed")
    assert snapshot(folder) == before  # the old file kept, no partial file left


def test_offline_exits_2_and_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DEFEX_SIPRI_API", "http://127.0.0.1:9/api/p")  # the discard port: nothing listens

    assert fetch(tmp_path / "sipri") == 2

    assert "ConnectionError (offline, or SIPRI refused the connection); nothing in the SIPRI folder was changed" in (
        capsys.readouterr().err
    )
    assert snapshot(tmp_path / "sipri") == {}


@pytest.mark.parametrize("value", ["ftp://example.org/api", "http://a b/", " "])
def test_a_backend_that_is_not_an_http_url_is_refused(tmp_path, monkeypatch, capsys, value):
    monkeypatch.setenv("DEFEX_SIPRI_API", value)
    assert fetch(tmp_path / "sipri") == 2
    assert f"error: DEFEX_SIPRI_API={value!r}: an http(s) URL" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["1e3", "-5", "0", "٣"])
def test_a_timeout_that_is_not_plain_digits_is_refused(stub, tmp_path, monkeypatch, capsys, value):
    monkeypatch.setenv("DEFEX_FETCH_TIMEOUT", value)
    assert fetch(tmp_path / "sipri") == 2
    assert f"error: DEFEX_FETCH_TIMEOUT={value!r}: a whole number of seconds" in capsys.readouterr().err


def test_a_fetch_writes_both_exports_with_manifests_and_the_etl_imports_them(stub, tmp_path, built, capsys):
    folder = tmp_path / "sipri"

    assert fetch(folder) == 0

    assert sorted(p.name for p in folder.iterdir()) == [
        "tiv-exports.csv",
        "tiv-exports.csv.manifest.json",
        "trade-register.csv",
        "trade-register.csv.manifest.json",
    ]
    assert (folder / "trade-register.csv").read_bytes() == REGISTER  # SIPRI's bytes, as sent
    umask = os.umask(0)
    os.umask(umask)
    assert (folder / "trade-register.csv").stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's 0600
    manifest = json.loads((folder / "trade-register.csv.manifest.json").read_text())
    assert {k: manifest[k] for k in ("url", "kind", "data_generated", "bytes", "credit")} == {
        "url": f"{stub.url}/trades/trade-register-csv/",
        "kind": "register",
        "data_generated": "2025-01-01T09:00:00",
        "bytes": len(REGISTER),
        "credit": "Information from the SIPRI Arms Transfers Database",
    }
    assert manifest["sha256"] == __import__("hashlib").sha256(REGISTER).hexdigest()
    assert manifest["request"]["json"]["filters"][0] == {
        "field": "Delivery year",
        "oldField": "",
        "condition": "contains",
        "value1": 1950,
        "value2": manifest["request"]["json"]["filters"][1]["value2"],
        "listData": [],
    }
    assert "non-commercial" in manifest["terms"]
    paths = [path for path, _, _ in stub.requests]
    assert paths == ["/api/p/trades/trade-register-csv/", "/api/p/trades/import-export-csv-str/"]
    assert {headers["Origin"] for _, _, headers in stub.requests} == {"https://armstransfers.sipri.org"}
    raw = str(built.parent.parent / "raw")
    assert etl("run", "--raw-dir", raw, "--sipri-dir", str(folder), "--db", str(built)) == 0
    assert rows(built, "SELECT count(*), count(DISTINCT source_file) FROM sipri_register") == [(5, 1)]
    assert rows(built, "SELECT count(*) FROM sipri_tiv WHERE direction = 'exports'") == [(14,)]
    assert rows(built, "SELECT change, item, key FROM etl_changes WHERE table_name LIKE 'sipri%' ORDER BY ALL") == [
        ("added", "SIPRI TIV tables", "2025-01-02 10:00:00"),
        ("added", "SIPRI register", "2025-01-01 09:00:00"),
    ]  # the changelog lists the vintages the fetch brought


def test_a_second_fetch_replaces_the_files_only_when_every_answer_passed(stub, tmp_path, capsys):
    folder = tmp_path / "sipri"
    assert fetch(folder) == 0
    before = snapshot(folder)
    stub.answers["exports"] = lambda: (503, b"busy")  # the register passes, the TIV table fails: neither replaced

    assert fetch(folder) == 2

    assert snapshot(folder) == before
