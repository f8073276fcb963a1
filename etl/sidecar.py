"""Provenance sidecars: every curated CSV has `<name>.yml` beside it, read with yaml.safe_load and checked.

Required keys: producer, title, urls, retrieved, licence (notes is optional). producer, title and licence are
plain text (the rules every text cell follows, etl/validate.TEXT_RULES); urls is a list of http(s) URLs, or a text
starting with "see " that names where the rows carry their own URLs (e.g. "see the url column of sources.csv");
retrieved is a date written YYYY-MM-DD, or a text starting with one ("2026-11-22 (rows before issue 11), ..."),
never in the future. A missing sidecar or one that is not YAML stops the run (InputError, exit 2); a sidecar that
breaks a rule is a validation failure (exit 1) naming the file, the key's line, the key, the value and the rule.
What passes goes into the warehouse's raw_files table, with the CSV's sha256.
"""

import re
from datetime import date
from pathlib import Path

import yaml

from etl import validate
from etl.errors import Failure, InputError
from etl.readcsv import display, read_bytes

REQUIRED = ("producer", "title", "urls", "retrieved", "licence")
OPTIONAL = ("notes",)
URL = re.compile(r"^https?://[^\s/]+\S*$")
DATE_FIRST = re.compile(r"^([0-9]{4}-[0-9]{2}-[0-9]{2})\b")
COLUMNS = ["file", "sha256", "sidecar", "producer", "title", "licence", "urls", "retrieved", "notes"]  # raw_files
MAX_BYTES = 1024**2  # a sidecar is a few lines (the longest has 2 KB)
RULES = {
    "text": "plain text, not empty",
    "urls": "a list of http(s) URLs, or a text starting with 'see ' naming where the rows' URLs are",
    "retrieved": "a date written YYYY-MM-DD (or a text starting with one), from 1900-01-01 on and not in the future",
}


def path_of(csv_path: Path) -> Path:
    return csv_path.with_suffix(".yml")


def read(csv_path: Path) -> tuple[dict, list[Failure]]:
    """The sidecar's provenance (producer, title, urls as a list, retrieved and notes as text, licence) and the
    rules it breaks."""
    path = path_of(csv_path)
    name = display(path)
    if not path.exists() and not path.is_symlink():
        raise InputError(
            f"{name}: file not found; every raw file has a provenance sidecar <file>.yml beside it "
            f"({', '.join(REQUIRED)})"
        )
    data = read_bytes(path, MAX_BYTES)
    try:
        text = data.decode("utf-8")
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        document = yaml.safe_load(text)
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{name}:{mark.line + 1}" if mark is not None else name
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise InputError(f"{where}: not valid YAML ({problem})") from None
    if not isinstance(document, dict):
        shown = type(document).__name__ if document is not None else "(empty)"
        return {}, [Failure(name, 1, "*", shown, f"a mapping of {', '.join(REQUIRED)}")]
    lines = {str(key.value): key.start_mark.line + 1 for key, _ in node.value} if node is not None else {}
    items = {
        str(key.value): [item.start_mark.line + 1 for item in value.value]
        for key, value in (node.value if node is not None else [])
        if isinstance(value, yaml.SequenceNode)
    }
    failures = [
        Failure(name, 1, key, "(missing)", "a required key of a provenance sidecar")
        for key in REQUIRED
        if key not in document
    ]
    failures += [
        Failure(
            name, lines.get(str(key), 1), str(key), "(extra)", f"a sidecar's keys are {', '.join(REQUIRED + OPTIONAL)}"
        )
        for key in document
        if key not in REQUIRED + OPTIONAL
    ]

    def fail(key: str, value, rule: str, item: int | None = None) -> None:
        line = items[key][item] if item is not None and key in items else lines.get(key, 1)
        failures.append(Failure(name, line, key, _written(value), rule))

    for key in ("producer", "title", "licence") + OPTIONAL:
        value = document.get(key)
        if key in OPTIONAL and value is None:
            continue
        if key in document and not _plain(value):
            fail(key, value, RULES["text"])
    urls = document.get("urls")
    if "urls" in document:
        if isinstance(urls, str) and urls.startswith("see ") and _plain(urls):
            urls = [urls]
        elif not isinstance(urls, list) or not urls:
            fail("urls", urls, RULES["urls"])
        elif (
            bad := next((i for i, u in enumerate(urls) if not (isinstance(u, str) and URL.match(u))), None)
        ) is not None:
            fail("urls", urls[bad], RULES["urls"], bad)
    retrieved = document.get("retrieved")
    if "retrieved" in document and not _retrieved_ok(retrieved):
        fail("retrieved", retrieved, RULES["retrieved"])
    provenance = {
        "producer": document.get("producer"),
        "title": document.get("title"),
        "licence": document.get("licence"),
        "urls": urls if isinstance(urls, list) else None,
        "retrieved": _written(retrieved),
        "notes": document.get("notes"),
    }
    return provenance, failures


def _written(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _plain(value) -> bool:
    """Non-empty text that follows every text rule of the curated files (no control, format or tag characters,
    no markup, no spreadsheet formula, at most MAX_TEXT characters)."""
    if not isinstance(value, str) or not value.strip() or len(value) > validate.MAX_TEXT:
        return False
    return not any(re.search(pattern, value) for pattern, _ in validate.TEXT_RULES)


def _retrieved_ok(value) -> bool:
    if isinstance(value, date):
        day = value
    elif isinstance(value, str) and (match := DATE_FIRST.match(value)) and _plain(value):
        try:
            day = date.fromisoformat(match[1])
        except ValueError:
            return False
    else:
        return False
    return date(1900, 1, 1) <= day <= validate.today()
