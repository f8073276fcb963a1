"""dashboard/config.py: the environment read in one place; empty values mean the defaults (issue 13, item 11),
bad values are a clear message with exit 2 (python -m dashboard), never a traceback."""

import subprocess
import sys

import pytest

from dashboard import config
from tests.conftest import ROOT

NAMES = ("DEFEX_HOST", "DEFEX_PORT", "DEFEX_WORKERS", "DEFEX_DB", "DEFEX_CACHE", "DEFEX_PUBLIC_URL")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)


def test_unset_values_are_the_defaults():
    assert (
        config.host(),
        config.port(),
        config.workers(),
        config.db_path(),
        config.cache_enabled(),
        config.public_url(),
    ) == ("127.0.0.1", 8050, 2, config.DEFAULT_DB, True, "")


@pytest.mark.parametrize("value", ["", "   "])
def test_empty_values_are_the_defaults(monkeypatch, value):
    for name in NAMES:
        monkeypatch.setenv(name, value)
    assert (
        config.host(),
        config.port(),
        config.workers(),
        config.db_path(),
        config.cache_enabled(),
        config.public_url(),
    ) == ("127.0.0.1", 8050, 2, config.DEFAULT_DB, True, "")


def test_set_values_are_used(monkeypatch, tmp_path):
    for name, value in (
        ("DEFEX_HOST", "0.0.0.0"),
        ("DEFEX_PORT", "8123"),
        ("DEFEX_WORKERS", "4"),
        ("DEFEX_DB", str(tmp_path / "w.duckdb")),
        ("DEFEX_CACHE", "0"),
        ("DEFEX_PUBLIC_URL", "https://defex.example.org/"),
    ):
        monkeypatch.setenv(name, value)
    assert (
        config.host(),
        config.port(),
        config.workers(),
        config.db_path(),
        config.cache_enabled(),
        config.public_url(),
    ) == ("0.0.0.0", 8123, 4, tmp_path / "w.duckdb", False, "https://defex.example.org")


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEFEX_PORT", "80a", "DEFEX_PORT must be a port number from 1 to 65535; got '80a'"),
        ("DEFEX_PORT", "70000", "DEFEX_PORT must be a port number from 1 to 65535; got '70000'"),
        ("DEFEX_PORT", "８０５０", "DEFEX_PORT must be a port number from 1 to 65535; got '８０５０'"),
        ("DEFEX_WORKERS", "two", "DEFEX_WORKERS must be a number of workers from 1 to 64; got 'two'"),
        (
            "DEFEX_PUBLIC_URL",
            "defex.example.org",
            "DEFEX_PUBLIC_URL must be an http(s) origin such as "
            "https://defex.example.org, without query or fragment; "
            "got 'defex.example.org'",
        ),
        (
            "DEFEX_PUBLIC_URL",
            "https://x.org/?a=1",
            "DEFEX_PUBLIC_URL must be an http(s) origin such as "
            "https://defex.example.org, without query or fragment; "
            "got 'https://x.org/?a=1'",
        ),
    ],
)
def test_a_bad_value_is_a_config_error_naming_it(monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(config.ConfigError) as raised:
        config.check()
    assert str(raised.value) == message


def test_python_m_dashboard_with_a_bad_port_exits_2_with_the_message():
    done = subprocess.run(
        [sys.executable, "-m", "dashboard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "DEFEX_PORT": "80a"},
    )
    assert (done.returncode, done.stderr) == (2, "error: DEFEX_PORT must be a port number from 1 to 65535; got '80a'\n")
    assert done.stdout == ""
