"""`python -m etl fetch sipri`: SIPRI's trade register and TIV table of exports, downloaded from the Arms Transfers
Database into data/raw/sipri/ (or $DEFEX_SIPRI_DIR), each with a manifest beside it.

SIPRI's database (armstransfers.sipri.org) has no documented API. Its web app asks its backend, and public
clients follow the same requests (the R package Rat.db for the register; sspi_flask_app for the TIV table):

- the register: POST {base}/trades/trade-register-csv/ with a JSON filter body; the answer is JSON whose "bytes"
  is the CSV export, base64-encoded;
- the TIV table of exports: POST {base}/trades/import-export-csv-str/; the answer is JSON whose "result" is the
  CSV text ("Exports by,1950,…").

No public client shows the request of the TIV table of imports, so it is not fetched (download it by hand: the
importer recognises every SIPRI export by its header). Each answer must be a SIPRI export the importer recognises
before it replaces anything: a refused or broken answer exits 2 and leaves every file as it was.
"""

import base64
import binascii
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import requests

from etl import config
from etl.errors import InputError
from etl.readcsv import display
from etl.sources import sipri_file

CREDIT = "Information from the SIPRI Arms Transfers Database"
TERMS = "https://www.sipri.org/about/terms-and-conditions"
RULES = (
    "SIPRI's data are for non-commercial use, credited to SIPRI ('Information from the SIPRI Arms Transfers "
    "Database'); republish no more than a fair-use extract (under 10% of a data set). See " + TERMS
)
FIRST_YEAR = 1950
MAX_BYTES = 64 * 1024**2  # SIPRI's whole register is ~4 MB as CSV (5 MB base64): an answer beyond this is refused
HEADERS = {  # as SIPRI's web app sends them (the backend answers its own origin)
    "Content-Type": "application/json",
    "Origin": "https://armstransfers.sipri.org",
    "Referer": "https://armstransfers.sipri.org/",
    "User-Agent": "defex (defence-export statistics dashboard; python-requests)",
}


class FetchFailed(InputError):
    """A download that did not give a SIPRI export: exit 2, nothing replaced."""


@dataclass(frozen=True)
class Request:
    """One of SIPRI's exports: where it is asked for, how, what its answer holds and where it is written."""

    name: str  # as said to the user
    path: str  # under the base URL
    body: dict
    answer_key: str  # the JSON key holding the CSV
    base64: bool  # whether that value is base64 of the file's bytes (else the CSV text)
    kinds: tuple[str, ...]  # what sipri_file.kind_of must find in it
    file: str  # written as


def _filter(field: str, value1: object = "", value2: object = "", condition: str = "") -> dict:
    return {"field": field, "oldField": "", "condition": condition, "value1": value1, "value2": value2, "listData": []}


def requests_for(last_year: int) -> list[Request]:
    """The register (every deal with a delivery or an order from 1950 to `last_year`, open deals included) and the
    TIV table of exports (1950 to `last_year`), as the public clients ask for them."""
    register = {
        "filters": [
            _filter("Delivery year", FIRST_YEAR, last_year, "contains"),
            _filter("Order year", 0, last_year, "contains"),
            _filter("opendeals"),
            _filter("exportOption"),
        ],
        "logic": "AND",
    }
    exports = {
        "filters": [
            _filter("Year range 1", FIRST_YEAR, last_year, "contains"),
            _filter("orderbyseller"),
            _filter("DeliveryType", "delivered"),
            _filter("Status", "0"),
        ],
        "logic": "AND",
    }
    return [
        Request(
            "SIPRI trade register",
            "/trades/trade-register-csv/",
            register,
            "bytes",
            True,
            ("register", "per_delivery"),
            "trade-register.csv",
        ),
        Request(
            "SIPRI TIV table of exports",
            "/trades/import-export-csv-str/",
            exports,
            "result",
            False,
            ("exports",),
            "tiv-exports.csv",
        ),
    ]


def _positive(name: str, default: float) -> float:
    """A setting from the environment: plain digits only (empty or unset: the default)."""
    text = os.environ.get(name, "")
    if not text:
        return default
    if not text.isascii() or not text.isdigit() or int(text) == 0:
        raise InputError(f"{name}={text!r}: a whole number of seconds, e.g. 120")
    return float(text)


def base_url() -> str:
    """SIPRI's backend, or $DEFEX_SIPRI_API (a stub server in the tests): an http(s) URL, nothing else."""
    url = os.environ.get("DEFEX_SIPRI_API", "") or config.SIPRI_API
    if not url.startswith(("https://", "http://")) or any(c.isspace() or not c.isprintable() for c in url):
        raise InputError(f"DEFEX_SIPRI_API={url!r}: an http(s) URL, e.g. {config.SIPRI_API}")
    return url.rstrip("/")


def _answer(request: Request, url: str, timeout: float) -> bytes:
    """The export's bytes from SIPRI's answer; FetchFailed naming the URL and what was wrong."""
    try:
        response = requests.post(url, json=request.body, headers=HEADERS, timeout=timeout, stream=True)
        chunks, size = [], 0
        for chunk in response.iter_content(64 * 1024):
            size += len(chunk)
            if size > MAX_BYTES:
                raise FetchFailed(f"{url}: the answer is larger than {MAX_BYTES // 1024**2} MB; refused")
            chunks.append(chunk)
    except requests.exceptions.ChunkedEncodingError:
        raise FetchFailed(f"{url}: the answer was cut short (the connection closed before its end)") from None
    except requests.Timeout:
        raise FetchFailed(
            f"{url}: no answer within {timeout:.0f} s (SIPRI takes ~30 s; set DEFEX_FETCH_TIMEOUT)"
        ) from None
    except requests.RequestException as exc:
        reason = type(exc).__name__ if isinstance(exc, requests.ConnectionError) else str(exc)
        raise FetchFailed(f"{url}: {reason} (offline, or SIPRI refused the connection)") from None
    body = b"".join(chunks)
    if response.status_code != 200:
        raise FetchFailed(f"{url}: HTTP {response.status_code} {response.reason}")
    try:
        value = json.loads(body)[request.answer_key]
        if not isinstance(value, str):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        start = body[:60].decode("utf-8", "replace").strip()
        raise FetchFailed(
            f"{url}: not the JSON answer expected (an object with {request.answer_key!r}); it starts {start!r}"
        ) from None
    if not request.base64:
        return value.encode("utf-8")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise FetchFailed(f"{url}: {request.answer_key!r} is not base64") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _manifest(request: Request, url: str, data: bytes, export: sipri_file.Export, retrieved: str) -> dict:
    vintage, _ = sipri_file.vintage(export)
    return {
        "file": request.file,
        "source": "SIPRI Arms Transfers Database",
        "url": url,
        "request": {"method": "POST", "json": request.body},
        "retrieved_at": retrieved,
        "data_generated": vintage.isoformat() if vintage is not None else None,
        "kind": export.kind,
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
        "credit": CREDIT,
        "terms": RULES,
    }


def sipri(folder: Path | None = None, last_year: int | None = None, say=print) -> list[Path]:
    """Download SIPRI's exports into `folder`; every answer is checked before any file is replaced (all or none).
    Returns the files written."""
    folder = folder or config.sipri_dir()
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{display(folder)}: not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    base, timeout = base_url(), _positive("DEFEX_FETCH_TIMEOUT", 120)
    last_year = last_year or datetime.now(UTC).year
    temporaries: list[Path] = []  # removed unless every answer passed
    staged: list[tuple[Path, Path, dict]] = []  # (temporary, target, manifest) of the answers that passed
    try:
        for request in requests_for(last_year):
            url = base + request.path
            say(f"fetching {request.name} from {url} (SIPRI answers slowly: ~30 s)")
            data = _answer(request, url, timeout)
            handle, name = tempfile.mkstemp(prefix=f".{request.file}.", suffix=".partial", dir=folder)
            temporary = Path(name)
            temporaries.append(temporary)
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.chmod(temporary, 0o666 & ~_umask())  # as an ordinary file (mkstemp makes it private)
            try:
                export = sipri_file.read(temporary)
            except InputError as exc:
                raise FetchFailed(f"{url}: the answer is not a SIPRI export the importer reads ({exc})") from None
            if export.kind not in request.kinds:
                raise FetchFailed(f"{url}: the answer is a SIPRI {export.kind} table, not the {request.name}")
            retrieved = datetime.now(UTC).replace(microsecond=0).isoformat()
            staged.append((temporary, folder / request.file, _manifest(request, url, data, export, retrieved)))
    except BaseException:
        for temporary in temporaries:
            temporary.unlink(missing_ok=True)
        raise
    written = []
    for temporary, target, manifest in staged:
        os.replace(temporary, target)
        target.with_name(target.name + ".manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
        written.append(target)
        say(f"wrote {display(target)} ({manifest['kind']}, data generated {manifest['data_generated']}, "
            f"{manifest['bytes']} bytes) and its manifest")  # fmt: skip
    return written
