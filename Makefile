# One front door. `make` lists the targets; every target sets up .venv (with the project installed) first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
DB ?= $(or $(DEFEX_DB),data/warehouse/defence_exports.duckdb)
# SIPRI's exports are (c) SIPRI and not in this repository: `make fetch` puts them in data/raw/sipri (or set
# DEFEX_SIPRI_DIR); a development checkout with ../shared beside it reads SIPRI's files from there; otherwise the
# extract shipped in data/raw/sipri-extract (Türkiye's records, every exporter's 5-year totals) is loaded.
SIPRI_DIR ?= $(or $(DEFEX_SIPRI_DIR),$(if $(wildcard data/raw/sipri/*.csv),data/raw/sipri,$(if $(wildcard ../shared/data/sipri/*.csv),../shared/data/sipri,data/raw/sipri-extract)))
ETL_ARGS := $(if $(SIPRI_DIR),--sipri-dir $(SIPRI_DIR))

.DEFAULT_GOAL := help
.PHONY: help install etl fetch due check status run test test-fast test-reliability lint report screenshots bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# Bytecode is compiled once, at install: every later start imports pandas, pandera, DuckDB and the project from .pyc
# (the ETL's imports 2.1 -> 0.6 s where Python may not write its cache, as in containers with PYTHONDONTWRITEBYTECODE=1;
# a source file edited later is compiled again in memory, as Python always does for a stale cache).
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade uv
	$(VENV)/bin/uv pip install -q --python $(PY) --compile-bytecode -e '.[dev]'
	$(PY) -m compileall -q etl dashboard >/dev/null
	touch $(STAMP)

install: $(STAMP) ## create .venv and install the project with its dev tools

etl: $(STAMP) ## rebuild the warehouse from data/raw and SIPRI's exports (python -m etl run)
	$(PY) -m etl run $(ETL_ARGS)

fetch: $(STAMP) ## download SIPRI's trade register and TIV table of exports into data/raw/sipri, with manifests
	$(PY) -m etl fetch sipri

check: $(STAMP) ## validate data/raw without writing anything
	$(PY) -m etl check $(ETL_ARGS)

due: $(STAMP) ## each source's latest period and when its next release is due (python -m etl due)
	$(PY) -m etl due

status: $(STAMP) ## runs, row counts and data as of
	$(PY) -m etl status

$(DB): | $(STAMP)
	$(PY) -m etl run $(ETL_ARGS)

run: $(STAMP) | $(DB) ## set up, build the warehouse if missing, serve http://127.0.0.1:8050
	$(PY) -m dashboard

test: $(STAMP) ## every test, browser tests and test-reliability included (needs Debian's chromium)
	@# the unit and browser tests spread over the cores, a file per worker; then tests/reliability alone, as it
	@# measures the server under load and kills runs; both passes run, and any failure fails the target
	@status=0; \
	$(PY) -m pytest -n auto --maxprocesses 4 --dist loadfile --durations=15 --ignore=tests/reliability || status=1; \
	$(PY) -m pytest --durations=15 tests/reliability || status=1; \
	exit $$status

test-fast: $(STAMP) ## the quick tests: no browser, no slow reliability runs (on every core)
	$(PY) -m pytest -n auto --maxprocesses 4 --dist loadfile -m "not browser and not slow" --ignore=tests/reliability
	$(PY) -m pytest -m "not browser and not slow" tests/reliability

test-reliability: $(STAMP) ## bad input, kill -9 mid-run, load during refresh, hostile parameters (~5 min)
	$(PY) -m pytest tests/reliability

report: $(STAMP) | $(DB) ## every chart to reports/: HTML, PNG, SVG, CSV, index.html and report.pdf
	$(PY) -m dashboard.export --out reports

screenshots: $(STAMP) | $(DB) ## the README's screenshots from the real app, to docs/screenshots/ (needs chromium)
	$(PY) -m docs.screenshots

bench: $(STAMP) ## benchmarks beside their baselines: a table, bench/results.json, docs/bench.md (BENCH=full: 5M rows)
	$(VENV)/bin/uv pip install -q --python $(PY) --compile-bytecode -e '.[dev,bench]'
	$(PY) -m compileall -q -j 0 $$($(PY) -c 'import sysconfig; print(sysconfig.get_path("purelib"))') etl dashboard >/dev/null
	$(PY) -m bench $(if $(filter full,$(BENCH)),--full)

lint: $(STAMP) ## ruff (rules, format) and mypy (etl/, dashboard/); CI runs it before the tests
	$(VENV)/bin/ruff check etl dashboard tests bench docs
	$(VENV)/bin/ruff format --check etl dashboard tests bench docs
	$(VENV)/bin/python -m mypy etl dashboard

clean: ## remove the built warehouse and reports (keeps .venv)
	rm -rf data/warehouse reports
