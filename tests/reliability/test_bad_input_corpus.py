"""The bad-input corpus: valid raw files and SIPRI exports, each mutated one way, fed to `python -m etl run`.

Every case must end in exit 1 (the data failed validation) or 2 (unreadable input), with a message naming the
file, the line (where the file has lines), the column (where the problem is in a cell) and the rule, and
must leave the published warehouse byte-for-byte as it was: the same file behind the same link, no other file
added beside it but the failed-run log. One warehouse is published once for the module and every case is run
against it, so the last case proves that all of them together changed nothing.
"""

import codecs
import gzip
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, SHARED_SIPRI, SIPRI_FIXTURES, digest, etl, needs_sipri


@dataclass(frozen=True)
class Case:
    name: str
    file: str  # a curated file of tests/fixtures/raw, or sipri/<name> (test fixtures) or real/<name> (SIPRI's)
    mutate: object  # bytes -> bytes
    code: int
    expect: tuple[str, ...]  # fragments that must all appear on one line of stderr


def sub(old: str | bytes, new: str | bytes, count: int = 1):
    old = old.encode() if isinstance(old, str) else old
    new = new.encode() if isinstance(new, str) else new

    def mutate(data: bytes) -> bytes:
        assert old in data, f"fixture changed: {old!r} not found"
        return data.replace(old, new, count)

    return mutate


def const(data: bytes):
    return lambda _: data


def cut(fraction: float):
    return lambda data: data[: int(len(data) * fraction)]


def cut_after(marker: str, keep: int = 0):
    """The file cut just after `marker` (plus `keep` bytes): what an interrupted copy or download leaves."""

    def mutate(data: bytes) -> bytes:
        at = data.index(marker.encode()) + len(marker.encode()) + keep
        return data[:at]

    return mutate


def recode(encoding: str, source: str = "utf-8"):
    return lambda data: data.decode(source).encode(encoding)


def header(old: str, new: str):
    """Rename a column in the header line only."""

    def mutate(data: bytes) -> bytes:
        first, rest = data.split(b"\n", 1)
        assert old.encode() in first
        return first.replace(old.encode(), new.encode(), 1) + b"\n" + rest

    return mutate


def add_column(name: str, value: str):
    def mutate(data: bytes) -> bytes:
        lines = data.decode().split("\n")
        out = [lines[0] + "," + name] + [line + "," + value if line.strip() else line for line in lines[1:]]
        return "\n".join(out).encode()

    return mutate


def repeat_line(number: int):
    def mutate(data: bytes) -> bytes:
        lines = data.rstrip(b"\n").split(b"\n")
        return b"\n".join(lines + [lines[number - 1]]) + b"\n"

    return mutate


def header_only(data: bytes) -> bytes:
    return data.split(b"\n", 1)[0] + b"\n"


FIXTURE_LICENCE = "Invented test rows in the curated layout, MIT-licensed with the project"
HUGE = "x" * 200_000  # over the csv module's own field limit (131,072)
FORMULA = '"=HYPERLINK(""http://evil.example/x"",""open"")"'

CURATED = [
    # encodings and byte-order marks
    Case("latin-1 byte", "deals.csv", sub("Poland", b"Pol\xe4nd"), 2, ("deals.csv:4: not valid UTF-8", "0xe4")),
    Case(
        "whole file in cp1254 (Turkish Windows)",
        "publishers.csv",
        recode("cp1254"),
        2,
        ("publishers.csv:2: not valid UTF-8",),
    ),
    Case(
        "UTF-16 LE with BOM",
        "events.csv",
        lambda d: codecs.BOM_UTF16_LE + d.decode().encode("utf-16-le"),
        2,
        ("events.csv: UTF-16 text", "FF FE", "save the file as UTF-8"),
    ),
    Case(
        "UTF-16 BE with BOM",
        "firms.csv",
        lambda d: codecs.BOM_UTF16_BE + d.decode().encode("utf-16-be"),
        2,
        ("firms.csv: UTF-16 text", "FE FF", "save the file as UTF-8"),
    ),
    Case("UTF-32 with BOM", "platforms.csv", recode("utf-32"), 2, ("platforms.csv: UTF-32 text",)),
    Case(
        "BOM before a non-first column",
        "sources.csv",
        sub(",quote\n", ",\ufeffquote\n"),
        1,
        ("sources.csv:1: column 'quote', value '(missing)'", "required column is missing from the header"),
    ),
    Case(
        "BOM twice at the start",
        "export_figures.csv",
        lambda d: codecs.BOM_UTF8 * 2 + d,
        1,
        ("export_figures.csv:1: column 'figure_id', value '(missing)'", "missing from the header"),
    ),
    Case(
        "BOM inside a value",
        "deals.csv",
        sub("D0003,Poland", "D0003,\ufeffPoland"),
        1,
        ("deals.csv:4: column 'buyer'", "plain text: no control, zero-width, bidi or other invisible format"),
    ),
    # truncated, empty, binary
    Case(
        "truncated mid-row",
        "deals.csv",
        cut_after("D0003,Poland,tb2,baykar,ucav,2021"),
        1,
        ("deals.csv:4: column '*', value '6 fields'", "every row has the header's 19 fields"),
    ),
    Case(
        "truncated inside a quoted field",
        "sources.csv",
        cut_after('Customs total,https://example.org/c,2025-01-03,day,2026-11-22,en,"TİM'),
        2,
        ("sources.csv:4: malformed CSV", "unexpected end of data"),
    ),
    Case(
        "truncated inside a UTF-8 character",
        "publishers.csv",
        cut_after("tim,T", keep=1),
        2,
        ("publishers.csv:3: not valid UTF-8", "0xc4"),
    ),
    Case("empty file", "firms.csv", const(b""), 2, ("firms.csv: empty file",)),
    Case("only blank lines", "events.csv", const(b"\n \n\t\n"), 2, ("events.csv: empty file",)),
    Case(
        "header and no rows",
        "deals.csv",
        header_only,
        1,
        ("deals.csv:1: column '*', value '(no rows)'", "at least one data row"),
    ),
    Case("NUL bytes", "events.csv", sub("E002,", b"E002,\x00\x01"), 2, ("events.csv: binary content", "line 3")),
    Case("a gzip file named .csv", "platforms.csv", gzip.compress, 2, ("platforms.csv: binary content",)),
    Case(
        "terminal escape in a title",
        "events.csv",
        sub("Pakistan drone", "Pakistan\x1b[31m drone"),
        1,
        ("events.csv:2: column 'title'", "\\x1b[31m", "plain text: no control"),
    ),
    Case(
        "bidi override in a name",
        "firms.csv",
        sub("baykar,Baykar,", "baykar,Bay\u202ekar,"),
        1,
        ("firms.csv:2: column 'name'", "\\u202e", "plain text: no control, zero-width, bidi"),
    ),
    # columns
    Case(
        "missing column",
        "deals.csv",
        header("confidence", "confidense"),
        1,
        ("deals.csv:1: column 'confidence', value '(missing)'", "required column is missing from the header"),
    ),
    Case(
        "missing column used downstream",
        "deals.csv",
        header(",buyer,", ",buyer_name,"),
        1,
        ("deals.csv:1: column 'buyer', value '(missing)'",),
    ),
    Case(
        "extra column",
        "firms.csv",
        add_column("website", "x"),
        1,
        ("firms.csv:1: column 'website', value '(extra)'", "not part of this file's schema"),
    ),
    Case(
        "column twice",
        "deals.csv",
        header("deal_id,buyer,", "deal_id,deal_id,"),
        1,
        ("deals.csv:1: column 'deal_id', value '(twice)'", "each column appears once in the header"),
    ),
    Case(
        "extra field in a row",
        "platforms.csv",
        sub("akinci,Akıncı,", "akinci,Akıncı,extra,"),
        1,
        ("platforms.csv:3: column '*', value '7 fields'", "every row has the header's 6 fields"),
    ),
    # types
    Case(
        "text in a number",
        "export_figures.csv",
        sub(",6734,", ",n/a,"),
        1,
        ("export_figures.csv:4: column 'value_usd_m', value 'n/a'", "must be a number"),
    ),
    Case(
        "date written D/M/Y",
        "export_figures.csv",
        sub("6734,src_c,2025-01-03", "6734,src_c,03/01/2025"),
        1,
        ("export_figures.csv:4: column 'published', value '03/01/2025'", "a date written YYYY-MM-DD"),
    ),
    Case(
        "fraction in a whole number",
        "deals.csv",
        sub("2021,false,24,", "2021,false,24.5,"),
        1,
        ("deals.csv:4: column 'quantity', value '24.5'", "must be a whole number"),
    ),
    Case(
        "yes for a boolean",
        "deals.csv",
        sub("D0003,Poland,tb2,baykar,ucav,2021,false", "D0003,Poland,tb2,baykar,ucav,2021,yes"),
        1,
        ("deals.csv:4: column 'order_year_uncertain', value 'yes'", "must be one of"),
    ),
    Case(
        "negative value",
        "firm_figures.csv",
        sub("export_usd_m,1800,", "export_usd_m,-1800,"),
        1,
        ("firm_figures.csv:2: column 'value', value '-1800'", "must be > 0"),
    ),
    Case(
        "negative quantity",
        "deals.csv",
        sub("2021,false,24,", "2021,false,-24,"),
        1,
        ("deals.csv:4: column 'quantity', value '-24'", "must be ≥ 1"),
    ),
    Case(
        "NaN",
        "export_figures.csv",
        sub(",6734,", ",NaN,"),
        1,
        ("export_figures.csv:4: column 'value_usd_m', value 'NaN'", "must be a number"),
    ),
    Case(
        "inf",
        "growth_quotes.csv",
        sub("12,22,src_c", "12,inf,src_c"),
        1,
        ("growth_quotes.csv:4: column 'growth_pct', value 'inf'", "must be a number"),
    ),
    Case(
        "-Infinity",
        "deals.csv",
        sub("268,USD,268,", "268,USD,-Infinity,"),
        1,
        ("deals.csv:4: column 'value_usd_m', value '-Infinity'", "must be a number"),
    ),
    Case(
        "a number of 5,000 digits",
        "export_figures.csv",
        sub(",6734,", "," + "9" * 5000 + ","),
        1,
        ("export_figures.csv:4: column 'value_usd_m'", "5,000 characters"),
    ),
    # duplicates
    Case(
        "duplicate id",
        "export_figures.csv",
        sub("F004,", "F003,"),
        1,
        ("export_figures.csv:5: column 'figure_id', value 'F003'", "duplicate key: must be unique"),
    ),
    Case(
        "row pasted twice",
        "deals.csv",
        repeat_line(4),
        1,
        ("deals.csv:6: column 'deal_id', value 'D0003'", "duplicate key"),
    ),
    Case(
        "same figure published twice",
        "export_figures.csv",
        lambda d: d + b"F008,ssb,goods_services,2024,1,12,7150,src_a,2025-01-03,H,,period,\n",
        1,
        ("export_figures.csv:9:", "duplicate key: must be unique"),
    ),
    # references and names
    Case(
        "unknown country",
        "events.csv",
        sub("Pakistan;Türkiye", "Pakistan;Narnia"),
        1,
        ("events.csv:2: column 'countries', value 'Narnia'", "a country name known to pycountry"),
    ),
    Case(
        "unknown ISO code",
        "firms.csv",
        sub("TUSAS|TAI,TUR", "TUSAS|TAI,TUX"),
        1,
        ("firms.csv:3: column 'country', value 'TUX'", "an ISO 3166 alpha-3 code"),
    ),
    Case(
        "unknown platform",
        "deals.csv",
        sub("D0001,Pakistan,tb2,", "D0001,Pakistan,tb3,"),
        1,
        ("deals.csv:2: column 'platform_id', value 'tb3'", "must exist in platforms.platform_id"),
    ),
    Case(
        "unknown firm",
        "platforms.csv",
        sub("ucav,baykar,\nakinci", "ucav,baykr,\nakinci"),
        1,
        ("platforms.csv:2: column 'firm_id', value 'baykr'", "must exist in firms.firm_id"),
    ),
    Case(
        "unknown currency",
        "deals.csv",
        sub("268,USD,", "268,USDD,"),
        1,
        ("deals.csv:4: column 'currency', value 'USDD'", "ISO 4217"),
    ),
    Case(
        "javascript: URL",
        "sources.csv",
        sub("https://example.org/b", "javascript:alert(1)"),
        1,
        ("sources.csv:3: column 'url', value 'javascript:alert(1)'", "must match the pattern"),
    ),
    # time
    Case(
        "future year",
        "firm_figures.csv",
        sub("baykar,2024,", "baykar,2031,"),
        1,
        ("firm_figures.csv:2: column 'year', value '2031'", "a year not in the future"),
    ),
    Case(
        "future date",
        "events.csv",
        sub("2026-01-03,record", "2031-01-03,record"),
        1,
        ("events.csv:3: column 'date', value '2031-01-03'", "a date not in the future"),
    ),
    Case(
        "order year after as_of",
        "deals.csv",
        sub("D0003,Poland,tb2,baykar,ucav,2021,", "D0003,Poland,tb2,baykar,ucav,2031,"),
        1,
        ("deals.csv:4: column 'order_year', value '2031'",),
    ),
    Case(
        "month 13",
        "growth_quotes.csv",
        sub("Q002,ssb,goods,2025,1,", "Q002,ssb,goods,2025,13,"),
        1,
        ("growth_quotes.csv:3: column 'month_from', value '13'", "must be ≤ 12"),
    ),
    Case(
        "month 0",
        "export_figures.csv",
        sub("F006,ssb,goods,2025,11,", "F006,ssb,goods,2025,0,"),
        1,
        ("export_figures.csv:7: column 'month_from', value '0'", "must be ≥ 1"),
    ),
    Case(
        "month 13 in a date",
        "sources.csv",
        sub("https://example.org/b,2025-12-02", "https://example.org/b,2025-13-02"),
        1,
        ("sources.csv:3: column 'published', value '2025-13-02'", "a date written YYYY-MM-DD"),
    ),
    # numbers written the Turkish (or another) way
    Case(
        "Turkish number, quoted",
        "export_figures.csv",
        sub(",6734,", ',"6.734,5",'),
        1,
        ("export_figures.csv:4: column 'value_usd_m', value '6.734,5'", "must be a number", "not 1.234,5"),
    ),
    Case(
        "Turkish number, unquoted",
        "export_figures.csv",
        sub(",6734,", ",6.734,5,"),
        1,
        ("export_figures.csv:4: column '*', value '14 fields'", "every row has the header's 13 fields"),
    ),
    Case(
        "Turkish decimal comma",
        "firm_figures.csv",
        sub(",1800,", ',"1800,5",'),
        1,
        ("firm_figures.csv:2: column 'value', value '1800,5'", "must be a number"),
    ),
    Case(
        "thousands separator",
        "export_figures.csv",
        sub(",10054,", ',"10,054",'),
        1,
        ("export_figures.csv:3: column 'value_usd_m', value '10,054'", "must be a number"),
    ),
    Case(
        "underscore digits",
        "export_figures.csv",
        sub(",10054,", ",10_054,"),
        1,
        ("export_figures.csv:3: column 'value_usd_m', value '10_054'", "must be a number"),
    ),
    Case(
        "Arabic-Indic digits",
        "deals.csv",
        sub("2021,false,24,false,24,", "2021,false,٢٤,false,24,"),
        1,
        (
            "deals.csv:4: column 'quantity', value '\\u0662\\u0664': digits are ASCII 0-9 only (U+0662 ARABIC-INDIC "
            "DIGIT TWO is not)",
        ),
    ),
    # text that is code
    Case(
        "=HYPERLINK in a title",
        "events.csv",
        sub("Pakistan drone assembly plant talks", FORMULA),
        1,
        ("events.csv:2: column 'title'", "=HYPERLINK", "must not start like a spreadsheet formula"),
    ),
    Case(
        "+HYPERLINK in a note",
        "deals.csv",
        sub("assembly plant talks", '"+HYPERLINK(""http://x"")"'),
        1,
        ("deals.csv:5: column 'note'", "spreadsheet formula"),
    ),
    Case(
        "DDE payload in a note",
        "firms.csv",
        sub("TUSAS|TAI,TUR,", "TUSAS|TAI,TUR,-2+3+cmd|' /C calc'!A0"),
        1,
        ("firms.csv:3: column 'note'", "spreadsheet formula"),
    ),
    Case(
        "@SUM in a note",
        "platforms.csv",
        sub("ucav,baykar,\nakinci", "ucav,baykar,@SUM(1+1)\nakinci"),
        1,
        ("platforms.csv:2: column 'note'", "spreadsheet formula"),
    ),
    Case(
        "script tag in a title",
        "sources.csv",
        sub("Annual totals", "<script>alert(1)</script>"),
        1,
        ("sources.csv:2: column 'title'", "plain text: no HTML or XML tags"),
    ),
    Case(
        "img onerror in a quote",
        "sources.csv",
        sub('"TİM: $6.734 bn in 2024."', '"<img src=x onerror=alert(1)>"'),
        1,
        ("sources.csv:4: column 'quote'", "no HTML or XML tags"),
    ),
    # size
    Case(
        "enormous field",
        "deals.csv",
        sub("assembly plant talks", HUGE),
        1,
        ("deals.csv:5: column 'note'", "(200,000 characters)", "at most 10,000 characters"),
    ),
    Case(
        "enormous quote",
        "sources.csv",
        sub('"TİM: $6.734 bn in 2024."', "y" * 20_000),
        1,
        ("sources.csv:4: column 'quote'", "(20,000 characters)"),
    ),
    # issue 13: digits that are not ASCII, dates before 1900, numbers past any range, invisible format characters
    # (each expected line is the report's whole line; a value is shown escaped where a character is not plain)
    Case(
        "fullwidth digit in a figure id",
        "export_figures.csv",
        sub("F004,", "F00\uff14,"),
        1,
        (
            "export_figures.csv:5: column 'figure_id', value 'F00\\uff14': digits are ASCII 0-9 only "
            "(U+FF14 FULLWIDTH DIGIT FOUR is not)",
        ),
    ),
    Case(
        "row pasted twice, its id in Arabic-Indic digits",
        "deals.csv",
        lambda d: d + d.split(b"\n")[3].replace(b"D0003", "D000\u0663".encode()) + b"\n",
        1,
        (
            "deals.csv:6: column 'deal_id', value 'D000\\u0663': digits are ASCII 0-9 only "
            "(U+0663 ARABIC-INDIC DIGIT THREE is not)",
        ),
    ),
    Case(
        "Arabic-Indic year in delivery_years",
        "deals.csv",
        sub("2022;2023;2024,2024-12-31,268", "2022;2023;\u0662\u0660\u0662\u0664,2024-12-31,268"),
        1,
        (
            "deals.csv:4: column 'delivery_years', value '2022;2023;\\u0662\\u0660\\u0662\\u0664': digits are "
            "ASCII 0-9 only (U+0662 ARABIC-INDIC DIGIT TWO is not)",
        ),
    ),
    Case(
        "fullwidth year",
        "firm_figures.csv",
        sub("baykar,2024,", "baykar,\uff12\uff10\uff12\uff14,"),
        1,
        (
            "firm_figures.csv:2: column 'year', value '\\uff12\\uff10\\uff12\\uff14': digits are ASCII 0-9 only "
            "(U+FF12 FULLWIDTH DIGIT TWO is not)",
        ),
    ),
    Case(
        "year 0000 in a date",
        "sources.csv",
        sub("2026-01-03,day", "0000-01-01,day"),
        1,
        ("sources.csv:2: column 'published', value '0000-01-01': a date written YYYY-MM-DD, from 1900-01-01 on",),
    ),
    Case(
        "year 1600 in a date",
        "events.csv",
        sub("2025-12-05,talks", "1600-12-05,talks"),
        1,
        ("events.csv:2: column 'date', value '1600-12-05': a date written YYYY-MM-DD, from 1900-01-01 on",),
    ),
    Case(
        "year 1e19",
        "firm_figures.csv",
        sub("baykar,2024,", "baykar,1e19,"),
        1,
        ("firm_figures.csv:2: column 'year', value '1e19': must be ≥ 1950 and ≤ 2100",),
    ),
    Case(
        "20-digit quantity",
        "deals.csv",
        sub("2021,false,24,", "2021,false,12345678901234567890,"),
        1,
        ("deals.csv:4: column 'quantity', value '12345678901234567890': must be ≥ 1 and ≤ 1000000",),
    ),
    Case(
        "Arabic letter mark in a name",
        "firms.csv",
        sub("baykar,Baykar,", "baykar,Bay\u061ckar,"),
        1,
        (
            "firms.csv:2: column 'name', value 'Bay\\u061ckar': plain text: no control, zero-width, bidi or "
            "other invisible format characters",
        ),
    ),
    Case(
        "left-to-right isolate in a title",
        "events.csv",
        sub("Pakistan drone", "\u2066Pakistan\u2069 drone"),
        1,
        (
            "events.csv:2: column 'title', value '\\u2066Pakistan\\u2069 drone assembly plant talks': plain text: "
            "no control, zero-width, bidi or other invisible format characters",
        ),
    ),
    Case(
        "invisible tag characters in a note",
        "deals.csv",
        sub("assembly plant talks", "assembly\U000e0041\U000e0042 plant talks"),
        1,
        (
            "deals.csv:5: column 'note', value 'assembly\\U000e0041\\U000e0042 plant talks': plain text: no "
            "control, zero-width, bidi or other invisible format characters",
        ),
    ),
    # issue 13, item 7: the provenance sidecar <file>.yml of every curated file
    Case(
        "sidecar missing",
        "deals.yml",
        const(None),
        2,
        (
            "deals.yml: file not found; every raw file has a provenance sidecar <file>.yml beside it (producer, "
            "title, urls, retrieved, licence)",
        ),
    ),
    Case(
        "sidecar not YAML",
        "events.yml",
        sub("title: events,", "title: [events,"),
        2,
        ("events.yml:3: not valid YAML (expected ',' or ']', but got ':')",),
    ),
    Case(
        "sidecar without a licence",
        "firms.yml",
        sub("licence: " + FIXTURE_LICENCE + "\n", ""),
        1,
        ("firms.yml:1: column 'licence', value '(missing)': a required key of a provenance sidecar",),
    ),
    Case(
        "sidecar with an empty licence",
        "publishers.yml",
        sub("licence: " + FIXTURE_LICENCE, "licence: ''"),
        1,
        ("publishers.yml:7: column 'licence', value '': plain text, not empty",),
    ),
    Case(
        "sidecar with a javascript: URL",
        "platforms.yml",
        sub("- https://example.org/b", "- javascript:alert(1)"),
        1,
        (
            "platforms.yml:5: column 'urls', value 'javascript:alert(1)': a list of http(s) URLs, or a text starting "
            "with 'see ' naming where the rows' URLs are",
        ),
    ),
    Case(
        "sidecar that is a list",
        "sources.yml",
        const(b"- producer\n- licence\n"),
        1,
        ("sources.yml:1: column '*', value 'list': a mapping of producer, title, urls, retrieved, licence",),
    ),
    Case(
        "sidecar retrieved in the future",
        "growth_quotes.yml",
        sub("retrieved: '2026-11-22'", "retrieved: 2031-01-01"),
        1,
        (
            "growth_quotes.yml:6: column 'retrieved', value '2031-01-01': a date written YYYY-MM-DD (or a text "
            "starting with one), from 1900-01-01 on and not in the future",
        ),
    ),
]

REGISTER = "sipri/trade-register_test.csv"
TIV = "sipri/tiv-exports_test.csv"
PLANNED = "New,test row: planned,10,60,"
SIPRI = [
    Case(
        "register: control character",
        REGISTER,
        sub("test row: planned", "plan\x07ned"),
        1,
        ("trade-register_test.csv:8: column 'Comments'", "plain text: no control"),
    ),
    Case(
        "register: script in Comments",
        REGISTER,
        sub("test row: planned", "<script>alert(1)</script>"),
        1,
        ("trade-register_test.csv:8: column 'Comments'", "no HTML or XML tags"),
    ),
    Case(
        "register: formula in Comments",
        REGISTER,
        sub("test row: planned", FORMULA),
        1,
        ("trade-register_test.csv:8: column 'Comments'", "spreadsheet formula"),
    ),
    Case(
        "register: enormous Comments",
        REGISTER,
        sub("test row: planned", HUGE),
        1,
        ("trade-register_test.csv:8: column 'Comments'", "at most 10,000 characters"),
    ),
    Case(
        "register: inf TIV",
        REGISTER,
        sub(PLANNED, "New,test row: planned,inf,60,"),
        1,
        ("trade-register_test.csv:8: column 'SIPRI TIV per unit'", "finite"),
    ),
    Case(
        "register: NaN TIV",
        REGISTER,
        sub(PLANNED, "New,test row: planned,NaN,60,"),
        1,
        ("trade-register_test.csv:8: column 'SIPRI TIV per unit', value 'NaN'",),
    ),
    Case(
        "register: negative TIV",
        REGISTER,
        sub(PLANNED, "New,test row: planned,-10,60,"),
        1,
        ("trade-register_test.csv:8: column 'SIPRI TIV per unit', value '-10'", "must be ≥ 0"),
    ),
    Case(
        "register: Turkish number",
        REGISTER,
        sub(PLANNED, 'New,test row: planned,"1.234,5",60,'),
        1,
        ("trade-register_test.csv:8: column 'SIPRI TIV per unit', value '1.234,5'",),
    ),
    Case(
        "register: unknown status",
        REGISTER,
        sub("New,test row: planned", "Gift,test row: planned"),
        1,
        ("trade-register_test.csv:8: column 'status', value 'Gift'", "New"),
    ),
    Case(
        "register: tag in a designation",
        REGISTER,
        sub("Akinci,armed UAV", "<b>Akinci</b>,armed UAV"),
        1,
        ("trade-register_test.csv:8: column 'Weapon designation', value '<b>Akinci</b>'", "no HTML or XML tags"),
    ),
    Case(
        "register: formula in a description",
        REGISTER,
        sub("Akinci,armed UAV", "Akinci,=cmd|' /C calc'!A0"),
        1,
        ("trade-register_test.csv:8: column 'Weapon description'", "spreadsheet formula"),
    ),
    Case(
        "register: unknown recipient",
        REGISTER,
        sub("Qatar,Turkiye", "Qatarland,Turkiye"),
        1,
        ("trade-register_test.csv:8: column 'Recipient', value 'Qatarland'", "a SIPRI name known"),
    ),
    Case(
        "register: future order year",
        REGISTER,
        sub("Qatar,Turkiye,(2025)", "Qatar,Turkiye,2031"),
        1,
        ("trade-register_test.csv:8: column 'Year of order', value '2031'", "a year not in the future"),
    ),
    Case(
        "register: month in a year",
        REGISTER,
        sub("Qatar,Turkiye,(2025)", "Qatar,Turkiye,2025-13"),
        1,
        ("trade-register_test.csv:8: column 'Year of order', value '2025-13'", "a year"),
    ),
    Case(
        "register: extra column",
        REGISTER,
        sub("SIPRI TIV of delivered weapons", "SIPRI TIV of delivered weapons,Extra"),
        2,
        ("trade-register_test.csv:5: not the trade register's header",),
    ),
    Case(
        "register: missing column",
        REGISTER,
        sub(",SIPRI TIV of delivered weapons", ""),
        2,
        ("trade-register_test.csv:5: not the trade register's header",),
    ),
    Case("register: UTF-16", REGISTER, recode("utf-16", "latin-1"), 2, ("trade-register_test.csv: UTF-16 text",)),
    Case(
        "register: BOM inside the header",
        REGISTER,
        sub(",Supplier,", b",\xef\xbb\xbfSupplier,"),
        2,
        ("trade-register_test.csv:5: a SIPRI table this importer does not read (header 'Recipient,ï»¿Supplier,",),
    ),
    Case(
        "register: future vintage",
        REGISTER,
        sub("1 Jan 2025", "1 Jan 2031"),
        1,
        ("trade-register_test.csv", "'Data generated'", "not in the future"),
    ),
    Case(
        "TIV: Turkish number",
        TIV,
        sub("Poland,,50,", 'Poland,,"1.234,5",'),
        1,
        ("tiv-exports_test.csv:9: column '2020', value '1.234,5'", "a TIV value"),
    ),
    Case(
        "TIV: negative",
        TIV,
        sub("Poland,,50,", "Poland,,-50,"),
        1,
        ("tiv-exports_test.csv:9: column '2020', value '-50'", "a TIV value"),
    ),
    Case(
        "TIV: NaN",
        TIV,
        sub("Poland,,50,", "Poland,,nan,"),
        1,
        ("tiv-exports_test.csv:9: column '2020', value 'nan'", "a TIV value"),
    ),
    Case("TIV: inf", TIV, sub("Poland,,50,", "Poland,,inf,"), 1, ("tiv-exports_test.csv:9:", "inf")),
    Case(
        "TIV: country twice",
        TIV,
        sub("Total world", "Poland,,50,60,70,80,260,3.7%,260,3.7%\nTotal world"),
        1,
        ("tiv-exports_test.csv:11: column 'Exports by', value 'Poland'", "one row per country"),
    ),
    Case(
        "TIV: unreadable vintage",
        TIV,
        sub("2 Jan 2025", "2 Foo 2025"),
        1,
        ("tiv-exports_test.csv:4: column 'Data generated'", "a date and time like"),
    ),
    Case("TIV: empty file", TIV, const(b""), 2, ("tiv-exports_test.csv: empty file",)),
    Case(
        "TIV: missing column",
        TIV,
        sub(",Percentage of total", ""),
        2,
        ("tiv-exports_test.csv:6: not a SIPRI TIV table's header",),
    ),
]
REAL = [  # SIPRI's own exports (read from ../shared, mutated in a temporary folder)
    Case(
        "real register: truncated mid-record",
        "real/trade-register_2025-03-13.csv",
        cut(0.6),
        2,
        ("trade-register_2025-03-13.csv:", "truncated file"),
    ),
    Case(
        "real register: a NUL byte",
        "real/trade-register_2025-03-13.csv",
        lambda d: d[:100_000] + b"\x00" + d[100_000:],
        2,
        ("trade-register_2025-03-13.csv: binary content",),
    ),
    Case(
        "real TIV: truncated",
        "real/tiv-exports_1950-2024_2024-10-13.csv",
        cut(0.5),
        2,
        ("tiv-exports_1950-2024_2024-10-13.csv", "truncated"),
    ),
    Case(
        "real TIV: Turkish number",
        "real/tiv-imports_1950-2024_2024-10-13.csv",
        sub("Turkiye,117,136,", 'Turkiye,117,"1.234,5",'),
        1,
        ("tiv-imports_1950-2024_2024-10-13.csv:16: column '1951', value '1.234,5'", "a TIV value"),
    ),
]
CASES = CURATED + SIPRI + REAL


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """One warehouse, published once from the tiny raw files; every case runs against it."""
    db = tmp_path_factory.mktemp("corpus") / "wh" / "w.duckdb"
    assert etl("run", "--raw-dir", str(FIXTURES / "raw"), "--db", str(db)) == 0
    return db


def inputs(case: Case, tmp_path: Path) -> tuple[Path, Path]:
    """A raw folder and a SIPRI folder holding the valid files, with the case's one file mutated."""
    raw, sipri = tmp_path / "raw", tmp_path / "sipri"
    shutil.copytree(FIXTURES / "raw", raw)
    sipri.mkdir()
    kind, _, name = case.file.rpartition("/")
    source = {"": raw / name, "sipri": SIPRI_FIXTURES / name, "real": SHARED_SIPRI / name}[kind]
    target = raw / name if not kind else sipri / name
    mutated = case.mutate(source.read_bytes())
    if mutated is None:  # the case is the file's absence
        target.unlink()
    else:
        target.write_bytes(mutated)
    return raw, sipri


@pytest.mark.parametrize("case", [pytest.param(c, id=c.name, marks=needs_sipri if c in REAL else ()) for c in CASES])
def test_bad_input_is_refused_named_and_changes_nothing(published, tmp_path, capsys, case, figures):
    before, target = digest(published), os.readlink(published)
    around = sorted(p.name for p in published.parent.iterdir() if p.name != "runs.jsonl")
    raw, sipri = inputs(case, tmp_path)
    capsys.readouterr()

    code = etl("run", "--raw-dir", str(raw), "--sipri-dir", str(sipri), "--db", str(published))

    err = capsys.readouterr().err
    assert code == case.code, err[-2000:]
    assert "Traceback" not in err
    assert any(all(fragment in line for fragment in case.expect) for line in err.splitlines()), err[-3000:]
    if code == 1:
        assert "the warehouse was not changed" in err
    assert digest(published) == before and os.readlink(published) == target
    assert sorted(p.name for p in published.parent.iterdir() if p.name != "runs.jsonl") == around
    cases = figures.setdefault("bad input", {"cases refused, named, warehouse unchanged": 0, "exit 1": 0, "exit 2": 0})
    cases["cases refused, named, warehouse unchanged"] += 1
    cases[f"exit {code}"] += 1


def test_corpus_is_large_enough():
    assert len(CASES) >= 30 and len({c.name for c in CASES}) == len(CASES)


def test_a_leading_utf8_bom_is_accepted_and_changes_no_value(tmp_path, raw):
    """The one mark that is accepted: Excel's "CSV UTF-8" writes it; the warehouse gets the same values."""
    plain, marked = tmp_path / "plain" / "w.duckdb", tmp_path / "marked" / "w.duckdb"
    assert etl("run", "--raw-dir", str(raw), "--db", str(plain)) == 0
    for path in raw.glob("*.csv"):
        path.write_bytes(codecs.BOM_UTF8 + path.read_bytes())
    assert etl("run", "--raw-dir", str(raw), "--db", str(marked)) == 0
    from tests.conftest import rows

    for table in ("deals", "sources", "events", "export_figures"):
        sql = f"SELECT * FROM {table} ORDER BY ALL"
        assert rows(plain, sql) == rows(marked, sql)
