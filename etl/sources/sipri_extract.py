"""The SIPRI extract shipped in data/raw/sipri-extract/, so that a fresh clone shows SIPRI's comparison (issue 15,
item 2): Türkiye's records of SIPRI's trade register, in SIPRI's own layout (read by the register's importer like
any export), and every exporter's TIV per 5-year window (`aggregates/exporter-windows_<vintage>.csv`, read by
SOURCE into sipri_window_totals), from which /compare ranks the exporters when the register loaded is the extract.

`python -m etl.sources.sipri_extract REGISTER` writes both from SIPRI's full register (a maintainer's step, once a
year); data/raw/sipri-extract/README.md gives the licence reasoning (SIPRI's terms: non-commercial, credit line,
fair use under 10% of a data set).
"""

import argparse
import tempfile
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from etl import config
from etl.errors import Failure
from etl.readcsv import LINE, display, read_bytes
from etl.sources import Extracted, Run, Source

FOLDER = config.RAW_DIR / "sipri-extract"
AGGREGATES = "aggregates"  # a subfolder: the SIPRI folder's scan reads only its own *.csv
FIRST_END = 2016  # the windows shipped: ending 2016 (2012-16) to the register's last year
COLUMNS = ["vintage", "period_start", "period_end", "supplier_iso3", "supplier", "tiv"]


class WindowTotal(pa.DataFrameModel):
    vintage: Series[pa.DateTime]
    period_start: Series[int] = pa.Field(ge=1950, le=2100)
    period_end: Series[int] = pa.Field(ge=1954, le=2100)
    supplier_iso3: Series[str] = pa.Field(str_matches=r"^[A-Z]{3}$")
    supplier: Series[str]
    tiv: Series[float] = pa.Field(ge=0)

    class Config:
        unique = ["vintage", "period_end", "supplier_iso3"]


def extract(run: Run) -> Extracted:
    """Every aggregates/exporter-windows_*.csv of the SIPRI folder, checked by WindowTotal (file, row, column, value,
    rule); none: an empty table."""
    from etl.sources.curated import checked, sha256

    out = Extracted(tables={"sipri_window_totals": pd.DataFrame(columns=[*COLUMNS, "source_file"])})
    folder = (run.sipri_dir / AGGREGATES) if run.sipri_dir else None
    if folder is None or not folder.is_dir():
        return out
    frames = []
    for path in sorted(folder.glob("exporter-windows_*.csv")):
        typed, name, failures = checked(path, WindowTotal)
        out.failures += failures + _codes(typed, name)
        out.checksums[name] = sha256(path)
        frames.append(typed.assign(source_file=name))
    if frames:
        out.tables["sipri_window_totals"] = pd.concat(frames, ignore_index=True)[[*COLUMNS, "source_file"]]
    return out


def _codes(typed: pd.DataFrame, name: str) -> list[Failure]:
    """Each supplier's name read as the register's importer reads it (which also makes a non-state party's derived
    code known to the run): its code must be the one shipped."""
    from etl.sources.sipri_file import sipri_code

    failures = []
    for row in typed.drop_duplicates("supplier").to_dict("records"):
        code, rule = sipri_code(row["supplier"])
        if code != row["supplier_iso3"]:
            rule = f"the code of {row['supplier']!r} as SIPRI's names are read: {code or rule}"
            failures.append(Failure(name, int(row[LINE]), "supplier_iso3", str(row["supplier_iso3"]), rule))
    return failures


SOURCE = Source(name="SIPRI extract: exporters' 5-year totals", tables=("sipri_window_totals",), extract=extract)


def make(register: Path, out: Path = FOLDER) -> tuple[Path, Path]:
    """From SIPRI's full register: its Türkiye records (the physical lines of each, preamble and header kept, the
    title line saying it is an extract) and every exporter's TIV per 5-year window (v_sipri_register_exporters of
    a warehouse built from it alone)."""
    import duckdb

    from etl import load
    from etl.sources import sipri_file

    export = sipri_file.read(register)
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work) / "sipri"
        folder.mkdir()
        (folder / register.name).symlink_to(register.resolve())
        db = Path(work) / "w.duckdb"
        load.run(config.RAW_DIR, db, folder)
        con = duckdb.connect(str(db), read_only=True)
        try:
            starts = [line for (line,) in con.execute("SELECT line FROM sipri_register ORDER BY line").fetchall()]
            turkish = {line for (line,) in con.execute("SELECT line FROM sipri_register WHERE supplier_iso3 = 'TUR'")
                       .fetchall()}  # fmt: skip
            vintage = con.execute("SELECT max(vintage) FROM sipri_register").fetchall()[0][0]
            windows = con.execute(  # each supplier as SIPRI writes it ('*' marks a non-state party)
                "SELECT e.period_start, e.period_end, e.supplier_iso3, n.supplier, e.tiv "
                "FROM v_sipri_register_exporters AS e JOIN (SELECT supplier_iso3, min(supplier) AS supplier "
                "FROM sipri_register GROUP BY ALL) AS n USING (supplier_iso3) "
                "WHERE e.period_end >= ? ORDER BY e.period_end, e.rank, e.supplier_iso3",
                [FIRST_END],
            ).df()
        finally:
            con.close()
    lines = read_bytes(register).split(b"\n")
    title = lines[0].rstrip(b"\r")
    count = len(turkiye := [s for s in starts if s in turkish])
    head = [
        b"Extract of SIPRI's trade register for defex: the " + str(count).encode() + b" records with Turkiye as "
        b"supplier, of " + str(len(starts)).encode() + b" (fair use; the full register: make fetch). " + title,
        *lines[1 : export.header + 1],
    ]
    ends = dict(zip(starts, [*starts[1:], len(lines) + 1], strict=True))
    body = [lines[n - 1] for start in turkiye for n in range(start, ends[start])]
    out.mkdir(parents=True, exist_ok=True)
    stamp = f"{vintage:%Y-%m-%d}"
    records = out / f"trade-register_turkiye_{stamp}.csv"
    records.write_bytes(b"\n".join(head + body).rstrip(b"\n") + b"\n")
    (out / AGGREGATES).mkdir(exist_ok=True)
    totals = out / AGGREGATES / f"exporter-windows_{stamp}.csv"
    windows.insert(0, "vintage", f"{vintage:%Y-%m-%d}")  # the day of the register's "Data generated"
    windows["tiv"] = windows["tiv"].round(2)
    windows.to_csv(totals, index=False, lineterminator="\n")
    return records, totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl.sources.sipri_extract", description=__doc__.split("\n\n")[0])
    parser.add_argument("register", type=Path, help="SIPRI's full trade register (CSV export)")
    parser.add_argument("--out", type=Path, default=FOLDER)
    args = parser.parse_args(argv)
    for old in [*args.out.glob("trade-register_turkiye_*.csv"), *args.out.glob(f"{AGGREGATES}/*.csv")]:
        old.unlink()
    for path in make(args.register, args.out):
        print(display(path))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
