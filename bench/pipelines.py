"""The three ways to load a SIPRI register that `make bench` compares, each run in a fresh process:

    python -m bench.pipelines project  FOLDER DB   the project's import (etl.load.run: curated data + the folder)
    python -m bench.pipelines floor    FILE   DB   DuckDB's bare read_csv of the register into a table
    python -m bench.pipelines pandas   FILE   DB   pandas.read_csv -> pandera (SipriRegister) -> DuckDB insert

Each prints one JSON line: seconds of work (imports excluded: they are measured apart), peak resident memory
of the process (MB), and rows loaded.
"""

import json
import resource
import sys
import time
from pathlib import Path


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def project(folder: Path, db: Path) -> dict:
    from etl import config, load
    from etl.errors import ValidationFailed

    started = time.perf_counter()
    try:
        result = load.run(config.RAW_DIR, db, folder)
    except ValidationFailed as exc:
        raise SystemExit(exc.report()) from None
    return {"seconds": time.perf_counter() - started, "rows": result["row_counts"]["sipri_register"]}


def _header(path: Path) -> tuple[int, str]:
    """Index of the register's header line and the file's encoding (what a user finds by opening the file)."""
    head = path.open("rb").read(1 << 16)
    lines = head.split(b"\n")
    index = next(i for i, line in enumerate(lines) if line.startswith(b"Recipient,Supplier,Year of order"))
    try:
        path.read_bytes().decode("utf-8")
        return index, "utf-8"
    except UnicodeDecodeError:
        return index, "latin-1"


def floor(path: Path, db: Path) -> dict:
    import duckdb

    index, encoding = _header(path)
    started = time.perf_counter()
    con = duckdb.connect(str(db))
    con.execute(
        f"CREATE TABLE register AS SELECT * FROM read_csv('{path}', skip = {index}, header = true, "
        f"encoding = '{encoding}', quote = '\"', null_padding = true, strict_mode = false)"
    )
    rows = con.execute("SELECT count(*) FROM register").fetchall()[0][0]
    con.execute("CHECKPOINT")
    con.close()
    return {"seconds": time.perf_counter() - started, "rows": rows}


def pandas_pipeline(path: Path, db: Path) -> dict:
    """What a user would write: read, type the columns the model needs, validate lazily, drop what failed,
    insert. It checks the same pandera model as the project (SipriRegister) but skips what the project does
    beyond it (broken records joined, deliveries, curated data, views)."""
    import duckdb
    import pandas as pd
    import pandera.pandas as pa

    from etl.schemas import SipriRegister
    from etl.sources.sipri_file import sipri_code

    index, encoding = _header(path)
    started = time.perf_counter()
    raw = pd.read_csv(path, skiprows=index, encoding=encoding, dtype=str, keep_default_na=False)
    raw.columns = [
        "recipient",
        "supplier",
        "order_year",
        "order_year_flag",
        "quantity",
        "quantity_flag",
        "designation",
        "description",
        "delivered",
        "delivered_flag",
        "delivery_years",
        "status",
        "comments",
        "tiv_per_unit",
        "tiv_total_order",
        "tiv_delivered",
    ]
    raw = raw.apply(lambda c: c.str.strip()).replace("", None)
    frame = pd.DataFrame(
        {"vintage": pd.Timestamp("2025-01-01 12:00:00"), "record_no": pd.Series(range(1, len(raw) + 1), dtype="Int64")}
    )
    for column in ("recipient", "supplier"):
        codes = {name: sipri_code(name)[0] for name in raw[column].dropna().unique()}
        frame[column], frame[f"{column}_iso3"] = raw[column], raw[column].map(codes)
    for column in ("order_year", "quantity", "delivered"):
        parts = raw[column].str.extract(r"^(\()?(\d+)(\?)?(\))?(\?)?$")
        frame[column] = pd.to_numeric(parts[1]).astype("Int64")
        frame[f"{column}_uncertain"] = (
            parts[0].notna() | parts[2].notna() | parts[4].notna() | (raw[f"{column}_flag"] == "?")
        ).astype(bool)
    for column in ("designation", "description", "delivery_years", "status", "comments"):
        frame[column] = raw[column]
    for column in ("tiv_per_unit", "tiv_total_order", "tiv_delivered"):
        frame[column] = pd.to_numeric(raw[column], errors="coerce")
    frame["source_file"] = path.name
    frame = frame[list(SipriRegister.to_schema().columns)]
    failures = 0
    try:
        SipriRegister.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        bad = exc.failure_cases["index"].dropna().unique()
        failures = len(exc.failure_cases)
        frame = frame.drop(index=bad)
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE register AS SELECT * FROM frame")
    con.execute("CHECKPOINT")
    con.close()
    return {"seconds": time.perf_counter() - started, "rows": len(frame), "failures": failures}


def main(argv: list[str]) -> int:
    kind, source, db = argv[0], Path(argv[1]), Path(argv[2])
    run = {"project": project, "floor": floor, "pandas": pandas_pipeline}[kind]
    result = run(source, db)
    print(json.dumps({**result, "peak_mb": round(peak_mb(), 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
