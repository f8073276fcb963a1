"""The benchmark harness (bench/) on tiny input: it runs, and its synthetic data is what it says. No timings are
asserted here: `make bench` measures them."""

import json
import subprocess
import sys

import pytest

from bench import loadgen, synth
from bench.report import Row, markdown_table, text_table
from tests.conftest import ROOT, etl, rows


def test_the_generator_is_seeded_same_seed_same_bytes(tmp_path):
    a = synth.write(500, seed=7, out=tmp_path / "a")
    b = synth.write(500, seed=7, out=tmp_path / "b")
    c = synth.write(500, seed=8, out=tmp_path / "c")
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_a_synthetic_file_says_it_is_synthetic_in_its_name_and_first_line(tmp_path):
    path = synth.write(1000, out=tmp_path)
    assert path.name == "synthetic-trade-register_1k_seed42_v1.csv"
    assert path.read_bytes().split(b"\n")[0].startswith(b"SYNTHETIC DATA, NOT SIPRI'S: 1000 invented records")


def test_a_1k_synthetic_register_imports_through_the_projects_importer(tmp_path):
    folder = tmp_path / "sipri"
    synth.write(1000, out=folder)
    db = tmp_path / "wh" / "w.duckdb"
    assert etl("run", "--sipri-dir", str(folder), "--db", str(db)) == 0
    assert rows(
        db, "SELECT count(*), min(record_no), max(record_no), count(DISTINCT source_file) FROM sipri_register"
    ) == [(1000, 1, 1000, 1)]
    assert rows(db, "SELECT count(*) > 0 FROM sipri_deliveries") == [(True,)]


def test_broken_records_are_written_and_joined_again(tmp_path):
    lines = list(synth.lines(20_000, seed=1))
    assert sum(line.count(",") == 12 for line in lines) >= 1  # a record broken over two lines: 13 fields + 4
    folder = tmp_path / "sipri"
    path = synth.write(20_000, seed=1, out=folder)
    db = tmp_path / "wh" / "w.duckdb"
    assert etl("run", "--sipri-dir", str(folder), "--db", str(db)) == 0
    assert rows(
        db,
        "SELECT count(*), count(*) FILTER (comments = 'synthetic row broken over two lines') > 0 FROM sipri_register",
    ) == [(20_000, True)]
    assert path.exists()


@pytest.mark.parametrize("kind", ["floor", "pandas", "project"])
def test_each_etl_pipeline_of_the_benchmark_runs_on_tiny_input(tmp_path, kind):
    folder = tmp_path / "sipri"
    path = synth.write(1000, out=folder)
    source = folder if kind == "project" else path
    out = subprocess.run(
        [sys.executable, "-m", "bench.pipelines", kind, str(source), str(tmp_path / "w.duckdb")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout)
    assert result["rows"] == 1000 and result["peak_mb"] > 0 and result["seconds"] > 0


def test_the_load_generator_refuses_anything_but_loopback():
    with pytest.raises(SystemExit, match="loopback only"):
        loadgen.run("http://example.org/", threads=1, seconds=0.1, limit=1)


def test_the_table_has_every_column_and_says_when_a_target_is_missed():
    table = [
        Row("query x", "p95 3 ms", "SELECT 1: 1 ms", "3.00×", "≤ 20 ms", True),
        Row("page /", "1.9 s", "embed 0.4 s", "4.75×", "≤ 1.5 s", False),
        Row("static file", "900 req/s", "—", "—", "—", None),
    ]
    text = text_table(table)
    assert text.splitlines()[0].split() == ["figure", "value", "baseline", "ratio", "target", "met?"]
    assert [line.split()[-1] for line in text.splitlines()[2:]] == ["yes", "NO", "—"]
    assert markdown_table(table).splitlines()[3] == "| page / | 1.9 s | embed 0.4 s | 4.75× | ≤ 1.5 s | NO |"
